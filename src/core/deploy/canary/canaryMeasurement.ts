import type { InstantSample, MetricsSource } from "../../metrics/metricsSource";
import type { MetricsTarget } from "../../metrics/metricsTarget";
import { promDuration, promQueries, type CatalogMetric } from "../../metrics/queryCatalog";
import { firstWithData, promParamsOf, readServiceMetrics } from "../../metrics/serviceMetrics";
import type { CanaryReading } from "./canaryAnalysis";
import type { CanaryBaseline } from "./canaryState";

export type MeasureResult = { readonly ok: true; readonly reading: CanaryReading } | { readonly ok: false; readonly cancelled: boolean; readonly error: string };

const valueOf = (samples: readonly InstantSample[] | null): number | null => {
  const v = samples?.[0]?.value;
  return v === undefined || Number.isNaN(v) ? null : v;
};

/**
 * p95, error ratio and request rate of the target's pods over the `windowSeconds` before `at`
 * (unix s), through the query catalog. Only the three queries an analysis needs (not the SLO burn
 * windows the dashboard reads), so a measurement every few seconds stays cheap. Any failed query
 * fails the measurement: a half-read canary is not judged.
 */
export async function measureCanary(source: MetricsSource, target: MetricsTarget, at: number, windowSeconds: number, signal?: AbortSignal): Promise<MeasureResult> {
  if (target.azureResourceUri !== undefined && source.kind === "azure-monitor") {
    const r = await readServiceMetrics(source, target, { now: at, windowSeconds, ...(signal ? { signal } : {}) });
    if (!r.ok) return { ok: false, cancelled: r.error.kind === "cancelled", error: r.error.kind };
    const failed = Object.values(r.value.failures)[0];
    if (failed && (r.value.p95Ms === null || r.value.errorRatio === null)) return { ok: false, cancelled: false, error: failed.kind };
    return { ok: true, reading: { p95Ms: r.value.p95Ms, errorRatio: r.value.errorRatio, rps: r.value.rps } };
  }
  const params = { ...promParamsOf(target), window: promDuration(windowSeconds) };
  const ask = (metric: CatalogMetric, quantile?: number) =>
    firstWithData(
      promQueries(target.runtime, metric, { ...params, ...(quantile !== undefined ? { quantile } : {}) }),
      (q) => source.queryInstant(q, at, signal),
    );
  const [p95, errors, rps] = await Promise.all([ask("latency", 0.95), ask("errorRatio"), ask("rps")]);
  for (const a of [p95, errors, rps]) if (!a.ok) return { ok: false, cancelled: a.error.kind === "cancelled", error: a.error.kind };
  const v = (a: typeof p95) => (a.ok ? valueOf(a.value) : null);
  return { ok: true, reading: { p95Ms: v(p95), errorRatio: v(errors), rps: v(rps) } };
}

/** The service's p95, error ratio and rate over `seconds` before `end`: what the canary is compared with. Null when unreadable. */
export async function readCanaryBaseline(source: MetricsSource, target: MetricsTarget, end: Date, seconds: number, signal?: AbortSignal): Promise<CanaryBaseline | null> {
  const at = Math.floor(end.getTime() / 1000);
  const r = await measureCanary(source, target, at, seconds, signal);
  if (!r.ok) return null;
  return { p95Ms: r.reading.p95Ms, errorRatio: r.reading.errorRatio, rps: r.reading.rps, window: { start: at - seconds, end: at } };
}
