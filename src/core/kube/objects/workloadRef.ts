/** A workload a rollout is followed or rolled back on: the kinds aiplat deploys. */
export interface WorkloadRef {
  readonly kind: "Deployment" | "InferenceService";
  readonly namespace: string;
  readonly name: string;
}

/** The apiVersion each kind is served under (KServe's storage version for InferenceService). */
export function apiVersionOf(kind: WorkloadRef["kind"]): "apps/v1" | "serving.kserve.io/v1beta1" {
  return kind === "Deployment" ? "apps/v1" : "serving.kserve.io/v1beta1";
}
