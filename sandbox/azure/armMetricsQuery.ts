/**
 * `GET {resourceUri}/providers/Microsoft.Insights/metrics` (api-version 2024-02-01) evaluated
 * over the simulated resources: timespan, interval (time grain), metricnames, aggregation,
 * $filter (dimension splits), top, orderby, resultType, rollupby, AutoAdjustTimegrain. The body
 * is the wire shape of `Response` in the REST spec; errors are the metrics RP's top-level
 * `{code, message}`.
 */
import { type Aggregation, type SimulatedMetric, type SimulatedResource, type SimulatedSeries } from "./azureMetricCatalog";

export class MetricsQueryError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const minute = 60_000;
/** The time grains Azure ML endpoint and AKS platform metrics offer (metric definitions' metricAvailabilities). */
export const supportedGrains: readonly { readonly iso: string; readonly ms: number }[] = [
  { iso: "PT1M", ms: minute },
  { iso: "PT5M", ms: 5 * minute },
  { iso: "PT15M", ms: 15 * minute },
  { iso: "PT30M", ms: 30 * minute },
  { iso: "PT1H", ms: 60 * minute },
  { iso: "PT6H", ms: 360 * minute },
  { iso: "PT12H", ms: 720 * minute },
  { iso: "P1D", ms: 1440 * minute },
];
const aggregations: readonly Aggregation[] = ["average", "minimum", "maximum", "total", "count"];
/** Azure Monitor keeps platform metrics for 93 days. */
const retentionMs = 93 * 1440 * minute;

/** ISO 8601 duration (days, hours, minutes, seconds) to ms, or undefined. */
export function parseIsoDuration(text: string): number | undefined {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text);
  if (!m || text.toUpperCase() === "P" || text.toUpperCase().endsWith("T")) return undefined;
  const [, d, h, min, s] = m;
  return ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(min ?? 0)) * minute + Number(s ?? 0) * 1000;
}

export function formatIsoDuration(ms: number): string {
  const days = Math.floor(ms / (1440 * minute));
  const rest = ms - days * 1440 * minute;
  const h = Math.floor(rest / (60 * minute));
  const m = Math.floor((rest % (60 * minute)) / minute);
  const s = Math.round((rest % minute) / 1000);
  const time = `${h ? `${h}H` : ""}${m ? `${m}M` : ""}${s ? `${s}S` : ""}`;
  const text = `P${days ? `${days}D` : ""}${time ? `T${time}` : ""}`;
  return text === "P" ? "PT0S" : text;
}

const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

function parseTimespan(text: string | undefined, nowMs: number): { start: number; end: number } {
  if (!text) return { start: nowMs - 60 * minute, end: nowMs };
  const [a, b] = text.split("/");
  const bad = () => new MetricsQueryError(400, "BadRequest", `Invalid timespan: ${text}. The timespan must be in the format 'startDateTime_ISO/endDateTime_ISO' or 'startDateTime_ISO/duration_ISO'.`);
  if (a === undefined || b === undefined) throw bad();
  const start = Date.parse(a);
  if (!Number.isFinite(start)) throw bad();
  const duration = parseIsoDuration(b);
  const end = duration !== undefined ? start + duration : Date.parse(b);
  if (!Number.isFinite(end)) throw bad();
  if (end <= start) throw new MetricsQueryError(400, "BadRequest", `Invalid timespan: ${text}. The start time must be before the end time.`);
  return { start, end };
}

interface Clause {
  readonly dimension: string;
  /** "*" splits by the dimension. */
  readonly values: readonly string[];
}

/** `A eq 'a1' and B eq 'b1' or B eq 'b2' and C eq '*'`: `or` only joins values of one dimension. */
function parseFilter(text: string | undefined, metric: SimulatedMetric, validate: boolean): Clause[] {
  if (!text?.trim()) return [];
  const clauses: Clause[] = [];
  for (const conjunct of text.split(/\s+and\s+/i)) {
    const parts = conjunct
      .replace(/^\s*\(|\)\s*$/g, "")
      .split(/\s+or\s+/i)
      .map((p) => /^\s*\(?\s*([A-Za-z_][\w.]*)\s+eq\s+'((?:[^']|'')*)'\s*\)?\s*$/i.exec(p));
    if (parts.some((p) => !p)) throw new MetricsQueryError(400, "BadRequest", `The $filter '${text}' is invalid. Expected clauses of the form "name eq 'value'" joined by 'and'.`);
    const names = new Set(parts.map((p) => p![1]!.toLowerCase()));
    if (names.size > 1) {
      throw new MetricsQueryError(400, "BadRequest", `The $filter '${text}' is invalid. The 'or' operator can only combine values of the same dimension.`);
    }
    const given = parts[0]![1]!;
    const dimension = metric.dimensions.find((d) => d.toLowerCase() === given.toLowerCase());
    if (!dimension) {
      if (!validate) continue;
      throw new MetricsQueryError(400, "BadRequest", `Metric: ${metric.name} does not support requested dimension combination: ${given}, supported ones are: ${metric.dimensions.join(",") || "none"}`);
    }
    clauses.push({ dimension, values: parts.map((p) => p![2]!.replace(/''/g, "'")) });
  }
  return clauses;
}

function pickGrain(text: string | undefined, span: number, metric: SimulatedMetric, autoAdjust: boolean): { iso: string; ms: number; full: boolean } {
  if (!text) return { ...supportedGrains[0]!, full: false };
  if (text.toUpperCase() === "FULL") return { iso: formatIsoDuration(span), ms: span, full: true };
  const ms = parseIsoDuration(text);
  if (ms === undefined) throw new MetricsQueryError(400, "BadRequest", `Invalid interval: ${text}. The interval must be an ISO 8601 duration such as PT1M, PT1H or P1D, or FULL.`);
  const exact = supportedGrains.find((g) => g.ms === ms);
  if (exact) return { ...exact, full: false };
  if (autoAdjust) return { ...(supportedGrains.find((g) => g.ms >= ms) ?? supportedGrains.at(-1)!), full: false };
  throw new MetricsQueryError(
    400,
    "BadRequest",
    `Metric: ${metric.name} does not support requested time grain: ${text}. Supported time grains: ${supportedGrains.map((g) => g.iso).join(", ")}`,
  );
}

interface Group {
  readonly metadata: Record<string, string>;
  readonly series: SimulatedSeries[];
}

function groupSeries(metric: SimulatedMetric, clauses: readonly Clause[], rollup: readonly string[]): Group[] {
  const keep = clauses.filter((c) => !rollup.some((r) => r.toLowerCase() === c.dimension.toLowerCase()));
  const groups = new Map<string, Group>();
  for (const s of metric.series) {
    const matches = clauses.every((c) => c.values.includes("*") || c.values.some((v) => v.toLowerCase() === (s.dimensions[c.dimension] ?? "").toLowerCase()));
    if (!matches) continue;
    const metadata = Object.fromEntries(keep.map((c) => [c.dimension, s.dimensions[c.dimension] ?? ""]));
    const key = JSON.stringify(metadata);
    const group = groups.get(key) ?? { metadata, series: [] };
    group.series.push(s);
    groups.set(key, group);
  }
  return [...groups.values()];
}

interface DataPoint {
  timeStamp: string;
  average?: number;
  minimum?: number;
  maximum?: number;
  total?: number;
  count?: number;
}

const round = (v: number): number => Math.round(v * 1e4) / 1e4;

function combineAt(metric: SimulatedMetric, series: readonly SimulatedSeries[], t: number): number {
  if (metric.combine === "sum") return series.reduce((sum, s) => sum + s.valueAt(t), 0);
  const weight = series.reduce((sum, s) => sum + s.weight, 0);
  return series.reduce((sum, s) => sum + s.weight * s.valueAt(t), 0) / (weight || 1);
}

function bucketPoints(
  metric: SimulatedMetric,
  series: readonly SimulatedSeries[],
  buckets: readonly number[],
  grainMs: number,
  end: number,
  available: { from: number; to: number },
  wanted: readonly Aggregation[],
): DataPoint[] {
  return buckets.map((b) => {
    const point: DataPoint = { timeStamp: isoSeconds(b) };
    const values: number[] = [];
    // Samples are per minute, on the minute; a bucket aggregates those that fall inside it.
    const from = Math.ceil(Math.max(b, available.from) / minute) * minute;
    for (let t = from; t < Math.min(b + grainMs, end, available.to); t += minute) values.push(combineAt(metric, series, t));
    // Azure sends a point with only its timestamp when the bucket holds no data.
    if (values.length === 0) return point;
    const total = values.reduce((a, v) => a + v, 0);
    for (const a of wanted) {
      if (a === "average") point.average = round(total / values.length);
      if (a === "minimum") point.minimum = round(Math.min(...values));
      if (a === "maximum") point.maximum = round(Math.max(...values));
      if (a === "total") point.total = round(total);
      if (a === "count") point.count = values.length;
    }
    return point;
  });
}

export interface MetricsQueryContext {
  readonly nowMs: number;
  /** Newest minutes not yet ingested (Azure's platform metrics lag a few minutes). */
  readonly ingestionLagMs: number;
}

/** `query` keys are lower-cased (ARM treats query parameter names case-insensitively). */
export function runMetricsQuery(resource: SimulatedResource, query: ReadonlyMap<string, string>, ctx: MetricsQueryContext): unknown {
  const namespace = query.get("metricnamespace");
  if (namespace && namespace.toLowerCase() !== resource.namespace.toLowerCase()) {
    throw new MetricsQueryError(400, "BadRequest", `Failed to find metric configuration for provider: ${resource.provider}, resource Type: ${resource.resourceType}, metric namespace: ${namespace}. Valid metric namespaces: ${resource.namespace}`);
  }
  const names = (query.get("metricnames") ?? resource.metrics[0]!.name).split(",").map((n) => n.trim()).filter(Boolean);
  if (names.length > 20) throw new MetricsQueryError(400, "BadRequest", `Requested metric names count ${names.length} exceeds the limit of 20.`);
  const metrics = names.map((n) => {
    const metric = resource.metrics.find((m) => m.name.toLowerCase() === n.toLowerCase());
    if (!metric) {
      throw new MetricsQueryError(
        400,
        "BadRequest",
        `Failed to find metric configuration for provider: ${resource.provider}, resource Type: ${resource.resourceType}, metric: ${n}, Valid metrics: ${resource.metrics.map((m) => m.name).join(",")}`,
      );
    }
    return metric;
  });
  const { start, end } = parseTimespan(query.get("timespan"), ctx.nowMs);
  if (start < ctx.nowMs - retentionMs) {
    throw new MetricsQueryError(400, "BadRequest", `The start time ${isoSeconds(start)} is older than the retention period of 93 days.`);
  }
  const requestedAggregations = query.get("aggregation");
  const resultType = (query.get("resulttype") ?? "Data").toLowerCase();
  const top = Number(query.get("top") ?? 10);
  if (!Number.isInteger(top) || top < 1) throw new MetricsQueryError(400, "BadRequest", `Invalid top value: ${query.get("top")}`);
  const orderBy = query.get("orderby");
  const rollup = (query.get("rollupby") ?? "").split(",").map((r) => r.trim()).filter(Boolean);
  const autoAdjust = query.get("autoadjusttimegrain")?.toLowerCase() === "true";
  const validate = query.get("validatedimensions")?.toLowerCase() !== "false";

  let cost = 0;
  let grainIso = "PT1M";
  const value = metrics.map((metric) => {
    const wanted: Aggregation[] = requestedAggregations
      ? requestedAggregations.split(",").map((a) => {
          const found = aggregations.find((x) => x === a.trim().toLowerCase());
          if (!found) throw new MetricsQueryError(400, "BadRequest", `Invalid aggregation type: ${a}. Valid aggregation types: Average, Count, Minimum, Maximum, Total`);
          return found;
        })
      : [metric.primaryAggregation];
    const grain = pickGrain(query.get("interval"), end - start, metric, autoAdjust);
    grainIso = grain.iso;
    const first = grain.full ? start : Math.floor(start / grain.ms) * grain.ms;
    const buckets: number[] = [];
    for (let b = first; b < end; b += grain.ms) buckets.push(b);
    const filterText = query.get("$filter");
    const clauses = parseFilter(filterText, metric, validate);
    const groups = groupSeries(metric, clauses, rollup);
    const available = { from: resource.createdMs, to: ctx.nowMs - ctx.ingestionLagMs };
    let timeseries = groups.map((g) => ({
      metadatavalues: Object.entries(g.metadata).map(([name, v]) => ({ name: { value: name, localizedValue: name }, value: v })),
      data: resultType === "metadata" ? undefined : bucketPoints(metric, g.series, buckets, grain.ms, end, available, wanted),
    }));
    if (orderBy) {
      const [agg, dir] = orderBy.trim().split(/\s+/) as [string, string | undefined];
      const key = aggregations.find((a) => a === agg.toLowerCase());
      if (!key) throw new MetricsQueryError(400, "BadRequest", `Invalid orderby: ${orderBy}`);
      const score = (ts: (typeof timeseries)[number]) => (ts.data ?? []).reduce((s, p) => s + (p[key] ?? 0), 0);
      timeseries.sort((x, y) => (dir?.toLowerCase() === "asc" ? score(x) - score(y) : score(y) - score(x)));
    }
    if (clauses.length > 0) timeseries = timeseries.slice(0, top);
    cost += timeseries.reduce((n, ts) => n + (ts.data?.length ?? 0), 0);
    return {
      id: `${resource.id}/providers/Microsoft.Insights/metrics/${metric.name}`,
      type: "Microsoft.Insights/metrics",
      name: { value: metric.name, localizedValue: metric.localizedName },
      displayDescription: metric.displayDescription,
      unit: metric.unit,
      timeseries: timeseries.map((ts) => (ts.data ? ts : { metadatavalues: ts.metadatavalues })),
      errorCode: "Success",
    };
  });
  return {
    cost,
    timespan: `${isoSeconds(start)}/${isoSeconds(end)}`,
    interval: grainIso,
    namespace: resource.namespace,
    resourceregion: resource.region,
    value,
  };
}
