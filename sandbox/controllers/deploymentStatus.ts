/**
 * A Deployment's status as the deployment controller computes it (sync.go calculateStatus and
 * progress.go syncRolloutStatus): counts from its ReplicaSets, the Available condition, and the
 * Progressing condition with the real reasons and messages, the progress deadline included.
 */
import { type Condition, type ConditionStatus, type Deployment, type DeploymentStatus, type ReplicaSet, conditionOf, timestamp } from "./kubeShapes";
import { desiredReplicas, maxUnavailable, sumSpecReplicas } from "./rolloutBounds";

export const reasons = {
  newRSCreated: "NewReplicaSetCreated",
  foundNewRS: "FoundNewReplicaSet",
  rsUpdated: "ReplicaSetUpdated",
  newRSAvailable: "NewReplicaSetAvailable",
  timedOut: "ProgressDeadlineExceeded",
  paused: "DeploymentPaused",
  resumed: "DeploymentResumed",
  minimumAvailable: "MinimumReplicasAvailable",
  minimumUnavailable: "MinimumReplicasUnavailable",
} as const;

export function newCondition(type: string, status: ConditionStatus, reason: string, message: string, now: Date): Condition {
  const t = timestamp(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

/** deploymentutil.SetDeploymentCondition: same status and reason is no change; a changed one moves to the end. */
export function setCondition(conditions: readonly Condition[], condition: Condition): Condition[] {
  const current = conditionOf(conditions, condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return [...conditions];
  const next = current && current.status === condition.status ? { ...condition, lastTransitionTime: current.lastTransitionTime } : condition;
  return [...conditions.filter((c) => c.type !== condition.type), next];
}

export function removeCondition(conditions: readonly Condition[], type: string): Condition[] {
  return conditions.filter((c) => c.type !== type);
}

const statusReplicas = (rs: ReplicaSet): number => rs.status?.replicas ?? 0;
const sum = (sets: readonly ReplicaSet[], f: (rs: ReplicaSet) => number): number => sets.reduce((n, rs) => n + f(rs), 0);

/** Zero counts are left out, as Go's omitempty leaves them out on the wire. */
function compact(status: DeploymentStatus): DeploymentStatus {
  const out: DeploymentStatus = {};
  for (const [k, v] of Object.entries(status) as [keyof DeploymentStatus, unknown][]) {
    if (v === 0 || v === undefined) continue;
    (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

export function calculateStatus(allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment, now: Date): DeploymentStatus {
  const available = sum(allRSs, (rs) => rs.status?.availableReplicas ?? 0);
  const total = sumSpecReplicas(allRSs);
  let conditions = [...(d.status?.conditions ?? [])];
  conditions =
    available >= desiredReplicas(d) - maxUnavailable(d)
      ? setCondition(conditions, newCondition("Available", "True", reasons.minimumAvailable, "Deployment has minimum availability.", now))
      : setCondition(conditions, newCondition("Available", "False", reasons.minimumUnavailable, "Deployment does not have minimum availability.", now));
  return {
    ...compact({
      observedGeneration: d.metadata.generation,
      replicas: sum(allRSs, statusReplicas),
      updatedReplicas: newRS ? statusReplicas(newRS) : 0,
      readyReplicas: sum(allRSs, (rs) => rs.status?.readyReplicas ?? 0),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, total - available),
      collisionCount: d.status?.collisionCount,
    }),
    conditions,
  };
}

export function hasProgressDeadline(d: Deployment): boolean {
  return d.spec.progressDeadlineSeconds !== undefined && d.spec.progressDeadlineSeconds !== 2147483647;
}

/** deploymentutil.DeploymentComplete. */
export function deploymentComplete(d: Deployment, status: DeploymentStatus): boolean {
  const replicas = desiredReplicas(d);
  return (
    (status.updatedReplicas ?? 0) === replicas &&
    (status.replicas ?? 0) === replicas &&
    (status.availableReplicas ?? 0) === replicas &&
    (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}

/** deploymentutil.DeploymentProgressing: more updated, fewer old, or more ready or available pods than last time. */
export function deploymentProgressing(d: Deployment, status: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (status.replicas ?? 0) - (status.updatedReplicas ?? 0);
  return (
    (status.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (status.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (status.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** Milliseconds until the Progressing condition passes the deadline, or undefined when no deadline applies. */
export function msUntilDeadline(d: Deployment, status: DeploymentStatus, now: Date): number | undefined {
  if (!hasProgressDeadline(d)) return undefined;
  const condition = conditionOf(status.conditions, "Progressing");
  if (!condition || condition.reason === reasons.newRSAvailable || condition.reason === reasons.timedOut) return undefined;
  const from = Date.parse(condition.lastUpdateTime ?? "");
  if (Number.isNaN(from)) return undefined;
  return from + (d.spec.progressDeadlineSeconds ?? 600) * 1000 - now.getTime();
}

/** deploymentutil.DeploymentTimedOut: the deadline passed (strictly) since the last progress. */
export function deploymentTimedOut(d: Deployment, status: DeploymentStatus, now: Date): boolean {
  const condition = conditionOf(status.conditions, "Progressing");
  if (!hasProgressDeadline(d) || !condition || condition.reason === reasons.newRSAvailable) return false;
  if (condition.reason === reasons.timedOut) return true;
  const left = msUntilDeadline(d, status, now);
  return left !== undefined && left < 0;
}

/** progress.go syncRolloutStatus, without the write: the status the controller would store. */
export function rolloutStatus(allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment, now: Date): DeploymentStatus {
  const status = calculateStatus(allRSs, newRS, d, now);
  let conditions = status.conditions ?? [];
  if (!hasProgressDeadline(d)) conditions = removeCondition(conditions, "Progressing");
  const current = conditionOf(d.status?.conditions, "Progressing");
  const isComplete = status.replicas === status.updatedReplicas && current?.reason === reasons.newRSAvailable;
  if (hasProgressDeadline(d) && !isComplete) {
    const subject = newRS ? `ReplicaSet "${newRS.metadata.name ?? ""}"` : `Deployment "${d.metadata.name ?? ""}"`;
    if (deploymentComplete(d, status)) {
      conditions = setCondition(conditions, newCondition("Progressing", "True", reasons.newRSAvailable, `${subject} has successfully progressed.`, now));
    } else if (deploymentProgressing(d, status)) {
      const condition = newCondition("Progressing", "True", reasons.rsUpdated, `${subject} is progressing.`, now);
      if (current?.status === "True") condition.lastTransitionTime = current.lastTransitionTime;
      conditions = setCondition(removeCondition(conditions, "Progressing"), condition);
    } else if (deploymentTimedOut(d, { ...status, conditions }, now)) {
      conditions = setCondition(conditions, newCondition("Progressing", "False", reasons.timedOut, `${subject} has timed out progressing.`, now));
    }
  }
  return { ...status, conditions };
}
