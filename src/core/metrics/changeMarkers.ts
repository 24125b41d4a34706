/**
 * The changes a latency chart marks on its time axis: each revision of the rollout history
 * (a ReplicaSet's creation is when its pods started taking traffic) and each change our audit
 * log recorded for the workload (rollbacks and scales make no new ReplicaSet, so only the log
 * knows when they happened). A deploy seen in both becomes one marker that names who made it.
 */
import type { AuditAction, AuditRecord } from "../audit/auditRecord";
import type { RevisionInfo } from "../kube/rollout/rolloutUndo";
import type { ChangeMarker } from "../../shared/protocol/latency";

export interface MarkedWorkload {
  readonly context: string;
  readonly namespace: string;
  readonly kind: string;
  readonly name: string;
}

const markerKind: Partial<Record<AuditAction, ChangeMarker["kind"]>> = {
  deploy: "deploy",
  restart: "deploy",
  promote: "deploy",
  rollback: "rollback",
  scale: "scale",
};

/** A revision and an audit record this close together (and naming the same revision) are one change. */
const sameChangeSeconds = 10 * 60;

/** kubectl's change-cause as our deploys write it: "aiplat deploy to revision 3: reason (by alice)". */
function actorOfChangeCause(cause: string | undefined): string | undefined {
  return cause === undefined ? undefined : /\(by ([^)]+)\)\s*$/.exec(cause)?.[1];
}

function seconds(date: Date | string): number {
  return (typeof date === "string" ? Date.parse(date) : date.getTime()) / 1000;
}

function actorOfRecord(record: AuditRecord): string {
  return record.actor.gitUser?.name ?? record.actor.kubeUser;
}

function concerns(record: AuditRecord, workload: MarkedWorkload): boolean {
  return record.context === workload.context && record.namespace === workload.namespace && record.object.kind === workload.kind && record.object.name === workload.name;
}

/**
 * A rollback gives an old ReplicaSet the next revision number and keeps its creation time, so
 * that time says nothing about when the rollback happened: only the audit log can place it.
 */
function reusedByRollback(revision: RevisionInfo, all: readonly RevisionInfo[]): boolean {
  const created = revision.created?.getTime() ?? 0;
  return all.some((other) => other.revision < revision.revision && (other.created?.getTime() ?? 0) > created);
}

/**
 * Markers between `start` and `end` (unix seconds), oldest first. Only changes that took effect
 * count: a failed or cancelled deploy in the audit log changed nothing a chart could show.
 */
export function changeMarkers(input: {
  readonly workload: MarkedWorkload;
  readonly revisions: readonly RevisionInfo[];
  readonly audit: readonly AuditRecord[];
  readonly start: number;
  readonly end: number;
}): ChangeMarker[] {
  const { workload, start, end } = input;
  const markers: ChangeMarker[] = [];
  for (const revision of input.revisions) {
    if (revision.created === undefined || reusedByRollback(revision, input.revisions)) continue;
    markers.push({
      time: seconds(revision.created),
      kind: "deploy",
      revision: revision.revision,
      ...(revision.images[0] !== undefined ? { image: revision.images[0] } : {}),
      ...(revision.modelVersion !== undefined ? { modelVersion: revision.modelVersion } : {}),
      ...(actorOfChangeCause(revision.changeCause) !== undefined ? { actor: actorOfChangeCause(revision.changeCause) } : {}),
      ...(revision.changeCause !== undefined ? { reason: revision.changeCause } : {}),
      origin: "rollout history",
    });
  }
  for (const record of input.audit) {
    const kind = markerKind[record.action];
    if (kind === undefined || record.outcome !== "succeeded" || !concerns(record, workload)) continue;
    const time = seconds(record.ts);
    const revision = record.revisionAfter !== undefined && /^\d+$/.test(record.revisionAfter) ? Number(record.revisionAfter) : undefined;
    const twin = kind === "deploy" ? markers.find((m) => m.origin === "rollout history" && m.revision === revision && Math.abs(m.time - time) <= sameChangeSeconds) : undefined;
    const fromLog = { actor: actorOfRecord(record), ...(record.reason ? { reason: record.reason } : {}) };
    if (twin) {
      markers[markers.indexOf(twin)] = { ...twin, ...fromLog, origin: "rollout history, audit log" };
      continue;
    }
    markers.push({ time, kind, ...(revision !== undefined ? { revision } : {}), ...fromLog, origin: "audit log" });
  }
  return markers.filter((m) => m.time >= start && m.time <= end).sort((a, b) => a.time - b.time);
}
