/**
 * Each service's deliveries as one timeline: the audit log's deploy, rollback and scaffold
 * records, and the rollout history's revisions that no audit record names (deploys by others:
 * kubectl, a GitOps controller, a pipeline that does not use aiplat).
 */
import type { AuditOutcome, AuditRecord } from "../audit/auditRecord";
import type { RevisionInfo } from "../kube/rollout/rolloutUndo";
import type { DeliveryServiceRef } from "../../shared/protocol/delivery";

export interface DeliveryEvent {
  readonly kind: "deploy" | "rollback" | "scaffold";
  /** Unix seconds. */
  readonly at: number;
  readonly outcome: AuditOutcome;
  readonly origin: "audit log" | "rollout history";
  readonly revision?: string;
  /** The audit record's reason, or the revision's kubernetes.io/change-cause. */
  readonly reason?: string;
  readonly auditSeq?: number;
  /** A mitigating rollback: when the regression was detected (unix seconds). */
  readonly detectedAt?: number;
}

export interface ServiceTimeline {
  readonly service: DeliveryServiceRef;
  /** Oldest first (then by audit seq). */
  readonly events: readonly DeliveryEvent[];
}

export interface ServiceHistory {
  readonly service: DeliveryServiceRef;
  /** deploymentRevisions(): newest first, as kubectl lists them. */
  readonly revisions: readonly RevisionInfo[];
}

const eventKind: Partial<Record<AuditRecord["action"], DeliveryEvent["kind"]>> = { deploy: "deploy", rollback: "rollback", scaffold: "scaffold" };

/**
 * A record naming the revision belongs to it when written from 10 min before the ReplicaSet's
 * creation (clock skew) to 24 h after (a --wait deploy is recorded when the rollout finishes,
 * which can take long for a large model). Without a revision (a deploy without --wait) only
 * closeness in time tells: within 10 min, as the latency chart's markers pair them.
 */
const skewSeconds = 10 * 60;
const rolloutSeconds = 24 * 3600;

export const serviceKey = (s: DeliveryServiceRef): string => JSON.stringify([s.context, s.namespace, s.kind, s.name]);

const seconds = (iso: string): number => Date.parse(iso) / 1000;

function serviceOf(record: AuditRecord): DeliveryServiceRef | undefined {
  const kind = record.object.kind;
  if (!record.namespace || (kind !== "Deployment" && kind !== "InferenceService")) return undefined;
  return { context: record.context, namespace: record.namespace, kind, name: record.object.name };
}

function fromRecord(record: AuditRecord, kind: DeliveryEvent["kind"]): DeliveryEvent {
  const detected = record.detectedAt !== undefined ? seconds(record.detectedAt) : undefined;
  return {
    kind,
    at: seconds(record.ts),
    outcome: record.outcome,
    origin: "audit log",
    ...(record.revisionAfter !== undefined ? { revision: record.revisionAfter } : {}),
    ...(record.reason ? { reason: record.reason } : {}),
    auditSeq: record.seq,
    ...(detected !== undefined && Number.isFinite(detected) ? { detectedAt: detected } : {}),
  };
}

/**
 * Every ReplicaSet was made by one deploy, at its creation: a rollback (`rollout undo`) never
 * makes one, it reuses the old ReplicaSet and gives it the next revision number, keeping its
 * creation time. Such a renumbered ReplicaSet (older than a lower revision, see changeMarkers.ts)
 * still stands for its first deploy, but under a number it did not have then, so it carries none.
 */
function renumberedByRollback(revision: RevisionInfo, all: readonly RevisionInfo[]): boolean {
  const created = revision.created?.getTime() ?? 0;
  return all.some((other) => other.revision < revision.revision && (other.created?.getTime() ?? 0) > created);
}

/**
 * Whether an audit record is the deploy that made this ReplicaSet. Only deploys pair: rollbacks
 * make no ReplicaSet (and their record names the revision they went back to). A renumbered
 * ReplicaSet pairs with a record naming a number no ReplicaSet has any more: the one it had.
 */
function pairs(event: DeliveryEvent, revision: RevisionInfo, created: number, renumbered: boolean, numbers: ReadonlySet<string>): boolean {
  if (event.origin !== "audit log" || event.outcome !== "succeeded" || event.kind !== "deploy") return false;
  if (event.revision === undefined) return Math.abs(event.at - created) <= skewSeconds;
  const named = renumbered ? !numbers.has(event.revision) : event.revision === String(revision.revision);
  return named && event.at >= created - skewSeconds && event.at <= created + rolloutSeconds;
}

/** Timelines for every Deployment or InferenceService the audit log or a history names, in service order. */
export function serviceTimelines(audit: readonly AuditRecord[], histories: readonly ServiceHistory[]): ServiceTimeline[] {
  const byService = new Map<string, { service: DeliveryServiceRef; events: DeliveryEvent[] }>();
  const timelineOf = (service: DeliveryServiceRef): DeliveryEvent[] => {
    const key = serviceKey(service);
    let entry = byService.get(key);
    if (!entry) byService.set(key, (entry = { service, events: [] }));
    return entry.events;
  };
  for (const record of audit) {
    const kind = eventKind[record.action];
    const service = serviceOf(record);
    if (kind === undefined || service === undefined) continue;
    timelineOf(service).push(fromRecord(record, kind));
  }
  for (const history of histories) {
    const events = timelineOf(history.service);
    const paired = new Set<DeliveryEvent>();
    const numbers = new Set(history.revisions.map((r) => String(r.revision)));
    // Oldest first, so an audit record pairs with the earliest ReplicaSet it can be.
    const made = history.revisions.filter((r) => r.created !== undefined).sort((a, b) => (a.created?.getTime() ?? 0) - (b.created?.getTime() ?? 0) || a.revision - b.revision);
    for (const revision of made) {
      const created = (revision.created?.getTime() ?? 0) / 1000;
      const renumbered = renumberedByRollback(revision, history.revisions);
      const twin = events.find((e) => !paired.has(e) && pairs(e, revision, created, renumbered, numbers));
      if (twin) {
        paired.add(twin);
        continue;
      }
      events.push({
        kind: "deploy",
        at: created,
        outcome: "succeeded",
        origin: "rollout history",
        ...(renumbered ? {} : { revision: String(revision.revision) }),
        ...(revision.changeCause !== undefined ? { reason: revision.changeCause } : {}),
      });
    }
  }
  return [...byService.values()]
    .map(({ service, events }) => ({ service, events: events.sort((a, b) => a.at - b.at || (a.auditSeq ?? 0) - (b.auditSeq ?? 0)) }))
    .sort((a, b) => serviceKey(a.service).localeCompare(serviceKey(b.service), "en"));
}
