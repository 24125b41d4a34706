import { describe, expect, test } from "vitest";
import {
  describeQualification,
  inferenceQualifications,
  isInferenceWorkload,
  modelServerOfImage,
  owningInferenceService,
  servedVersion,
} from "../../../../../src/core/kube/workloads/inferenceWorkload";
import { container, deployment, inferenceService } from "../kubeObjects";

describe("modelServerOfImage matches the repository name, not tags or registries", () => {
  test.each([
    { image: "vllm/vllm-openai:v0.6.3", server: "vllm" },
    { image: "myregistry.io/team/vllm-openai:v0.6", server: "vllm" },
    { image: "nvcr.io/nvidia/tritonserver:24.05-py3", server: "tritonserver" },
    { image: "kserve/huggingfaceserver:v0.14.0", server: "kserve" },
    { image: "docker.io/kserve/sklearnserver:v0.13.0", server: "kserve" },
    { image: "pytorch/torchserve:0.11.0-gpu", server: "torchserve" },
    { image: "seldonio/mlserver:1.6.0", server: "mlserver" },
    { image: "ghcr.io/huggingface/text-generation-inference:2.4.0", server: "text-generation-inference" },
    { image: "bentoml/llm-service:1.2", server: "bentoml" },
    { image: "rayproject/ray:2.9.0-gpu", server: "ray" },
    { image: "rayproject/ray-ml:2.9.0", server: "ray" },
    { image: "docker.io/library/array-tools:1", server: undefined },
    { image: "ghcr.io/acme/billing-api:vllm", server: undefined },
    { image: "vllm.example.com/acme/billing-api:1", server: undefined },
    { image: "acme/text-inference:1", server: undefined },
    { image: "acme/xray:3", server: undefined },
  ])("$image → $server", ({ image, server }) => {
    expect(modelServerOfImage(image)).toBe(server);
  });
});

describe("inferenceQualifications says why a workload is listed", () => {
  test.each([
    {
      name: "a KServe InferenceService",
      workload: inferenceService("llama"),
      kinds: ["InferenceService"],
    },
    {
      name: "a Deployment requesting nvidia.com/gpu through limits only",
      workload: deployment("embedder", { containers: [container("embedder", { limits: { "nvidia.com/gpu": "1" } })] }),
      kinds: ["RequestsGpus"],
    },
    {
      name: "a Deployment requesting amd.com/gpu",
      workload: deployment("rocm", { containers: [container("rocm", { requests: { "amd.com/gpu": "2" }, limits: { "amd.com/gpu": "2" } })] }),
      kinds: ["RequestsGpus"],
    },
    {
      name: "a Deployment requesting a MIG slice",
      workload: deployment("small", { containers: [container("small", { limits: { "nvidia.com/mig-1g.5gb": "1" } })] }),
      kinds: ["RequestsGpus"],
    },
    {
      name: "a Deployment labelled ai-platform/service",
      workload: deployment("fraud", { labels: { "ai-platform/service": "fraud-scorer" } }),
      kinds: ["ServiceLabel"],
    },
    {
      name: "a Deployment running vLLM on a GPU with our label: every reason, in order",
      workload: deployment("llm", {
        labels: { "ai-platform/service": "chat" },
        containers: [container("vllm", { image: "myregistry.io/team/vllm-openai:v0.6", limits: { "nvidia.com/gpu": "1" } })],
      }),
      kinds: ["RequestsGpus", "ServiceLabel", "ModelServerImage"],
    },
    {
      name: "a plain web Deployment",
      workload: deployment("web", { containers: [container("web", { image: "docker.io/library/array-tools:1", requests: { cpu: "1" } })] }),
      kinds: [],
    },
    {
      name: "a Deployment asking for 0 GPUs",
      workload: deployment("zero", { containers: [container("zero", { limits: { "nvidia.com/gpu": "0" } })] }),
      kinds: [],
    },
  ])("$name", ({ workload, kinds }) => {
    const qs = inferenceQualifications(workload);
    expect(qs.map((q) => q.kind)).toEqual(kinds);
    expect(isInferenceWorkload(workload)).toBe(kinds.length > 0);
  });

  test("tooltip lines name the evidence", () => {
    const d = deployment("llm", {
      labels: { "ai-platform/service": "chat" },
      containers: [container("vllm", { image: "vllm/vllm-openai:v0.6.3", limits: { "nvidia.com/gpu": "2" } })],
    });
    expect(inferenceQualifications(d).map(describeQualification)).toEqual([
      "requests 2 nvidia.com/gpu per pod",
      "labelled ai-platform/service=chat",
      "container vllm runs vllm (vllm/vllm-openai:v0.6.3)",
    ]);
    expect(describeQualification({ kind: "InferenceService" })).toBe("KServe InferenceService");
  });

  test("a KServe predictor Deployment points at its InferenceService", () => {
    expect(owningInferenceService(deployment("llama-predictor", { labels: { "serving.kserve.io/inferenceservice": "llama" } }))).toBe("llama");
    expect(owningInferenceService(deployment("web"))).toBeUndefined();
  });
});

describe("servedVersion", () => {
  const digest = "sha256:6e2b7ac4f2e5a2a0f8d6b21c7b7a9e1f3c4d5e6f708192a3b4c5d6e7f8091a2b";
  test.each([
    {
      name: "the model-version annotation wins",
      workload: deployment("llm", { annotations: { "ai-platform/model-version": "llama-3.1-8b@7" }, containers: [container("vllm", { image: "vllm/vllm-openai:v0.6.3" })] }),
      expected: { version: "llama-3.1-8b@7", source: "annotation" },
    },
    {
      name: "the annotation on the pod template counts too",
      workload: deployment("llm", { templateAnnotations: { "ai-platform/model-version": "v12" } }),
      expected: { version: "v12", source: "annotation" },
    },
    {
      name: "else the model server's image tag, not a sidecar's",
      workload: deployment("llm", {
        containers: [container("proxy", { image: "envoyproxy/envoy:v1.31" }), container("vllm", { image: "vllm/vllm-openai:v0.6.3" })],
      }),
      expected: { version: "v0.6.3", source: "image-tag", image: "vllm/vllm-openai:v0.6.3" },
    },
    {
      name: "else the GPU container's image tag",
      workload: deployment("emb", {
        containers: [container("proxy", { image: "envoyproxy/envoy:v1.31" }), container("emb", { image: "acme/embedder:2024.06", limits: { "nvidia.com/gpu": "1" } })],
      }),
      expected: { version: "2024.06", source: "image-tag", image: "acme/embedder:2024.06" },
    },
    {
      name: "a digest-pinned image gives a short digest",
      workload: deployment("emb", { containers: [container("emb", { image: `acme/embedder@${digest}` })] }),
      expected: { version: "sha256:6e2b7ac4f2e5", source: "image-digest", image: `acme/embedder@${digest}` },
    },
    {
      name: "an image with neither tag nor digest has no version",
      workload: deployment("emb", { containers: [container("emb", { image: "acme/embedder" })] }),
      expected: undefined,
    },
    {
      name: "an InferenceService's annotation",
      workload: inferenceService("llama", { annotations: { "ai-platform/model-version": "3" } }),
      expected: { version: "3", source: "annotation" },
    },
    {
      name: "an InferenceService with a custom predictor container",
      workload: inferenceService("custom", { predictor: { containers: [{ name: "kserve-container", image: "acme/predictor:1.4.2" }] } }),
      expected: { version: "1.4.2", source: "image-tag", image: "acme/predictor:1.4.2" },
    },
    {
      name: "an InferenceService naming its runtime version",
      workload: inferenceService("llama", { predictor: { model: { modelFormat: { name: "huggingface" }, runtimeVersion: "v0.14.0" } } }),
      expected: { version: "v0.14.0", source: "runtime-version" },
    },
    {
      name: "an InferenceService with nothing to go on",
      workload: inferenceService("llama"),
      expected: undefined,
    },
  ])("$name", ({ workload, expected }) => {
    expect(servedVersion(workload)).toEqual(expected);
  });
});
