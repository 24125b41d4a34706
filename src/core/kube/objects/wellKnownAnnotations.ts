/**
 * Annotations Kubernetes itself writes and we read. The Deployment controller numbers each
 * template on the Deployment and its ReplicaSets (kubernetes/kubernetes pkg/controller/deployment/util).
 */
export const revisionAnnotation = "deployment.kubernetes.io/revision";
export const revisionHistoryAnnotation = "deployment.kubernetes.io/revision-history";

/** The service manifest's `slo` block as JSON, on the Deployment or InferenceService we render. */
export const sloAnnotation = "aiplatform.dev/slo";
