/**
 * The cost model: what each pod cost and what each node's idle capacity cost over a window, as a
 * pure function of the inputs and the price book. Compatible with OpenCost's allocation model
 * (/work/shared/reference/domain.md §4.1, opencost/opencost @ 5f653330):
 *  - pkg/costmodel/allocation_helpers.go applyCPUCoresAllocated/applyCPUCoresRequested: CPU core
 *    hours are max(request, usage) × hours, RAM byte hours the same; GPU hours are requested
 *    GPUs × hours ("max(usage,request) will always equal request" for whole GPUs).
 *  - allocation_helpers.go ~L1700: CPUCost = CPUCoreHours × CostPerCPUHr, RAMCost =
 *    RAMByteHours/2^30 × CostPerRAMGiBHr, GPUCost = GPUHours × CostPerGPUHr.
 *  - costmodel.go computeIdleAllocations: idle = node (asset) cost − allocated cost, per resource,
 *    here per node (idleByNode=true).
 *  - core/pkg/opencost/allocation.go: cpuEfficiency = usage average ÷ request average (RAM the same).
 * Unlike OpenCost, idle never goes negative: where pods' usage above their requests adds up to
 * more than a node has, their shares are scaled down to the node's cost for that stretch of time
 * and the node gets an "over-committed" mark, so allocated + idle = total always holds.
 *
 * Time is handled as intervals: each node's pods are swept once over their start and end times
 * (and UTC midnights, for the daily bars), so the work grows with the number of pod starts and
 * ends, not with the window's length.
 */
import type { DailyCost, EstimateCode, EstimateMark, NodeCost, PriceOrigin, PriceUsed } from "../../shared/protocol/cost";
import { noPool } from "../kube/gpu/nodePools";
import { addAcrossDays, intersectIntervals, normaliseIntervals, secondsIn, utcDays } from "./costIntervals";
import type { CostInputs, Interval, NodeGpuUtilisation, PodRecord } from "./costInputs";
import { EstimateMarks } from "./estimateMarks";
import { priceNode, type NodePrice } from "./nodePricing";
import type { PriceBook } from "./priceBook";

export interface PodCost {
  /** "namespace/pod". */
  readonly key: string;
  readonly namespace: string;
  readonly pod: string;
  readonly service?: string;
  readonly team?: string;
  readonly node: string;
  readonly pool: string;
  /** The node's GPU product, for pods that request GPUs. */
  readonly gpuProduct?: string;
  readonly cpuCost: number;
  readonly ramCost: number;
  readonly gpuCost: number;
  readonly cost: number;
  readonly gpuHours: number;
  readonly cpuEfficiency: number | null;
  readonly ramEfficiency: number | null;
  readonly gpuEfficiency: number | null;
  readonly estimates: readonly EstimateCode[];
  /** Hours the pod ran on a known node inside the window. */
  readonly hours: number;
  /** Requested and used amounts × hours, so groups of pods can be weighed as OpenCost does (Σ usage ÷ Σ request). */
  readonly cpuCoreRequestHours: number;
  readonly cpuCoreUsageHours: number | null;
  readonly ramGiBRequestHours: number;
  readonly ramGiBUsageHours: number | null;
  readonly gpuUsageHours: number | null;
  /** When it ran on its node inside the window (the spans that were charged). */
  readonly ran: readonly Interval[];
}

export interface ModelledCost {
  readonly total: number;
  readonly allocated: number;
  readonly idle: number;
  /** The GPU share of idle. */
  readonly gpuIdle: number;
  readonly nodes: NodeCost[];
  readonly pods: PodCost[];
  readonly daily: DailyCost[];
  readonly prices: PriceUsed[];
  readonly estimates: EstimateMark[];
}

const gib = 1024 ** 3;
/** Tolerance for "more than the node has": float noise must not mark a node that is exactly full. */
const overcommitTolerance = 1e-9;

/** A valid measurement, or undefined (absent), or null (present but NaN, negative or infinite). */
function measured(x: number | undefined, max = Infinity): number | undefined | null {
  if (x === undefined) return undefined;
  return Number.isFinite(x) && x >= 0 && x <= max ? x : null;
}

const nonNegative = (x: number): number => (Number.isFinite(x) && x > 0 ? x : 0);

function utilisationPct(u: NodeGpuUtilisation | undefined, key: "now" | "lastHourAvg"): number | null {
  const v = measured(u?.[key], 1);
  return typeof v === "number" ? v * 100 : null;
}

interface PodWork {
  readonly record: PodRecord;
  readonly ran: Interval[];
  /** Quantities charged: vCPUs, GiB, GPUs. */
  readonly q: readonly [number, number, number];
  /** Hourly rate per resource at the node's prices. */
  readonly rate: readonly [number, number, number];
  /** Cost taken off by over-commit scaling, per resource. */
  readonly cut: [number, number, number];
}

export function computeCost(inputs: CostInputs, book: PriceBook): ModelledCost {
  const window = inputs.window;
  const windowSeconds = Math.max(0, window.end - window.start);
  const marks = new EstimateMarks();
  marks.addAll(book.errors);
  marks.addAll(inputs.estimates);
  const days = utcDays(window);
  const firstDay = days[0] ?? 0;
  const dailyTotal = new Float64Array(days.length);
  const dailyAllocated = new Float64Array(days.length);

  // Nodes: prices, existence, totals.
  const nodeIndex = new Map<string, number>();
  const prices: NodePrice[] = [];
  const nodeIntervals: Interval[][] = [];
  inputs.nodes.forEach((node, i) => {
    if (!nodeIndex.has(node.name)) nodeIndex.set(node.name, i);
    const price = priceNode(node, book);
    prices.push(price);
    marks.addAll(price.estimates);
    const { intervals, dropped } = normaliseIntervals(node.intervals, window);
    nodeIntervals.push(intervals);
    if (dropped > 0) marks.add({ code: "clock-skew", subject: `node ${node.name}`, detail: `${dropped} span(s) of its lifetime ended before they started or were not times; left out` });
    const seconds = secondsIn(intervals);
    if (seconds < windowSeconds && seconds > 0) marks.add({ code: "partial-window", subject: `node ${node.name}`, detail: `existed ${(seconds / 3600).toFixed(1)} of the window's ${(windowSeconds / 3600).toFixed(1)} hours` });
    for (const iv of intervals) addAcrossDays(dailyTotal, firstDay, iv, price.totalHourly / 3600);
  });

  // Pods: what they are charged for, per node.
  const podsOfNode: PodWork[][] = inputs.nodes.map(() => []);
  const work: PodWork[] = [];
  const podCodes: EstimateCode[][] = [];
  const measuredUse: { cpu: number | undefined; ram: number | undefined; gpu: number | undefined }[] = [];
  for (const pod of inputs.pods) {
    const key = `${pod.namespace}/${pod.name}`;
    const codes = new Set<EstimateCode>();
    let charged = true;
    const mark = (code: EstimateCode, detail: string): void => {
      // A pod that was not charged has no figure for usage or requests to make an estimate of.
      if (!charged && code !== "partial-window" && code !== "clock-skew") return;
      codes.add(code);
      marks.add({ code, subject: `pod ${key}`.slice(0, 500), detail });
    };
    const n = nodeIndex.get(pod.node);
    const own = normaliseIntervals(pod.intervals, window);
    if (own.dropped > 0) mark("clock-skew", `${own.dropped} span(s) of its run ended before they started or were not times; left out`);
    const ran = n === undefined ? [] : intersectIntervals(own.intervals, nodeIntervals[n] ?? []);
    const lost = secondsIn(own.intervals) - secondsIn(ran);
    if (n === undefined && own.intervals.length > 0) mark("partial-window", `its node ${pod.node || "(none)"} is not among the window's nodes; not charged`);
    else if (lost > 1) mark("partial-window", `ran ${(lost / 3600).toFixed(2)} h outside its node's known lifetime; not charged`);
    charged = ran.length > 0;

    const requests = { cpu: nonNegative(pod.requests.cpuCores), ram: nonNegative(pod.requests.ramBytes) / gib, gpu: nonNegative(pod.requests.gpus) };
    const usage = inputs.usage.get(key);
    const cpu = measured(usage?.cpuCoresAvg);
    const ramBytes = measured(usage?.ramBytesAvg);
    const gpuUtil = measured(usage?.gpuUtilAvg, 1);
    const bad = [cpu === null ? "CPU" : "", ramBytes === null ? "memory" : "", gpuUtil === null ? "GPU utilisation" : ""].filter(Boolean);
    if (bad.length > 0) mark("bad-usage", `${bad.join(", ")} usage was negative, NaN, infinite or out of range; left out`);
    const cpuUse = cpu ?? undefined;
    const ramUse = ramBytes == null ? undefined : ramBytes / gib;
    const gpuUse = gpuUtil ?? undefined;
    if (cpuUse === undefined && ramUse === undefined) mark("no-usage", "no CPU or memory usage from the metrics source: charged for its requests");
    if (requests.cpu === 0 && requests.ram === 0) mark("no-requests", cpuUse !== undefined || ramUse !== undefined ? "requests no CPU or memory: charged for its usage alone" : "requests no CPU or memory and has no usage: charged nothing for them");
    if (requests.gpu > 0 && gpuUse === undefined) mark("no-gpu-utilisation", "no GPU utilisation from dcgm-exporter: no GPU efficiency");

    const price = n === undefined ? undefined : prices[n];
    const q: [number, number, number] = [Math.max(requests.cpu, cpuUse ?? 0), Math.max(requests.ram, ramUse ?? 0), requests.gpu];
    const rate: [number, number, number] = price ? [q[0] * price.hourly.cpu, q[1] * price.hourly.ram, q[2] * price.hourly.gpu] : [0, 0, 0];
    const w: PodWork = { record: pod, ran, q, rate, cut: [0, 0, 0] };
    work.push(w);
    podCodes.push([...codes]);
    measuredUse.push({ cpu: cpuUse, ram: ramUse, gpu: gpuUse });
    if (n !== undefined && ran.length > 0) podsOfNode[n]?.push(w);
  }

  // Sweep each node's pods over time: over-commit scaling and daily allocated cost.
  const nodeCosts: NodeCost[] = [];
  let total = 0;
  let allocated = 0;
  let gpuIdle = 0;
  inputs.nodes.forEach((node, i) => {
    const price = prices[i] as NodePrice;
    const pods = podsOfNode[i] ?? [];
    const capacityRate = [price.capacity.cpuCores * price.hourly.cpu, price.capacity.ramGiB * price.hourly.ram, price.capacity.gpus * price.hourly.gpu] as const;
    const worst = sweepNode(pods, capacityRate, days, dailyAllocated);
    const overcommitted = ["CPU", "memory", "GPU"].filter((_, r) => (worst[r] ?? 1) > 1 + overcommitTolerance);
    if (overcommitted.length > 0) {
      const most = Math.max(...worst);
      const ratio = Number.isFinite(most) ? `up to ${most.toFixed(2)}×` : "more than";
      marks.add({ code: "over-committed", subject: `node ${node.name}`, detail: `pods asked for ${ratio} its ${overcommitted.join(", ")}: their shares were scaled down to the node's cost` });
    }
    const hours = secondsIn(nodeIntervals[i] ?? []) / 3600;
    const nodeTotal = capacityRate.map((r) => r * hours);
    const nodeAlloc = [0, 0, 0];
    let gpusAtEnd = 0;
    for (const p of pods) {
      const h = secondsIn(p.ran) / 3600;
      for (let r = 0; r < 3; r++) nodeAlloc[r] = (nodeAlloc[r] ?? 0) + (p.rate[r] ?? 0) * h - (p.cut[r] ?? 0);
      if (p.ran[p.ran.length - 1]?.end === window.end) gpusAtEnd += p.q[2];
    }
    const idle = nodeTotal.map((t, r) => Math.max(0, t - (nodeAlloc[r] ?? 0)));
    const totalSum = nodeTotal.reduce((a, b) => a + b, 0);
    const allocSum = nodeAlloc.reduce((a, b) => a + b, 0);
    const existsAtEnd = (nodeIntervals[i] ?? []).some((iv) => iv.end === window.end);
    const util = inputs.gpuUtilisation.get(node.name);
    if (price.capacity.gpus > 0 && util === undefined) marks.add({ code: "no-gpu-utilisation", subject: `node ${node.name}`, detail: "no dcgm-exporter utilisation for its GPUs" });
    total += totalSum;
    allocated += allocSum;
    gpuIdle += idle[2] ?? 0;
    nodeCosts.push({
      node: node.name,
      pool: node.pool,
      instanceType: price.instanceType,
      gpuProduct: node.gpuProduct ?? null,
      priceOrigin: price.origin,
      hourly: { ...price.hourly, total: price.totalHourly },
      hours,
      total: totalSum,
      allocated: allocSum,
      idle: idle.reduce((a, b) => a + b, 0),
      gpuIdleCost: idle[2] ?? 0,
      gpus: price.capacity.gpus,
      idleGpus: existsAtEnd ? Math.max(0, price.capacity.gpus - gpusAtEnd) : 0,
      gpuUtilisationNowPct: existsAtEnd ? utilisationPct(util, "now") : null,
      gpuUtilisation1hPct: utilisationPct(util, "lastHourAvg"),
    });
  });

  const pods: PodCost[] = work.map((w, i) => {
    const pod = w.record;
    const hours = secondsIn(w.ran) / 3600;
    const n = nodeIndex.get(pod.node);
    const node = n === undefined ? undefined : inputs.nodes[n];
    const [cpuCost, ramCost, gpuCost] = [0, 1, 2].map((r) => Math.max(0, (w.rate[r] ?? 0) * hours - (w.cut[r] ?? 0))) as [number, number, number];
    const use = measuredUse[i] ?? { cpu: undefined, ram: undefined, gpu: undefined };
    const req = { cpu: nonNegative(pod.requests.cpuCores), ram: nonNegative(pod.requests.ramBytes) / gib, gpu: nonNegative(pod.requests.gpus) };
    return {
      key: `${pod.namespace}/${pod.name}`,
      namespace: pod.namespace,
      pod: pod.name,
      ...(pod.service === undefined ? {} : { service: pod.service }),
      ...(pod.team === undefined ? {} : { team: pod.team }),
      node: pod.node,
      pool: node?.pool ?? noPool,
      ...(req.gpu > 0 && node?.gpuProduct ? { gpuProduct: node.gpuProduct } : {}),
      cpuCost,
      ramCost,
      gpuCost,
      cost: cpuCost + ramCost + gpuCost,
      gpuHours: req.gpu * hours,
      cpuEfficiency: use.cpu !== undefined && req.cpu > 0 ? use.cpu / req.cpu : null,
      ramEfficiency: use.ram !== undefined && req.ram > 0 ? use.ram / req.ram : null,
      gpuEfficiency: use.gpu !== undefined && req.gpu > 0 ? use.gpu : null,
      estimates: podCodes[i] ?? [],
      hours,
      cpuCoreRequestHours: req.cpu * hours,
      cpuCoreUsageHours: use.cpu === undefined ? null : use.cpu * hours,
      ramGiBRequestHours: req.ram * hours,
      ramGiBUsageHours: use.ram === undefined ? null : use.ram * hours,
      gpuUsageHours: use.gpu === undefined || req.gpu === 0 ? null : use.gpu * req.gpu * hours,
      ran: w.ran,
    };
  });

  const daily: DailyCost[] = days.map((day, d) => {
    const t = dailyTotal[d] ?? 0;
    const a = Math.min(t, dailyAllocated[d] ?? 0);
    return { day, total: t, allocated: a, idle: t - a };
  });
  return { total, allocated, idle: Math.max(0, total - allocated), gpuIdle, nodes: nodeCosts, pods, daily, prices: pricesUsed(inputs.nodes.map((n, i) => ({ name: n.name, price: prices[i] as NodePrice }))), estimates: marks.list() };
}

/**
 * One node's sweep over its pods' start and end times and the UTC midnights: in each stretch the
 * pods' summed hourly rate per resource is compared with the node's; above it, each pod's share
 * is scaled down for that stretch (recorded in `cut`). Adds the stretch's allocated cost to its
 * day. Returns the worst demand ÷ capacity seen per resource.
 */
function sweepNode(pods: readonly PodWork[], capacityRate: readonly [number, number, number], days: readonly number[], dailyAllocated: Float64Array): [number, number, number] {
  const worst: [number, number, number] = [0, 0, 0];
  if (pods.length === 0) return worst;
  // Events as [time, pod index, +1 start / -1 end]; midnights as pod index -1.
  const events: [number, number, number][] = [];
  let first = Infinity;
  let last = -Infinity;
  pods.forEach((p, i) => {
    for (const iv of p.ran) {
      events.push([iv.start, i, 1], [iv.end, i, -1]);
      first = Math.min(first, iv.start);
      last = Math.max(last, iv.end);
    }
  });
  for (const day of days) if (day > first && day < last) events.push([day, -1, 0]);
  events.sort((a, b) => a[0] - b[0] || a[2] - b[2]);
  const firstDay = days[0] ?? 0;
  const demand = [0, 0, 0];
  const active = new Set<number>();
  let t = first;
  for (const [time, i, delta] of events) {
    if (time > t && active.size > 0) {
      const hours = (time - t) / 3600;
      let allocatedRate = 0;
      let scaled = false;
      const scale = [1, 1, 1];
      for (let r = 0; r < 3; r++) {
        const d = demand[r] ?? 0;
        const c = capacityRate[r] ?? 0;
        if (c > 0) worst[r] = Math.max(worst[r] ?? 0, d / c);
        else if (d > 0) worst[r] = Infinity;
        if (d > c * (1 + overcommitTolerance)) {
          scale[r] = d > 0 ? c / d : 1;
          scaled = true;
          allocatedRate += c;
        } else allocatedRate += d;
      }
      if (scaled) {
        for (const a of active) {
          const p = pods[a] as PodWork;
          for (let r = 0; r < 3; r++) p.cut[r] = (p.cut[r] ?? 0) + (p.rate[r] ?? 0) * (1 - (scale[r] ?? 1)) * hours;
        }
      }
      const day = Math.floor((t - firstDay) / 86_400);
      if (day >= 0 && day < dailyAllocated.length) dailyAllocated[day] = (dailyAllocated[day] ?? 0) + allocatedRate * hours;
    }
    t = Math.max(t, time);
    if (i < 0) continue;
    const p = pods[i] as PodWork;
    if (delta > 0) active.add(i);
    else active.delete(i);
    for (let r = 0; r < 3; r++) demand[r] = active.size === 0 ? 0 : (demand[r] ?? 0) + delta * (p.rate[r] ?? 0);
  }
  return worst;
}

function pricesUsed(nodes: readonly { name: string; price: NodePrice }[]): PriceUsed[] {
  const byKey = new Map<string, PriceUsed & { nodes: number }>();
  for (const { price } of nodes) {
    const key = `${price.origin}\u0000${price.instanceType ?? ""}`;
    const seen = byKey.get(key);
    if (seen) seen.nodes++;
    else {
      const origin: PriceOrigin = price.origin;
      byKey.set(key, { instanceType: price.instanceType, origin, nodeHourly: price.nodeHourly, hourly: price.hourly, source: price.source.slice(0, 500), nodes: 1 });
    }
  }
  return [...byKey.values()].sort((a, b) => b.nodes - a.nodes || (a.instanceType ?? "").localeCompare(b.instanceType ?? ""));
}
