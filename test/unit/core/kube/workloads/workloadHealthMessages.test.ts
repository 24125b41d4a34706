import { describe, expect, test } from "vitest";
import { classifyWorkloadHealth, type WorkloadHealthInput } from "../../../../../src/core/kube/workloads/workloadHealth";
import { ago, containerStatus, deploymentCondition, inferenceService, knCondition, minutes, now, pod, podEvent, replicaSet } from "../kubeObjects";
import { crashLooping, insufficientGpu, notReadyFor, rolling, steady, unscheduled, vllm } from "../workloadScenarios";

describe("reason messages name the pod, the container and the numbers", () => {
  const messages = (input: Omit<WorkloadHealthInput, "now">) => classifyWorkloadHealth({ ...input, now }).reasons.map((r) => r.message);

  test("CrashLoopBackOff", () => {
    const [reason] = classifyWorkloadHealth({ deployment: steady(1), pods: [crashLooping("vllm-7d9c-abcde")], now }).reasons;
    expect(reason).toEqual({
      code: "CrashLoopBackOff",
      severity: "Degraded",
      message: "pod vllm-7d9c-abcde container vllm: CrashLoopBackOff, 12 restarts, last exit 1 (Error)",
      pods: ["vllm-7d9c-abcde"],
    });
  });

  test("OOMKilled names the memory limit", () => {
    const p = pod("vllm-7d9c-b", {
      containers: vllm,
      containerStatuses: [containerStatus("vllm", { waiting: "CrashLoopBackOff" }, { restartCount: 4, lastTerminated: { reason: "OOMKilled", exitCode: 137, finishedAt: ago(30_000) } })],
    });
    expect(messages({ deployment: steady(2), pods: [p] })).toEqual(["pod vllm-7d9c-b container vllm: OOMKilled (exit 137), in CrashLoopBackOff, 4 restarts, memory limit 16Gi"]);
  });

  test("InsufficientGPU quotes the scheduler", () => {
    expect(messages({ deployment: steady(2), pods: [unscheduled("vllm-5f6b-a", insufficientGpu)] })).toEqual([`pod vllm-5f6b-a: not enough nvidia.com/gpu (${insufficientGpu})`]);
  });

  test("the scheduler's reason comes from the latest FailedScheduling event when the condition has no message", () => {
    const p = pod("vllm-5f6b-a", { phase: "Pending", containers: vllm, conditions: [] });
    const events = [
      podEvent("vllm-5f6b-a", "FailedScheduling", "0/4 nodes are available: 4 Insufficient cpu.", { at: ago(minutes(9)) }),
      podEvent("vllm-5f6b-a", "FailedScheduling", "0/4 nodes are available: 2 Insufficient nvidia.com/mig-3g.20gb.", { at: ago(minutes(1)) }),
      podEvent("other-pod", "FailedScheduling", "0/4 nodes are available: 4 Insufficient amd.com/gpu.", { at: ago(10_000) }),
    ];
    const [reason] = classifyWorkloadHealth({ deployment: steady(2), pods: [p], events, now }).reasons;
    expect(reason?.code).toBe("InsufficientGPU");
    expect(reason?.message).toBe("pod vllm-5f6b-a: not enough nvidia.com/mig-3g.20gb (0/4 nodes are available: 2 Insufficient nvidia.com/mig-3g.20gb.)");
  });

  test("readiness failure carries the probe's last message and how long it has failed", () => {
    const events = [
      podEvent("vllm-7d9c-b", "Unhealthy", "Readiness probe failed: connection refused", { at: ago(minutes(8)), count: 3 }),
      podEvent("vllm-7d9c-b", "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", { at: ago(20_000), count: 40 }),
    ];
    expect(messages({ deployment: steady(2), pods: [notReadyFor("vllm-7d9c-b", minutes(10))], events })).toEqual([
      "pod vllm-7d9c-b container vllm: not ready for 10m (Readiness probe failed: HTTP probe failed with statuscode: 503, 40×)",
    ]);
  });

  test("CreateContainerConfigError quotes the kubelet", () => {
    const p = pod("vllm-5f6b-a", {
      phase: "Pending",
      node: "gpu-b",
      containers: vllm,
      containerStatuses: [containerStatus("vllm", { waiting: "CreateContainerConfigError", message: 'secret "hf-token" not found' })],
    });
    expect(messages({ deployment: steady(2), pods: [p] })).toEqual(['pod vllm-5f6b-a container vllm: CreateContainerConfigError, secret "hf-token" not found']);
  });

  test("ImagePullBackOff names the image", () => {
    const p = pod("vllm-5f6b-a", { phase: "Pending", node: "gpu-b", containers: vllm, containerStatuses: [containerStatus("vllm", { waiting: "ImagePullBackOff" }, { image: "vllm/vllm-openai:v0.6.4" })] });
    expect(messages({ deployment: steady(2), pods: [p] })).toEqual(["pod vllm-5f6b-a container vllm: ImagePullBackOff, image vllm/vllm-openai:v0.6.4"]);
  });

  test("ReplicasUnavailable and ReplicaFailure give the counts and the refusal", () => {
    expect(messages({ deployment: steady(0), replicaSets: [replicaSet("vllm-7d9c", { failure: "exceeded quota: gpu-quota" })] })).toEqual([
      "deployment vllm cannot create pods: exceeded quota: gpu-quota",
      "deployment vllm: 0 of 2 replicas available",
    ]);
  });

  test("ProgressDeadlineExceeded carries kubectl's words and the controller's", () => {
    const d = rolling({ conditions: [deploymentCondition("Progressing", "False", "ProgressDeadlineExceeded", 'ReplicaSet "vllm-5f6b" has timed out progressing.')] });
    expect(messages({ deployment: d })).toEqual(['deployment "vllm" exceeded its progress deadline: ReplicaSet "vllm-5f6b" has timed out progressing.']);
  });

  test("a failed model load says where and why", () => {
    const isvc = inferenceService("llama", {
      conditions: [knCondition("Ready", "False")],
      modelStatus: { transitionStatus: "BlockedByFailedLoad", lastFailureInfo: { location: "llama-predictor-a", reason: "ModelLoadFailed", message: "bad weights" } },
    });
    expect(messages({ inferenceService: isvc })).toEqual(["InferenceService llama not ready: model failed to load on llama-predictor-a: ModelLoadFailed: bad weights"]);
  });
});
