/**
 * The modelled pods grouped into report rows (by service, namespace, team, node pool or GPU
 * product), with cost per 1K inferences, and the per-pool view of idle GPUs and queue time.
 */
import type { CostAggregate, CostRow, EstimateCode, PoolCost } from "../../shared/protocol/cost";
import type { CostInputs } from "./costInputs";
import type { ModelledCost, PodCost } from "./costModel";

/** OpenCost's key for allocations without the aggregation property (no service, no team label, no GPU). */
export const unallocatedKey = "__unallocated__";

export function aggregateKey(pod: PodCost, by: CostAggregate): string {
  switch (by) {
    case "service":
      return pod.service ?? unallocatedKey;
    case "namespace":
      return pod.namespace;
    case "team":
      return pod.team ?? unallocatedKey;
    case "pool":
      return pod.pool;
    case "gpu":
      return pod.gpuProduct ?? unallocatedKey;
  }
}

interface Group {
  cost: number;
  cpuCost: number;
  ramCost: number;
  gpuCost: number;
  gpuHours: number;
  cpuReq: number;
  cpuUse: number;
  ramReq: number;
  ramUse: number;
  gpuUse: number;
  gpuUsedHours: number;
  /** Cost of the pods whose service has request counts, and the requests attributed to the group. */
  servedCost: number;
  requests: number;
  counted: boolean;
  uncounted: boolean;
  codes: Set<EstimateCode>;
}

const ratio = (used: number, requested: number): number | null => (requested > 0 ? used / requested : null);

/**
 * Rows sorted by cost, highest first. Cost per 1K = the cost of the pods of services that have
 * request counts ÷ (their requests ÷ 1000). For a service row that is the issue's definition.
 * Other groupings sum their services' requests; a service whose pods fall into several groups
 * (pools, GPU products, teams) has its requests split in proportion to its cost in each, so its
 * cost per 1K is the same in each. Efficiencies are Σ usage-hours ÷ Σ request-hours, as OpenCost
 * aggregates them, over the pods with usage.
 */
export function aggregateCost(m: ModelledCost, inputs: CostInputs, by: CostAggregate, opts: { budgets?: ReadonlyMap<string, number> } = {}): CostRow[] {
  const serviceCost = new Map<string, number>();
  const serviceHours = new Map<string, number>();
  for (const p of m.pods) {
    if (p.service === undefined) continue;
    serviceCost.set(p.service, (serviceCost.get(p.service) ?? 0) + p.cost);
    serviceHours.set(p.service, (serviceHours.get(p.service) ?? 0) + p.hours);
  }
  const groups = new Map<string, Group>();
  for (const p of m.pods) {
    const key = aggregateKey(p, by);
    let g = groups.get(key);
    if (!g) {
      g = { cost: 0, cpuCost: 0, ramCost: 0, gpuCost: 0, gpuHours: 0, cpuReq: 0, cpuUse: 0, ramReq: 0, ramUse: 0, gpuUse: 0, gpuUsedHours: 0, servedCost: 0, requests: 0, counted: false, uncounted: false, codes: new Set() };
      groups.set(key, g);
    }
    g.cost += p.cost;
    g.cpuCost += p.cpuCost;
    g.ramCost += p.ramCost;
    g.gpuCost += p.gpuCost;
    g.gpuHours += p.gpuHours;
    if (p.cpuCoreUsageHours !== null) {
      g.cpuReq += p.cpuCoreRequestHours;
      g.cpuUse += p.cpuCoreUsageHours;
    }
    if (p.ramGiBUsageHours !== null) {
      g.ramReq += p.ramGiBRequestHours;
      g.ramUse += p.ramGiBUsageHours;
    }
    if (p.gpuUsageHours !== null) {
      g.gpuUsedHours += p.gpuHours;
      g.gpuUse += p.gpuUsageHours;
    }
    for (const c of p.estimates) g.codes.add(c);
    if (p.service === undefined) continue;
    const counts = inputs.requests.get(p.service);
    if (!counts || !Number.isFinite(counts.total) || counts.total < 0) {
      g.uncounted = true;
      continue;
    }
    const sCost = serviceCost.get(p.service) ?? 0;
    const sHours = serviceHours.get(p.service) ?? 0;
    const share = sCost > 0 ? p.cost / sCost : sHours > 0 ? p.hours / sHours : 0;
    g.counted = true;
    g.servedCost += p.cost;
    g.requests += counts.total * share;
  }
  const rows: CostRow[] = [];
  for (const [name, g] of groups) {
    if (g.uncounted) g.codes.add("no-request-counts");
    // A service row holds all of its service's pods: its count exactly, not a sum of shares.
    const requests = !g.counted ? null : by === "service" ? (inputs.requests.get(name)?.total ?? g.requests) : g.requests;
    const budget = by === "service" ? opts.budgets?.get(name) : undefined;
    rows.push({
      name: name.slice(0, 500),
      cost: g.cost,
      cpuCost: g.cpuCost,
      ramCost: g.ramCost,
      gpuCost: g.gpuCost,
      gpuHours: g.gpuHours,
      requests,
      costPer1k: requests !== null && requests > 0 ? g.servedCost / (requests / 1000) : null,
      cpuEfficiency: ratio(g.cpuUse, g.cpuReq),
      ramEfficiency: ratio(g.ramUse, g.ramReq),
      gpuEfficiency: ratio(g.gpuUse, g.gpuUsedHours),
      ...(by === "service" ? { budgetPer1k: budget !== undefined && budget > 0 ? budget : null } : {}),
      estimates: [...g.codes].slice(0, 32),
    });
  }
  return rows.sort((a, b) => b.cost - a.cost || a.name.localeCompare(b.name));
}

interface PoolAcc {
  nodes: number;
  gpus: number;
  costPerHour: number;
  total: number;
  allocated: number;
  idle: number;
  gpuIdleCost: number;
  idleGpus: number;
  products: Map<string, number>;
  types: Map<string, number>;
  util: { sum: number; weight: number };
  utilNow: { sum: number; weight: number };
  util1h: { sum: number; weight: number };
  pending: number;
  queueMax: number | null;
}

const mostCommon = (m: Map<string, number>): string | null => [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null;
const validUtil = (x: number | undefined): number | undefined => (x !== undefined && Number.isFinite(x) && x >= 0 && x <= 1 ? x : undefined);
const pct = (a: { sum: number; weight: number }): number | null => (a.weight > 0 ? Math.min(100, Math.max(0, (a.sum / a.weight) * 100)) : null);

/**
 * Per node pool: cost per hour now (nodes that exist at the window's end), total, allocated, idle
 * and the GPU share of idle, GPU utilisation weighted by GPUs (and, over the window, by the hours
 * each node existed), idle GPUs now, and the pending GPU pods that ask for the pool (by pool
 * name, else by GPU product) with their longest wait.
 */
export function poolCosts(m: ModelledCost, inputs: CostInputs, pending: readonly { pool?: string; product?: string; waitingSeconds: number }[]): PoolCost[] {
  const pools = new Map<string, PoolAcc>();
  const endOf = new Map<string, boolean>();
  for (const n of inputs.nodes) endOf.set(n.name, (endOf.get(n.name) ?? false) || n.intervals.some((iv) => iv.end >= inputs.window.end));
  for (const n of m.nodes) {
    let p = pools.get(n.pool);
    if (!p) {
      p = { nodes: 0, gpus: 0, costPerHour: 0, total: 0, allocated: 0, idle: 0, gpuIdleCost: 0, idleGpus: 0, products: new Map(), types: new Map(), util: { sum: 0, weight: 0 }, utilNow: { sum: 0, weight: 0 }, util1h: { sum: 0, weight: 0 }, pending: 0, queueMax: null };
      pools.set(n.pool, p);
    }
    const now = (endOf.get(n.node) ?? false) && n.hours > 0;
    p.nodes++;
    p.total += n.total;
    p.allocated += n.allocated;
    p.idle += n.idle;
    p.gpuIdleCost += n.gpuIdleCost;
    p.idleGpus += n.idleGpus;
    if (n.gpuProduct) p.products.set(n.gpuProduct, (p.products.get(n.gpuProduct) ?? 0) + 1);
    if (n.instanceType) p.types.set(n.instanceType, (p.types.get(n.instanceType) ?? 0) + 1);
    if (now) {
      p.gpus += n.gpus;
      p.costPerHour += n.hourly.total;
    }
    const u = inputs.gpuUtilisation.get(n.node);
    const windowAvg = validUtil(u?.windowAvg);
    if (windowAvg !== undefined && n.gpus > 0) {
      p.util.sum += windowAvg * n.gpus * n.hours;
      p.util.weight += n.gpus * n.hours;
    }
    const nowU = validUtil(u?.now);
    if (now && nowU !== undefined && n.gpus > 0) {
      p.utilNow.sum += nowU * n.gpus;
      p.utilNow.weight += n.gpus;
    }
    const lastHour = validUtil(u?.lastHourAvg);
    if (lastHour !== undefined && n.gpus > 0) {
      p.util1h.sum += lastHour * n.gpus;
      p.util1h.weight += n.gpus;
    }
  }
  const byProduct = new Map<string, string>();
  for (const [name, p] of pools) {
    const product = mostCommon(p.products);
    if (product && !byProduct.has(product)) byProduct.set(product, name);
  }
  for (const q of pending) {
    const name = q.pool !== undefined && pools.has(q.pool) ? q.pool : q.product !== undefined ? byProduct.get(q.product) : undefined;
    const p = name === undefined ? undefined : pools.get(name);
    if (!p) continue;
    p.pending++;
    const wait = Number.isFinite(q.waitingSeconds) && q.waitingSeconds > 0 ? q.waitingSeconds : 0;
    p.queueMax = Math.max(p.queueMax ?? 0, wait);
  }
  return [...pools]
    .map(([pool, p]) => ({
      pool: pool.slice(0, 200),
      gpuProduct: mostCommon(p.products),
      instanceType: mostCommon(p.types),
      nodes: p.nodes,
      gpus: p.gpus,
      costPerHour: p.costPerHour,
      total: p.total,
      allocated: p.allocated,
      idle: p.idle,
      gpuIdleCost: p.gpuIdleCost,
      gpuUtilisationPct: pct(p.util),
      gpuUtilisationNowPct: pct(p.utilNow),
      gpuUtilisation1hPct: pct(p.util1h),
      idleGpus: p.idleGpus,
      pendingGpuPods: p.pending,
      queueSecondsMax: p.queueMax,
    }))
    .sort((a, b) => b.total - a.total || a.pool.localeCompare(b.pool));
}
