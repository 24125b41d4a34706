/**
 * Parses API paths: /api/v1/..., /apis/GROUP/VERSION/..., namespaced or cluster-scoped,
 * with an optional object name and subresource.
 */
import { type ResourceType, type Subresource, findResource } from "./resourceTypes";

export type ApiPath =
  | { kind: "discovery"; group?: string; version?: string }
  | { kind: "resource"; type: ResourceType; namespace?: string; name?: string; subresource?: Subresource }
  | { kind: "unknown" };

function resourcePart(group: string, version: string, segments: string[]): ApiPath {
  let namespace: string | undefined;
  let rest = segments;
  const [first, nsName, plural] = segments;
  if (first === "namespaces" && nsName !== undefined && plural !== undefined) {
    const namespacedType = findResource(group, version, plural);
    if (namespacedType?.namespaced) {
      namespace = nsName;
      rest = segments.slice(2);
    }
  }
  const [resource, name, subresource, ...extra] = rest;
  if (resource === undefined || extra.length > 0) return { kind: "unknown" };
  const type = findResource(group, version, resource);
  if (!type) return { kind: "unknown" };
  if (namespace === undefined && type.namespaced && name !== undefined) return { kind: "unknown" };
  if (subresource !== undefined && !type.subresources.includes(subresource as Subresource)) return { kind: "unknown" };
  return {
    kind: "resource",
    type,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource: subresource as Subresource } : {}),
  };
}

export function parseApiPath(pathname: string): ApiPath {
  const segments = pathname.split("/").filter((s) => s !== "").map((s) => decodeURIComponent(s));
  const [root, a, b, ...rest] = segments;
  if (root === "api") {
    if (a === undefined) return { kind: "discovery", group: "" };
    if (a !== "v1") return { kind: "unknown" };
    if (b === undefined) return { kind: "discovery", group: "", version: "v1" };
    return resourcePart("", "v1", [b, ...rest]);
  }
  if (root === "apis") {
    if (a === undefined) return { kind: "discovery" };
    if (b === undefined) return { kind: "discovery", group: a };
    if (rest.length === 0) return { kind: "discovery", group: a, version: b };
    return resourcePart(a, b, rest);
  }
  return { kind: "unknown" };
}
