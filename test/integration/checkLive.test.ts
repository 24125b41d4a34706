/** aiplat check --live against the sandbox: the gpu-capacity gate reads the environment's cluster through its kubeconfig context. */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { parseScenario } from "../../sandbox/scenario";
import { useSandbox } from "./sandboxFixture";
import { ExitCode } from "../../src/cli/aiplat";
import { runAiplat } from "../unit/cli/runAiplat";

const a100 = "NVIDIA-A100-SXM4-80GB";
const node = (name: string, gpus: number, extra = "") => `
  - metadata: {name: ${name}, labels: {kubernetes.io/hostname: ${name}, kubernetes.azure.com/agentpool: gpua100, nvidia.com/gpu.product: ${a100}}}
    spec: {taints: [{key: sku, value: gpu, effect: NoSchedule}]${extra}}
    status:
      allocatable: {cpu: "96", memory: 1800Gi, nvidia.com/gpu: "${gpus}", pods: "110"}
      conditions: [{type: Ready, status: "True"}]`;

/** Two 8-GPU nodes: 6 GPUs taken on one, 5 on the other; a third node is cordoned. */
const scenario = parseScenario(`
namespaces:
  - metadata: {name: llm}
  - metadata: {name: other}
nodes:${node("gpu-0", 8)}${node("gpu-1", 8)}${node("gpu-cordoned", 8, ", unschedulable: true")}
pods:
  - metadata: {name: big-a, namespace: other}
    spec: {nodeName: gpu-0, containers: [{name: c, image: "x:1", resources: {limits: {nvidia.com/gpu: "6"}}}]}
    status: {phase: Running}
  - metadata: {name: big-b, namespace: other}
    spec: {nodeName: gpu-1, containers: [{name: c, image: "x:1", resources: {limits: {nvidia.com/gpu: "5"}}}]}
    status: {phase: Running}
`);

const manifest = (gpus: number, minReplicas: number, context = "sandbox") => `apiVersion: aiplatform.dev/v1
kind: InferenceServiceManifest
name: chat
runtime: vllm
model: {storageUri: "hf://meta-llama/Llama-3.1-70B-Instruct"}
image: vllm/vllm-openai:v0.6.3
resources:
  cpu: "8"
  memory: 64Gi
  gpu: {count: ${gpus}, type: ${a100}}
scaling: {minReplicas: ${minReplicas}, maxReplicas: ${minReplicas}}
probes: {readiness: {path: /health}, liveness: {path: /health}}
environments:
  staging: {context: ${context}, namespace: llm}
`;

const sandbox = useSandbox({ scenario });

async function check(text: string, ...args: string[]) {
  writeFileSync(path.join(sandbox.dir, "aiplatform.yaml"), text);
  return runAiplat(["check", "aiplatform.yaml", "--live", "--kubeconfig", sandbox.kubeconfigFile, ...args], { cwd: sandbox.dir, env: {} });
}

describe("aiplat check --live", () => {
  test("GPUs that are free pass the gate", async () => {
    const r = await check(manifest(2, 2));
    expect(r).toEqual({ code: ExitCode.ok, out: "aiplatform.yaml: no findings (staging)\n", err: "" });
  });

  test("more GPUs than are free fail it, with what is free where", async () => {
    const r = await check(manifest(3, 2));
    expect(r.code).toBe(ExitCode.failed);
    expect(r.out).toContain(
      `aiplatform.yaml:10:3 error gpu-capacity: Deployment llm/chat needs 2 pods × 3 nvidia.com/gpu on nodes with nvidia.com/gpu.product=${a100}, but only 1 fits: pool gpua100 has 5 free, at most 3 on one node [staging]`,
    );
  });

  test("a context the kubeconfig does not have is an error that says so; the other gates still run", async () => {
    const r = await check(manifest(1, 1, "aks-prod"));
    expect(r.code).toBe(ExitCode.failed);
    expect(r.err).toBe("aiplat: staging: GPU capacity not checked: the kubeconfig has no context aks-prod (environments.staging.context); kubectl config get-contexts lists those it has\n");
    expect(r.out).toContain("info gpu-capacity: not checked: no live cluster");
  });
});
