import type { CoreV1Event, V1Deployment, V1Pod, V1ReplicaSet } from "@kubernetes/client-node";
import { findCondition, type InferenceService } from "../objects/inferenceService";
import { podProblems, type PodProblemCode } from "./podProblems";
import { deploymentCondition, deploymentRolloutStatus, newReplicaSetAvailable } from "./rolloutStatus";

/**
 * Health, worst first: Failed (Kubernetes or KServe has given up: progress deadline exceeded,
 * model failed to load) > Degraded (something we can see is wrong: bad pods, unavailable
 * replicas, a not-ready InferenceService) > Progressing (a rollout within its deadline) >
 * Healthy. Unknown only when there is no status to judge.
 */
export type Health = "Healthy" | "Progressing" | "Degraded" | "Failed" | "Unknown";

const healthRank: Readonly<Record<Health, number>> = { Unknown: 0, Healthy: 1, Progressing: 2, Degraded: 3, Failed: 4 };

/** The worse of two healths, for rolling pods up into workloads and workloads into namespaces. */
export function worseHealth(a: Health, b: Health): Health {
  return healthRank[b] > healthRank[a] ? b : a;
}

export type ReasonCode =
  | PodProblemCode
  | "ProgressDeadlineExceeded"
  | "ReplicaFailure"
  | "ReplicasUnavailable"
  | "InferenceServiceNotReady"
  | "RolloutInProgress"
  | "Paused"
  | "ScaledToZero"
  | "InferenceServiceStopped"
  | "NoStatus";

/** Display order within one severity: the most actionable first. */
const codeOrder: readonly ReasonCode[] = [
  "ProgressDeadlineExceeded",
  "InferenceServiceNotReady",
  "OOMKilled",
  "CrashLoopBackOff",
  "ImagePullBackOff",
  "ErrImagePull",
  "CreateContainerConfigError",
  "InsufficientGPU",
  "Unschedulable",
  "ReadinessProbeFailing",
  "ReplicaFailure",
  "ReplicasUnavailable",
  "RolloutInProgress",
  "Paused",
  "ScaledToZero",
  "InferenceServiceStopped",
  "NoStatus",
];

export interface Reason {
  readonly code: ReasonCode;
  /** What this reason alone makes of the workload; informational reasons are Healthy. */
  readonly severity: Health;
  readonly message: string;
  /** Names of the pods it concerns; empty for workload-level reasons. */
  readonly pods: readonly string[];
}

export interface WorkloadHealth {
  readonly health: Health;
  /** Worst first, then by `codeOrder`, then by pod name: stable across refreshes. */
  readonly reasons: readonly Reason[];
}

export interface WorkloadHealthInput {
  /** The Deployment, or the InferenceService's predictor Deployment. */
  readonly deployment?: V1Deployment;
  readonly inferenceService?: InferenceService;
  readonly replicaSets?: readonly V1ReplicaSet[];
  /** The workload's pods (selected by the caller, e.g. through the Deployment's selector). */
  readonly pods?: readonly V1Pod[];
  readonly events?: readonly CoreV1Event[];
  /** Milliseconds since the epoch; the classifier never reads the clock. */
  readonly now: number;
  readonly readinessGraceMs?: number;
  readonly recentTerminationMs?: number;
}

function hasStatus(deployment: V1Deployment): boolean {
  const s = deployment.status;
  return s !== undefined && (s.observedGeneration !== undefined || (s.conditions?.length ?? 0) > 0 || s.replicas !== undefined);
}

function deploymentReasons(deployment: V1Deployment, replicaSets: readonly V1ReplicaSet[]): Reason[] {
  const reasons: Reason[] = [];
  const reason = (code: ReasonCode, severity: Health, message: string): void => {
    reasons.push({ code, severity, message, pods: [] });
  };
  const name = deployment.metadata?.name ?? "";
  const desired = deployment.spec?.replicas ?? 1;
  if (desired === 0) reason("ScaledToZero", "Healthy", `deployment ${name} is scaled to 0 replicas`);
  if (!hasStatus(deployment)) {
    reason("NoStatus", "Unknown", `deployment ${name} has no status yet`);
    return reasons;
  }
  const rollout = deploymentRolloutStatus(deployment);
  const progressing = deploymentCondition(deployment, "Progressing");
  const paused = deployment.spec?.paused === true;
  if (rollout.state === "timedOut") {
    reason("ProgressDeadlineExceeded", "Failed", `${rollout.message}${progressing?.message ? `: ${progressing.message}` : ""}`);
  } else if (rollout.state === "waiting") {
    const available = deployment.status?.availableReplicas ?? 0;
    // The controller keeps Progressing=NewReplicaSetAvailable until the next rollout, so a
    // shortfall under that reason is pods lost after a finished rollout, not a rollout.
    if (rollout.stage === "becomingAvailable" && progressing?.reason === newReplicaSetAvailable) {
      reason("ReplicasUnavailable", "Degraded", `deployment ${name}: ${available} of ${desired} replicas available`);
    } else if (paused) {
      reason("Paused", "Progressing", `deployment ${name} is paused mid-rollout: ${rollout.message}`);
    } else {
      reason("RolloutInProgress", "Progressing", rollout.message);
    }
  } else if (paused) {
    reason("Paused", "Healthy", `deployment ${name} is paused; spec changes will not roll out until it is resumed`);
  }
  // Quota or admission refusals surface as ReplicaFailure on the ReplicaSet first, then the Deployment.
  const failures = [
    ...(deployment.status?.conditions ?? []).filter((c) => c.type === "ReplicaFailure" && c.status === "True").map((c) => c.message ?? c.reason ?? ""),
    ...replicaSets.flatMap((rs) =>
      (rs.status?.conditions ?? []).filter((c) => c.type === "ReplicaFailure" && c.status === "True").map((c) => c.message ?? c.reason ?? ""),
    ),
  ];
  for (const message of [...new Set(failures)]) reason("ReplicaFailure", "Degraded", `deployment ${name} cannot create pods: ${message}`);
  return reasons;
}

/** Model load failures reported by KServe mean it has stopped trying that revision. */
function kserveFailure(isvc: InferenceService): string | undefined {
  const model = isvc.status?.modelStatus;
  const info = model?.lastFailureInfo;
  const blocked = model?.transitionStatus === "BlockedByFailedLoad" || model?.transitionStatus === "InvalidSpec";
  const failedToLoad = model?.states?.activeModelState === "FailedToLoad" || model?.states?.targetModelState === "FailedToLoad";
  // lastFailureInfo can outlive the failure it describes, so it only adds detail.
  if (!blocked && !failedToLoad) return undefined;
  const where = info?.location ? ` on ${info.location}` : "";
  const what = [info?.reason, info?.message].filter((s) => s).join(": ") || model?.transitionStatus || "FailedToLoad";
  return `model failed to load${where}: ${what}`;
}

function inferenceServiceReasons(isvc: InferenceService, predictorRolling: boolean): Reason[] {
  const name = isvc.metadata.name;
  const reason = (code: ReasonCode, severity: Health, message: string): Reason => ({ code, severity, message, pods: [] });
  if (findCondition(isvc, "Stopped")?.status === "True") return [reason("InferenceServiceStopped", "Healthy", `InferenceService ${name} is stopped`)];
  const ready = findCondition(isvc, "Ready");
  if (!ready) return [reason("NoStatus", "Unknown", `InferenceService ${name} has no Ready condition yet`)];
  if (ready.status === "True") return [];
  const failing = (isvc.status?.conditions ?? [])
    .filter((c) => c.type !== "Ready" && c.status !== "True")
    .map((c) => `${c.type}=${c.status}${c.reason ? ` ${c.reason}` : ""}${c.message ? `: ${c.message}` : ""}`);
  const own = ready.reason || ready.message ? `${ready.reason ?? ""}${ready.message ? `: ${ready.message}` : ""}` : "";
  const detail = [...failing, ...(failing.length === 0 && own ? [own] : [])].join("; ");
  const failure = kserveFailure(isvc);
  if (failure) return [reason("InferenceServiceNotReady", "Failed", `InferenceService ${name} not ready: ${failure}`)];
  const generation = isvc.metadata.generation;
  const observed = isvc.status?.observedGeneration;
  const settling =
    ready.status === "Unknown" ||
    predictorRolling ||
    isvc.status?.modelStatus?.transitionStatus === "InProgress" ||
    (generation !== undefined && observed !== undefined && observed < generation);
  return [reason("InferenceServiceNotReady", settling ? "Progressing" : "Degraded", `InferenceService ${name} not ready${detail ? `: ${detail}` : ""}`)];
}

function sortReasons(reasons: Reason[]): Reason[] {
  return reasons
    .map((r, i) => ({ r, i }))
    .sort(
      (a, b) =>
        healthRank[b.r.severity] - healthRank[a.r.severity] ||
        codeOrder.indexOf(a.r.code) - codeOrder.indexOf(b.r.code) ||
        (a.r.pods[0] ?? "").localeCompare(b.r.pods[0] ?? "", "en") ||
        a.r.message.localeCompare(b.r.message, "en") ||
        a.i - b.i,
    )
    .map(({ r }) => r);
}

/**
 * The truthful health of an inference workload: the top-level status (Deployment conditions
 * with `kubectl rollout status` semantics, InferenceService conditions) reconciled with what
 * its pods are actually doing. A "Ready" InferenceService or an "Available" Deployment with a
 * crash-looping or OOM-killed pod is Degraded (kserve/kserve#1859).
 */
export function classifyWorkloadHealth(input: WorkloadHealthInput): WorkloadHealth {
  const reasons: Reason[] = [];
  const { deployment, inferenceService } = input;
  if (deployment) reasons.push(...deploymentReasons(deployment, input.replicaSets ?? []));
  if (inferenceService) {
    const rolling = deployment !== undefined && hasStatus(deployment) && deploymentRolloutStatus(deployment).state === "waiting";
    reasons.push(...inferenceServiceReasons(inferenceService, rolling));
  }
  const options = {
    now: input.now,
    events: input.events,
    readinessGraceMs: input.readinessGraceMs,
    recentTerminationMs: input.recentTerminationMs,
  };
  for (const pod of input.pods ?? []) {
    for (const p of podProblems(pod, options)) reasons.push({ code: p.code, severity: "Degraded", message: p.message, pods: [p.pod] });
  }
  if (reasons.length === 0 && !deployment && !inferenceService) {
    reasons.push({ code: "NoStatus", severity: "Unknown", message: "no workload status to judge", pods: [] });
  }
  // One source of status is enough to judge; a pod's trouble is known even without one.
  const known =
    (deployment !== undefined && hasStatus(deployment)) || (inferenceService !== undefined && findCondition(inferenceService, "Ready") !== undefined);
  const sorted = sortReasons(reasons);
  const health = sorted.reduce<Health>((worst, r) => worseHealth(worst, r.severity), known ? "Healthy" : "Unknown");
  return { health, reasons: sorted };
}
