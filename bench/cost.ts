/**
 * The `cost` scenario: the cost model on the scale scenario's cluster (sandbox/scaleScenario.ts:
 * 1,000 A100 nodes of 96 vCPU, 1.77 TiB and 8 GPUs; 1,000 deployments of 10 one-GPU pods) over a
 * 7-day window, with synthetic history: a fifth of the pods started during the window (a
 * rollout), one node in twenty came and went, every pod has usage, every service hourly request
 * counts and every node DCGM utilisation.
 *   computeMs    computeCost + aggregateCost (service) + poolCosts + per1kSeries, median of
 *                `runs` after one warm-up run (target < 2000)
 *   modelMs      computeCost alone, median
 *   heapDeltaMB  heap held after one full computation (its result kept), measured between two
 *                forced garbage collections (target < 50); heapUncollectedDeltaMB is the same
 *                before the second collection, garbage included (an upper bound on the peak,
 *                less whatever young-generation scavenges freed on the way)
 * openToPaintMs (the dashboard on the same cluster) is bench/costDashboard.ts.
 */
import { performance } from "node:perf_hooks";
import type { CostInputs, NodeGpuUtilisation, NodeRecord, PodRecord, PodUsage, RequestCounts } from "../src/core/cost/costInputs";
import { aggregateCost, poolCosts } from "../src/core/cost/costAggregation";
import { computeCost } from "../src/core/cost/costModel";
import { per1kSeries } from "../src/core/cost/per1kSeries";
import { createPriceBook, type PriceBook } from "../src/core/cost/priceBook";
import { random } from "../test/unit/core/kube/cache/clusterModelChanges";
import { forcedGc, median } from "./benchStats";

export const costScale = { nodes: 1000, deployments: 1000, pods: 10_000, days: 7 } as const;
const runs = 5;
const hour = 3600;

export function costBenchInputs(scale: { nodes: number; deployments: number; pods: number; days: number } = costScale, end = Math.floor(Date.UTC(2026, 10, 30, 9, 30) / 1000)): CostInputs {
  // Seeded, so every run computes the same cluster.
  const rnd = random(10);
  const window = { start: end - scale.days * 24 * hour, end, duration: `${scale.days}d` };
  const nodes: NodeRecord[] = Array.from({ length: scale.nodes }, (_, i) => {
    const name = `aks-a100pool-10000000-vmss${String(i).padStart(6, "0")}`;
    const cameAndWent = i % 20 === 7;
    const gap = window.start + Math.floor(rnd() * 5 * 24) * hour;
    return {
      name,
      labels: { "kubernetes.azure.com/agentpool": "a100pool", "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB", "node.kubernetes.io/instance-type": "Standard_ND96amsr_A100_v4" },
      instanceType: "Standard_ND96amsr_A100_v4",
      pool: "a100pool",
      gpuProduct: "NVIDIA-A100-SXM4-80GB",
      capacity: { cpuCores: 96, ramBytes: 1857568436 * 1024, gpus: 8 },
      intervals: cameAndWent ? [{ start: window.start, end: gap }, { start: gap + 6 * hour, end: window.end }] : [{ start: window.start, end: window.end }],
    };
  });
  const perDeployment = Math.ceil(scale.pods / scale.deployments);
  const pods: PodRecord[] = [];
  const usage = new Map<string, PodUsage>();
  for (let p = 0; p < scale.pods; p++) {
    const d = Math.floor(p / perDeployment);
    const namespace = `bench-${d % 10}`;
    const name = `model-${d}-5f7d8c9b6-${p.toString(36).padStart(5, "0")}`;
    const started = p % 5 === 0 ? window.start + Math.floor(rnd() * scale.days * 24 * hour) : window.start;
    pods.push({
      namespace,
      name,
      node: nodes[p % nodes.length]?.name ?? "",
      labels: { app: `model-${d}` },
      service: `${namespace}/model-${d}`,
      team: `team-${d % 7}`,
      intervals: [{ start: started, end: window.end }],
      requests: { cpuCores: 8, ramBytes: 64 * 1024 ** 3, gpus: 1 },
    });
    usage.set(`${namespace}/${name}`, { cpuCoresAvg: 2 + rnd() * 8, ramBytesAvg: (20 + rnd() * 60) * 1024 ** 3, gpuUtilAvg: rnd() });
  }
  const requests = new Map<string, RequestCounts>();
  const steps = scale.days * 24;
  for (let d = 0; d < scale.deployments; d++) {
    const perStep = 1000 + Math.floor(rnd() * 50_000);
    const series = Array.from({ length: steps }, (_, i) => [window.start + (i + 1) * hour, perStep] as const);
    requests.set(`bench-${d % 10}/model-${d}`, { total: perStep * steps, steps: series });
  }
  const gpuUtilisation = new Map<string, NodeGpuUtilisation>(nodes.map((n) => [n.name, { windowAvg: rnd(), lastHourAvg: rnd(), now: rnd() }]));
  return { window, nodes, pods, usage, requests, gpuUtilisation, estimates: [] };
}

function fullComputation(inputs: CostInputs, book: PriceBook) {
  const model = computeCost(inputs, book);
  const rows = aggregateCost(model, inputs, "service");
  const pools = poolCosts(model, inputs, [{ pool: "a100pool", waitingSeconds: 600 }]);
  const per1k = per1kSeries(model, inputs);
  return { model, rows, pools, per1k };
}

export function costBench(): Record<string, unknown> {
  const gc = forcedGc();
  const inputs = costBenchInputs();
  const book = createPriceBook();
  fullComputation(inputs, book);
  const total: number[] = [];
  const model: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    computeCost(inputs, book);
    const t1 = performance.now();
    fullComputation(inputs, book);
    total.push(performance.now() - t1);
    model.push(t1 - t0);
    console.error(`[bench] cost run ${i + 1}/${runs}: model ${(t1 - t0).toFixed(1)} ms, full ${(total[i] ?? 0).toFixed(1)} ms`);
  }
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept = fullComputation(inputs, book);
  const beforeCollection = process.memoryUsage().heapUsed;
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  const round = (x: number): number => Math.round(x * 10) / 10;
  return {
    bench: "cost",
    computeMs: round(median(total)),
    modelMs: round(median(model)),
    heapDeltaMB: round((after - before) / 1024 / 1024),
    heapUncollectedDeltaMB: round((beforeCollection - before) / 1024 / 1024),
    nodes: inputs.nodes.length,
    pods: inputs.pods.length,
    rows: kept.rows.length,
    days: kept.model.daily.length,
  };
}
