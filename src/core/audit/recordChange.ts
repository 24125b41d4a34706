import type { KubeConfig } from "@kubernetes/client-node";
import { describeActionError } from "../kube/rollout/clusterActions";
import { recordChangeOnObject } from "../kube/rollout/changeRecord";
import type { ContextSummary } from "../kube/client/kubeconfig";
import { appendAuditRecord } from "./auditLog";
import type { Actor, AuditAction, AuditEntry, AuditOutcome } from "./auditRecord";

export interface ClusterChange {
  readonly kc: KubeConfig;
  readonly context: ContextSummary;
  readonly actor: Actor;
  readonly object: { readonly apiVersion: string; readonly kind: string; readonly namespace: string | undefined; readonly name: string; readonly uid?: string | undefined };
  readonly action: AuditAction;
  readonly reason?: string | undefined;
  readonly revisionBefore?: string | undefined;
  readonly revisionAfter?: string | undefined;
  readonly diffDigest?: string | undefined;
  readonly outcome: AuditOutcome;
  readonly detail?: string | undefined;
  /** A mitigation: when the regression it answers was detected, and the incident report it came from. */
  readonly detectedAt?: string | undefined;
  readonly incident?: string | undefined;
  /** Our annotations already went out with the change itself (deploy, rollback): only the Event is added. */
  readonly annotationsApplied?: boolean;
}

export interface RecordedChange {
  /** The audit log record, or why it could not be written: the caller must show this one. */
  readonly audit: { readonly ok: true; readonly seq: number; readonly notes: readonly string[] } | { readonly ok: false; readonly error: string };
  /** Annotation and Event problems; the change itself stands, so these are warnings. */
  readonly warnings: readonly string[];
}

/**
 * One change, written down three times, the same way from the editor and from aiplat: a
 * hash-chained line in the audit log, our annotations on the object and a Kubernetes Event.
 * The object is only annotated and evented when the cluster was asked to change it. Both carry
 * the new record's anchor (seq and hash, auditAnchor.ts), the witness `aiplat audit verify --live`
 * holds the file against (an InferenceService's only on its Event: see anchorsOnObject); a record
 * that reached no object (cancelled, skipped) has no witness.
 */
export async function recordClusterChange(file: string, change: ClusterChange): Promise<RecordedChange> {
  const entry: AuditEntry = {
    actor: change.actor,
    cluster: change.context.server ?? change.context.cluster,
    context: change.context.name,
    ...(change.object.namespace ? { namespace: change.object.namespace } : {}),
    object: { apiVersion: change.object.apiVersion, kind: change.object.kind, name: change.object.name },
    action: change.action,
    ...(change.reason ? { reason: change.reason } : {}),
    ...(change.revisionBefore ? { revisionBefore: change.revisionBefore } : {}),
    ...(change.revisionAfter ? { revisionAfter: change.revisionAfter } : {}),
    ...(change.diffDigest ? { diffDigest: change.diffDigest } : {}),
    outcome: change.outcome,
    ...(change.detail ? { detail: change.detail } : {}),
    ...(change.detectedAt ? { detectedAt: change.detectedAt } : {}),
    ...(change.incident ? { incident: change.incident } : {}),
  };
  const appended = await appendAuditRecord(file, entry);
  const warnings: string[] = [];
  if (change.outcome === "succeeded" || change.outcome === "failed") {
    const { namespace, uid, ...rest } = change.object;
    const recorded = await recordChangeOnObject(
      change.kc,
      { ...rest, ...(namespace ? { namespace } : {}), ...(uid ? { uid } : {}) },
      { action: change.action, actor: change.actor, outcome: change.outcome, ...(change.reason ? { reason: change.reason } : {}), ...(change.revisionAfter ? { revisionAfter: change.revisionAfter } : {}) },
      { annotationsApplied: change.annotationsApplied === true, ...(appended.ok ? { anchor: { seq: appended.record.seq, hash: appended.record.hash, logId: appended.logId } } : {}) },
    );
    if (!recorded.event.ok) warnings.push(`the Event on ${change.object.kind} ${change.object.name} was not created: ${describeActionError(recorded.event.error)}`);
    if (!recorded.annotations.ok) warnings.push(`${change.object.kind} ${change.object.name} was not annotated: ${describeActionError(recorded.annotations.error)}`);
  }
  return { audit: appended.ok ? { ok: true, seq: appended.record.seq, notes: appended.notes } : { ok: false, error: appended.error }, warnings };
}
