/**
 * List requests: label and field selectors, limit/continue paging with an opaque continue
 * token, and the list envelope (kind FooList, metadata.resourceVersion).
 */
import { badRequest, resourceExpired } from "./apiStatus";
import { type KubeObject, objectKey } from "./kubeObject";
import { type ObjectStore } from "./objectStore";
import { type ResourceType, apiVersionOf, isCustomResource } from "./resourceTypes";
import {
  type FieldRequirement,
  type LabelRequirement,
  SelectorError,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from "./selectors";

export interface ObjectFilter {
  labels: LabelRequirement[];
  fields: FieldRequirement[];
}

export interface ListQuery {
  filter: ObjectFilter;
  limit?: number;
  continueToken?: string;
}

export interface ListResult {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: KubeObject[];
}

interface ContinueToken {
  rv: number;
  start: string;
}

/** Parses labelSelector and fieldSelector; a field the resource does not index is a 400, as on a real server. */
export function parseFilter(type: ResourceType, params: URLSearchParams): ObjectFilter {
  try {
    const labels = parseLabelSelector(params.get("labelSelector") ?? undefined);
    const fields = parseFieldSelector(params.get("fieldSelector") ?? undefined);
    const allowed = new Set(["metadata.name", "metadata.namespace", ...type.selectableFields]);
    for (const f of fields) {
      if (!allowed.has(f.field)) throw badRequest(`field label not supported: ${f.field}`);
    }
    return { labels, fields };
  } catch (e) {
    if (e instanceof SelectorError) throw badRequest(`unable to parse requirement: ${e.message}`);
    throw e;
  }
}

export function matchesFilter(filter: ObjectFilter, object: KubeObject): boolean {
  return matchesLabels(filter.labels, object.metadata.labels) && matchesFields(filter.fields, object);
}

export function parseListQuery(type: ResourceType, params: URLSearchParams): ListQuery {
  const limitText = params.get("limit");
  let limit: number | undefined;
  if (limitText !== null && limitText !== "") {
    limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 0) throw badRequest(`invalid limit: ${limitText}`);
    if (limit === 0) limit = undefined;
  }
  const continueToken = params.get("continue") || undefined;
  return { filter: parseFilter(type, params), ...(limit !== undefined ? { limit } : {}), ...(continueToken ? { continueToken } : {}) };
}

function encodeToken(token: ContinueToken): string {
  return Buffer.from(JSON.stringify(token)).toString("base64url");
}

function decodeToken(text: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as Partial<ContinueToken>;
    if (typeof parsed.rv === "number" && typeof parsed.start === "string") return { rv: parsed.rv, start: parsed.start };
  } catch {
    // fall through to the error a real server gives
  }
  throw badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
}

/** Lists of built-in kinds carry no kind/apiVersion on their items (the real server omits them); custom resources do. */
export function listItem(type: ResourceType, object: KubeObject): KubeObject {
  if (isCustomResource(type)) return object;
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = object;
  return rest;
}

/**
 * A page of the list. Later pages read the current state after the last key of the earlier
 * one, rather than etcd's snapshot; a token older than the compacted history is 410 Expired.
 */
export function listObjects(store: ObjectStore, type: ResourceType, namespace: string | undefined, query: ListQuery): ListResult {
  let listRv = store.resourceVersion;
  let startAfter: string | undefined;
  if (query.continueToken) {
    const token = decodeToken(query.continueToken);
    if (token.rv < store.compactedRevision) {
      throw resourceExpired(
        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.",
      );
    }
    listRv = token.rv;
    startAfter = token.start;
  }
  const matching = store.list(type, namespace).filter((o) => {
    if (startAfter !== undefined && objectKey(o.metadata.namespace, o.metadata.name ?? "") <= startAfter) return false;
    return matchesFilter(query.filter, o);
  });
  const page = query.limit !== undefined ? matching.slice(0, query.limit) : matching;
  const metadata: ListResult["metadata"] = { resourceVersion: String(listRv) };
  const last = page[page.length - 1];
  if (page.length < matching.length && last) {
    metadata.continue = encodeToken({ rv: listRv, start: objectKey(last.metadata.namespace, last.metadata.name ?? "") });
    if (query.filter.labels.length === 0 && query.filter.fields.length === 0) metadata.remainingItemCount = matching.length - page.length;
  }
  return { kind: `${type.kind}List`, apiVersion: apiVersionOf(type), metadata, items: page.map((o) => listItem(type, o)) };
}
