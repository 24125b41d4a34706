/**
 * Legacy (unaggregated) discovery: /version, /api, /apis and the per-group-version resource
 * lists that kubectl and client-node read to map kinds and short names to paths.
 */
import { createHash } from "node:crypto";
import { type ResourceType, apiVersionOf, resourceTypes, subresourceVerbs, verbsOf } from "./resourceTypes";

export const serverVersion = {
  major: "1",
  minor: "32",
  gitVersion: "v1.32.4-sandbox",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2025-04-22T00:00:00Z",
  goVersion: "go1.23.8",
  compiler: "gc",
  platform: "linux/amd64",
};

function groups(): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const t of resourceTypes) {
    if (!t.group) continue;
    const versions = result.get(t.group) ?? [];
    if (!versions.includes(t.version)) versions.push(t.version);
    result.set(t.group, versions);
  }
  return result;
}

function apiGroup(name: string, versions: string[]): object {
  const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: list, preferredVersion: list[0] };
}

export function apiVersions(serverAddress: string): object {
  return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }] };
}

export function apiGroupList(): object {
  return { kind: "APIGroupList", apiVersion: "v1", groups: [...groups()].map(([name, versions]) => apiGroup(name, versions)) };
}

export function apiGroupOf(group: string): object | undefined {
  const versions = groups().get(group);
  return versions ? { kind: "APIGroup", apiVersion: "v1", ...apiGroup(group, versions) } : undefined;
}

function storageVersionHash(t: ResourceType): string {
  return createHash("sha256").update(`${apiVersionOf(t)}/${t.kind}`).digest("base64").slice(0, 11);
}

function resourceEntries(t: ResourceType): object[] {
  const main = {
    name: t.plural,
    singularName: t.singular,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: verbsOf(t),
    ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
    ...(t.categories.length ? { categories: t.categories } : {}),
    storageVersionHash: storageVersionHash(t),
  };
  const subs = t.subresources.map((sub) => ({
    name: `${t.plural}/${sub}`,
    singularName: "",
    namespaced: t.namespaced,
    ...(sub === "scale" ? { group: "autoscaling", version: "v1", kind: "Scale" } : { kind: t.kind }),
    verbs: subresourceVerbs(sub),
  }));
  return [main, ...subs];
}

/** The APIResourceList of one group version, or undefined if the sandbox does not serve it. */
export function apiResourceList(group: string, version: string): object | undefined {
  const types = resourceTypes.filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  const groupVersion = group ? `${group}/${version}` : version;
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion, resources: types.flatMap(resourceEntries) };
}
