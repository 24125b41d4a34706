/**
 * Each policy rule on hand-written objects, passing and failing, with the exact finding. The
 * policies follow published ones: Kyverno's require-requests-limits and disallow-latest-tag,
 * the restricted Pod Security Standard (runAsNonRoot, runAsUser ≠ 0), and the scheduler's own
 * rules for where a GPU pod fits (nodeSelector, required node affinity, taints, whole pods per node).
 */
import { describe, expect, test } from "vitest";
import type { KubeObject } from "../../../../src/core/kube/objects/kubeObject";
import { computeClusterCapacity } from "../../../../src/core/policy/clusterCapacity";
import { policyRule, type Violation } from "../../../../src/core/policy/policyRules";
import { deploymentObject, digest, goodContainer, gpuNode, gpuPod, inferenceServiceObject, input, nonRoot } from "./policyFixtures";

function check(id: string, objects: KubeObject[], opts: Parameters<typeof input>[1] = {}): Violation[] {
  const rule = policyRule(id);
  if (!rule) throw new Error(`no rule ${id}`);
  return rule.check(input(objects, opts));
}

const chat = { apiVersion: "apps/v1", kind: "Deployment", namespace: "llm", name: "chat" };
const messages = (vs: Violation[]) => vs.map((v) => v.message);

describe("limits-set", () => {
  test.each([
    { what: "requests and limits for both", containers: [goodContainer()], expected: [] },
    { what: "limits only (requests default to them)", containers: [goodContainer({ resources: { limits: { cpu: "4", memory: "32Gi" } } })], expected: [] },
    { what: "requests without a memory limit", containers: [goodContainer({ resources: { requests: { cpu: "4", memory: "32Gi" } } })], expected: ['Deployment llm/chat container "vllm" has no memory limit'] },
    { what: "no resources at all", containers: [goodContainer({ resources: {} })], expected: ['Deployment llm/chat container "vllm" has no CPU request, memory request or memory limit'] },
    {
      what: "a GPU-only container, and a sidecar with everything",
      containers: [goodContainer({ resources: { limits: { "nvidia.com/gpu": "1" } } }), goodContainer({ name: "proxy" })],
      expected: ['Deployment llm/chat container "vllm" has no CPU request, memory request or memory limit'],
    },
  ])("$what", ({ containers, expected }) => {
    const found = check("limits-set", [deploymentObject({ containers })]);
    expect(messages(found)).toEqual(expected);
    for (const v of found) expect(v.objectRef).toEqual(chat);
  });

  test("a KServe model container is a container too", () => {
    const isvc = inferenceServiceObject({ securityContext: nonRoot, model: { modelFormat: { name: "sklearn" }, storageUri: "gs://m/1" } });
    expect(messages(check("limits-set", [isvc]))).toEqual(['InferenceService llm/chat container "kserve-container" has no CPU request, memory request or memory limit']);
  });
});

describe("no-latest-tag", () => {
  test.each([
    { image: "vllm/vllm-openai:v0.6.3", expected: [] },
    { image: `vllm/vllm-openai@${digest}`, expected: [] },
    { image: `vllm/vllm-openai:latest@${digest}`, expected: [] },
    { image: "vllm/vllm-openai:latest", expected: ['Deployment llm/chat container "vllm" uses vllm/vllm-openai:latest'] },
    { image: "vllm/vllm-openai", expected: ['Deployment llm/chat container "vllm" uses vllm/vllm-openai with no tag, which pulls :latest'] },
    { image: "localhost:5000/vllm", expected: ['Deployment llm/chat container "vllm" uses localhost:5000/vllm with no tag, which pulls :latest'] },
  ])("$image", ({ image, expected }) => {
    expect(messages(check("no-latest-tag", [deploymentObject({ containers: [goodContainer({ image })] })]))).toEqual(expected);
  });

  test("init containers count, and a KServe model without an image (KServe picks it) is not flagged", () => {
    const d = deploymentObject({ initContainers: [{ name: "fetch", image: "busybox" }] });
    expect(messages(check("no-latest-tag", [d]))).toEqual(['Deployment llm/chat init container "fetch" uses busybox with no tag, which pulls :latest']);
    expect(check("no-latest-tag", [inferenceServiceObject({ model: { modelFormat: { name: "sklearn" } } })])).toEqual([]);
  });
});

describe("immutable-image-in-production", () => {
  test.each([
    { env: "prod" as const, image: `vllm/vllm-openai@${digest}`, expected: [] },
    { env: "prod" as const, image: `vllm/vllm-openai:v0.6.3@${digest}`, expected: [] },
    { env: "prod" as const, image: "vllm/vllm-openai:v0.6.3", expected: ['Deployment llm/chat container "vllm" uses vllm/vllm-openai:v0.6.3, a tag, in production environment prod'] },
    { env: "dev" as const, image: "vllm/vllm-openai:v0.6.3", expected: [] },
  ])("$image in $env", ({ env, image, expected }) => {
    expect(messages(check("immutable-image-in-production", [deploymentObject({ namespace: env === "dev" ? "llm-dev" : "llm", containers: [goodContainer({ image })] })], { env }))).toEqual(expected);
  });
});

describe("probes-present", () => {
  test.each([
    { what: "both probes", container: goodContainer(), expected: [], path: undefined },
    { what: "no liveness probe", container: goodContainer({ livenessProbe: null }), expected: ['Deployment llm/chat container "vllm" has no liveness probe'], path: ["probes", "liveness"] },
    { what: "no readiness probe", container: goodContainer({ readinessProbe: null }), expected: ['Deployment llm/chat container "vllm" has no readiness probe'], path: ["probes", "readiness"] },
    { what: "neither", container: goodContainer({ readinessProbe: null, livenessProbe: null }), expected: ['Deployment llm/chat container "vllm" has no readiness or liveness probe'], path: undefined },
  ])("$what", ({ container, expected, path }) => {
    const found = check("probes-present", [deploymentObject({ containers: [container] })]);
    expect(messages(found)).toEqual(expected);
    expect(found[0]?.manifestPath).toEqual(path);
  });

  test("a batch Job needs no probes", () => {
    const job: KubeObject = { apiVersion: "batch/v1", kind: "Job", metadata: { name: "warmup", namespace: "llm" }, spec: { template: { spec: { containers: [{ name: "w", image: "x:1" }] } } } };
    expect(check("probes-present", [job])).toEqual([]);
  });
});

describe("run-as-non-root", () => {
  test.each([
    { what: "runAsNonRoot on the pod", pod: { securityContext: nonRoot }, container: {}, expected: [] },
    { what: "runAsNonRoot on the container", pod: { securityContext: null }, container: { securityContext: { runAsNonRoot: true } }, expected: [] },
    { what: "nothing set", pod: { securityContext: null }, container: {}, expected: ['Deployment llm/chat container "vllm" does not set runAsNonRoot: true, so the image\'s USER decides, often root'] },
    { what: "the container opts out of the pod's setting", pod: { securityContext: nonRoot }, container: { securityContext: { runAsNonRoot: false } }, expected: ['Deployment llm/chat container "vllm" does not set runAsNonRoot: true, so the image\'s USER decides, often root'] },
    { what: "runAsUser 0 on the pod, even with runAsNonRoot", pod: { securityContext: { runAsNonRoot: true, runAsUser: 0 } }, container: {}, expected: ['Deployment llm/chat container "vllm" runs as root (runAsUser: 0)'] },
    { what: "runAsUser 0 on the container", pod: { securityContext: nonRoot }, container: { securityContext: { runAsUser: 0 } }, expected: ['Deployment llm/chat container "vllm" runs as root (runAsUser: 0)'] },
  ])("$what", ({ pod, container, expected }) => {
    expect(messages(check("run-as-non-root", [deploymentObject({ pod, containers: [goodContainer(container)] })]))).toEqual(expected);
  });

  test("KServe: the predictor's pod-level securityContext covers the model container", () => {
    expect(check("run-as-non-root", [inferenceServiceObject({ securityContext: nonRoot, model: { modelFormat: { name: "sklearn" } } })])).toEqual([]);
    expect(messages(check("run-as-non-root", [inferenceServiceObject({ model: { modelFormat: { name: "sklearn" } } })]))).toEqual([
      'InferenceService llm/chat container "kserve-container" does not set runAsNonRoot: true, so the image\'s USER decides, often root',
    ]);
  });
});

describe("namespace-allowed", () => {
  const svc = (namespace?: string): KubeObject => ({ apiVersion: "v1", kind: "Service", metadata: { name: "chat", ...(namespace ? { namespace } : {}) }, spec: {} });
  test.each([
    { what: "the environment's namespace", objects: [svc("llm")], expected: [] },
    { what: "an allowed namespace", objects: [svc("llm-canary")], expected: [] },
    { what: "another team's namespace", objects: [svc("payments")], expected: ["Service payments/chat is in namespace payments, which environment prod may not deploy to (allowed: llm, llm-canary)"] },
    { what: "no namespace", objects: [svc()], expected: ["Service chat names no namespace, so it would land in the kubeconfig context's default namespace (environment prod deploys to llm, llm-canary)"] },
    { what: "a cluster-scoped kind", objects: [{ apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "gpu-high" } }], expected: [] },
  ])("$what", ({ objects, expected }) => {
    const found = check("namespace-allowed", objects);
    expect(messages(found)).toEqual(expected);
    for (const v of found) expect(v.manifestPath).toEqual(["environments", "prod", "namespace"]);
  });
});

describe("gpu-capacity", () => {
  const a100 = "NVIDIA-A100-SXM4-80GB";
  const gpuTaint = [{ key: "sku", value: "gpu", effect: "NoSchedule" }];
  const toleration = [{ key: "sku", operator: "Equal", value: "gpu", effect: "NoSchedule" }];
  const gpuDeployment = (gpus: number, replicas: number, pod: Record<string, unknown> = {}, resource = "nvidia.com/gpu") =>
    deploymentObject({
      replicas,
      containers: [goodContainer({ resources: { requests: { cpu: "8", memory: "64Gi" }, limits: { cpu: "8", memory: "64Gi", [resource]: String(gpus) } } })],
      pod: { nodeSelector: { "nvidia.com/gpu.product": a100 }, tolerations: toleration, ...pod },
    });
  const cluster = computeClusterCapacity(
    [
      gpuNode("a100-0", { pool: "gpua100", product: a100, gpus: 8, taints: gpuTaint }),
      gpuNode("a100-1", { pool: "gpua100", product: a100, gpus: 8, taints: gpuTaint }),
      gpuNode("a100-cordoned", { pool: "gpua100", product: a100, gpus: 8, taints: gpuTaint, cordoned: true }),
      gpuNode("a100-notready", { pool: "gpua100", product: a100, gpus: 8, taints: gpuTaint, ready: false }),
      gpuNode("t4-0", { pool: "gput4", product: "Tesla-T4", gpus: 4 }),
      gpuNode("mig-0", { pool: "gpumig", product: "NVIDIA-A100-SXM4-40GB", mig: { "1g.5gb": 7 }, taints: gpuTaint }),
    ],
    [gpuPod("other-a", "a100-0", "nvidia.com/gpu", 6), gpuPod("other-b", "a100-1", "nvidia.com/gpu", 5), gpuPod("done", "a100-1", "nvidia.com/gpu", 3, { phase: "Succeeded" }), gpuPod("chat-7d9c5-abcde", "a100-1", "nvidia.com/gpu", 2, { namespace: "llm" })],
  );
  // Free: a100-0 has 2, a100-1 has 8 - 5 - 2 = 1 (+2 held by chat's own pod), cordoned and NotReady nodes do not count.

  test.each([
    { what: "one pod of 2 GPUs fits", deployment: gpuDeployment(2, 1), expected: [] },
    { what: "2 pods × 2 fit: one on each node, counting chat's own pod's GPUs", deployment: gpuDeployment(2, 2), expected: [] },
    {
      what: "3 pods × 2 do not: 5 free GPUs, but at most 3 on one node",
      deployment: gpuDeployment(2, 3),
      expected: [`Deployment llm/chat needs 3 pods × 2 nvidia.com/gpu on nodes with nvidia.com/gpu.product=${a100}, but only 2 fit: pool gpua100 has 5 free (counting 2 its current pods hold), at most 3 on one node`],
    },
    {
      what: "one pod of 4 GPUs does not fit though 5 are free in the pool: a pod lives on one node",
      deployment: gpuDeployment(4, 1),
      expected: [`Deployment llm/chat needs 1 pod × 4 nvidia.com/gpu on nodes with nvidia.com/gpu.product=${a100}, but only 0 fit: pool gpua100 has 5 free (counting 2 its current pods hold), at most 3 on one node`],
    },
    {
      what: "without the toleration no tainted GPU node takes the pod",
      deployment: gpuDeployment(1, 1, { tolerations: [] }),
      expected: [`Deployment llm/chat needs 1 pod × 1 nvidia.com/gpu on nodes with nvidia.com/gpu.product=${a100}, but no ready, schedulable node offers nvidia.com/gpu to it`],
    },
    {
      what: "a GPU type the cluster does not have",
      deployment: gpuDeployment(1, 1, { nodeSelector: { "nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3" } }),
      expected: ["Deployment llm/chat needs 1 pod × 1 nvidia.com/gpu on nodes with nvidia.com/gpu.product=NVIDIA-H100-80GB-HBM3, but no ready, schedulable node offers nvidia.com/gpu to it"],
    },
    { what: "a MIG profile counts its own slices", deployment: gpuDeployment(1, 7, { nodeSelector: {} }, "nvidia.com/mig-1g.5gb"), expected: [] },
    {
      what: "more MIG slices than the pool has",
      deployment: gpuDeployment(1, 8, { nodeSelector: {} }, "nvidia.com/mig-1g.5gb"),
      expected: ["Deployment llm/chat needs 8 pods × 1 nvidia.com/mig-1g.5gb, but only 7 fit: pool gpumig has 7 free, at most 7 on one node"],
    },
    {
      what: "required node affinity narrows the nodes as a nodeSelector does",
      deployment: gpuDeployment(3, 1, {
        nodeSelector: {},
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: ["a100-0"] }] }] } } },
      }),
      expected: ["Deployment llm/chat needs 1 pod × 3 nvidia.com/gpu, but only 0 fit: pool gpua100 has 2 free, at most 2 on one node"],
    },
  ])("$what", ({ deployment, expected }) => {
    expect(messages(check("gpu-capacity", [deployment], { cluster }))).toEqual(expected);
  });

  test("free GPUs on a node too small for the pod's CPU or memory do not count (the scheduler's Insufficient cpu)", () => {
    // The demo's T4 nodes: 1 GPU, 3.86 allocatable cores; a vLLM pod asks for 4 cores.
    const t4 = { ...gpuNode("t4-small", { pool: "t4pool", product: "Tesla-T4", gpus: 1 }) };
    t4.status = { ...t4.status, allocatable: { cpu: "3860m", memory: "24034052Ki", "nvidia.com/gpu": "1" } };
    const small = computeClusterCapacity([t4], []);
    const onT4 = (cpu: string, memory: string) =>
      deploymentObject({
        replicas: 1,
        containers: [goodContainer({ resources: { requests: { cpu, memory }, limits: { cpu, memory, "nvidia.com/gpu": "1" } } })],
        pod: { nodeSelector: { "nvidia.com/gpu.product": "Tesla-T4" } },
      });
    expect(messages(check("gpu-capacity", [onT4("4", "16Gi")], { cluster: small }))).toEqual([
      "Deployment llm/chat needs 1 pod × 1 nvidia.com/gpu on nodes with nvidia.com/gpu.product=Tesla-T4; the GPUs are free, but only 0 pods fit beside them: node t4-small has 3.86 cores CPU free (a pod requests 4 cores)",
    ]);
    expect(messages(check("gpu-capacity", [onT4("2", "32Gi")], { cluster: small }))).toEqual([
      "Deployment llm/chat needs 1 pod × 1 nvidia.com/gpu on nodes with nvidia.com/gpu.product=Tesla-T4; the GPUs are free, but only 0 pods fit beside them: node t4-small has 22.9 GiB memory free (a pod requests 32 GiB)",
    ]);
    expect(messages(check("gpu-capacity", [onT4("3", "16Gi")], { cluster: small }))).toEqual([]);
  });

  test("an HPA's minReplicas is what must fit, not the Deployment's replicas", () => {
    const hpa: KubeObject = { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: "chat", namespace: "llm" }, spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "chat" }, minReplicas: 3, maxReplicas: 6 } };
    expect(messages(check("gpu-capacity", [gpuDeployment(2, 1), hpa], { cluster }))).toEqual([
      `Deployment llm/chat needs 3 pods × 2 nvidia.com/gpu on nodes with nvidia.com/gpu.product=${a100}, but only 2 fit: pool gpua100 has 5 free (counting 2 its current pods hold), at most 3 on one node`,
    ]);
  });

  test("without cluster facts: an info finding that it was not checked, and nothing for services without GPUs", () => {
    expect(check("gpu-capacity", [gpuDeployment(2, 2)])).toEqual([
      {
        severity: "info",
        message: `not checked: no live cluster; Deployment llm/chat needs 2 pods × 2 nvidia.com/gpu on nodes with nvidia.com/gpu.product=${a100}`,
        fixHint: "run aiplat check --live (or deploy from the editor) to compare with the cluster's free GPUs",
        objectRef: chat,
      },
    ]);
    expect(check("gpu-capacity", [deploymentObject()])).toEqual([]);
  });

  test("a KServe predictor's GPUs and minReplicas", () => {
    const isvc = inferenceServiceObject({
      minReplicas: 2,
      nodeSelector: { "nvidia.com/gpu.product": "Tesla-T4" },
      model: { modelFormat: { name: "huggingface" }, resources: { limits: { "nvidia.com/gpu": "3" } } },
    });
    expect(messages(check("gpu-capacity", [isvc], { cluster }))).toEqual([
      "InferenceService llm/chat needs 2 pods × 3 nvidia.com/gpu on nodes with nvidia.com/gpu.product=Tesla-T4, but only 1 fits: pool gput4 has 4 free, at most 4 on one node",
    ]);
  });
});
