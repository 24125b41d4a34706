import { describe, expect, it } from "vitest";
import { CostRow, PoolCost } from "../../../../src/shared/protocol/cost";
import { aggregateCost, poolCosts, unallocatedKey } from "../../../../src/core/cost/costAggregation";
import { computeCost, type PodCost } from "../../../../src/core/cost/costModel";
import { createPriceBook } from "../../../../src/core/cost/priceBook";
import { gib, inputs, node, pod, windowOf } from "./costScenario";

const window = windowOf(Date.UTC(2026, 10, 2, 0) / 1000, 10);
const all = [{ start: window.start, end: window.end }];
const a100 = "NVIDIA-A100-SXM4-80GB";
const cluster = inputs({
  window,
  nodes: [
    node("g1", { instanceType: "Standard_NC24ads_A100_v4", pool: "a100pool", gpuProduct: a100, cpu: 24, ramGiB: 220, gpus: 1, intervals: all }),
    node("g2", { instanceType: "Standard_NC24ads_A100_v4", pool: "a100pool", gpuProduct: a100, cpu: 24, ramGiB: 220, gpus: 1, intervals: all }),
    node("t1", { instanceType: "Standard_NC4as_T4_v3", pool: "t4pool", gpuProduct: "Tesla-T4", cpu: 4, ramGiB: 28, gpus: 1, intervals: all }),
  ],
  pods: [
    pod("llm", "big-1", { node: "g1", service: "llm/big", team: "ml", cpu: 4, ramGiB: 16, gpus: 1, intervals: all }),
    pod("llm", "big-2", { node: "t1", service: "llm/big", team: "ml", cpu: 1, ramGiB: 4, gpus: 1, intervals: all }),
    pod("llm", "small-1", { node: "g1", service: "llm/small", team: "ml", cpu: 2, ramGiB: 8, intervals: all }),
    pod("web", "loose", { node: "t1", cpu: 0.5, ramGiB: 1, intervals: all }),
  ],
  usage: {
    "llm/big-1": { cpuCoresAvg: 2, ramBytesAvg: 8 * gib, gpuUtilAvg: 0.9 },
    "llm/big-2": { cpuCoresAvg: 1, ramBytesAvg: 2 * gib, gpuUtilAvg: 0.3 },
    "llm/small-1": { cpuCoresAvg: 1, ramBytesAvg: 4 * gib },
    "web/loose": { cpuCoresAvg: 0.25, ramBytesAvg: 0.5 * gib },
  },
  requests: { "llm/big": { total: 200_000 } },
  gpuUtilisation: { g1: { windowAvg: 0.8, now: 0.9, lastHourAvg: 0.7 }, g2: { windowAvg: 0.2, lastHourAvg: 0.1 }, t1: { windowAvg: 0.3, now: 0.3, lastHourAvg: 0.3 } },
});
const m = computeCost(cluster, createPriceBook());
const cost = (name: string): PodCost => m.pods.find((p) => p.pod === name) as PodCost;
const big = cost("big-1").cost + cost("big-2").cost;

describe("aggregateCost", () => {
  it("by service: cost per 1K = the service's cost ÷ (requests ÷ 1000); budgets on service rows", () => {
    const rows = aggregateCost(m, cluster, "service", { budgets: new Map([["llm/big", 0.5]]) });
    for (const r of rows) CostRow.parse(r);
    expect(rows.map((r) => r.name).sort()).toEqual(["llm/big", "llm/small", unallocatedKey].sort());
    const bigRow = rows.find((r) => r.name === "llm/big");
    expect(bigRow?.cost).toBeCloseTo(big, 12);
    expect(bigRow?.requests).toBe(200_000);
    expect(bigRow?.costPer1k).toBeCloseTo(big / 200, 12);
    expect(bigRow?.budgetPer1k).toBe(0.5);
    expect(bigRow?.gpuHours).toBe(20);
    // OpenCost's aggregate efficiency: Σ usage ÷ Σ request (equal hours here).
    expect(bigRow?.cpuEfficiency).toBeCloseTo((2 + 1) / (4 + 1), 12);
    expect(bigRow?.ramEfficiency).toBeCloseTo((8 + 2) / (16 + 4), 12);
    expect(bigRow?.gpuEfficiency).toBeCloseTo((0.9 + 0.3) / 2, 12);
    const small = rows.find((r) => r.name === "llm/small");
    expect(small).toMatchObject({ requests: null, costPer1k: null, budgetPer1k: null, gpuEfficiency: null });
    expect(small?.estimates).toContain("no-request-counts");
    expect(rows.find((r) => r.name === unallocatedKey)?.estimates).not.toContain("no-request-counts");
  });

  it("rows are sorted by cost, highest first, and sum to the allocated cost", () => {
    for (const by of ["service", "namespace", "team", "pool", "gpu"] as const) {
      const rows = aggregateCost(m, cluster, by);
      expect(rows.map((r) => r.cost)).toEqual([...rows.map((r) => r.cost)].sort((a, b) => b - a));
      expect(rows.reduce((s, r) => s + r.cost, 0)).toBeCloseTo(m.allocated, 9);
    }
  });

  it("by namespace: requests summed; cost per 1K over the services that have counts, marked when some do not", () => {
    const llm = aggregateCost(m, cluster, "namespace").find((r) => r.name === "llm");
    expect(llm?.cost).toBeCloseTo(big + cost("small-1").cost, 12);
    expect(llm?.requests).toBeCloseTo(200_000, 6);
    expect(llm?.costPer1k).toBeCloseTo(big / 200, 12);
    expect(llm?.estimates).toContain("no-request-counts");
    expect(llm?.budgetPer1k).toBeUndefined();
  });

  it("by pool and GPU: a service across pools has its requests split by cost, so its cost per 1K is the same in each", () => {
    const pools = aggregateCost(m, cluster, "pool");
    const a = pools.find((r) => r.name === "a100pool");
    const t = pools.find((r) => r.name === "t4pool");
    expect(a?.requests).toBeCloseTo((200_000 * cost("big-1").cost) / big, 6);
    expect(t?.requests).toBeCloseTo((200_000 * cost("big-2").cost) / big, 6);
    expect(a?.costPer1k).toBeCloseTo(big / 200, 9);
    expect(t?.costPer1k).toBeCloseTo(big / 200, 9);
    const gpus = aggregateCost(m, cluster, "gpu");
    expect(gpus.map((r) => r.name).sort()).toEqual([a100, "Tesla-T4", unallocatedKey].sort());
    expect(gpus.find((r) => r.name === unallocatedKey)?.cost).toBeCloseTo(cost("small-1").cost + cost("loose").cost, 12);
  });

  it("by team: the team label, else __unallocated__", () => {
    const teams = aggregateCost(m, cluster, "team");
    expect(teams.find((r) => r.name === "ml")?.cost).toBeCloseTo(big + cost("small-1").cost, 12);
    expect(teams.find((r) => r.name === unallocatedKey)?.cost).toBeCloseTo(cost("loose").cost, 12);
  });
});

describe("poolCosts", () => {
  const pools = poolCosts(m, cluster, [
    { pool: "a100pool", waitingSeconds: 300 },
    { product: "Tesla-T4", waitingSeconds: 900 },
    { product: "Tesla-T4", waitingSeconds: 100 },
    { pool: "elsewhere", product: "H100", waitingSeconds: 5 },
  ]);
  const a = pools.find((p) => p.pool === "a100pool");
  const t = pools.find((p) => p.pool === "t4pool");

  it("cost per hour, totals and the idle GPU's cost per pool", () => {
    for (const p of pools) PoolCost.parse(p);
    expect(a).toMatchObject({ nodes: 2, gpus: 2, gpuProduct: a100, instanceType: "Standard_NC24ads_A100_v4", idleGpus: 1 });
    expect(a?.costPerHour).toBeCloseTo(2 * 3.673, 12);
    expect(a?.total).toBeCloseTo(2 * 3.673 * 10, 9);
    const g2 = m.nodes.find((n) => n.node === "g2");
    expect(a?.gpuIdleCost).toBeCloseTo((g2?.hourly.gpu ?? 0) * 10, 9);
    expect((a?.allocated ?? 0) + (a?.idle ?? 0)).toBeCloseTo(a?.total ?? -1, 9);
    expect(t).toMatchObject({ nodes: 1, gpus: 1, idleGpus: 0, gpuIdleCost: 0 });
  });

  it("GPU utilisation weighted by GPUs; now only from nodes with a sample", () => {
    expect(a?.gpuUtilisationPct).toBeCloseTo(50, 9);
    expect(a?.gpuUtilisationNowPct).toBeCloseTo(90, 9);
    expect(a?.gpuUtilisation1hPct).toBeCloseTo(40, 9);
    expect(t?.gpuUtilisationPct).toBeCloseTo(30, 9);
  });

  it("pending GPU pods by pool, else by GPU product, with the longest wait", () => {
    expect(a).toMatchObject({ pendingGpuPods: 1, queueSecondsMax: 300 });
    expect(t).toMatchObject({ pendingGpuPods: 2, queueSecondsMax: 900 });
    expect(poolCosts(m, cluster, []).every((p) => p.pendingGpuPods === 0 && p.queueSecondsMax === null)).toBe(true);
  });
});
