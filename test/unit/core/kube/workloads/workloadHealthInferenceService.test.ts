import { describe, expect, test } from "vitest";
import { classifyWorkloadHealth, type WorkloadHealthInput } from "../../../../../src/core/kube/workloads/workloadHealth";
import { container, containerStatus, inferenceService, knCondition, now, pod, podCondition } from "../kubeObjects";
import { crashLooping, healthyPod, rolling, steady, vllm } from "../workloadScenarios";

type Case = { name: string; input: Omit<WorkloadHealthInput, "now">; health: string; codes: string[] };

describe("InferenceServices: KServe's Ready is checked against the pods", () => {
  const predictor = (available: number) => steady(available);
  test.each<Case>([
    {
      name: "Ready=True while a predictor pod crash-loops is Degraded (kserve#1859)",
      input: { inferenceService: inferenceService("llama"), deployment: predictor(1), pods: [healthyPod("llama-predictor-a"), crashLooping("llama-predictor-b")] },
      health: "Degraded",
      codes: ["CrashLoopBackOff", "ReplicasUnavailable"],
    },
    {
      name: "Ready=True while the storage-initializer init container crash-loops, no Deployment given",
      input: {
        inferenceService: inferenceService("llama"),
        pods: [
          pod("llama-predictor-a", {
            phase: "Pending",
            node: "gpu-a",
            containers: vllm,
            initContainers: [container("storage-initializer")],
            conditions: [podCondition("PodScheduled", "True"), podCondition("Initialized", "False")],
            initContainerStatuses: [containerStatus("storage-initializer", { waiting: "CrashLoopBackOff" }, { restartCount: 356, lastTerminated: { reason: "Error", exitCode: 1 } })],
            containerStatuses: [containerStatus("vllm", { waiting: "PodInitializing" })],
          }),
        ],
      },
      health: "Degraded",
      codes: ["CrashLoopBackOff"],
    },
    {
      name: "Ready=True with healthy pods is Healthy",
      input: { inferenceService: inferenceService("llama"), deployment: predictor(2), pods: [healthyPod("llama-predictor-a"), healthyPod("llama-predictor-b")] },
      health: "Healthy",
      codes: [],
    },
    {
      name: "Ready=False with the predictor's rollout finished is Degraded",
      input: {
        inferenceService: inferenceService("llama", {
          conditions: [
            knCondition("IngressReady", "False", "IngressNotConfigured", "Ingress has not been configured"),
            knCondition("PredictorReady", "True"),
            knCondition("Ready", "False", "IngressNotConfigured"),
          ],
        }),
        deployment: predictor(2),
        pods: [healthyPod("llama-predictor-a")],
      },
      health: "Degraded",
      codes: ["InferenceServiceNotReady"],
    },
    {
      name: "Ready=False while the predictor Deployment rolls out is Progressing",
      input: {
        inferenceService: inferenceService("llama", { conditions: [knCondition("PredictorReady", "False", "MinimumReplicasUnavailable"), knCondition("Ready", "False")] }),
        deployment: rolling(),
        pods: [healthyPod("llama-predictor-a")],
      },
      health: "Progressing",
      codes: ["InferenceServiceNotReady", "RolloutInProgress"],
    },
    {
      name: "Ready=Unknown is Progressing",
      input: { inferenceService: inferenceService("llama", { conditions: [knCondition("PredictorReady", "Unknown"), knCondition("Ready", "Unknown")] }) },
      health: "Progressing",
      codes: ["InferenceServiceNotReady"],
    },
    {
      name: "a model that failed to load is Failed",
      input: {
        inferenceService: inferenceService("llama", {
          conditions: [knCondition("PredictorReady", "False"), knCondition("Ready", "False")],
          modelStatus: {
            transitionStatus: "BlockedByFailedLoad",
            states: { activeModelState: "FailedToLoad", targetModelState: "FailedToLoad" },
            lastFailureInfo: { location: "llama-predictor-a", reason: "ModelLoadFailed", message: "no such key: models/llama/config.json", exitCode: 1 },
          },
        }),
      },
      health: "Failed",
      codes: ["InferenceServiceNotReady"],
    },
    {
      name: "a stale lastFailureInfo on an up-to-date model does not make it Failed",
      input: {
        inferenceService: inferenceService("llama", {
          conditions: [knCondition("IngressReady", "False", "IngressNotConfigured"), knCondition("Ready", "False")],
          modelStatus: { transitionStatus: "UpToDate", states: { activeModelState: "Loaded" }, lastFailureInfo: { reason: "ModelLoadFailed", message: "old" } },
        }),
        deployment: predictor(2),
      },
      health: "Degraded",
      codes: ["InferenceServiceNotReady"],
    },
    {
      name: "a stopped InferenceService is Healthy and says so",
      input: { inferenceService: inferenceService("llama", { conditions: [knCondition("Stopped", "True"), knCondition("Ready", "False", "Stopped")] }) },
      health: "Healthy",
      codes: ["InferenceServiceStopped"],
    },
    {
      name: "no status at all is Unknown",
      input: { inferenceService: inferenceService("llama", { noStatus: true }) },
      health: "Unknown",
      codes: ["NoStatus"],
    },
  ])("$name", ({ input, health, codes }) => {
    const result = classifyWorkloadHealth({ ...input, now });
    expect(result.health).toBe(health);
    expect(result.reasons.map((r) => r.code)).toEqual(codes);
  });
});
