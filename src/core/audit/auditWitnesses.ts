import type { KubeConfig } from "@kubernetes/client-node";
import { KubeApiError, requestJson } from "../kube/client/kubeRequest";
import { collectionPath, type ResourceType, ResourceTypes } from "../kube/client/resourceTypes";
import { reportingComponent } from "../kube/rollout/changeRecord";
import { readAnchor } from "./auditAnchor";
import type { Witness, WitnessKind } from "./auditCrossCheck";

/**
 * Every audit anchor the cluster holds: on Deployments, InferenceServices and Nodes (the objects
 * our changes annotate) and on our own Events (reportingComponent ai-platform-ops). What cannot be
 * listed (403, KServe not installed) is reported and the rest is still read.
 */

export type WitnessListProblem =
  | { readonly kind: "forbidden"; readonly resource: string; readonly namespace: string | undefined; readonly message: string }
  | { readonly kind: "not-installed"; readonly resource: string }
  | { readonly kind: "unreachable"; readonly resource: string; readonly namespace: string | undefined; readonly message: string };

export interface MalformedAnchor {
  readonly kind: WitnessKind;
  readonly namespace?: string;
  readonly name: string;
  readonly value: string;
}

export interface ClusterWitnesses {
  readonly witnesses: readonly Witness[];
  readonly malformed: readonly MalformedAnchor[];
  readonly unreadable: readonly WitnessListProblem[];
  /** What was listed, for saying what an intact result covers. */
  readonly listed: readonly { readonly resource: string; readonly namespace: string | undefined; readonly objects: number }[];
}

interface Listed {
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly annotations?: Record<string, string> };
  readonly involvedObject?: { readonly kind?: string; readonly namespace?: string; readonly name?: string };
}

const pageSize = 500;

/** namespaces: only these (Nodes, being cluster-scoped, are always read); absent: all namespaces. */
export async function readAuditWitnesses(kc: KubeConfig, opts: { readonly namespaces?: readonly string[] | undefined; readonly signal?: AbortSignal }): Promise<ClusterWitnesses> {
  const scopes: readonly (string | undefined)[] = opts.namespaces && opts.namespaces.length > 0 ? opts.namespaces : [undefined];
  const sources: { kind: WitnessKind; type: ResourceType; namespace: string | undefined; query: string }[] = [
    ...scopes.map((namespace) => ({ kind: "Deployment" as const, type: ResourceTypes.deployments, namespace, query: "" })),
    ...scopes.map((namespace) => ({ kind: "InferenceService" as const, type: ResourceTypes.inferenceServices, namespace, query: "" })),
    { kind: "Node", type: ResourceTypes.nodes, namespace: undefined, query: "" },
    ...scopes.map((namespace) => ({ kind: "Event" as const, type: ResourceTypes.events, namespace, query: `fieldSelector=${encodeURIComponent(`reportingComponent=${reportingComponent}`)}` })),
  ];
  const witnesses: Witness[] = [];
  const malformed: MalformedAnchor[] = [];
  const unreadable: WitnessListProblem[] = [];
  const listed: { resource: string; namespace: string | undefined; objects: number }[] = [];
  const results = await Promise.all(sources.map(async (s) => ({ s, read: await listAll(kc, s.type, s.namespace, s.query, opts.signal) })));
  for (const { s, read } of results) {
    if (!read.ok) {
      // KServe absent shows once, not per namespace.
      if (read.problem.kind !== "not-installed" || !unreadable.some((u) => u.kind === "not-installed" && u.resource === read.problem.resource)) unreadable.push(read.problem);
      continue;
    }
    listed.push({ resource: s.type.plural, namespace: s.namespace, objects: read.items.length });
    for (const item of read.items) {
      const name = item.metadata?.name ?? "";
      const namespace = item.metadata?.namespace;
      const at = { kind: s.kind, ...(namespace ? { namespace } : {}), name };
      const anchor = readAnchor(item.metadata?.annotations);
      if (anchor.kind === "malformed") malformed.push({ ...at, value: anchor.value });
      if (anchor.kind !== "anchor") continue;
      const about = s.kind === "Event" && item.involvedObject?.kind && item.involvedObject.name ? { kind: item.involvedObject.kind, ...(item.involvedObject.namespace ? { namespace: item.involvedObject.namespace } : {}), name: item.involvedObject.name } : undefined;
      witnesses.push({ ...at, ...(about ? { about } : {}), anchor: anchor.anchor });
    }
  }
  return { witnesses, malformed, unreadable, listed };
}

type ListAll = { ok: true; items: Listed[] } | { ok: false; problem: WitnessListProblem };

async function listAll(kc: KubeConfig, type: ResourceType, namespace: string | undefined, query: string, signal: AbortSignal | undefined): Promise<ListAll> {
  const items: Listed[] = [];
  let next: string | undefined;
  do {
    const params = [query, `limit=${pageSize}`, ...(next ? [`continue=${encodeURIComponent(next)}`] : [])].filter(Boolean).join("&");
    try {
      const page = (await requestJson(kc, "GET", `${collectionPath(type, namespace)}?${params}`, signal ? { signal } : {})) as { items?: Listed[]; metadata?: { continue?: string } };
      items.push(...(page.items ?? []));
      next = page.metadata?.continue || undefined;
    } catch (err) {
      if (signal?.aborted) throw err;
      if (err instanceof KubeApiError && (err.statusCode === 401 || err.statusCode === 403)) return { ok: false, problem: { kind: "forbidden", resource: type.plural, namespace, message: err.message } };
      // A 404 on the collection: the CRD (KServe) is not installed in this cluster.
      if (err instanceof KubeApiError && err.statusCode === 404) return { ok: false, problem: { kind: "not-installed", resource: type.plural } };
      return { ok: false, problem: { kind: "unreachable", resource: type.plural, namespace, message: err instanceof Error ? err.message : String(err) } };
    }
  } while (next);
  return { ok: true, items };
}
