import { describe, expect, it } from "vitest";
import { computeCost } from "../../../../src/core/cost/costModel";
import { createPriceBook } from "../../../../src/core/cost/priceBook";
import { hour, inputs, node, pod, windowOf } from "./costScenario";

const book = createPriceBook();
/** 2026-11-01 12:00 UTC: a 24 h window from here covers half of two UTC days. */
const noon = Date.UTC(2026, 10, 1, 12) / 1000;
const midnight = noon + 12 * hour;

/** OpenCost's defaults (configs/default.json) and its GetNodeCost split, written out by hand. */
const defaults = { cpu: 0.031611, ram: 0.004237, gpu: 0.95 };
const ramPrice = (nodePrice: number, cpu: number, ramGiB: number, gpus: number) => nodePrice / (gpus * (defaults.gpu / defaults.ram) + cpu * (defaults.cpu / defaults.ram) + ramGiB);

describe("computeCost: a small cluster by hand", () => {
  const window = windowOf(noon, 24);
  const all = [{ start: window.start, end: window.end }];
  const cluster = inputs({
    window,
    nodes: [
      node("gpu-0", { instanceType: "Standard_NC24ads_A100_v4", pool: "a100pool", gpuProduct: "NVIDIA-A100-SXM4-80GB", cpu: 24, ramGiB: 220, gpus: 1, intervals: all }),
      // Came and went: the first 6 hours only.
      node("cpu-0", { instanceType: "Standard_D8s_v5", pool: "cpupool", cpu: 8, ramGiB: 32, intervals: [{ start: noon, end: noon + 6 * hour }] }),
      node("odd-0", { instanceType: "Custom_Type", pool: "misc", cpu: 4, ramGiB: 16, intervals: all }),
    ],
    pods: [
      pod("llm", "vllm-a", { node: "gpu-0", service: "llm/vllm", team: "ml", cpu: 8, ramGiB: 64, gpus: 1, intervals: all }),
      pod("web", "api-b", { node: "cpu-0", service: "web/api", team: "web", cpu: 2, ramGiB: 4, intervals: all }),
      pod("batch", "job-c", { node: "odd-0", intervals: [{ start: midnight, end: window.end }] }),
    ],
    usage: {
      "llm/vllm-a": { cpuCoresAvg: 10, ramBytesAvg: 32 * 1024 ** 3, gpuUtilAvg: 0.5 },
      "web/api-b": { cpuCoresAvg: 1, ramBytesAvg: 2 * 1024 ** 3 },
      "batch/job-c": { cpuCoresAvg: 0.5, ramBytesAvg: 1024 ** 3 },
    },
    gpuUtilisation: { "gpu-0": { windowAvg: 0.5, lastHourAvg: 0.4, now: 0.3 } },
  });
  const m = computeCost(cluster, book);

  // gpu-0: $3.673/h split as OpenCost splits it.
  const gRam = ramPrice(3.673, 24, 220, 1);
  const g = { cpu: gRam * (defaults.cpu / defaults.ram), ram: gRam, gpu: gRam * (defaults.gpu / defaults.ram) };
  // cpu-0: $0.384/h over 8 vCPU and 32 GiB.
  const cRam = ramPrice(0.384, 8, 32, 0);
  const c = { cpu: cRam * (defaults.cpu / defaults.ram), ram: cRam };
  // vllm-a: max(8, 10) vCPU, max(64, 32) GiB, 1 GPU for 24 h.
  const vllm = { cpu: 10 * g.cpu * 24, ram: 64 * g.ram * 24, gpu: 1 * g.gpu * 24 };
  // api-b: requests (usage is below) for the 6 h its node existed.
  const api = { cpu: 2 * c.cpu * 6, ram: 4 * c.ram * 6 };
  // job-c: no requests, charged its usage at the defaults for 12 h.
  const job = { cpu: 0.5 * defaults.cpu * 12, ram: 1 * defaults.ram * 12 };
  const nodeTotals = { "gpu-0": 3.673 * 24, "cpu-0": 0.384 * 6, "odd-0": (4 * defaults.cpu + 16 * defaults.ram) * 24 };
  const total = nodeTotals["gpu-0"] + nodeTotals["cpu-0"] + nodeTotals["odd-0"];
  const allocated = vllm.cpu + vllm.ram + vllm.gpu + api.cpu + api.ram + job.cpu + job.ram;

  it("charges each pod max(request, usage) × its node's price × the hours it ran on the node", () => {
    const [a, b, j] = m.pods;
    expect(a?.cpuCost).toBeCloseTo(vllm.cpu, 9);
    expect(a?.ramCost).toBeCloseTo(vllm.ram, 9);
    expect(a?.gpuCost).toBeCloseTo(vllm.gpu, 9);
    expect(a).toMatchObject({ gpuHours: 24, hours: 24, cpuEfficiency: 1.25, ramEfficiency: 0.5, gpuEfficiency: 0.5, gpuProduct: "NVIDIA-A100-SXM4-80GB", pool: "a100pool" });
    expect(b?.cost).toBeCloseTo(api.cpu + api.ram, 9);
    expect(b).toMatchObject({ hours: 6, cpuEfficiency: 0.5, ramEfficiency: 0.5, gpuEfficiency: null, gpuHours: 0 });
    expect(b?.gpuProduct).toBeUndefined();
    expect(j?.cost).toBeCloseTo(job.cpu + job.ram, 9);
    expect(j).toMatchObject({ hours: 12, cpuEfficiency: null, ramEfficiency: null });
  });

  it("totals: node cost over the hours each node existed; idle is the rest", () => {
    expect(m.total).toBeCloseTo(total, 9);
    expect(m.allocated).toBeCloseTo(allocated, 9);
    expect(m.idle).toBeCloseTo(total - allocated, 9);
    const gpu0 = m.nodes.find((n) => n.node === "gpu-0");
    expect(gpu0?.total).toBeCloseTo(nodeTotals["gpu-0"], 9);
    expect(gpu0?.gpuIdleCost).toBeCloseTo(0, 9);
    expect(gpu0).toMatchObject({ hours: 24, gpus: 1, idleGpus: 0, gpuUtilisationNowPct: 30, gpuUtilisation1hPct: 40, priceOrigin: "price-book" });
    expect(gpu0?.gpuUtilisation1hPct).toBeCloseTo(40, 9);
    const cpu0 = m.nodes.find((n) => n.node === "cpu-0");
    expect(cpu0).toMatchObject({ hours: 6, idleGpus: 0, gpuUtilisationNowPct: null });
    expect(cpu0?.idle).toBeCloseTo(0.384 * 6 - api.cpu - api.ram, 9);
    expect(m.gpuIdle).toBeCloseTo(0, 9);
  });

  it("daily bars split each interval at UTC midnight", () => {
    expect(m.daily.map((d) => d.day)).toEqual([midnight - 24 * hour, midnight]);
    const [day1, day2] = m.daily;
    const odd12h = (4 * defaults.cpu + 16 * defaults.ram) * 12;
    expect(day1?.total).toBeCloseTo(3.673 * 12 + 0.384 * 6 + odd12h, 9);
    expect(day1?.allocated).toBeCloseTo((vllm.cpu + vllm.ram + vllm.gpu) / 2 + api.cpu + api.ram, 9);
    expect(day2?.total).toBeCloseTo(3.673 * 12 + odd12h, 9);
    expect(day2?.allocated).toBeCloseTo((vllm.cpu + vllm.ram + vllm.gpu) / 2 + job.cpu + job.ram, 9);
    for (const d of m.daily) expect(d.idle).toBeCloseTo(d.total - d.allocated, 12);
  });

  it("says which prices were used and which are defaults", () => {
    expect(m.prices).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ instanceType: "Standard_NC24ads_A100_v4", origin: "price-book", nodeHourly: 3.673, nodes: 1 }),
        expect.objectContaining({ instanceType: "Custom_Type", origin: "default", nodeHourly: null, hourly: defaults, nodes: 1 }),
      ]),
    );
    const codes = m.estimates.map((e) => `${e.code} ${e.subject}`);
    expect(codes).toEqual(
      expect.arrayContaining(["default-price instance type Custom_Type", "partial-window node cpu-0", "partial-window pod web/api-b", "no-requests pod batch/job-c"]),
    );
    expect(m.pods[1]?.estimates).toEqual(["partial-window"]);
    expect(m.pods[2]?.estimates).toEqual(["no-requests"]);
    expect(m.pods[0]?.estimates).toEqual([]);
  });
});

describe("computeCost: bad input gets a mark, never a wrong total or a crash", () => {
  const window = windowOf(noon, 10);
  const all = [{ start: window.start, end: window.end }];
  const gpuNode = node("g", { instanceType: "Standard_NC24ads_A100_v4", cpu: 24, ramGiB: 220, gpus: 1, intervals: all });

  it("missing, NaN and negative usage: charged for requests, marked no-usage / bad-usage", () => {
    const m = computeCost(
      inputs({
        window,
        nodes: [gpuNode],
        pods: [
          pod("a", "missing", { node: "g", cpu: 2, ramGiB: 8, intervals: all }),
          pod("a", "nan", { node: "g", cpu: 2, ramGiB: 8, intervals: all }),
          pod("a", "negative", { node: "g", cpu: 2, ramGiB: 8, gpus: 1, intervals: all }),
        ],
        usage: { "a/nan": { cpuCoresAvg: Number.NaN, ramBytesAvg: Number.POSITIVE_INFINITY }, "a/negative": { cpuCoresAvg: -3, ramBytesAvg: 1024 ** 3, gpuUtilAvg: 85 } },
      }),
      book,
    );
    const [missing, nan, negative] = m.pods;
    expect(missing?.estimates).toEqual(["no-usage"]);
    expect(nan?.estimates).toEqual(expect.arrayContaining(["bad-usage", "no-usage"]));
    expect(negative?.estimates).toEqual(expect.arrayContaining(["bad-usage", "no-gpu-utilisation"]));
    expect(nan?.cost).toBeCloseTo(missing?.cost ?? -1, 12);
    for (const p of m.pods) expect(Number.isFinite(p.cost)).toBe(true);
    expect(negative?.cpuEfficiency).toBeNull();
    expect(negative?.ramEfficiency).toBeCloseTo(1 / 8, 12);
    expect(negative?.gpuEfficiency).toBeNull();
    expect(m.allocated + m.idle).toBeCloseTo(m.total, 9);
  });

  it("pods with no requests and no usage cost nothing and say so", () => {
    const m = computeCost(inputs({ window, nodes: [gpuNode], pods: [pod("a", "besteffort", { node: "g", intervals: all })] }), book);
    expect(m.pods[0]?.cost).toBe(0);
    expect(m.pods[0]?.estimates).toEqual(expect.arrayContaining(["no-requests", "no-usage"]));
    expect(m.idle).toBeCloseTo(m.total, 9);
  });

  it("a node that came and went: pods are charged only while it existed", () => {
    const gone = node("g", { instanceType: "Standard_NC24ads_A100_v4", cpu: 24, ramGiB: 220, gpus: 1, intervals: [{ start: noon, end: noon + 2 * hour }, { start: noon + 6 * hour, end: noon + 7 * hour }] });
    const m = computeCost(inputs({ window, nodes: [gone], pods: [pod("a", "p", { node: "g", gpus: 1, cpu: 1, ramGiB: 1, intervals: all })] }), book);
    expect(m.nodes[0]?.hours).toBe(3);
    expect(m.pods[0]?.hours).toBe(3);
    expect(m.pods[0]?.ran).toEqual([{ start: noon, end: noon + 2 * hour }, { start: noon + 6 * hour, end: noon + 7 * hour }]);
    expect(m.total).toBeCloseTo(3.673 * 3, 9);
    expect(m.nodes[0]?.idleGpus).toBe(0);
    expect(m.estimates.map((e) => `${e.code} ${e.subject}`)).toEqual(expect.arrayContaining(["partial-window node g", "partial-window pod a/p"]));
  });

  it("a pod on a node the inputs do not know is not charged, and is marked", () => {
    const m = computeCost(inputs({ window, nodes: [gpuNode], pods: [pod("a", "lost", { node: "ghost", cpu: 1, intervals: all })] }), book);
    expect(m.pods[0]).toMatchObject({ cost: 0, hours: 0, pool: "(no pool)" });
    expect(m.pods[0]?.estimates).toContain("partial-window");
    expect(m.estimates.find((e) => e.subject === "pod a/lost")?.detail).toMatch(/node ghost is not among the window's nodes/);
  });

  it("spans that end before they start (clock skew) are left out and marked", () => {
    const m = computeCost(inputs({ window, nodes: [gpuNode], pods: [pod("a", "skew", { node: "g", cpu: 1, intervals: [{ start: noon + 5 * hour, end: noon + hour }, { start: noon, end: noon + hour }] })] }), book);
    expect(m.pods[0]?.hours).toBe(1);
    expect(m.pods[0]?.estimates).toContain("clock-skew");
  });

  it("usage above what the node has: shares scaled to the node's cost, never a negative idle", () => {
    const small = node("s", { instanceType: "Standard_D8s_v5", cpu: 8, ramGiB: 32, intervals: all });
    const m = computeCost(
      inputs({
        window,
        nodes: [small],
        pods: [pod("a", "x", { node: "s", cpu: 1, ramGiB: 1, intervals: all }), pod("a", "y", { node: "s", cpu: 1, ramGiB: 1, intervals: [{ start: noon, end: noon + 5 * hour }] })],
        usage: { "a/x": { cpuCoresAvg: 12, ramBytesAvg: 1024 ** 3 }, "a/y": { cpuCoresAvg: 4, ramBytesAvg: 1024 ** 3 } },
      }),
      book,
    );
    const cpuRate = m.nodes[0]?.hourly.cpu ?? 0;
    // First 5 h: 16 vCPU wanted of 8 → x gets 12/16 of the node's CPU; then x alone wants 12 of 8 → all 8.
    expect(m.pods[0]?.cpuCost).toBeCloseTo(8 * cpuRate * 5 * (12 / 16) + 8 * cpuRate * 5, 9);
    expect(m.pods[1]?.cpuCost).toBeCloseTo(8 * cpuRate * 5 * (4 / 16), 9);
    expect(m.nodes[0]?.idle).toBeGreaterThanOrEqual(0);
    expect(m.allocated + m.idle).toBeCloseTo(m.total, 9);
    const over = m.estimates.find((e) => e.code === "over-committed");
    expect(over?.subject).toBe("node s");
    expect(over?.detail).toMatch(/up to 2\.00× its CPU/);
  });

  it("unknown types, missing labels and typo'd price books are all marks in one result", () => {
    const typo = createPriceBook({ pricingFile: { path: "pricing.yaml", text: "instanceTypes:\n  Custom_X:\n    nodeHourlyy: 1\n" } });
    const m = computeCost(
      inputs({
        window,
        nodes: [node("u", { instanceType: "Custom_X", cpu: 2, ramGiB: 4, intervals: all }), node("nolabel", { cpu: 2, ramGiB: 4, intervals: all })],
        pods: [],
      }),
      typo,
    );
    expect(m.estimates.map((e) => e.code)).toEqual(expect.arrayContaining(["price-book-error", "default-price", "no-instance-type"]));
    expect(m.nodes.map((n) => n.priceOrigin)).toEqual(["default", "default"]);
    expect(m.total).toBeCloseTo(2 * (2 * defaults.cpu + 4 * defaults.ram) * 10, 9);
  });

  it("many pods without usage: the marks are bounded, each pod still carries its code", () => {
    const many = Array.from({ length: 400 }, (_, i) => pod("bulk", `p${i}`, { node: "g", cpu: 0.01, intervals: all }));
    const m = computeCost(inputs({ window, nodes: [gpuNode], pods: many }), book);
    const noUsage = m.estimates.filter((e) => e.code === "no-usage");
    expect(noUsage.length).toBeLessThanOrEqual(26);
    expect(noUsage.at(-1)?.subject).toBe("375 more");
    expect(m.pods.every((p) => p.estimates.includes("no-usage"))).toBe(true);
  });
});
