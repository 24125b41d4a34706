/**
 * What changed around an incident: the rollout history and our audit records (merged the way
 * the latency chart's markers are, changeMarkers.ts) and the Kubernetes warning events about the
 * workload, its ReplicaSets and pods. Changes inside the window count, plus the most recent one
 * before it: an incident that began before the window is still explained by that change (the
 * demo's regression is two days old when someone triages the last two hours).
 */
import type { CoreV1Event } from "@kubernetes/client-node";
import type { AuditAction, AuditRecord } from "../audit/auditRecord";
import { eventCount, eventTime } from "../kube/objects/kubeTime";
import type { RevisionInfo } from "../kube/rollout/rolloutUndo";
import { changeMarkers } from "../metrics/changeMarkers";
import type { Evidence, TriageChange, TriageChangeKind, TriageWorkloadRef } from "./triageReport";

const changeKindOfAction: Partial<Record<AuditAction, TriageChangeKind>> = {
  deploy: "deploy",
  rollback: "rollback",
  scale: "scale",
  restart: "restart",
  promote: "promote",
  "canary-step": "canary-step",
};

/** changeMarkers' rule: a revision and its audit record this close together are one change. */
const sameChangeSeconds = 10 * 60;

function seconds(iso: string): number {
  return Date.parse(iso) / 1000;
}

function concerns(record: AuditRecord, context: string, workload: TriageWorkloadRef): boolean {
  return record.context === context && record.namespace === workload.namespace && record.object.kind === workload.kind && record.object.name === workload.name;
}

function revisionOf(text: string | undefined): number | string | undefined {
  if (text === undefined || text === "") return undefined;
  return /^\d+$/.test(text) ? Number(text) : text;
}

/** The audit record a marker came from (or was merged with): the closest in time naming the same revision. */
function recordOf(records: readonly AuditRecord[], at: number, revision: number | undefined): AuditRecord | undefined {
  let best: AuditRecord | undefined;
  let bestGap = Infinity;
  for (const r of records) {
    const gap = Math.abs(seconds(r.ts) - at);
    if (gap > sameChangeSeconds || (revision !== undefined && revisionOf(r.revisionAfter) !== undefined && revisionOf(r.revisionAfter) !== revision)) continue;
    if (gap < bestGap) {
      best = r;
      bestGap = gap;
    }
  }
  return best;
}

/** The editor's and CLI's scale records say "replicas 3 → 1" in their detail. */
export function replicasOfDetail(detail: string | undefined): { before: number; after: number } | undefined {
  const m = /replicas (\d+) → (\d+)/.exec(detail ?? "");
  return m ? { before: Number(m[1]), after: Number(m[2]) } : undefined;
}

function actorOf(record: AuditRecord): string {
  return record.actor.gitUser?.name ?? record.actor.kubeUser;
}

/**
 * The workload's changes, oldest first: all from `windowStart` to `now` (unix s) and the latest
 * before `windowStart` (marked beforeWindow). Warning events are listed by their last sighting.
 */
export function triageChanges(input: {
  readonly context: string;
  readonly workload: TriageWorkloadRef;
  readonly revisions: readonly RevisionInfo[];
  readonly audit: readonly AuditRecord[];
  readonly warnings: readonly CoreV1Event[];
  readonly windowStart: number;
  readonly now: number;
}): TriageChange[] {
  const { workload, context } = input;
  const records = input.audit.filter((r) => r.outcome === "succeeded" && concerns(r, context, workload) && changeKindOfAction[r.action] !== undefined);
  const markers = changeMarkers({ workload: { context, ...workload }, revisions: input.revisions, audit: records, start: 0, end: input.now });
  const changes: TriageChange[] = markers.map((m) => {
    const record = m.origin.includes("audit log") ? recordOf(records, m.time, m.revision) : undefined;
    const kind = record ? (changeKindOfAction[record.action] ?? m.kind) : m.kind;
    const replicas = kind === "scale" ? replicasOfDetail(record?.detail) : undefined;
    return {
      at: m.time,
      kind,
      ...(m.revision !== undefined ? { revision: m.revision } : record && revisionOf(record.revisionAfter) !== undefined ? { revision: revisionOf(record.revisionAfter)! } : {}),
      ...(m.actor !== undefined ? { actor: m.actor } : {}),
      ...(m.reason !== undefined ? { reason: m.reason } : {}),
      ...(m.image !== undefined ? { image: m.image } : {}),
      ...(m.modelVersion !== undefined ? { modelVersion: m.modelVersion } : {}),
      origin: m.origin,
      ...(record ? { auditSeq: record.seq } : {}),
      ...(replicas ? { replicas } : {}),
    };
  });
  // changeMarkers knows no canary steps: they come from the log alone.
  for (const r of records) {
    if (r.action !== "canary-step") continue;
    const revision = revisionOf(r.revisionAfter);
    changes.push({ at: seconds(r.ts), kind: "canary-step", ...(revision !== undefined ? { revision } : {}), actor: actorOf(r), ...(r.reason ? { reason: r.reason } : {}), origin: "audit log", auditSeq: r.seq });
  }
  changes.sort((a, b) => a.at - b.at);
  const inWindow = changes.filter((c) => c.at >= input.windowStart && c.at <= input.now);
  const before = changes.filter((c) => c.at < input.windowStart).at(-1);
  const events: TriageChange[] = input.warnings.flatMap((e) => {
    const at = (eventTime(e) ?? 0) / 1000;
    if (at < input.windowStart || at > input.now) return [];
    return [{ at, kind: "warning-event" as const, reason: `${e.reason ?? ""}: ${e.message ?? ""}`.slice(0, 2000), origin: "events" }];
  });
  return [...(before ? [{ ...before, beforeWindow: true }] : []), ...inWindow, ...events].sort((a, b) => a.at - b.at);
}

/**
 * Warning events about the workload: the object itself, its ReplicaSets and its pods (by name,
 * or by a ReplicaSet's prefix for pods already gone).
 */
export function workloadWarnings(events: readonly CoreV1Event[], names: { readonly workload: string; readonly replicaSets: readonly string[]; readonly pods: readonly string[]; readonly podPrefixes: readonly string[] }): CoreV1Event[] {
  const exact = new Set([names.workload, ...names.replicaSets, ...names.pods]);
  return events.filter((e) => {
    if (e.type !== "Warning") return false;
    const name = e.involvedObject?.name ?? "";
    return exact.has(name) || (e.involvedObject?.kind === "Pod" && names.podPrefixes.some((p) => name.startsWith(p)));
  });
}

export function eventEvidence(e: CoreV1Event): Evidence & { kind: "event" } {
  const at = eventTime(e);
  const object = `${e.involvedObject?.kind ?? "object"} ${e.involvedObject?.name ?? ""}`.trim();
  const count = eventCount(e);
  return {
    kind: "event",
    fact: `${object}: ${e.reason ?? "event"}${count > 1 ? ` ×${count}` : ""}: ${e.message ?? ""}`.trim(),
    reason: e.reason ?? "",
    object,
    message: e.message ?? "",
    count,
    at: at === undefined ? null : at / 1000,
  };
}
