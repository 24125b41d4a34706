import type { V1Container, V1Deployment, V1Pod } from "@kubernetes/client-node";
import { ago, container, containerStatus, deployment, deploymentCondition, pod, podCondition } from "./kubeObjects";

/** The workloads the health tests keep meeting: a vLLM Deployment in its usual states. */

export const vllm: V1Container[] = [container("vllm", { image: "vllm/vllm-openai:v0.6.3", limits: { "nvidia.com/gpu": "1", memory: "16Gi" } })];
export const healthyPod = (name: string): V1Pod => pod(name, { containers: vllm, node: "gpu-a" });
/** A rollout to generation 4 within its deadline: 1 of 2 updated, 2 available, 3 pods. */
export const rolling = (over: Parameters<typeof deployment>[1] = {}): V1Deployment =>
  deployment("vllm", {
    replicas: 2,
    generation: 4,
    containers: vllm,
    status: { observedGeneration: 4, replicas: 3, updatedReplicas: 1, availableReplicas: 2 },
    conditions: [
      deploymentCondition("Available", "True", "MinimumReplicasAvailable"),
      deploymentCondition("Progressing", "True", "ReplicaSetUpdated", 'ReplicaSet "vllm-5f6b" is progressing.'),
    ],
    ...over,
  });
/** Steady state after a finished rollout, with `available` of 2 replicas available. */
export const steady = (available: number): V1Deployment =>
  deployment("vllm", {
    replicas: 2,
    containers: vllm,
    status: { availableReplicas: available },
    conditions: [
      deploymentCondition("Available", available > 0 ? "True" : "False", available > 0 ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable"),
      deploymentCondition("Progressing", "True", "NewReplicaSetAvailable", 'ReplicaSet "vllm-7d9c" has successfully progressed.'),
    ],
  });
export const crashLooping = (name: string): V1Pod =>
  pod(name, {
    containers: vllm,
    node: "gpu-a",
    conditions: [podCondition("PodScheduled", "True"), podCondition("Ready", "False", { reason: "ContainersNotReady" })],
    containerStatuses: [containerStatus("vllm", { waiting: "CrashLoopBackOff" }, { restartCount: 12, lastTerminated: { reason: "Error", exitCode: 1, finishedAt: ago(60_000) } })],
  });
export const insufficientGpu =
  "0/4 nodes are available: 4 Insufficient nvidia.com/gpu. preemption: 0/4 nodes are available: 4 No preemption victims found for incoming pod.";
export const unscheduled = (name: string, message: string): V1Pod =>
  pod(name, { phase: "Pending", containers: vllm, conditions: [podCondition("PodScheduled", "False", { reason: "Unschedulable", message })] });
export const notReadyFor = (name: string, ms: number): V1Pod =>
  pod(name, {
    containers: vllm,
    node: "gpu-a",
    conditions: [podCondition("PodScheduled", "True"), podCondition("Ready", "False", { reason: "ContainersNotReady", since: ago(ms) })],
    containerStatuses: [containerStatus("vllm", { running: true }, { ready: false })],
  });
