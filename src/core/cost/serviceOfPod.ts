import type { V1Pod } from "@kubernetes/client-node";
import { kserveInferenceServiceLabel, serviceLabel } from "../kube/workloads/inferenceWorkload";

/** A service: the Deployment or KServe InferenceService that owns a pod, "namespace/name" as its key. */
export interface PodService {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  /** Decides the pod names the service's metrics carry (metricsTarget.podNameRegex). */
  readonly kind: "Deployment" | "InferenceService";
}

/**
 * Which service a pod serves, named as the Deployments tree and the latency dashboard name it:
 * the KServe label first (the predictor's Deployment is an implementation detail of the
 * InferenceService), then the Deployment behind its ReplicaSet (the ReplicaSet's name minus the
 * `-<pod-template-hash>` the Deployment controller appends), and our `ai-platform/service` label
 * only for a pod no Deployment owns. A bare ReplicaSet, a Job or a static pod serves no service.
 */
export function serviceOfPod(pod: V1Pod): PodService | undefined {
  const namespace = pod.metadata?.namespace ?? "default";
  const labels = pod.metadata?.labels ?? {};
  const of = (name: string, kind: PodService["kind"]): PodService => ({ key: `${namespace}/${name}`, namespace, name, kind });
  const isvc = labels[kserveInferenceServiceLabel];
  if (isvc) return of(isvc, "InferenceService");
  const owner = pod.metadata?.ownerReferences?.find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0];
  const hash = labels["pod-template-hash"];
  // Only a ReplicaSet a Deployment made carries the hash label and the suffix.
  if (owner?.kind === "ReplicaSet" && hash && owner.name.endsWith(`-${hash}`)) return of(owner.name.slice(0, -hash.length - 1), "Deployment");
  const ours = labels[serviceLabel];
  if (ours && !owner) return of(ours, "Deployment");
  return undefined;
}
