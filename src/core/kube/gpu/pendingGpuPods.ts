import type { CoreV1Event, V1Pod } from "@kubernetes/client-node";
import { podGpuRequests } from "./gpuAllocation";
import { timeOf } from "../objects/kubeTime";
import { podSchedulingFailure, type SchedulingFailure } from "../workloads/podScheduling";

export interface PendingGpuPod {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string | undefined;
  /** Effective GPU request per resource, e.g. { "nvidia.com/gpu": 2 }. */
  readonly gpus: Readonly<Record<string, number>>;
  /** Milliseconds since the epoch the pod was created, to show how long it has waited. */
  readonly createdAt: number | undefined;
  /**
   * Set when the scheduler has placed the pod and it is pending on the node (pulling images,
   * init containers); such a pod is not waiting for GPUs.
   */
  readonly boundTo: string | undefined;
  /** Why the scheduler has not placed it: PodScheduled=False, else the latest FailedScheduling event. */
  readonly scheduling: SchedulingFailure | undefined;
}

/**
 * Pods that request GPUs and are Pending, sorted by namespace and name. Terminating pods are
 * left out: they will never be scheduled.
 */
export function pendingGpuPods(pods: readonly V1Pod[], events: readonly CoreV1Event[] = []): PendingGpuPod[] {
  return pods
    .filter((p) => p.status?.phase === "Pending" && !p.metadata?.deletionTimestamp)
    .map((pod) => ({ pod, gpus: podGpuRequests(pod) }))
    .filter(({ gpus }) => gpus.size > 0)
    .map(({ pod, gpus }) => ({
      namespace: pod.metadata?.namespace ?? "",
      name: pod.metadata?.name ?? "",
      uid: pod.metadata?.uid,
      gpus: Object.fromEntries(gpus),
      createdAt: timeOf(pod.metadata?.creationTimestamp),
      boundTo: pod.spec?.nodeName || undefined,
      scheduling: podSchedulingFailure(pod, events),
    }))
    .sort((a, b) => a.namespace.localeCompare(b.namespace, "en") || a.name.localeCompare(b.name, "en"));
}
