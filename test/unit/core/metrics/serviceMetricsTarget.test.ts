import type { V1Deployment } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { metricsTargetOfDeployment, metricsTargetOfInferenceService, podNameRegex, runtimeOfImages } from "../../../../src/core/metrics/metricsTarget";
import { resolveSlo } from "../../../../src/core/metrics/sloTargets";
import { InferenceService } from "../../../../src/core/kube/objects/inferenceService";

describe("runtimeOfImages", () => {
  // The sandbox demo's and the templates' images.
  it.each([
    [["vllm/vllm-openai:v0.6.3"], "vllm"],
    [["nvcr.io/nvidia/tritonserver:24.08-py3"], "triton"],
    [["docker.io/kserve/sklearnserver:v0.14.0"], "kserve"],
    [["kserve/xgbserver:v0.14.0"], "kserve"],
    [["aiplatform.azurecr.io/sentiment-fastapi-onnx:2.1.0"], "fastapi"],
    [["registry.example.com/ml/reranker:0.1.0"], "fastapi"],
    [["busybox:1.36", "vllm/vllm-openai:v0.5.4"], "vllm"],
    [[], "fastapi"],
  ] as const)("%j → %s", (images, runtime) => expect(runtimeOfImages(images)).toBe(runtime));
});

describe("podNameRegex", () => {
  const matches = (regex: string, pod: string) => new RegExp(`^(?:${regex})$`).test(pod);
  it("matches a Deployment's pods and not a longer-named neighbour's", () => {
    const r = podNameRegex({ kind: "Deployment", name: "chat" });
    expect(matches(r, "chat-7b4c9d6f8-x2k9p")).toBe(true);
    expect(matches(r, "chat-5d8f7c9b6d-4xk2p")).toBe(true);
    expect(matches(r, "chat-canary-7b4c9d6f8-x2k9p")).toBe(false);
    expect(matches(r, "chatbot-7b4c9d6f8-x2k9p")).toBe(false);
  });
  it("matches a KServe predictor's pods in RawDeployment and Knative mode", () => {
    const r = podNameRegex({ kind: "InferenceService", name: "fraud" });
    expect(matches(r, "fraud-predictor-6d5f8b7c9-abcde")).toBe(true);
    expect(matches(r, "fraud-predictor-00003-deployment-7c9d8f6b5-qwert")).toBe(true);
    expect(matches(r, "fraud-transformer-6d5f8b7c9-abcde")).toBe(false);
  });
  it("escapes dots in names", () => expect(podNameRegex({ kind: "Deployment", name: "a.b" })).toBe("a\\.b-[a-z0-9]{1,10}-[a-z0-9]{5}"));
});

describe("targets from cluster objects", () => {
  const slo = resolveSlo(undefined, "vllm");
  it("takes a Deployment's namespace, name and runtime from its containers", () => {
    const d: V1Deployment = {
      metadata: { name: "vllm-llama3-8b", namespace: "llm-serving" },
      spec: { selector: {}, template: { spec: { containers: [{ name: "vllm", image: "vllm/vllm-openai:v0.6.3" }] } } },
    };
    expect(metricsTargetOfDeployment("aks-prod", d, slo)).toEqual({ context: "aks-prod", namespace: "llm-serving", name: "vllm-llama3-8b", kind: "Deployment", runtime: "vllm", slo });
  });
  it("resolves the SLO once the runtime is known, when given how", () => {
    const d: V1Deployment = { metadata: { name: "chat", namespace: "llm" }, spec: { selector: {}, template: { spec: { containers: [{ name: "vllm", image: "vllm/vllm-openai:v0.6.3" }] } } } };
    expect(metricsTargetOfDeployment("c", d, (runtime) => resolveSlo({ tier: "internal" }, runtime)).slo).toMatchObject({ p95LatencyMs: 2000, availability: 0.995 });
  });
  it("takes KServe's model server for an InferenceService, unless its runtime is vLLM or Triton", () => {
    const isvc = (predictor: unknown) => InferenceService.parse({ metadata: { name: "fraud", namespace: "ml" }, spec: { predictor } });
    expect(metricsTargetOfInferenceService("c", isvc({ model: { modelFormat: { name: "sklearn" } } }), slo).runtime).toBe("kserve");
    expect(metricsTargetOfInferenceService("c", isvc({ model: { runtime: "kserve-tritonserver" } }), slo).runtime).toBe("triton");
    expect(metricsTargetOfInferenceService("c", isvc({ containers: [{ name: "kserve-container", image: "vllm/vllm-openai:v0.6.3" }] }), slo)).toMatchObject({
      kind: "InferenceService",
      namespace: "ml",
      name: "fraud",
      runtime: "vllm",
    });
  });
});
