/**
 * The sandbox's fake OpenCost answers /allocation and /allocation/compute with the documented shape
 * (protocols.md §6.1, domain.md §4.1), priced with OpenCost's custom-pricing defaults
 * (configs/default.json: CPU 0.031611, RAM 0.004237 per GiB, GPU 0.95 per hour) so the figures here
 * are worked out by hand from the demo's requests and node capacities; it can 404 on either path.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { nodeResourcePrices } from "../../../../sandbox/opencost/allocationModel";
import { type SandboxOpenCost, startSandboxOpenCost } from "../../../../sandbox/opencost/sandboxOpenCost";
import { type ObjectStore } from "../../../../sandbox/objectStore";
import { findResource, type ResourceType } from "../../../../sandbox/resourceTypes";
import { demoNow, demoStore } from "../metrics/demoStore";

const prices = { cpu: 0.031611, ramGiB: 0.004237, gpu: 0.95 };
const Ki = 1024;
const GiB = 2 ** 30;

let store: ObjectStore;
let opencost: SandboxOpenCost;
const backends = new Map<string, string>();

beforeAll(async () => {
  store = await demoStore();
  opencost = await startSandboxOpenCost(
    { store, registerServiceBackend: (ns, name, url) => backends.set(`${ns}/${name}`, url), unregisterServiceBackend: (ns, name) => backends.delete(`${ns}/${name}`) },
    { now: () => demoNow },
  );
});
afterAll(async () => {
  await opencost.stop();
});

interface Response {
  code: number;
  status: string;
  data: Record<string, Record<string, unknown>>[];
}
async function get(path: string): Promise<{ status: number; text: string; json?: Response }> {
  const res = await fetch(`${opencost.url}${path}`);
  const text = await res.text();
  return { status: res.status, text, ...(res.headers.get("content-type")?.includes("json") ? { json: JSON.parse(text) as Response } : {}) };
}
const num = (a: Record<string, unknown> | undefined, key: string): number => Number(a?.[key]);

describe("the fake OpenCost", () => {
  test("registers the Service opencost/opencost (9003 API, 9090 UI) and its backend", () => {
    const services = findResource("", "v1", "services") as ResourceType;
    const service = store.get(services, "opencost", "opencost");
    expect(service?.metadata.labels?.["app.kubernetes.io/name"]).toBe("opencost");
    expect((service?.spec as { ports: { port: number }[] }).ports.map((p) => p.port)).toEqual([9003, 9090]);
    expect(backends.get("opencost/opencost")).toBe(opencost.url);
    expect(opencost.serviceProxy).toBe("opencost/opencost:9003");
  });

  test("one vLLM pod's hour, by hand: requests above usage, so request × hours × the default prices", async () => {
    const end = demoNow / 1000;
    const r = await get(`/allocation/compute?window=${end - 3600},${end}&aggregate=pod`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ code: 200, status: "success" });
    expect(r.json?.data).toHaveLength(1);
    const a = r.json?.data[0]?.["vllm-llama3-70b-6d9f7c8b5-4xk2p"];
    // 32 cores, 900 GiB and 8 GPUs requested for one hour.
    expect(num(a, "cpuCost")).toBeCloseTo(32 * prices.cpu, 9);
    expect(num(a, "ramCost")).toBeCloseTo(900 * prices.ramGiB, 9);
    expect(num(a, "gpuCost")).toBeCloseTo(8 * prices.gpu, 9);
    expect(num(a, "totalCost")).toBeCloseTo(32 * prices.cpu + 900 * prices.ramGiB + 8 * prices.gpu, 9);
    expect(a).toMatchObject({ name: "vllm-llama3-70b-6d9f7c8b5-4xk2p", minutes: 60, gpuHours: 8, cpuCoreHours: 32, ramByteHours: 900 * GiB, window: { start: "2026-11-30T13:00:00Z", end: "2026-11-30T14:00:00Z" } });
    expect(a?.properties).toMatchObject({ cluster: "default-cluster", namespace: "llm-serving", node: "aks-a100pool-21837465-vmss000000", controller: "vllm-llama3-70b", controllerKind: "deployment", pod: "vllm-llama3-70b-6d9f7c8b5-4xk2p", container: "vllm" });
    // vLLM uses a fraction of what it asks for: efficiencies well below 1, its GPUs about a fifth busy.
    expect(num(a, "cpuEfficiency")).toBeGreaterThan(0.05);
    expect(num(a, "cpuEfficiency")).toBeLessThan(0.3);
    expect(num(a, "ramEfficiency")).toBeLessThan(0.1);
    expect(num(a, "gpuUsageAverage") / num(a, "gpuRequestAverage")).toBeGreaterThan(0.1);
    expect(num(a, "gpuUsageAverage") / num(a, "gpuRequestAverage")).toBeLessThan(0.35);
    for (const field of ["cpuCores", "cpuCoreRequestAverage", "cpuCoreUsageAverage", "gpuCount", "ramBytes", "ramByteRequestAverage", "ramByteUsageAverage", "pvCost", "networkCost", "loadBalancerCost", "sharedCost", "externalCost", "totalEfficiency", "start", "end"]) {
      expect(a, field).toHaveProperty(field);
    }
  });

  test("with includeIdle, the allocations and __idle__ add up to what the demo's nodes cost", async () => {
    const r = await get("/allocation?window=1h&aggregate=namespace&includeIdle=true&accumulate=true");
    const set = r.json?.data[0] ?? {};
    expect(Object.keys(set).sort()).toEqual(["__idle__", "kserve-models", "llm-serving", "onnx-api", "triton"]);
    // Capacities from sandbox/scenarios/demo.yaml: 4 A100 nodes, the MIG node, 2 A10, 3 T4 and 4 CPU nodes.
    const node = (cpu: number, memoryKi: number, gpus: number): number => cpu * prices.cpu + ((memoryKi * Ki) / GiB) * prices.ramGiB + gpus * prices.gpu;
    const nodes = 4 * node(96, 1992294400, 8) + node(24, 230686720, 0) + 2 * node(36, 461373440, 1) + 3 * node(4, 28803332, 1) + 4 * node(8, 32863932, 0);
    const total = Object.values(set).reduce((s, a) => s + num(a, "totalCost"), 0);
    expect(total).toBeCloseTo(nodes, 6);
    expect(num(set.__idle__, "totalCost")).toBeGreaterThan(0);
    // The MIG pods' slices are not nvidia.com/gpu: OpenCost gives them no GPU hours.
    expect(num(set.triton, "gpuHours")).toBe(8);
  });

  test("aggregates by controller (kind:name), by label with the namespace's labels underneath, and leaves the unlabelled __unallocated__", async () => {
    const byController = (await get("/allocation?window=1h&aggregate=controller&accumulate=true")).json?.data[0] ?? {};
    expect(Object.keys(byController)).toContain("deployment:vllm-llama3-70b");
    expect(Object.keys(byController)).toContain("deployment:sklearn-iris-predictor");
    const byTeam = (await get("/allocation?window=1h&aggregate=label:team&accumulate=true")).json?.data[0] ?? {};
    expect(Object.keys(byTeam).sort()).toEqual(["llm", "nlp", "tabular", "vision"]);
    // kube-state-metrics' label names: ai-platform/service is ai_platform_service.
    const byService = (await get("/allocation?window=1h&aggregate=label:ai-platform/service&accumulate=true")).json?.data[0] ?? {};
    expect(Object.keys(byService)).toContain("llama3-70b");
    expect(Object.keys(byService)).toContain("__unallocated__");
    const multi = (await get("/allocation?window=1h&aggregate=namespace,controller&accumulate=true")).json?.data[0] ?? {};
    expect(Object.keys(multi)).toContain("llm-serving/deployment:vllm-llama3-70b");
  });

  test("a 2-day window in 1-day steps is two sets, each a day of the vLLM pods started two days ago", async () => {
    const r = await get("/allocation?window=2d&aggregate=node&step=1d");
    expect(r.json?.data).toHaveLength(2);
    const [first, second] = r.json?.data ?? [];
    expect(Object.keys(second ?? {})).toContain("aks-a100pool-21837465-vmss000000");
    expect(num(first?.["aks-a100pool-21837465-vmss000000"], "gpuHours")).toBe(192);
    expect(num(second?.["aks-a100pool-21837465-vmss000000"], "gpuHours")).toBe(192);
  });

  test("either path can 404 as some versions do; the UI's /model prefix reaches the API", async () => {
    expect((await get("/allocation?window=1h")).status).toBe(200);
    expect((await get("/model/allocation/compute?window=1h")).status).toBe(200);
    opencost.setPaths({ allocation: false, compute: true });
    try {
      const gone = await get("/allocation?window=1h");
      expect(gone).toMatchObject({ status: 404, text: "404 page not found\n" });
      expect((await get("/allocation/compute?window=1h")).status).toBe(200);
    } finally {
      opencost.setPaths({ allocation: true, compute: true });
    }
    expect(opencost.requests.at(-2)).toBe("GET /allocation?window=1h");
  });

  test("a missing or bad window is a 400", async () => {
    expect((await get("/allocation")).status).toBe(400);
    expect((await get("/allocation?window=fortnight")).status).toBe(400);
    expect((await get("/allocation?window=1h&aggregate=colour")).status).toBe(400);
  });
});

describe("OpenCost's split of a node price (GetNodeCost, protocols.md §6.2)", () => {
  test("NC24ads_A100_v4 at $3.673/h: the GPU about $1.32/h, about 36% of the node", () => {
    const p = nodeResourcePrices({ cpu: 24, ramGiB: 220, gpus: 1 }, 3.673);
    expect(p.gpu).toBeCloseTo(1.32, 2);
    expect(p.gpu / 3.673).toBeCloseTo(0.36, 2);
    expect(24 * p.cpu + 220 * p.ramGiB + p.gpu).toBeCloseTo(3.673, 9);
  });
});
