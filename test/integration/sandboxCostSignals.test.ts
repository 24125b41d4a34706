/**
 * What the cost features read from the sandbox, through the real tools: the real Prometheus
 * scrapes every node's kubelet cAdvisor series with kube-prometheus-stack's labels and holds their
 * history; the fake OpenCost answers through the API server's service proxy as kubectl reaches it,
 * and a version that 404s on /allocation still answers /allocation/compute.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startSandboxOpenCost, type SandboxOpenCost } from "../../sandbox/opencost/sandboxOpenCost";
import { findResource } from "../../sandbox/resourceTypes";
import { startSandbox } from "../../sandbox/sandboxLauncher";
import { eventually } from "./eventually";
import { kubectlCli } from "./kubectlCli";
import { type SandboxFixture, startSandboxFixture } from "./sandboxFixture";

let sandbox: SandboxFixture | undefined;
let opencost: SandboxOpenCost | undefined;
const current = (): SandboxFixture => {
  if (!sandbox) throw new Error("the sandbox is not running");
  return sandbox;
};
const { kubectl, kubectlFails } = kubectlCli(() => current().kubectlEnv);

beforeAll(async () => {
  sandbox = await startSandboxFixture({ scenario: "demo", metrics: { backfillDays: 0.25, scrapeInterval: "2s" } });
  opencost = await startSandboxOpenCost(sandbox.server);
}, 180_000);
afterAll(async () => {
  await opencost?.stop();
  await sandbox?.stop();
});

interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}
async function query(promql: string, time?: number): Promise<VectorSample[]> {
  const url = current().metrics?.prometheus.url;
  if (!url) throw new Error("metrics did not start");
  const params = new URLSearchParams({ query: promql, ...(time !== undefined ? { time: String(time) } : {}) });
  const body = (await (await fetch(`${url}/api/v1/query?${params.toString()}`)).json()) as { status: string; data: { result: VectorSample[] } };
  expect(body.status).toBe("success");
  return body.data.result;
}

describe("the kubelet's cAdvisor in the sandbox's Prometheus", () => {
  test("every node is a kubelet target; the Ready ones are up and their containers' series carry namespace, pod and container", async () => {
    const nodes = JSON.parse(await kubectl("get", "nodes", "-o", "json")) as { items: { metadata: { name: string }; status: { conditions: { type: string; status: string }[] } }[] };
    const ready = nodes.items.filter((n) => n.status.conditions.some((c) => c.type === "Ready" && c.status === "True")).map((n) => n.metadata.name).sort();
    await eventually(async () => {
      const up = await query('up{job="kubelet"}');
      expect(up.map((s) => s.metric.node).sort()).toEqual(nodes.items.map((n) => n.metadata.name).sort());
      expect(up.filter((s) => s.value[1] === "1").map((s) => s.metric.node).sort()).toEqual(ready);
    }, 60_000);
    await eventually(async () => {
      const series = await query('container_memory_working_set_bytes{job="kubelet", metrics_path="/metrics/cadvisor", namespace="llm-serving", container!=""}');
      expect(series.map((s) => s.metric.pod).sort()).toEqual(["vllm-llama3-70b-6d9f7c8b5-4xk2p", "vllm-llama3-70b-6d9f7c8b5-9zq7m", "vllm-llama3-70b-6d9f7c8b5-r8vwd"]);
      expect(series[0]?.metric).toMatchObject({ container: "vllm", image: "vllm/vllm-openai:v0.6.3", instance: expect.stringMatching(/:10250$/) as unknown });
    }, 30_000);
  }, 120_000);

  test("history: CPU cores per pod from rate() over the backfill, container!=\"\" leaving out the pod cgroups", async () => {
    const twoHoursAgo = Math.floor(Date.now() / 1000) - 2 * 3600;
    const perPod = await query('sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="triton", container!=""}[10m]))', twoHoursAgo);
    expect(perPod.map((s) => s.metric.pod).sort()).toEqual(["resnet50-mig-6f8d9c7b5-2lq8c", "resnet50-mig-6f8d9c7b5-v7n5s", "triton-ensemble-84f5b7c6d9-hm4tj", "triton-ensemble-84f5b7c6d9-tw8rb"]);
    const triton = perPod.find((s) => s.metric.pod === "triton-ensemble-84f5b7c6d9-hm4tj");
    // About half of its 16 requested cores.
    expect(Number(triton?.value[1])).toBeGreaterThan(3);
    expect(Number(triton?.value[1])).toBeLessThan(16);
    const withPodCgroup = await query('sum(rate(container_cpu_usage_seconds_total{pod="triton-ensemble-84f5b7c6d9-hm4tj"}[10m]))', twoHoursAgo);
    expect(Number(withPodCgroup[0]?.value[1])).toBeCloseTo(2 * Number(triton?.value[1]), 6);
  });
});

describe("OpenCost through the service proxy", () => {
  const proxy = "/api/v1/namespaces/opencost/services/opencost:9003/proxy";

  test("kubectl get --raw reaches /allocation/compute and gets OpenCost's response", async () => {
    const body = JSON.parse(await kubectl("get", "--raw", `${proxy}/allocation/compute?window=1h&aggregate=namespace&includeIdle=true&accumulate=true`)) as { code: number; data: Record<string, { totalCost: number }>[] };
    expect(body.code).toBe(200);
    expect(Object.keys(body.data[0] ?? {}).sort()).toEqual(["__idle__", "kserve-models", "llm-serving", "onnx-api", "triton"]);
    expect(body.data[0]?.["llm-serving"]?.totalCost).toBeGreaterThan(0);
  });

  test("a version without /allocation: the proxy passes its 404 on, and /allocation/compute still answers", async () => {
    opencost?.setPaths({ allocation: false, compute: true });
    try {
      expect(await kubectlFails("get", "--raw", `${proxy}/allocation?window=1h`)).toMatch(/NotFound|could not find the requested resource/);
      expect(JSON.parse(await kubectl("get", "--raw", `${proxy}/allocation/compute?window=1h`))).toMatchObject({ code: 200, status: "success" });
    } finally {
      opencost?.setPaths({ allocation: true, compute: true });
    }
  });

  test("startSandbox({ opencost: true }) serves the Service; without it there is none", async () => {
    const withIt = await startSandbox({ scenario: "demo", controllers: false, opencost: true });
    try {
      expect(withIt.opencost?.serviceProxy).toBe("opencost/opencost:9003");
      expect(withIt.server.store.get(findResource("", "v1", "services")!, "opencost", "opencost")?.metadata.labels).toMatchObject({ "app.kubernetes.io/name": "opencost" });
    } finally {
      await withIt.server.stop();
    }
    const without = await startSandbox({ scenario: "demo", controllers: false });
    try {
      expect(without.opencost).toBeUndefined();
    } finally {
      await without.server.stop();
    }
  });
});
