/**
 * A service's metrics right now: p50/p95/p99, error ratio, requests per second and its SLO
 * status with burn rates. The Deployments tree, `aiplat metrics` and the dashboard's SLO header
 * all read this one snapshot, so they never disagree.
 */
import type { SloView } from "../../shared/protocol/latency";
import type { InstantSample, MetricQuery, MetricsError, MetricsResult, MetricsSource } from "./metricsSource";
import type { MetricsTarget } from "./metricsTarget";
import { podNameRegex } from "./metricsTarget";
import { azureMlEndpointQueries, promDuration, promQueries, type AzureCatalogQuery, type CatalogMetric, type CatalogQuery } from "./queryCatalog";
import { burnWindows, burnWindowSeconds, budgetPeriodSeconds, evaluateSlo, type BurnWindow } from "./sloBurn";

/** The window behind "current" values: long enough to hold many scrapes, short enough to be now. */
export const currentWindowSeconds = 300;

export interface ServiceMetricsSnapshot {
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly p99Ms: number | null;
  readonly errorRatio: number | null;
  readonly rps: number | null;
  readonly slo: SloView;
  /** Each value's query as sent, by key: "p95", "errorRatio", "errorRatio 1h", "errorRatio 30d"… */
  readonly queries: Readonly<Record<string, string>>;
  /** Approximations the runtime forced, by key ("p95": "mean from Triton's counters…"). */
  readonly notes: Readonly<Record<string, string>>;
  /** The queries that failed, by key; the other values still stand. */
  readonly failures: Readonly<Record<string, MetricsError>>;
}

/** What one catalog entry gave: the value (null when every alternative was empty), and the query behind it. */
export type CatalogAnswer<T> =
  | { readonly ok: true; readonly value: T | null; readonly query: string | undefined; readonly note?: string; readonly seriesName?: string; readonly tried: readonly string[] }
  | { readonly ok: false; readonly error: MetricsError; readonly tried: readonly string[] };

export function queryText(q: MetricQuery): string {
  return q.kind === "promql" ? q.expr : `${q.metricName} (${q.aggregation}${q.filter ? `, ${q.filter}` : ""}) on ${q.resourceUri}`;
}

/**
 * Runs the alternatives in order and keeps the first that returns data. An error stops the walk
 * (a later alternative would fail the same way against an unreachable or refusing source).
 */
export async function firstWithData<T>(
  alternatives: readonly { readonly query: MetricQuery; readonly note?: string; readonly seriesName?: string }[],
  run: (q: MetricQuery) => Promise<MetricsResult<T[]>>,
): Promise<CatalogAnswer<T[]>> {
  const tried: string[] = [];
  for (const alt of alternatives) {
    tried.push(queryText(alt.query));
    let r: MetricsResult<T[]>;
    try {
      r = await run(alt.query);
    } catch (e) {
      // A source must return failures as values; one that throws still must not take the others down.
      return { ok: false, error: { kind: "bad-response", status: 0, detail: e instanceof Error ? e.message : String(e), source: "", query: queryText(alt.query) }, tried };
    }
    if (!r.ok) return { ok: false, error: r.error, tried };
    if (r.value.length > 0) {
      return { ok: true, value: r.value, query: queryText(alt.query), ...(alt.note !== undefined ? { note: alt.note } : {}), ...(alt.seriesName !== undefined ? { seriesName: alt.seriesName } : {}), tried };
    }
  }
  return { ok: true, value: null, query: tried[0], tried };
}

function scalarOf(samples: readonly InstantSample[] | null, scale = 1): number | null {
  const v = samples?.[0]?.value;
  return v === undefined || Number.isNaN(v) ? null : v * scale;
}

export interface PromParams {
  readonly namespace: string;
  readonly podRegex: string;
}

export function promParamsOf(target: MetricsTarget): PromParams {
  return { namespace: target.namespace, podRegex: target.podRegex ?? podNameRegex(target) };
}

/** Whether the target is read through Azure Monitor platform metrics rather than PromQL. */
export function usesAzureMonitor(source: MetricsSource, target: MetricsTarget): target is MetricsTarget & { azureResourceUri: string } {
  return target.azureResourceUri !== undefined && source.kind === "azure-monitor";
}

type Key = "p50" | "p95" | "p99" | "errorRatio" | "rps" | `errorRatio ${BurnWindow | "30d"}`;

interface Ask {
  readonly key: Key;
  readonly alternatives: readonly { readonly query: MetricQuery; readonly note?: string }[];
  readonly scale?: number;
}

function promAsks(target: MetricsTarget, windowSeconds: number): Ask[] {
  const params = promParamsOf(target);
  const at = (metric: CatalogMetric, windowSeconds: number, quantile?: number): CatalogQuery[] =>
    promQueries(target.runtime, metric, { ...params, window: promDuration(windowSeconds), ...(quantile !== undefined ? { quantile } : {}) });
  const asks: Ask[] = [
    { key: "p50", alternatives: at("latency", windowSeconds, 0.5) },
    { key: "p95", alternatives: at("latency", windowSeconds, 0.95) },
    { key: "p99", alternatives: at("latency", windowSeconds, 0.99) },
    { key: "rps", alternatives: at("rps", windowSeconds) },
    { key: "errorRatio 30d", alternatives: at("errorRatio", budgetPeriodSeconds) },
  ];
  for (const w of burnWindows) asks.push({ key: w === "5m" ? "errorRatio" : `errorRatio ${w}`, alternatives: at("errorRatio", burnWindowSeconds[w]) });
  return asks;
}

/**
 * Azure Monitor answers per minute; an instant value is the last minute's. Burn windows need a
 * ratio of two series over a range, which platform metrics give only per minute, so the SLO
 * from Azure is judged on latency and the current error ratio.
 */
function azureAsks(uri: string): Ask[] {
  const q = azureMlEndpointQueries(uri);
  const one = (key: Key, a: AzureCatalogQuery): Ask => ({ key, alternatives: [{ query: a.query }], scale: a.scale });
  return [one("p50", q.p50), one("p95", q.p95), one("p99", q.p99), one("rps", q.rps), one("errorRatio", q.errors)];
}

/**
 * `windowSeconds` (default 5 m) is what the percentiles and the request rate cover, e.g. the
 * last 6 h for `aiplat metrics --range 6h`; burn rates keep their own windows. Azure Monitor
 * answers per minute, so its figures are always the last minute's.
 */
export async function readServiceMetrics(
  source: MetricsSource,
  target: MetricsTarget,
  opts: { now: number; signal?: AbortSignal; windowSeconds?: number },
): Promise<MetricsResult<ServiceMetricsSnapshot>> {
  const azure = usesAzureMonitor(source, target);
  const asks = azure ? azureAsks(target.azureResourceUri) : promAsks(target, opts.windowSeconds ?? currentWindowSeconds);
  const answers = await Promise.all(asks.map((a) => firstWithData(a.alternatives, (q) => source.queryInstant(q, opts.now, opts.signal))));

  const values: Partial<Record<Key, number | null>> = {};
  const queries: Record<string, string> = {};
  const notes: Record<string, string> = {};
  const failures: Record<string, MetricsError> = {};
  const warnings: string[] = [];
  asks.forEach((ask, i) => {
    const answer = answers[i]!;
    if (answer.ok) {
      values[ask.key] = scalarOf(answer.value, ask.scale);
      if (answer.query !== undefined) queries[ask.key] = answer.query;
      if (answer.note !== undefined || answer.seriesName !== undefined) notes[ask.key] = [answer.seriesName, answer.note].filter((x) => x !== undefined).join(" ");
    } else {
      values[ask.key] = null;
      const error = { ...answer.error, source: answer.error.source || source.description };
      failures[ask.key] = error;
      queries[ask.key] = answer.tried[answer.tried.length - 1] ?? "";
      warnings.push(`${ask.key}: ${error.kind}`);
    }
  });
  const failed = Object.values(failures);
  const cancelled = failed.find((e) => e.kind === "cancelled");
  if (cancelled) return { ok: false, error: cancelled };
  if (failed.length === asks.length && failed[0]) return { ok: false, error: failed[0] };

  if (azure) {
    // "errorRatio" asked for 5xx requests per second; divide by all requests per second.
    const errors = values.errorRatio ?? null;
    const rps = values.rps ?? null;
    values.errorRatio = rps === null || rps === 0 || failures.errorRatio ? null : (errors ?? 0) / rps;
  }
  const get = (k: Key) => values[k] ?? null;
  const slo = evaluateSlo(target.slo, {
    errorRatio: { "5m": get("errorRatio"), "30m": get("errorRatio 30m"), "1h": get("errorRatio 1h"), "6h": get("errorRatio 6h") },
    errorRatio30d: get("errorRatio 30d"),
    p95Ms: get("p95"),
    errorRatioNow: get("errorRatio"),
  });
  return {
    ok: true,
    value: { p50Ms: get("p50"), p95Ms: get("p95"), p99Ms: get("p99"), errorRatio: get("errorRatio"), rps: get("rps"), slo, queries, notes, failures },
    warnings,
  };
}
