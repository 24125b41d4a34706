import type { CoreV1Event, V1Pod } from "@kubernetes/client-node";
import { isGpuResourceName } from "../objects/gpuResource";
import { eventTime } from "../objects/kubeTime";

/** Why the scheduler has not placed a pod, in its own words. */
export interface SchedulingFailure {
  /** The PodScheduled condition's reason (Unschedulable, SchedulingGated) or the event's (FailedScheduling). */
  readonly reason: string;
  readonly message: string;
  readonly source: "condition" | "event";
  /** GPU resources the scheduler reported as insufficient, with how many nodes lacked each. */
  readonly insufficientGpus: readonly { readonly resource: string; readonly nodes: number }[];
}

/**
 * The scheduler writes "0/5 nodes are available: 3 Insufficient nvidia.com/gpu, 2 node(s) had
 * untolerated taint ..." (kube-scheduler's fit plugin reason is "Insufficient <resource>").
 */
export function insufficientGpus(message: string): { resource: string; nodes: number }[] {
  const found = new Map<string, number>();
  for (const m of message.matchAll(/(?:(\d+)\s+)?Insufficient\s+([A-Za-z0-9./_-]+)/g)) {
    const resource = (m[2] ?? "").replace(/[.,;]+$/, "");
    if (!isGpuResourceName(resource)) continue;
    // The same resource repeats in the "preemption:" tail; the first count is the filter's.
    if (!found.has(resource)) found.set(resource, Number(m[1] ?? 0));
  }
  return [...found].map(([resource, nodes]) => ({ resource, nodes }));
}

function isForPod(event: CoreV1Event, pod: V1Pod): boolean {
  const o = event.involvedObject;
  if (o.kind !== undefined && o.kind !== "Pod") return false;
  if (o.uid !== undefined && pod.metadata?.uid !== undefined) return o.uid === pod.metadata.uid;
  return o.name === pod.metadata?.name && (o.namespace === undefined || o.namespace === pod.metadata?.namespace);
}

/** The events about this pod, newest first (ties keep input order). */
export function eventsForPod(pod: V1Pod, events: readonly CoreV1Event[]): CoreV1Event[] {
  return events
    .map((e, i) => ({ e, i, t: eventTime(e) ?? 0 }))
    .filter(({ e }) => isForPod(e, pod))
    .sort((a, b) => b.t - a.t || a.i - b.i)
    .map(({ e }) => e);
}

/**
 * Why a pending pod is not scheduled: the PodScheduled=False condition, else the latest
 * FailedScheduling event for the pod (older clusters and gated pods may lack the message).
 * Undefined for a scheduled pod or one the scheduler has not looked at yet.
 */
export function podSchedulingFailure(pod: V1Pod, events: readonly CoreV1Event[] = []): SchedulingFailure | undefined {
  if (pod.spec?.nodeName) return undefined;
  const condition = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
  if (condition?.status === "True") return undefined;
  if (condition?.status === "False" && condition.message) {
    const reason = condition.reason ?? "Unschedulable";
    return { reason, message: condition.message, source: "condition", insufficientGpus: insufficientGpus(condition.message) };
  }
  const event = eventsForPod(pod, events).find((e) => e.reason === "FailedScheduling");
  if (event) {
    const message = event.message ?? "";
    return { reason: "FailedScheduling", message, source: "event", insufficientGpus: insufficientGpus(message) };
  }
  if (condition?.status === "False") {
    return { reason: condition.reason ?? "Unschedulable", message: "", source: "condition", insufficientGpus: [] };
  }
  return undefined;
}
