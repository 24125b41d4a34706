/**
 * Everything the latency dashboard draws for one service and range: the panels (latency with
 * its SLO line, errors, requests, saturation, the LLM panels, GPU), the change markers, the SLO
 * header and the regression verdict for the latest change. Every query runs concurrently and
 * each panel carries its own status, so one failing query greys one panel and the rest stay up.
 */
import type { ChangeMarker, LatencyView, PanelData, PanelId, PanelStatus, RangeSpec, SeriesData, Unit } from "../../shared/protocol/latency";
import { latestMarkerInRange, judgeLatencyRegression, regressionWindows } from "./latencyRegression";
import type { MetricQuery, MetricsError, MetricsSource, Series } from "./metricsSource";
import { runtimeLabel, type MetricsTarget } from "./metricsTarget";
import { azureMlEndpointQueries, promDuration, promQueries, queryCatalog, type CatalogMetric } from "./queryCatalog";
import { chooseQueryStep } from "./queryStep";
import { firstWithData, promParamsOf, queryText, readServiceMetrics, usesAzureMonitor } from "./serviceMetrics";

const presetSeconds: Readonly<Record<Exclude<RangeSpec["preset"], "custom">, number>> = { "1h": 3600, "6h": 21_600, "24h": 86_400, "7d": 7 * 86_400 };

/** Unix seconds covered by a range spec, a preset ending at `now`. */
export function rangeBounds(range: RangeSpec, now: number): { start: number; end: number } {
  return range.preset === "custom" ? { start: range.start, end: range.end } : { start: now - presetSeconds[range.preset], end: now };
}

interface SeriesSpec {
  /** Legend name; a query answering with several series (one per pod) appends the pod. */
  readonly name: string;
  readonly alternatives: readonly { readonly query: MetricQuery; readonly note?: string; readonly seriesName?: string }[];
  /** Multiply values by this (Azure's requests per minute into per second). */
  readonly scale?: number;
}

interface PanelSpec {
  readonly id: PanelId;
  readonly title: string;
  readonly unit: Unit;
  readonly series: readonly SeriesSpec[];
  readonly threshold?: { readonly value: number; readonly label: string };
  /** What to check when the panel comes back empty. */
  readonly emptyHint: string;
  /** Divide the first series by the second point by point (Azure's 5xx share). */
  readonly ratioOfFirstTwo?: boolean;
}

const maxSeriesPerPanel = 64;

function iso(t: number): string {
  return new Date(t * 1000).toISOString().replace(/\.000Z$/, "Z");
}

function cap(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

function formatPct(x: number): string {
  return `${Number((x * 100).toPrecision(3))} %`;
}

/**
 * How a surface words a MetricsError for a panel (the editor passes explain.ts's sentence);
 * undefined falls back to the plain wording below.
 */
export type DescribeMetricsError = (e: MetricsError) => string | undefined;

/** Which source and query said what, and what to do about it. */
export function panelStatusOfError(e: MetricsError, source: string, describe?: DescribeMetricsError): PanelStatus {
  const from = e.source || source;
  const query = e.query ? ` for ${e.query}` : "";
  const text = describe?.({ ...e, source: from }) ?? (() => {
    switch (e.kind) {
      case "unauthorized":
        if (e.noToken) return `No token for ${from}${e.detail ? `: ${e.detail}` : ""}. Sign in again, or reconnect the metrics source.`;
        return `${from} refused the credentials (HTTP 401)${query}${e.detail ? `: ${e.detail}` : ""}. Reconnect the metrics source with valid credentials.`;
      case "forbidden":
        return `${from} denied access (HTTP 403)${query}${e.detail ? `: ${e.detail}` : ""}. The identity needs read access to these metrics.`;
      case "rate-limited":
        return `${from} is rate limiting (HTTP 429)${query}.${e.retryAfterMs !== undefined ? ` It asks to retry after ${Math.ceil(e.retryAfterMs / 1000)} s.` : ""} The next refresh retries.`;
      case "timeout":
        return `${from} did not answer within ${Math.round(e.afterMs / 1000)} s${query}. Choose a shorter range, or check the server's load.`;
      case "unreachable":
        return `${from} could not be reached${query}: ${e.detail}. Check its URL or service proxy, and the network.`;
      case "bad-response":
        return `${from} answered${e.status ? ` HTTP ${e.status}` : ""} with something other than the metrics API's response${query}: ${e.detail}. A proxy or the wrong URL may be in front of it.`;
      case "query-failed":
        return `${from} rejected the query (${e.errorType}, HTTP ${e.status})${query}: ${e.message}.`;
      case "too-large":
        return `${from} returned more data than the dashboard accepts${query}: ${e.detail}. Choose a shorter range.`;
      case "not-found":
        return `${from}: ${e.detail}. Connect a metrics source for this cluster.`;
      case "cancelled":
        return `The query to ${from} was cancelled${query}.`;
    }
  })();
  return { kind: "error", message: cap(text, 2000), detail: cap(JSON.stringify(e), 4000) };
}

function promPanels(target: MetricsTarget, window: string): PanelSpec[] {
  const params = { ...promParamsOf(target), window };
  const catalog = queryCatalog[target.runtime];
  const alts = (metric: CatalogMetric, quantile?: number) => promQueries(target.runtime, metric, { ...params, ...(quantile !== undefined ? { quantile } : {}) });
  const has = (metric: CatalogMetric) => (catalog.queries[metric]?.length ?? 0) > 0;
  const where = `the ${catalog.label} pods of ${target.namespace}/${target.name}`;
  const scraped = `Check that Prometheus scrapes ${where} (series need the namespace and pod labels) and that the service had traffic in this range.`;
  const panels: PanelSpec[] = [
    {
      id: "latency",
      title: "Latency",
      unit: "ms",
      series: [
        { name: "p50", alternatives: alts("latency", 0.5) },
        { name: "p95", alternatives: alts("latency", 0.95) },
        { name: "p99", alternatives: alts("latency", 0.99) },
      ],
      threshold: { value: target.slo.p95LatencyMs, label: `SLO p95 < ${target.slo.p95LatencyMs} ms` },
      emptyHint: scraped,
    },
    {
      id: "errors",
      title: "Error ratio",
      unit: "ratio",
      series: [{ name: "5xx ratio", alternatives: alts("errorRatio") }],
      threshold: { value: target.slo.errorRate, label: `SLO errors < ${formatPct(target.slo.errorRate)}` },
      emptyHint: scraped,
    },
    { id: "rps", title: "Requests per second", unit: "rps", series: [{ name: "requests/s", alternatives: alts("rps") }], emptyHint: scraped },
  ];
  const saturation = [...(has("running") ? [{ name: "running", alternatives: alts("running") }] : []), ...(has("waiting") ? [{ name: "waiting", alternatives: alts("waiting") }] : [])];
  if (saturation.length > 0) panels.push({ id: "saturation", title: "Saturation (requests)", unit: "count", series: saturation, emptyHint: scraped });
  if (catalog.llm) {
    panels.push({
      id: "ttft",
      title: "Time to first token",
      unit: "ms",
      series: [
        { name: "p50", alternatives: alts("ttft", 0.5) },
        { name: "p95", alternatives: alts("ttft", 0.95) },
      ],
      emptyHint: scraped,
    });
    panels.push({ id: "tokens", title: "Generated tokens per second", unit: "tokens/s", series: [{ name: "tokens/s", alternatives: alts("tokensPerSecond") }], emptyHint: scraped });
  }
  if (has("gpuUtil")) {
    panels.push({
      id: "gpu",
      title: "GPU utilisation",
      unit: "percent",
      series: [{ name: "GPU", alternatives: alts("gpuUtil") }],
      emptyHint: `Check that dcgm-exporter runs on the GPU nodes with its pod mapping (it labels DCGM_FI_DEV_GPU_UTIL with the pod using each GPU) and that Prometheus scrapes it. Pods without GPUs have no series.`,
    });
  }
  return panels;
}

function azurePanels(target: MetricsTarget & { azureResourceUri: string }): PanelSpec[] {
  const q = azureMlEndpointQueries(target.azureResourceUri);
  const hint = `Check that ${target.azureResourceUri} is an Azure ML online endpoint that received requests in this range.`;
  return [
    {
      id: "latency",
      title: "Latency",
      unit: "ms",
      series: (["p50", "p95", "p99"] as const).map((k) => ({ name: k, alternatives: [{ query: q[k].query }] })),
      threshold: { value: target.slo.p95LatencyMs, label: `SLO p95 < ${target.slo.p95LatencyMs} ms` },
      emptyHint: hint,
    },
    {
      id: "errors",
      title: "Error ratio",
      unit: "ratio",
      series: [
        { name: "5xx ratio", alternatives: [{ query: q.errors.query }], scale: q.errors.scale },
        { name: "requests/s", alternatives: [{ query: q.rps.query }], scale: q.rps.scale },
      ],
      threshold: { value: target.slo.errorRate, label: `SLO errors < ${formatPct(target.slo.errorRate)}` },
      emptyHint: hint,
      ratioOfFirstTwo: true,
    },
    { id: "rps", title: "Requests per second", unit: "rps", series: [{ name: "requests/s", alternatives: [{ query: q.rps.query }], scale: q.rps.scale }], emptyHint: hint },
  ];
}

/** Sources build their columns on plain ArrayBuffers (never shared memory), as the contract's columns expect. */
function column(a: Float64Array): Float64Array<ArrayBuffer> {
  return a as Float64Array<ArrayBuffer>;
}

function scaled(s: Series, scale: number | undefined): Float64Array<ArrayBuffer> {
  if (scale === undefined || scale === 1) return column(s.values);
  return column(s.values.map((v) => v * scale));
}

/** errors ÷ requests at each timestamp of `requests`; a minute without 5xx is 0, not a gap. */
function pointwiseRatio(errors: SeriesData | undefined, requests: SeriesData): SeriesData {
  const byTime = new Map<number, number>();
  if (errors) errors.timestamps.forEach((t, i) => byTime.set(t, errors.values[i]!));
  const values = requests.values.map((r, i) => (r > 0 ? (byTime.get(requests.timestamps[i]!) ?? 0) / r : NaN));
  return { name: "5xx ratio", timestamps: requests.timestamps, values };
}

async function loadPanel(source: MetricsSource, spec: PanelSpec, range: { start: number; end: number; step: number }, signal: AbortSignal | undefined, describe: DescribeMetricsError | undefined): Promise<PanelData> {
  const answers = await Promise.all(spec.series.map((s) => firstWithData(s.alternatives, (q) => source.queryRange(q, range, signal))));
  let series: SeriesData[] = [];
  const queries: string[] = [];
  let error: PanelStatus | undefined;
  const charted = new Set<string>();
  spec.series.forEach((s, i) => {
    const answer = answers[i]!;
    if (!answer.ok) {
      queries.push(answer.tried[answer.tried.length - 1] ?? "");
      error ??= panelStatusOfError({ ...answer.error, query: answer.error.query ?? answer.tried[answer.tried.length - 1] }, source.description, describe);
      return;
    }
    // Empty: every alternative tried belongs in the message. With data: the one that answered.
    if (answer.value === null) queries.push(...answer.tried);
    else queries.push(answer.query ?? "");
    // A fallback that ignores the quantile (Triton's counter mean) answers p50, p95 and p99 alike: chart it once.
    if (answer.query !== undefined && answer.value !== null) {
      if (charted.has(answer.query)) return;
      charted.add(answer.query);
    }
    const base = answer.seriesName ?? s.name;
    const name = answer.note !== undefined ? cap(`${base} (${answer.note})`, 200) : base;
    for (const one of answer.value ?? []) {
      const pod = one.labels.pod;
      const many = (answer.value?.length ?? 0) > 1 || spec.id === "gpu";
      series.push({ name: cap(many ? `${base} ${pod !== undefined ? `pod ${pod}` : JSON.stringify(one.labels)}` : name, 200), timestamps: column(one.timestamps), values: scaled(one, s.scale) });
    }
  });
  if (spec.ratioOfFirstTwo) {
    const first = answers[0];
    const requests = answers[1]?.ok ? series.find((x) => x.name === spec.series[1]?.name) : undefined;
    const errors = first?.ok ? series.find((x) => x.name === spec.series[0]?.name) : undefined;
    series = requests && first?.ok ? [pointwiseRatio(errors, requests)] : [];
  }
  const status: PanelStatus =
    error ??
    (series.length === 0
      ? {
          kind: "empty",
          message: cap(`${source.description} returned no data between ${iso(range.start)} and ${iso(range.end)}. ${spec.emptyHint} Queries tried: ${[...new Set(queries.filter((q) => q))].join(" ; ")}`, 2000),
        }
      : { kind: "ok" });
  return {
    id: spec.id,
    title: spec.title,
    unit: spec.unit,
    series: series.slice(0, maxSeriesPerPanel),
    queries: [...new Set(queries.filter((q) => q))].slice(0, 16).map((q) => cap(q, 4000)),
    ...(spec.threshold ? { threshold: spec.threshold } : {}),
    status,
  };
}

async function safePanel(source: MetricsSource, spec: PanelSpec, range: { start: number; end: number; step: number }, signal: AbortSignal | undefined, describe: DescribeMetricsError | undefined): Promise<PanelData> {
  try {
    return await loadPanel(source, spec, range, signal, describe);
  } catch (e) {
    return {
      id: spec.id,
      title: spec.title,
      unit: spec.unit,
      series: [],
      queries: spec.series.flatMap((s) => s.alternatives.map((a) => cap(queryText(a.query), 4000))).slice(0, 16),
      status: { kind: "error", message: cap(`Loading this panel from ${source.description} failed unexpectedly: ${e instanceof Error ? e.message : String(e)}`, 2000) },
    };
  }
}

async function p95At(source: MetricsSource, target: MetricsTarget, windowSeconds: number, time: number, signal: AbortSignal | undefined): Promise<number | null> {
  const alternatives = promQueries(target.runtime, "latency", { ...promParamsOf(target), window: promDuration(windowSeconds), quantile: 0.95 });
  const answer = await firstWithData(alternatives, (q) => source.queryInstant(q, time, signal));
  const v = answer.ok ? answer.value?.[0]?.value : undefined;
  return v === undefined || !Number.isFinite(v) ? null : v;
}

async function regressionOf(source: MetricsSource, target: MetricsTarget, markers: readonly ChangeMarker[], bounds: { start: number; end: number }, now: number, signal: AbortSignal | undefined): Promise<LatencyView["regression"]> {
  if (usesAzureMonitor(source, target)) return null;
  const marker = latestMarkerInRange(markers, bounds.start, bounds.end);
  const windows = marker ? regressionWindows(marker.time, now) : null;
  if (!marker || !windows) return null;
  // A rate over [end − window, end] evaluated at the window's end is exactly that window's p95.
  const [before, after] = await Promise.all([p95At(source, target, windows.seconds, windows.before.end, signal), p95At(source, target, windows.seconds, windows.after.end, signal)]);
  return judgeLatencyRegression({ changedAt: marker.time, ...(marker.revision !== undefined ? { revision: marker.revision } : {}), baselineP95Ms: before, afterP95Ms: after });
}

export async function loadLatencyView(
  source: MetricsSource,
  target: MetricsTarget,
  range: RangeSpec,
  opts: { now: number; widthPx: number; markers: readonly ChangeMarker[]; signal?: AbortSignal; scrapeIntervalSeconds?: number; describeError?: DescribeMetricsError },
): Promise<LatencyView> {
  const bounds = rangeBounds(range, opts.now);
  const azure = usesAzureMonitor(source, target);
  // Azure Monitor's platform metrics have a one-minute grain: that is their scrape interval.
  const scrapeIntervalSeconds = opts.scrapeIntervalSeconds ?? (azure ? 60 : undefined);
  const step = chooseQueryStep({ ...bounds, widthPx: opts.widthPx, ...(scrapeIntervalSeconds !== undefined ? { scrapeIntervalSeconds } : {}) });
  const queryRange = { start: step.start, end: step.end, step: step.step };
  const specs = azure ? azurePanels(target) : promPanels(target, promDuration(step.rateWindowSeconds));

  const [panels, snapshot, regression] = await Promise.all([
    Promise.all(specs.map((spec) => safePanel(source, spec, queryRange, opts.signal, opts.describeError))),
    readServiceMetrics(source, target, { now: opts.now, ...(opts.signal ? { signal: opts.signal } : {}) }).catch(() => undefined),
    regressionOf(source, target, opts.markers, bounds, opts.now, opts.signal).catch(() => null),
  ]);
  return {
    service: { context: target.context, namespace: target.namespace, kind: target.kind, name: target.name },
    source: cap(source.description, 500),
    runtime: runtimeLabel[target.runtime],
    range: { spec: range, start: step.start, end: step.end, step: step.step },
    panels,
    markers: opts.markers.filter((m) => m.time >= bounds.start && m.time <= bounds.end).slice(-1000),
    slo: snapshot?.ok ? snapshot.value.slo : null,
    regression,
    refreshedAt: opts.now,
  };
}
