import type { CoreV1Event, V1Container, V1ContainerStatus, V1Pod } from "@kubernetes/client-node";
import { eventCount, eventTime, formatDuration, timeOf } from "../objects/kubeTime";
import { eventsForPod, podSchedulingFailure } from "./podScheduling";

export type PodProblemCode =
  | "CrashLoopBackOff"
  | "OOMKilled"
  | "ImagePullBackOff"
  | "ErrImagePull"
  | "CreateContainerConfigError"
  | "InsufficientGPU"
  | "Unschedulable"
  | "ReadinessProbeFailing";

export interface PodProblem {
  readonly code: PodProblemCode;
  readonly pod: string;
  readonly container?: string;
  /** e.g. "pod vllm-7d9c-abcde container vllm: CrashLoopBackOff, 12 restarts". */
  readonly message: string;
}

export interface PodProblemOptions {
  /** The clock, so the classification is a pure function of its input. */
  readonly now: number;
  readonly events?: readonly CoreV1Event[];
  /**
   * How long a running pod may stay unready before it counts as failing readiness. Model
   * servers load weights before answering; two minutes covers a restart without hiding an outage.
   */
  readonly readinessGraceMs?: number;
  /** An OOM kill older than this (lastState.terminated.finishedAt) is history, not a problem. */
  readonly recentTerminationMs?: number;
}

export const defaultReadinessGraceMs = 120_000;
export const defaultRecentTerminationMs = 3_600_000;

/** Waiting reasons of the kubelet that mean the container cannot run until someone acts. */
const blockingWaits = new Set<PodProblemCode>(["CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "CreateContainerConfigError"]);

function restarts(status: V1ContainerStatus): string {
  return `${status.restartCount} restart${status.restartCount === 1 ? "" : "s"}`;
}

function memoryLimit(pod: V1Pod, name: string): string | undefined {
  const all: V1Container[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  return all.find((c) => c.name === name)?.resources?.limits?.["memory"];
}

function containerProblem(pod: V1Pod, status: V1ContainerStatus, init: boolean, options: PodProblemOptions): PodProblem | undefined {
  const podName = pod.metadata?.name ?? "";
  const prefix = `pod ${podName} ${init ? "init container" : "container"} ${status.name}`;
  const waiting = status.state?.waiting?.reason;
  const current = status.state?.terminated;
  const last = status.lastState?.terminated;
  const window = options.recentTerminationMs ?? defaultRecentTerminationMs;
  const finished = timeOf(last?.finishedAt);
  const recentOom = last?.reason === "OOMKilled" && (finished === undefined || options.now - finished <= window);
  if (current?.reason === "OOMKilled" || recentOom) {
    const limit = memoryLimit(pod, status.name);
    const state = waiting === "CrashLoopBackOff" ? ", in CrashLoopBackOff" : "";
    const exit = (current ?? last)?.exitCode;
    return {
      code: "OOMKilled",
      pod: podName,
      container: status.name,
      message: `${prefix}: OOMKilled${exit !== undefined ? ` (exit ${exit})` : ""}${state}, ${restarts(status)}${limit ? `, memory limit ${limit}` : ""}`,
    };
  }
  if (waiting && blockingWaits.has(waiting as PodProblemCode)) {
    const code = waiting as PodProblemCode;
    const detail =
      code === "CrashLoopBackOff"
        ? `${restarts(status)}${last ? `, last exit ${last.exitCode}${last.reason ? ` (${last.reason})` : ""}` : ""}`
        : code === "CreateContainerConfigError"
          ? (status.state?.waiting?.message ?? "")
          : `image ${status.image}`;
    return { code, pod: podName, container: status.name, message: `${prefix}: ${code}${detail ? `, ${detail}` : ""}` };
  }
  return undefined;
}

function readinessProblem(pod: V1Pod, options: PodProblemOptions): PodProblem | undefined {
  if (pod.status?.phase !== "Running") return undefined;
  const ready = pod.status.conditions?.find((c) => c.type === "Ready");
  if (ready?.status !== "False") return undefined;
  const podName = pod.metadata?.name ?? "";
  const since = timeOf(ready.lastTransitionTime) ?? timeOf(pod.status.startTime);
  const probeEvents = eventsForPod(pod, options.events ?? []).filter(
    (e) => e.reason === "Unhealthy" && (e.message ?? "").startsWith("Readiness probe failed") && (since === undefined || (eventTime(e) ?? 0) >= since),
  );
  const grace = options.readinessGraceMs ?? defaultReadinessGraceMs;
  const overdue = since !== undefined ? options.now - since > grace : probeEvents.length > 0;
  if (!overdue) return undefined;
  const unready = (pod.status.containerStatuses ?? []).filter((s) => !s.ready).map((s) => s.name);
  const who = unready.length > 0 ? `pod ${podName} container ${unready.join(", ")}` : `pod ${podName}`;
  const latest = probeEvents[0];
  const duration = since !== undefined ? ` for ${formatDuration(options.now - since)}` : "";
  const probe = latest ? ` (${latest.message?.trim() ?? ""}, ${eventCount(latest)}×)` : "";
  return { code: "ReadinessProbeFailing", pod: podName, container: unready[0], message: `${who}: not ready${duration}${probe}` };
}

/**
 * What is wrong with one pod, most specific first. Pods that are terminating or finished
 * (Succeeded/Failed, e.g. evicted) are replaced by their ReplicaSet and report nothing.
 */
export function podProblems(pod: V1Pod, options: PodProblemOptions): PodProblem[] {
  const phase = pod.status?.phase;
  if (pod.metadata?.deletionTimestamp || phase === "Succeeded" || phase === "Failed") return [];
  const podName = pod.metadata?.name ?? "";
  const problems = [
    ...(pod.status?.initContainerStatuses ?? []).flatMap((s) => containerProblem(pod, s, true, options) ?? []),
    ...(pod.status?.containerStatuses ?? []).flatMap((s) => containerProblem(pod, s, false, options) ?? []),
  ];
  if (phase === "Pending" || phase === undefined) {
    const failure = podSchedulingFailure(pod, options.events ?? []);
    if (failure) {
      const gpus = failure.insufficientGpus;
      const code = gpus.length > 0 ? "InsufficientGPU" : "Unschedulable";
      const what = gpus.length > 0 ? `not enough ${gpus.map((g) => g.resource).join(", ")}` : failure.reason;
      problems.push({ code, pod: podName, message: `pod ${podName}: ${what}${failure.message ? ` (${failure.message})` : ""}` });
    }
  }
  if (problems.length === 0) {
    const readiness = readinessProblem(pod, options);
    if (readiness) problems.push(readiness);
  }
  return problems;
}
