import type { V1Deployment, V1DeploymentCondition } from "@kubernetes/client-node";

/**
 * A Deployment's rollout status with the semantics of `kubectl rollout status`
 * (kubernetes/kubectl pkg/polymorphichelpers/rollout_status.go, DeploymentStatusViewer.Status):
 *  1. until status.observedGeneration >= metadata.generation, the spec update is not observed;
 *  2. then Progressing with reason ProgressDeadlineExceeded means the rollout failed;
 *  3. updatedReplicas < spec.replicas: new replicas are still being created;
 *  4. status.replicas > updatedReplicas: old replicas are pending termination;
 *  5. availableReplicas < updatedReplicas: updated replicas are not yet available;
 *  6. otherwise the rollout is complete.
 * The messages are kubectl's, so what a person reads matches their terminal.
 */
export type RolloutStatus =
  | { readonly state: "complete"; readonly message: string }
  | { readonly state: "timedOut"; readonly message: string }
  | {
      readonly state: "waiting";
      readonly stage: "notObserved" | "updating" | "terminatingOld" | "becomingAvailable";
      readonly message: string;
    };

/** The Progressing condition's reason when the deadline passed (deploymentutil.TimedOutReason). */
export const progressDeadlineExceeded = "ProgressDeadlineExceeded";
/** The Progressing condition's reason once the newest ReplicaSet became available (deploymentutil.NewRSAvailableReason). */
export const newReplicaSetAvailable = "NewReplicaSetAvailable";

export function deploymentCondition(deployment: V1Deployment, type: string): V1DeploymentCondition | undefined {
  return deployment.status?.conditions?.find((c) => c.type === type);
}

export function deploymentRolloutStatus(deployment: V1Deployment): RolloutStatus {
  const name = deployment.metadata?.name ?? "";
  const status = deployment.status ?? {};
  if ((deployment.metadata?.generation ?? 0) > (status.observedGeneration ?? 0)) {
    return { state: "waiting", stage: "notObserved", message: "Waiting for deployment spec update to be observed..." };
  }
  if (deploymentCondition(deployment, "Progressing")?.reason === progressDeadlineExceeded) {
    return { state: "timedOut", message: `deployment "${name}" exceeded its progress deadline` };
  }
  const desired = deployment.spec?.replicas;
  const replicas = status.replicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (desired !== undefined && updated < desired) {
    return {
      state: "waiting",
      stage: "updating",
      message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${desired} new replicas have been updated...`,
    };
  }
  if (replicas > updated) {
    return {
      state: "waiting",
      stage: "terminatingOld",
      message: `Waiting for deployment "${name}" rollout to finish: ${replicas - updated} old replicas are pending termination...`,
    };
  }
  if (available < updated) {
    return {
      state: "waiting",
      stage: "becomingAvailable",
      message: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...`,
    };
  }
  return { state: "complete", message: `deployment "${name}" successfully rolled out` };
}
