/**
 * A minimal OpenAPI v3: just enough for kubectl to learn that every resource's PATCH takes
 * fieldValidation, so it validates on the server and does not need full schemas
 * (without it, `kubectl apply` fails with "failed to download openapi"). No request body
 * content types are listed, so kubectl computes strategic merge patches from its built-in types.
 */
import { createHash } from "node:crypto";
import { type ResourceType, resourceTypes } from "./resourceTypes";

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

const queryParameters = ["pretty", "dryRun", "fieldManager", "fieldValidation", "force"].map((name) => ({
  name,
  in: "query",
  schema: { type: name === "force" ? "boolean" : "string", uniqueItems: true },
}));

function itemPath(type: ResourceType): string {
  const prefix = `/${gvPath(type.group, type.version)}`;
  return type.namespaced ? `${prefix}/namespaces/{namespace}/${type.plural}/{name}` : `${prefix}/${type.plural}/{name}`;
}

function operation(type: ResourceType, action: string): object {
  return {
    operationId: `${action}${type.kind}`,
    // kubectl reads the PATCH operation's own parameters, not the path's.
    parameters: queryParameters,
    responses: { "200": { description: "OK" } },
    "x-kubernetes-action": action,
    "x-kubernetes-group-version-kind": { group: type.group, version: type.version, kind: type.kind },
  };
}

export function openApiGroupVersion(group: string, version: string): object | undefined {
  const types = resourceTypes.filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  const paths: Record<string, object> = {};
  for (const t of types) {
    const parameters = [
      { name: "name", in: "path", required: true, schema: { type: "string" } },
      ...(t.namespaced ? [{ name: "namespace", in: "path", required: true, schema: { type: "string" } }] : []),
    ];
    paths[itemPath(t)] = { get: operation(t, "get"), put: operation(t, "put"), patch: operation(t, "patch"), delete: operation(t, "delete"), parameters };
  }
  return { openapi: "3.0.0", info: { title: "Kubernetes", version: "v1.32.4" }, paths, components: { schemas: {} } };
}

/** The /openapi/v3 index: one entry per group version, with a hash that changes when the document does. */
export function openApiRoot(): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  const seen = new Set<string>();
  for (const t of resourceTypes) {
    const key = gvPath(t.group, t.version);
    if (seen.has(key)) continue;
    seen.add(key);
    const hash = createHash("sha512").update(JSON.stringify(openApiGroupVersion(t.group, t.version))).digest("hex").slice(0, 32).toUpperCase();
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
  }
  return { paths };
}

/** The document for a path under /openapi/v3/, or undefined. */
export function openApiDocument(pathname: string): object | undefined {
  if (pathname === "/openapi/v3" || pathname === "/openapi/v3/") return openApiRoot();
  const match = /^\/openapi\/v3\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(pathname);
  if (!match) return undefined;
  return match[1] ? openApiGroupVersion("", match[1]) : openApiGroupVersion(match[2] ?? "", match[3] ?? "");
}
