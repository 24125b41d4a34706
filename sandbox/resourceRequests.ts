/**
 * Maps an HTTP request on a resource path to a verb: get, list, watch, create, update, patch,
 * delete and deletecollection, on the object or its status and scale subresources, and
 * answers in JSON or, for kubectl, as a server-side printed Table.
 */
import { type IncomingMessage, type ServerResponse } from "node:http";
import { requireJsonAcceptable } from "./acceptNegotiation";
import { ApiError, badRequest, methodNotAllowed, successStatus } from "./apiStatus";
import { type ApiVerbs, type DeleteOptions, type PatchContentType, type WriteOptions, type WriteTarget, patchContentTypes } from "./apiVerbs";
import { parseJson, readBody, sendJson } from "./httpExchange";
import { DeleteOptionsBody, type KubeObject } from "./kubeObject";
import { listItem, listObjects, parseFilter, parseListQuery } from "./listing";
import { type PodLogs } from "./podLogs";
import { servePodLog } from "./podLogRequest";
import { type ResourceType, apiVersionOf } from "./resourceTypes";
import { type IncludeObject, toTable, wantsTable } from "./tablePrinter";
import { type WatchHub } from "./watchHub";

export interface ResourceRequest {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: "status" | "scale" | "log";
  params: URLSearchParams;
}

export interface ResourceContext {
  verbs: ApiVerbs;
  watches: WatchHub;
  logs: PodLogs;
}

function dryRun(params: URLSearchParams): boolean {
  const values = params.getAll("dryRun");
  for (const v of values) if (v !== "All") throw badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  return values.length > 0;
}

function writeOptions(params: URLSearchParams): WriteOptions {
  const fieldManager = params.get("fieldManager") ?? undefined;
  return { dryRun: dryRun(params), ...(fieldManager ? { fieldManager } : {}) };
}

function includeObject(params: URLSearchParams): IncludeObject {
  const value = params.get("includeObject");
  return value === "None" || value === "Object" ? value : "Metadata";
}

function target(sub: ResourceRequest["subresource"]): WriteTarget {
  return sub === "status" || sub === "scale" ? sub : "main";
}

function withType(type: ResourceType, object: KubeObject): KubeObject {
  if (object.kind === "Scale") return object;
  return { ...object, apiVersion: apiVersionOf(type), kind: type.kind };
}

export async function serveResource(request: IncomingMessage, response: ServerResponse, req: ResourceRequest, context: ResourceContext): Promise<void> {
  const { verbs } = context;
  const { type, namespace, name, subresource, params } = req;
  const accept = request.headers.accept;
  const method = request.method ?? "GET";

  // The answer is JSON (or a Table in JSON); the log subresource answers text/plain whatever is asked.
  if (subresource !== "log") requireJsonAcceptable(accept);

  // client-go's typed clients (kubectl create deployment, create namespace...) send protobuf,
  // which the sandbox does not decode; kubectl apply, run, patch, scale and delete send JSON.
  if (request.headers["content-type"]?.startsWith("application/vnd.kubernetes.protobuf")) {
    throw new ApiError(415, "UnsupportedMediaType", "the sandbox API server accepts JSON request bodies only, not application/vnd.kubernetes.protobuf");
  }

  if (subresource === "log") {
    if (method !== "GET" || name === undefined) throw methodNotAllowed();
    servePodLog(request, response, { verbs, logs: context.logs, namespace: namespace ?? "", name, params });
    return;
  }

  if (method === "GET" && name === undefined) {
    if (params.get("watch") === "true" || params.get("watch") === "1") {
      const rv = params.get("resourceVersion") ?? undefined;
      const timeout = params.get("timeoutSeconds");
      const include = includeObject(params);
      const table = wantsTable(accept);
      context.watches.serve(
        {
          type,
          ...(namespace !== undefined ? { namespace } : {}),
          filter: parseFilter(type, params),
          ...(rv !== undefined ? { resourceVersion: rv } : {}),
          allowBookmarks: params.get("allowWatchBookmarks") === "true",
          sendInitialEvents: params.get("sendInitialEvents") === "true",
          ...(timeout !== null && Number(timeout) > 0 ? { timeoutSeconds: Number(timeout) } : {}),
          encode: (o) => (table ? toTable(type, [o], { resourceVersion: o.metadata.resourceVersion ?? "" }, include) : o),
        },
        response,
      );
      return;
    }
    const list = listObjects(verbs.store, type, namespace, parseListQuery(type, params));
    if (wantsTable(accept)) {
      sendJson(response, 200, toTable(type, list.items, list.metadata, includeObject(params)));
    } else {
      sendJson(response, 200, list);
    }
    return;
  }

  if (method === "GET" && name !== undefined) {
    const object = subresource === "scale" ? verbs.getScale(type, namespace, name) : withType(type, verbs.get(type, namespace, name));
    if (wantsTable(accept) && subresource === undefined) {
      sendJson(response, 200, toTable(type, [object], { resourceVersion: object.metadata.resourceVersion ?? "" }, includeObject(params)));
    } else {
      sendJson(response, 200, object);
    }
    return;
  }

  if (method === "POST" && name === undefined) {
    const created = verbs.create(type, namespace, parseJson(await readBody(request)), writeOptions(params));
    sendJson(response, 201, withType(type, created));
    return;
  }

  if (method === "PUT" && name !== undefined) {
    const updated = verbs.update(type, namespace, name, parseJson(await readBody(request)), writeOptions(params), target(subresource));
    sendJson(response, 200, withType(type, updated));
    return;
  }

  if (method === "PATCH" && name !== undefined) {
    const contentType = (request.headers["content-type"] ?? "").split(";")[0]?.trim() ?? "";
    if (!(patchContentTypes as readonly string[]).includes(contentType)) {
      throw new ApiError(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: ${patchContentTypes.join(", ")}`);
    }
    const existed = verbs.store.get(type, namespace, name) !== undefined;
    const patched = verbs.patch(type, namespace, name, contentType as PatchContentType, await readBody(request), writeOptions(params), target(subresource));
    sendJson(response, existed ? 200 : 201, withType(type, patched));
    return;
  }

  if (method === "DELETE") {
    const text = await readBody(request);
    const parsed = DeleteOptionsBody.safeParse(text.trim() ? parseJson(text) : {});
    if (!parsed.success) throw badRequest(`invalid DeleteOptions: ${parsed.error.issues[0]?.message ?? ""}`);
    const policy = params.get("propagationPolicy");
    const { propagationPolicy, orphanDependents, preconditions } = parsed.data;
    const options: DeleteOptions = {
      dryRun: dryRun(params) || (parsed.data.dryRun ?? []).includes("All"),
      ...(propagationPolicy ? { propagationPolicy } : {}),
      ...(orphanDependents !== undefined ? { orphanDependents } : {}),
      ...(preconditions ? { preconditions } : {}),
    };
    if (policy === "Orphan" || policy === "Background" || policy === "Foreground") options.propagationPolicy = policy;
    if (name === undefined) {
      const doomed = listObjects(verbs.store, type, namespace, { filter: parseFilter(type, params) }).items;
      const items = doomed.map((o) => listItem(type, verbs.delete(type, o.metadata.namespace, o.metadata.name ?? "", options)));
      sendJson(response, 200, { kind: `${type.kind}List`, apiVersion: apiVersionOf(type), metadata: { resourceVersion: String(verbs.store.resourceVersion) }, items });
      return;
    }
    const deleted = verbs.delete(type, namespace, name, options);
    // Kinds with graceful deletion answer with the object; the others with a Success Status.
    if (type.plural === "pods" || type.plural === "namespaces") sendJson(response, 200, withType(type, deleted));
    else sendJson(response, 200, successStatus({ name, ...(type.group ? { group: type.group } : {}), kind: type.plural, ...(deleted.metadata.uid ? { uid: deleted.metadata.uid } : {}) }));
    return;
  }

  throw methodNotAllowed();
}
