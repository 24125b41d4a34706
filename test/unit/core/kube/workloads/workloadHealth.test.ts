import { describe, expect, test } from "vitest";
import { classifyWorkloadHealth, worseHealth, type WorkloadHealthInput } from "../../../../../src/core/kube/workloads/workloadHealth";
import { ago, containerStatus, deployment, deploymentCondition, minutes, now, pod, podCondition, podEvent, replicaSet } from "../kubeObjects";
import { crashLooping, healthyPod, insufficientGpu, notReadyFor, rolling, steady, unscheduled, vllm } from "../workloadScenarios";

type Case = { name: string; input: Omit<WorkloadHealthInput, "now">; health: string; codes: string[] };

describe("classifyWorkloadHealth reconciles top-level status with the pods", () => {
  test.each<Case>([
    {
      name: "healthy: rollout complete, every replica ready, no bad pods",
      input: { deployment: steady(2), pods: [healthyPod("vllm-7d9c-a"), healthyPod("vllm-7d9c-b")] },
      health: "Healthy",
      codes: [],
    },
    {
      name: "progressing: a rollout within its deadline, the new pod still creating",
      input: {
        deployment: rolling(),
        pods: [
          healthyPod("vllm-7d9c-a"),
          healthyPod("vllm-7d9c-b"),
          pod("vllm-5f6b-a", {
            phase: "Pending",
            node: "gpu-b",
            containers: vllm,
            conditions: [podCondition("PodScheduled", "True")],
            containerStatuses: [containerStatus("vllm", { waiting: "ContainerCreating" })],
          }),
        ],
      },
      health: "Progressing",
      codes: ["RolloutInProgress"],
    },
    {
      name: "progressing: a new pod unready for less than the grace period",
      input: { deployment: rolling(), pods: [healthyPod("vllm-7d9c-a"), notReadyFor("vllm-5f6b-a", 30_000)] },
      health: "Progressing",
      codes: ["RolloutInProgress"],
    },
    {
      name: "progressing: the controller has not observed the new generation yet",
      input: { deployment: deployment("vllm", { generation: 5, status: { observedGeneration: 4 } }), pods: [healthyPod("vllm-7d9c-a")] },
      health: "Progressing",
      codes: ["RolloutInProgress"],
    },
    {
      name: "failed: Progressing=False with ProgressDeadlineExceeded",
      input: {
        deployment: rolling({
          conditions: [
            deploymentCondition("Available", "True", "MinimumReplicasAvailable"),
            deploymentCondition("Progressing", "False", "ProgressDeadlineExceeded", 'ReplicaSet "vllm-5f6b" has timed out progressing.'),
          ],
        }),
        pods: [healthyPod("vllm-7d9c-a"), healthyPod("vllm-7d9c-b"), unscheduled("vllm-5f6b-a", insufficientGpu)],
      },
      health: "Failed",
      codes: ["ProgressDeadlineExceeded", "InsufficientGPU"],
    },
    {
      name: "degraded: Available=True but one pod in CrashLoopBackOff",
      input: { deployment: steady(1), pods: [healthyPod("vllm-7d9c-a"), crashLooping("vllm-7d9c-b")] },
      health: "Degraded",
      codes: ["CrashLoopBackOff", "ReplicasUnavailable"],
    },
    {
      name: "degraded: Available=True, all replicas available, one pod recently OOMKilled and restarted",
      input: {
        deployment: steady(2),
        pods: [
          healthyPod("vllm-7d9c-a"),
          pod("vllm-7d9c-b", {
            containers: vllm,
            node: "gpu-a",
            containerStatuses: [
              containerStatus("vllm", { running: true }, { restartCount: 3, lastTerminated: { reason: "OOMKilled", exitCode: 137, finishedAt: ago(minutes(5)) } }),
            ],
          }),
        ],
      },
      health: "Degraded",
      codes: ["OOMKilled"],
    },
    {
      name: "healthy: an OOM kill older than the window is history",
      input: {
        deployment: steady(2),
        pods: [
          pod("vllm-7d9c-b", {
            containers: vllm,
            containerStatuses: [
              containerStatus("vllm", { running: true }, { restartCount: 1, lastTerminated: { reason: "OOMKilled", exitCode: 137, finishedAt: ago(minutes(180)) } }),
            ],
          }),
        ],
      },
      health: "Healthy",
      codes: [],
    },
    {
      name: "degraded: the new pod cannot pull its image, rollout still within deadline",
      input: {
        deployment: rolling(),
        pods: [
          healthyPod("vllm-7d9c-a"),
          pod("vllm-5f6b-a", {
            phase: "Pending",
            node: "gpu-b",
            containers: vllm,
            conditions: [podCondition("PodScheduled", "True")],
            containerStatuses: [containerStatus("vllm", { waiting: "ImagePullBackOff", message: 'Back-off pulling image "vllm/vllm-openai:v0.6.4"' })],
          }),
        ],
      },
      health: "Degraded",
      codes: ["ImagePullBackOff", "RolloutInProgress"],
    },
    {
      name: "degraded: ErrImagePull on the first attempt",
      input: {
        deployment: rolling(),
        pods: [pod("vllm-5f6b-a", { phase: "Pending", node: "gpu-b", containers: vllm, containerStatuses: [containerStatus("vllm", { waiting: "ErrImagePull" })] })],
      },
      health: "Degraded",
      codes: ["ErrImagePull", "RolloutInProgress"],
    },
    {
      name: "degraded: a container that cannot be configured (missing Secret)",
      input: {
        deployment: rolling(),
        pods: [
          pod("vllm-5f6b-a", {
            phase: "Pending",
            node: "gpu-b",
            containers: vllm,
            containerStatuses: [containerStatus("vllm", { waiting: "CreateContainerConfigError", message: 'secret "hf-token" not found' })],
          }),
        ],
      },
      health: "Degraded",
      codes: ["CreateContainerConfigError", "RolloutInProgress"],
    },
    {
      name: "degraded: a pod pending because no node has a free GPU",
      input: { deployment: rolling(), pods: [healthyPod("vllm-7d9c-a"), unscheduled("vllm-5f6b-a", insufficientGpu)] },
      health: "Degraded",
      codes: ["InsufficientGPU", "RolloutInProgress"],
    },
    {
      name: "degraded: a pod pending for a reason other than GPUs",
      input: {
        deployment: rolling(),
        pods: [unscheduled("vllm-5f6b-a", "0/4 nodes are available: 4 node(s) had untolerated taint {sku: gpu}.")],
      },
      health: "Degraded",
      codes: ["Unschedulable", "RolloutInProgress"],
    },
    {
      name: "degraded: running but failing readiness for ten minutes",
      input: {
        deployment: steady(1),
        pods: [healthyPod("vllm-7d9c-a"), notReadyFor("vllm-7d9c-b", minutes(10))],
        events: [podEvent("vllm-7d9c-b", "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", { count: 40 })],
      },
      health: "Degraded",
      codes: ["ReadinessProbeFailing", "ReplicasUnavailable"],
    },
    {
      name: "progressing: paused in the middle of a rollout",
      input: { deployment: rolling({ paused: true }), pods: [healthyPod("vllm-7d9c-a")] },
      health: "Progressing",
      codes: ["Paused"],
    },
    {
      name: "healthy: paused after a complete rollout",
      input: { deployment: deployment("vllm", { paused: true }), pods: [healthyPod("vllm-7d9c-a"), healthyPod("vllm-7d9c-b")] },
      health: "Healthy",
      codes: ["Paused"],
    },
    {
      name: "healthy: scaled to zero on purpose",
      input: { deployment: deployment("vllm", { replicas: 0 }), pods: [] },
      health: "Healthy",
      codes: ["ScaledToZero"],
    },
    {
      name: "degraded: pods lost after a finished rollout, none available",
      input: { deployment: steady(0), pods: [crashLooping("vllm-7d9c-a"), crashLooping("vllm-7d9c-b")] },
      health: "Degraded",
      codes: ["CrashLoopBackOff", "CrashLoopBackOff", "ReplicasUnavailable"],
    },
    {
      name: "degraded: the ReplicaSet cannot create pods (quota)",
      input: {
        deployment: rolling(),
        replicaSets: [replicaSet("vllm-5f6b", { failure: 'pods "vllm-5f6b-x" is forbidden: exceeded quota: gpu-quota, requested: requests.nvidia.com/gpu=1' })],
        pods: [healthyPod("vllm-7d9c-a")],
      },
      health: "Degraded",
      codes: ["ReplicaFailure", "RolloutInProgress"],
    },
    {
      name: "unknown: a Deployment with no status and no pods",
      input: { deployment: deployment("vllm", { status: "none" }), pods: [] },
      health: "Unknown",
      codes: ["NoStatus"],
    },
    {
      name: "degraded: no status yet, but a pod is already crash-looping",
      input: { deployment: deployment("vllm", { status: "none" }), pods: [crashLooping("vllm-7d9c-a")] },
      health: "Degraded",
      codes: ["CrashLoopBackOff", "NoStatus"],
    },
    {
      name: "unknown: nothing at all",
      input: {},
      health: "Unknown",
      codes: ["NoStatus"],
    },
    {
      name: "terminating and evicted pods are not the workload's problem",
      input: {
        deployment: steady(2),
        pods: [
          healthyPod("vllm-7d9c-a"),
          healthyPod("vllm-7d9c-b"),
          { ...crashLooping("vllm-old-a"), metadata: { ...crashLooping("vllm-old-a").metadata, deletionTimestamp: ago(5000) } },
          pod("vllm-7d9c-evicted", { phase: "Failed", containers: vllm }),
        ],
      },
      health: "Healthy",
      codes: [],
    },
  ])("$name", ({ input, health, codes }) => {
    const result = classifyWorkloadHealth({ ...input, now });
    expect(result.health).toBe(health);
    expect(result.reasons.map((r) => r.code)).toEqual(codes);
  });
});

describe("ordering is deterministic", () => {
  test("the same input in any order gives the same reasons", () => {
    const pods = [crashLooping("vllm-c"), unscheduled("vllm-a", insufficientGpu), crashLooping("vllm-b"), healthyPod("vllm-d")];
    const forward = classifyWorkloadHealth({ deployment: rolling(), pods, now });
    const backward = classifyWorkloadHealth({ deployment: rolling(), pods: [...pods].reverse(), now });
    expect(backward).toEqual(forward);
    expect(forward.reasons.map((r) => `${r.code}:${r.pods.join()}`)).toEqual([
      "CrashLoopBackOff:vllm-b",
      "CrashLoopBackOff:vllm-c",
      "InsufficientGPU:vllm-a",
      "RolloutInProgress:",
    ]);
  });

  test.each([
    { a: "Healthy", b: "Failed", worse: "Failed" },
    { a: "Degraded", b: "Progressing", worse: "Degraded" },
    { a: "Unknown", b: "Healthy", worse: "Healthy" },
    { a: "Failed", b: "Degraded", worse: "Failed" },
  ] as const)("worseHealth($a, $b) is $worse", ({ a, b, worse }) => {
    expect(worseHealth(a, b)).toBe(worse);
    expect(worseHealth(b, a)).toBe(worse);
  });
});
