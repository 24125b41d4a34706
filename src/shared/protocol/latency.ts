/**
 * The latency dashboard's message contract: what the webview may send the host and what the
 * host sends back. Both sides parse every message with these schemas; a message that fails is
 * logged and dropped. Series travel as Float64Array columns (postMessage transfers them cheaply).
 */
import * as z from "zod";
import { DeliveryReport } from "./delivery";

export const RangePreset = z.enum(["1h", "6h", "24h", "7d"]);
export type RangePreset = z.infer<typeof RangePreset>;

/** A preset ending now, or a fixed window in unix seconds (at most 32 days, as Azure's managed Prometheus allows). */
export const RangeSpec = z.discriminatedUnion("preset", [
  z.object({ preset: RangePreset }),
  z.object({ preset: z.literal("custom"), start: z.number().finite(), end: z.number().finite() }).refine((r) => r.end > r.start && r.end - r.start <= 32 * 86_400, {
    message: "a custom range must end after it starts and span at most 32 days",
  }),
]);
export type RangeSpec = z.infer<typeof RangeSpec>;

/** The service a dashboard is about: a row of the Deployments view. */
export const ServiceRef = z.object({
  context: z.string().min(1).max(253),
  namespace: z.string().min(1).max(63),
  kind: z.enum(["Deployment", "InferenceService"]),
  name: z.string().min(1).max(253),
});
export type ServiceRef = z.infer<typeof ServiceRef>;

export const Unit = z.enum(["ms", "ratio", "rps", "count", "tokens/s", "percent"]);
export type Unit = z.infer<typeof Unit>;

const float64Column = z.instanceof(Float64Array);

export const SeriesData = z
  .object({
    /** Legend text: "p95", "5xx ratio", "pod vllm-…-4xk2p". */
    name: z.string().max(200),
    /** Unix seconds. */
    timestamps: float64Column,
    /** NaN is a gap; ±Inf is kept and shown as such in the table. */
    values: float64Column,
  })
  .refine((s) => s.timestamps.length === s.values.length, { message: "timestamps and values differ in length" });
export type SeriesData = z.infer<typeof SeriesData>;

/** What a panel shows when it has no chart: which source and query returned what, and what to do. */
export const PanelStatus = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("ok") }),
  z.object({ kind: z.literal("empty"), message: z.string().max(2000) }),
  z.object({ kind: z.literal("error"), message: z.string().max(2000), detail: z.string().max(4000).optional() }),
]);
export type PanelStatus = z.infer<typeof PanelStatus>;

export const PanelId = z.enum(["latency", "errors", "rps", "saturation", "ttft", "tokens", "gpu"]);
export type PanelId = z.infer<typeof PanelId>;

export const PanelData = z.object({
  id: PanelId,
  title: z.string().max(200),
  unit: Unit,
  series: z.array(SeriesData).max(64),
  /** The queries behind the panel, shown with errors and in the panel's info. */
  queries: z.array(z.string().max(4000)).max(16),
  /** A horizontal target line (the SLO's latency threshold, the error-rate objective). */
  threshold: z.object({ value: z.number(), label: z.string().max(200) }).optional(),
  status: PanelStatus,
});
export type PanelData = z.infer<typeof PanelData>;

/** A change on the time axis, from rollout history and the audit log. */
export const ChangeMarker = z.object({
  /** Unix seconds. */
  time: z.number(),
  kind: z.enum(["deploy", "rollback", "scale"]),
  revision: z.number().int().optional(),
  image: z.string().max(1000).optional(),
  modelVersion: z.string().max(200).optional(),
  /** Who made the change, when the audit log or change-cause says. */
  actor: z.string().max(200).optional(),
  reason: z.string().max(2000).optional(),
  /** "rollout history", "audit log", or both. */
  origin: z.string().max(100),
});
export type ChangeMarker = z.infer<typeof ChangeMarker>;

export const BurnRate = z.object({
  /** "1h", "5m", "6h", "30m". */
  window: z.string(),
  /** Error rate over the window ÷ the error budget rate; null when the source had no data. */
  rate: z.number().nullable(),
});

export const SloView = z.object({
  /** "tier-1 default", "manifest slo". */
  origin: z.string().max(200),
  availabilityTarget: z.number(),
  latencyP95TargetMs: z.number().optional(),
  errorRateTarget: z.number().optional(),
  /** Share of the 30-day error budget left (may be negative); null without data. */
  errorBudgetRemaining: z.number().nullable(),
  burnRates: z.array(BurnRate),
  status: z.enum(["ok", "warning", "fast-burn", "slow-burn", "breached", "unknown"]),
  /** One line, e.g. "p95 412 ms > 200 ms". */
  summary: z.string().max(500),
});
export type SloView = z.infer<typeof SloView>;

export const RegressionView = z.object({
  revision: z.number().int().optional(),
  changedAt: z.number(),
  baselineP95Ms: z.number(),
  afterP95Ms: z.number(),
  /** after ÷ baseline − 1. */
  change: z.number(),
  regressed: z.boolean(),
});

export const LatencyView = z.object({
  service: ServiceRef,
  /** The metrics source's description. */
  source: z.string().max(500),
  /** The runtime the queries were chosen for: "vLLM", "Triton", "KServe", "FastAPI". */
  runtime: z.string().max(100),
  range: z.object({ spec: RangeSpec, start: z.number(), end: z.number(), step: z.number().positive() }),
  panels: z.array(PanelData).max(16),
  markers: z.array(ChangeMarker).max(1000),
  slo: SloView.nullable(),
  regression: RegressionView.nullable(),
  /** Unix seconds. */
  refreshedAt: z.number(),
});
export type LatencyView = z.infer<typeof LatencyView>;

/** The Delivery section's window: long enough for weekly bars and a change failure rate over more than a handful of deploys. */
export const deliveryWindowDays = 90;

/** Webview → host. */
/** The charts' width in CSS pixels, so the host can choose a step no finer than a pixel. */
const WidthPx = z.number().int().min(1).max(16_384).optional();

export const LatencyFromWebview = z.discriminatedUnion("type", [
  /** The app has mounted and wants data (also after a reload restored the panel). */
  z.object({ type: z.literal("ready"), widthPx: WidthPx }),
  z.object({ type: z.literal("setRange"), range: RangeSpec, widthPx: WidthPx }),
  z.object({ type: z.literal("refresh"), widthPx: WidthPx }),
  /** Open a marker's revision (the rollout history document). */
  z.object({ type: z.literal("openRevision"), revision: z.number().int().min(0) }),
  z.object({ type: z.literal("exportCsv") }),
  z.object({ type: z.literal("connectMetrics") }),
]);
export type LatencyFromWebview = z.infer<typeof LatencyFromWebview>;

/** Host → webview. */
export const LatencyToWebview = z.discriminatedUnion("type", [
  /** `service` lets the webview keep its state (LatencyPanelState) before the first view arrives. */
  z.object({ type: z.literal("loading"), range: RangeSpec, service: ServiceRef.optional() }),
  z.object({ type: z.literal("view"), view: LatencyView }),
  /** Nothing to chart at all: no source connected, service gone. The panels' own errors travel inside `view`. */
  z.object({ type: z.literal("unavailable"), message: z.string().max(2000), action: z.enum(["connectMetrics", "none"]) }),
  /**
   * The Delivery section: the service's delivery metrics over `deliveryWindowDays`, from the audit
   * log and the rollout history. Sent after each load, metrics source or not (it needs none).
   */
  z.object({ type: z.literal("delivery"), service: ServiceRef, report: DeliveryReport }),
]);
export type LatencyToWebview = z.infer<typeof LatencyToWebview>;

/** What the webview keeps with setState, and the serializer gets back after a window reload. */
export const LatencyPanelState = z.object({ service: ServiceRef, range: RangeSpec });
export type LatencyPanelState = z.infer<typeof LatencyPanelState>;

export const latencyContract = {
  viewType: "aiPlatform.latencyDashboard",
  fromWebview: LatencyFromWebview,
  toWebview: LatencyToWebview,
  state: LatencyPanelState,
} as const;
