/**
 * The cost report: what `aiplat cost -o json` prints and what the cost dashboard shows, one shape
 * for both. Core builds it (src/core/cost), the CLI prints it, the panel sends it to the webview,
 * and both ends parse it with these schemas. Money is in `currency` units; hours are hours.
 */
import * as z from "zod";
import { ChangeMarker } from "./latency";

export const CostWindowPreset = z.enum(["1d", "7d", "30d"]);
export type CostWindowPreset = z.infer<typeof CostWindowPreset>;

export const CostAggregate = z.enum(["service", "namespace", "team", "pool", "gpu"]);
export type CostAggregate = z.infer<typeof CostAggregate>;

/**
 * Why a figure is an estimate. Each mark names what it is about (`subject`: a node, a pod, a
 * service, an instance type, a file) so the surfaces can say which figure and why.
 */
export const EstimateCode = z.enum([
  /** The instance type is not in the price book: OpenCost's custom-pricing defaults were used. */
  "default-price",
  /** The node has no `node.kubernetes.io/instance-type` label. */
  "no-instance-type",
  /** An entry of pricing.yaml or the price setting is invalid and was ignored (detail says where). */
  "price-book-error",
  /** The source had no usage for this pod: request only (max(request, usage) = request). */
  "no-usage",
  /** Usage samples were negative, NaN or non-finite and were dropped. */
  "bad-usage",
  /** The pod requests no CPU or memory: its usage alone was charged, or nothing. */
  "no-requests",
  /** The node or pod ran for part of the window only (it came or went inside it). */
  "partial-window",
  /** A request counter reset inside the window; counts follow Prometheus' increase(). */
  "counter-reset",
  /** Sample times disagree with the window (clock skew); the samples were clipped to it. */
  "clock-skew",
  /** Pods that finished before now are unknown to the cluster (no kube-state-metrics history). */
  "history-unknown",
  /** No request counts for this service: no cost per 1K inferences. */
  "no-request-counts",
  /** No GPU utilisation (dcgm-exporter) for this node or pod. */
  "no-gpu-utilisation",
  /** The node's pods asked for more of a resource than it has (usage above requests): their shares were scaled down to the node's cost. */
  "over-committed",
]);
export type EstimateCode = z.infer<typeof EstimateCode>;

export const EstimateMark = z.object({
  code: EstimateCode,
  /** "node aks-a100pool-…-vmss000000", "instance type Standard_Foo", "pod llm-serving/vllm-…". */
  subject: z.string().max(500),
  detail: z.string().max(2000).optional(),
});
export type EstimateMark = z.infer<typeof EstimateMark>;

/** Where a node's hourly price came from. */
export const PriceOrigin = z.enum(["price-book", "settings", "pricing-file", "default", "opencost"]);
export type PriceOrigin = z.infer<typeof PriceOrigin>;

export const ResourcePrices = z.object({
  /** Per vCPU-hour. */
  cpu: z.number().nonnegative(),
  /** Per GiB-hour. */
  ram: z.number().nonnegative(),
  /** Per GPU-hour. */
  gpu: z.number().nonnegative(),
});
export type ResourcePrices = z.infer<typeof ResourcePrices>;

export const PriceUsed = z.object({
  instanceType: z.string().max(200).nullable(),
  origin: PriceOrigin,
  /** The whole node per hour, when the price was a node price (then split as OpenCost splits it). */
  nodeHourly: z.number().nonnegative().nullable(),
  hourly: ResourcePrices,
  /** "Azure retail prices, eastus, pay-as-you-go Linux, 2026-…", the settings key, the file path. */
  source: z.string().max(500),
  nodes: z.number().int().nonnegative(),
});
export type PriceUsed = z.infer<typeof PriceUsed>;

const Efficiency = z.number().nonnegative().nullable();

export const CostRow = z.object({
  /** The aggregation key: "llm-serving/vllm-llama3-70b", "llm-serving", "llm", "a100pool", "NVIDIA-A100-SXM4-80GB". */
  name: z.string().max(500),
  cost: z.number(),
  cpuCost: z.number(),
  ramCost: z.number(),
  gpuCost: z.number(),
  gpuHours: z.number().nonnegative(),
  /** Successful inference requests in the window; null when the source had none for this row. */
  requests: z.number().nonnegative().nullable(),
  /** cost ÷ (requests ÷ 1000); null without request counts or with zero requests. */
  costPer1k: z.number().nonnegative().nullable(),
  /** usage ÷ request; null without usage. */
  cpuEfficiency: Efficiency,
  ramEfficiency: Efficiency,
  gpuEfficiency: Efficiency,
  /** The manifest's cost.budgetPer1k for a service row, when it has one. */
  budgetPer1k: z.number().positive().nullable().optional(),
  /** Codes of the estimate marks that touch this row's figures. */
  estimates: z.array(EstimateCode).max(32),
});
export type CostRow = z.infer<typeof CostRow>;

export const PoolCost = z.object({
  pool: z.string().max(200),
  gpuProduct: z.string().max(200).nullable(),
  instanceType: z.string().max(200).nullable(),
  nodes: z.number().int().nonnegative(),
  gpus: z.number().nonnegative(),
  /** What the pool's nodes cost per hour now. */
  costPerHour: z.number().nonnegative(),
  total: z.number(),
  allocated: z.number(),
  idle: z.number(),
  /** The GPU share of idle: GPUs paid for and requested by no pod. */
  gpuIdleCost: z.number(),
  /** Average DCGM utilisation of the pool's GPUs over the window, 0–100; null without dcgm-exporter. */
  gpuUtilisationPct: z.number().min(0).max(100).nullable(),
  /** Now (last sample) and averaged over the last hour. */
  gpuUtilisationNowPct: z.number().min(0).max(100).nullable(),
  gpuUtilisation1hPct: z.number().min(0).max(100).nullable(),
  /** GPUs allocatable and requested by no pod now. */
  idleGpus: z.number().nonnegative(),
  /** Pending pods asking for this pool's GPUs, and how long they have waited (seconds). */
  pendingGpuPods: z.number().int().nonnegative(),
  queueSecondsMax: z.number().nonnegative().nullable(),
});
export type PoolCost = z.infer<typeof PoolCost>;

export const NodeCost = z.object({
  node: z.string().max(253),
  pool: z.string().max(200),
  instanceType: z.string().max(200).nullable(),
  gpuProduct: z.string().max(200).nullable(),
  priceOrigin: PriceOrigin,
  hourly: ResourcePrices.extend({ total: z.number().nonnegative() }),
  /** Hours of the window the node existed. */
  hours: z.number().nonnegative(),
  total: z.number(),
  allocated: z.number(),
  idle: z.number(),
  gpuIdleCost: z.number(),
  gpus: z.number().nonnegative(),
  idleGpus: z.number().nonnegative(),
  gpuUtilisationNowPct: z.number().min(0).max(100).nullable(),
  gpuUtilisation1hPct: z.number().min(0).max(100).nullable(),
});
export type NodeCost = z.infer<typeof NodeCost>;

export const DailyCost = z.object({
  /** Unix seconds of the day's start (UTC). */
  day: z.number(),
  total: z.number(),
  allocated: z.number(),
  idle: z.number(),
});
export type DailyCost = z.infer<typeof DailyCost>;

/** Cost per 1K inferences of one service over time (per step), for the chart with deploy markers. */
export const Per1kSeries = z.object({
  service: z.string().max(500),
  /** Unix seconds. */
  timestamps: z.array(z.number()).max(2000),
  /** null where the step had no requests. */
  values: z.array(z.number().nullable()).max(2000),
  markers: z.array(ChangeMarker).max(500),
});
export type Per1kSeries = z.infer<typeof Per1kSeries>;

export const CostSource = z.object({
  kind: z.enum(["model", "opencost"]),
  /** "price book + Prometheus http://…", "OpenCost opencost/opencost:9003 /allocation/compute". */
  description: z.string().max(1000),
});
export type CostSource = z.infer<typeof CostSource>;

export const CostReport = z.object({
  window: z.object({
    /** "7d" or the custom span's length. */
    duration: z.string().max(20),
    /** ISO 8601. */
    start: z.string().max(40),
    end: z.string().max(40),
  }),
  currency: z.string().max(10),
  source: CostSource,
  aggregate: CostAggregate,
  total: z.number(),
  allocated: z.number(),
  idle: z.number(),
  /** The GPU share of idle. */
  gpuIdle: z.number(),
  rows: z.array(CostRow).max(20_000),
  pools: z.array(PoolCost).max(1000),
  nodes: z.array(NodeCost).max(20_000),
  daily: z.array(DailyCost).max(400),
  per1k: z.array(Per1kSeries).max(200),
  prices: z.array(PriceUsed).max(1000),
  estimates: z.array(EstimateMark).max(5000),
  /** Unix seconds. */
  computedAt: z.number(),
});
export type CostReport = z.infer<typeof CostReport>;

/** Webview → host. */
export const CostFromWebview = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ready") }),
  z.object({ type: z.literal("setWindow"), window: CostWindowPreset }),
  z.object({ type: z.literal("setAggregate"), aggregate: CostAggregate }),
  z.object({ type: z.literal("refresh") }),
  /** Save a showback CSV by team or namespace. */
  z.object({ type: z.literal("exportShowback"), by: z.enum(["team", "namespace"]) }),
  /** Open the latency dashboard of a service row ("namespace/name"). */
  z.object({ type: z.literal("openService"), service: z.string().min(1).max(500) }),
  z.object({ type: z.literal("connectMetrics") }),
]);
export type CostFromWebview = z.infer<typeof CostFromWebview>;

/** Host → webview. */
export const CostToWebview = z.discriminatedUnion("type", [
  /** `context` lets the webview keep its state (CostPanelState) before the first report arrives. */
  z.object({ type: z.literal("loading"), context: z.string().min(1).max(253), window: CostWindowPreset, aggregate: CostAggregate }),
  z.object({ type: z.literal("report"), window: CostWindowPreset, report: CostReport }),
  z.object({ type: z.literal("error"), message: z.string().max(2000), detail: z.string().max(4000).optional() }),
]);
export type CostToWebview = z.infer<typeof CostToWebview>;

/** What the serializer keeps across reloads. */
export const CostPanelState = z.object({
  context: z.string().min(1).max(253),
  window: CostWindowPreset,
  aggregate: CostAggregate,
});
export type CostPanelState = z.infer<typeof CostPanelState>;

export const costContract = {
  viewType: "aiPlatform.costDashboard",
  fromWebview: CostFromWebview,
  toWebview: CostToWebview,
  state: CostPanelState,
} as const;
