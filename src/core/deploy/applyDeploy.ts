import { checkWritable, type ReadOnlyPolicy } from "../access/readOnlyContexts";
import type { AuditOutcome } from "../audit/auditRecord";
import { recordClusterChange, type RecordedChange } from "../audit/recordChange";
import { getJson } from "../kube/client/kubeRequest";
import { collectionPath, ResourceTypes } from "../kube/client/resourceTypes";
import { revisionAnnotation } from "../kube/objects/wellKnownAnnotations";
import { changeAnnotations } from "../kube/rollout/changeRecord";
import { trackRollout, type RolloutProgress, type TrackResult } from "../kube/rollout/rolloutTracker";
import { applyObjects, type ApplyOutcome } from "../kube/rollout/serverSideApply";
import { annotateForDeploy } from "./deployAnnotations";
import { describeObjectFailures, failuresOf, type DeployError, type ObjectFailure } from "./deployError";
import type { DeployPlan } from "./planDeploy";

export interface ApplyDeployOptions {
  /** The change cause: on the object, in its Event and in the audit record. */
  readonly reason: string;
  readonly readOnly: ReadOnlyPolicy;
  readonly auditFile: string;
  readonly signal: AbortSignal;
  /** Follow the rollout until it ends, as `kubectl rollout status` does; else return once applied. */
  readonly wait: boolean;
  /** With wait: how long the rollout may take before it counts as timed out. */
  readonly timeoutMs?: number;
  readonly onProgress?: (progress: ApplyProgress) => void;
  /** How the follower polls, for tests that run the controllers fast. */
  readonly track?: { readonly pollIntervalMs?: number; readonly degradedAfterMs?: number };
  readonly now?: () => Date;
}

export type ApplyProgress = { readonly stage: "dry-run" } | { readonly stage: "applying" } | { readonly stage: "rolling-out"; readonly status: RolloutProgress } | { readonly stage: "recording" };

export type ApplyDeployResult =
  /** Nothing was sent and nothing recorded: a read-only context, or cancelled before the apply. */
  | { readonly kind: "refused"; readonly error: Extract<DeployError, { kind: "read-only-context" | "cancelled" }> }
  | { readonly kind: "apply-failed"; readonly stage: "dry-run" | "apply"; readonly failures: readonly ObjectFailure[]; readonly audit: RecordedChange }
  /** Applied, and not followed: no --wait, or nothing that rolls out. */
  | { readonly kind: "applied"; readonly objects: readonly ApplyOutcome[]; readonly revisionBefore: string | undefined; readonly audit: RecordedChange }
  | { readonly kind: "followed"; readonly objects: readonly ApplyOutcome[]; readonly revisionBefore: string | undefined; readonly revisionAfter: string | undefined; readonly rollout: TrackResult; readonly audit: RecordedChange };

/** What the audit record says a followed rollout came to. */
export function auditOutcomeOf(rollout: TrackResult): AuditOutcome {
  switch (rollout.outcome) {
    case "complete":
      return "succeeded";
    case "cancelled":
      return "cancelled";
    case "failed":
    case "failing":
    case "timedOut":
      return "failed";
  }
}

function rolloutDetail(rollout: TrackResult): string | undefined {
  switch (rollout.outcome) {
    case "complete":
      return undefined;
    case "cancelled":
      // Honest about what happened: the change was applied, we stopped watching, nothing was undone.
      return "stopped following the rollout; the applied change was left in the cluster";
    case "failed":
    case "failing":
    case "timedOut":
      return rollout.message;
  }
}

/**
 * Annotate → server-side dry run → server-side apply → follow the rollout (the one follower)
 * → the audit record, the same from the editor and from `aiplat deploy`. Cancelling before the
 * apply sends nothing; once the apply starts it runs to the end so no object is left half
 * applied, and cancelling the follow leaves the rollout to the cluster and records "cancelled".
 */
export async function applyDeploy(plan: DeployPlan, opts: ApplyDeployOptions): Promise<ApplyDeployResult> {
  const refusal = checkWritable(plan.context.name, opts.readOnly);
  if (refusal) return { kind: "refused", error: refusal };
  if (opts.signal.aborted) return { kind: "refused", error: { kind: "cancelled" } };
  const now = opts.now?.() ?? new Date();
  const annotations = changeAnnotations({ action: "deploy", reason: opts.reason, actor: plan.actor, outcome: "succeeded" }, now);
  const annotated = annotateForDeploy(plan.objects, { annotations, livePredictor: plan.livePredictor });
  const record = (outcome: AuditOutcome, extra: { revisionAfter?: string | undefined; detail?: string | undefined; annotated: boolean }): Promise<RecordedChange> => {
    opts.onProgress?.({ stage: "recording" });
    return recordClusterChange(opts.auditFile, {
      kc: plan.kc,
      context: plan.context,
      actor: plan.actor,
      object: plan.auditObject,
      action: "deploy",
      reason: opts.reason,
      revisionBefore: plan.revisionBefore,
      revisionAfter: extra.revisionAfter,
      diffDigest: plan.diff.diffDigest,
      outcome,
      detail: extra.detail,
      annotationsApplied: extra.annotated,
    });
  };

  opts.onProgress?.({ stage: "dry-run" });
  const dry = await applyObjects(plan.kc, annotated, { dryRun: true, signal: opts.signal });
  if (opts.signal.aborted) return { kind: "refused", error: { kind: "cancelled" } };
  if (!dry.ok) {
    const failures = failuresOf(dry.outcomes);
    return { kind: "apply-failed", stage: "dry-run", failures, audit: await record("failed", { detail: `server-side dry run: ${describeObjectFailures(failures)}`, annotated: false }) };
  }
  opts.onProgress?.({ stage: "applying" });
  // No signal here: a cancel in the middle would leave some objects applied and some not.
  const real = await applyObjects(plan.kc, annotated, { dryRun: false });
  if (!real.ok) {
    const failures = failuresOf(real.outcomes);
    return { kind: "apply-failed", stage: "apply", failures, audit: await record("failed", { detail: `apply: ${describeObjectFailures(failures)}`, annotated: false }) };
  }
  const objects = real.outcomes;
  if (!plan.workload || !opts.wait) {
    return { kind: "applied", objects, revisionBefore: plan.revisionBefore, audit: await record("succeeded", { annotated: true }) };
  }
  const workload = plan.workload;
  const rollout = await trackRollout(plan.kc, workload, {
    signal: opts.signal,
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...opts.track,
    onProgress: (status) => opts.onProgress?.({ stage: "rolling-out", status }),
  });
  const revisionAfter = workload.kind === "Deployment" ? await deploymentRevision(plan, workload.name) : undefined;
  const audit = await record(auditOutcomeOf(rollout), { revisionAfter, detail: rolloutDetail(rollout), annotated: true });
  return { kind: "followed", objects, revisionBefore: plan.revisionBefore, revisionAfter, rollout, audit };
}

async function deploymentRevision(plan: DeployPlan, name: string): Promise<string | undefined> {
  try {
    const d = (await getJson(plan.kc, `${collectionPath(ResourceTypes.deployments, plan.environment.namespace)}/${encodeURIComponent(name)}`)) as { metadata?: { annotations?: Record<string, string> } };
    return d.metadata?.annotations?.[revisionAnnotation];
  } catch {
    // The record is still worth writing without it.
    return undefined;
  }
}
