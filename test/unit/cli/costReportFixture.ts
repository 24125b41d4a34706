/**
 * A small cost report as core would produce it, written by hand and parsed with the contract, for
 * the surfaces' tests (the CLI's table, CSV and budget check; the trees' text). The figures are
 * consistent: allocated + idle = total, per node, pool and report.
 */
import { CostReport, type CostRow, type NodeCost, type PoolCost } from "../../../src/shared/protocol/cost";

export function costRow(name: string, over: Partial<CostRow> = {}): CostRow {
  return { name, cost: 10, cpuCost: 1, ramCost: 1, gpuCost: 8, gpuHours: 24, requests: 100_000, costPer1k: 0.1, cpuEfficiency: 0.5, ramEfficiency: 0.6, gpuEfficiency: 0.7, estimates: [], ...over };
}

const node = (name: string, pool: string, over: Partial<NodeCost> = {}): NodeCost => ({
  node: name,
  pool,
  instanceType: "Standard_NC24ads_A100_v4",
  gpuProduct: "NVIDIA-A100-PCIE-80GB",
  priceOrigin: "price-book",
  hourly: { cpu: 0.05, ram: 0.005, gpu: 2.5, total: 4.77 },
  hours: 24,
  total: 114.48,
  allocated: 100,
  idle: 14.48,
  gpuIdleCost: 0,
  gpus: 1,
  idleGpus: 0,
  gpuUtilisationNowPct: 71.4,
  gpuUtilisation1hPct: 64.6,
  ...over,
});

const pool = (name: string, over: Partial<PoolCost> = {}): PoolCost => ({
  pool: name,
  gpuProduct: "NVIDIA-A100-PCIE-80GB",
  instanceType: "Standard_NC24ads_A100_v4",
  nodes: 2,
  gpus: 2,
  costPerHour: 9.54,
  total: 228.96,
  allocated: 200,
  idle: 28.96,
  gpuIdleCost: 0,
  gpuUtilisationPct: 60.2,
  gpuUtilisationNowPct: 71.4,
  gpuUtilisation1hPct: 64.6,
  idleGpus: 0,
  pendingGpuPods: 1,
  queueSecondsMax: 1800,
  ...over,
});

export function sampleCostReport(over: Partial<CostReport> = {}): CostReport {
  return CostReport.parse({
    window: { duration: "1d", start: "2026-11-30T00:00:00.000Z", end: "2026-12-01T00:00:00.000Z" },
    currency: "USD",
    source: { kind: "model", description: "price book + Prometheus http://127.0.0.1:9090" },
    aggregate: "service",
    total: 300,
    allocated: 240,
    idle: 60,
    gpuIdle: 31.04,
    rows: [
      costRow("llm-serving/vllm-llama3-70b", { cost: 180.5, gpuCost: 170, gpuHours: 48, requests: 120_000, costPer1k: 1.504, gpuEfficiency: 0.12, estimates: ["no-usage"] }),
      costRow("ml/sentiment", { cost: 40, requests: 2_000_000, costPer1k: 0.02 }),
      costRow("batch/=HYPERLINK(\"x\")", { cost: 19.5, requests: null, costPer1k: null, gpuEfficiency: null }),
    ],
    pools: [pool("a100pool"), pool("a10pool", { instanceType: "Standard_Unknown_X", gpuProduct: "NVIDIA-A10", nodes: 1, gpus: 1, costPerHour: 0.95, total: 71.04, allocated: 40, idle: 31.04, gpuIdleCost: 31.04, gpuUtilisationPct: null, gpuUtilisationNowPct: null, gpuUtilisation1hPct: null, idleGpus: 1, pendingGpuPods: 0, queueSecondsMax: null })],
    nodes: [
      node("aks-a100pool-0", "a100pool"),
      node("aks-a100pool-1", "a100pool", { gpuUtilisationNowPct: 71.4, gpuUtilisation1hPct: 64.6 }),
      node("aks-a10pool-0", "a10pool", { instanceType: "Standard_Unknown_X", priceOrigin: "default", hourly: { cpu: 0.031611, ram: 0.004237, gpu: 0.95, total: 0.95 }, total: 71.04, allocated: 40, idle: 31.04, gpuIdleCost: 31.04, idleGpus: 1, gpuUtilisationNowPct: null, gpuUtilisation1hPct: null }),
    ],
    daily: [{ day: 1_764_460_800, total: 300, allocated: 240, idle: 60 }],
    per1k: [],
    prices: [
      { instanceType: "Standard_NC24ads_A100_v4", origin: "price-book", nodeHourly: 4.77, hourly: { cpu: 0.05, ram: 0.005, gpu: 2.5 }, source: "Azure retail prices, eastus", nodes: 2 },
      { instanceType: "Standard_Unknown_X", origin: "default", nodeHourly: null, hourly: { cpu: 0.031611, ram: 0.004237, gpu: 0.95 }, source: "OpenCost custom-pricing defaults", nodes: 1 },
    ],
    estimates: [
      { code: "default-price", subject: "instance type Standard_Unknown_X", detail: "not in the price book" },
      { code: "no-usage", subject: "pod llm-serving/vllm-llama3-70b-abc" },
    ],
    computedAt: 1_764_547_200,
    ...over,
  });
}
