/**
 * Metrics around each change: p95 (with its confidence bounds), error ratio and request rate over
 * a window before and one after, judged by regressionTests.ts, plus the series a chart draws
 * around the suspect. PromQL only: Azure Monitor platform metrics give a ready-made p95 per
 * minute, from which no confidence interval can be read (said as a blind spot).
 */
import { chooseQueryStep } from "../metrics/queryStep";
import type { MetricQuery, MetricsError, MetricsSource, Series } from "../metrics/metricsSource";
import type { MetricsTarget } from "../metrics/metricsTarget";
import { maxComparisonSeconds, minComparisonSeconds } from "../metrics/latencyRegression";
import { promDuration, promQueries, type CatalogMetric, type CatalogQuery } from "../metrics/queryCatalog";
import { firstWithData, promParamsOf } from "../metrics/serviceMetrics";
import { judgeErrors, judgeP95, p95BoundLevels, requestsForOnePoint } from "./regressionTests";
import type { ChangeComparison, CurrentStats, SeriesPoints, TriageChange, TriageSeries, WindowStats } from "./triageReport";

/**
 * The window for one change: long enough for n ≥ 1,825 requests (±1 percentile point on the p95)
 * at the observed rate, at least 5 min, at most 1 h, and never across the neighbouring changes
 * (or past now). Null when less than 5 min is available on either side. An unknown rate takes
 * the longest window available.
 */
export function comparisonWindowSeconds(opts: { readonly rps: number | null; readonly availableBefore: number; readonly availableAfter: number }): { readonly seconds: number; readonly longest: number } | null {
  const longest = Math.floor(Math.min(maxComparisonSeconds, opts.availableBefore, opts.availableAfter));
  if (longest < minComparisonSeconds) return null;
  const wanted = opts.rps !== null && opts.rps > 0 ? Math.ceil(requestsForOnePoint / opts.rps) : longest;
  return { seconds: Math.min(Math.max(wanted, minComparisonSeconds), longest), longest };
}

export interface ComparisonsResult {
  readonly comparisons: ChangeComparison[];
  /** The first failure of the source (unreachable, refused): the comparisons made before it stand. */
  readonly error?: MetricsError;
  /** Every query answered but none had data: the service is not scraped (or not under these names). */
  readonly noData: boolean;
  readonly firstQuery?: string;
}

/** Reads one value or series per catalog metric; remembers the source's first failure and stops asking after it. */
class MetricsReader {
  error: MetricsError | undefined;
  anyData = false;
  firstQuery: string | undefined;

  constructor(
    private readonly source: MetricsSource,
    private readonly target: MetricsTarget,
    private readonly signal: AbortSignal,
  ) {}

  private alternatives(metric: CatalogMetric, windowSeconds: number, quantile?: number): CatalogQuery[] {
    return promQueries(this.target.runtime, metric, { ...promParamsOf(this.target), window: promDuration(windowSeconds), ...(quantile !== undefined ? { quantile } : {}) });
  }

  private failed(error: MetricsError): void {
    this.error = { ...error, source: error.source || this.source.description };
  }

  /** One value at `time` over the preceding `windowSeconds`; null without data. */
  async instant(metric: CatalogMetric, time: number, windowSeconds: number, quantile?: number): Promise<number | null> {
    if (this.error) return null;
    const answer = await firstWithData(this.alternatives(metric, windowSeconds, quantile), (q: MetricQuery) => this.source.queryInstant(q, time, this.signal));
    this.firstQuery ??= answer.tried[0];
    if (!answer.ok) {
      this.failed(answer.error);
      return null;
    }
    const v = answer.value?.[0]?.value;
    if (v === undefined || !Number.isFinite(v)) return null;
    this.anyData = true;
    return v;
  }

  async range(metric: CatalogMetric, start: number, end: number, step: number, windowSeconds: number, quantile?: number): Promise<SeriesPoints> {
    if (this.error) return [];
    const answer = await firstWithData(this.alternatives(metric, windowSeconds, quantile), (q: MetricQuery) => this.source.queryRange(q, { start, end, step }, this.signal));
    if (!answer.ok) {
      this.failed(answer.error);
      return [];
    }
    const series: Series | undefined = answer.value?.[0];
    if (!series) return [];
    this.anyData = true;
    const points: [number, number | null][] = [];
    for (let i = 0; i < series.timestamps.length; i++) {
      const v = series.values[i]!;
      points.push([series.timestamps[i]!, Number.isFinite(v) ? v : null]);
    }
    return points;
  }
}

const emptyStats: WindowStats = { p95Ms: null, errorRatio: null, rps: null, requests: null, p95LowerMs: null, p95UpperMs: null };

async function measure(reader: MetricsReader, end: number, seconds: number): Promise<WindowStats> {
  const rps = await reader.instant("rps", end, seconds);
  const requests = rps === null ? null : Math.round(rps * seconds);
  const levels = requests === null ? null : p95BoundLevels(requests);
  const [p95Ms, p95LowerMs, p95UpperMs, errorRatio] = await Promise.all([
    reader.instant("latency", end, seconds, 0.95),
    levels ? reader.instant("latency", end, seconds, levels.lower) : Promise.resolve(null),
    levels ? reader.instant("latency", end, seconds, levels.upper) : Promise.resolve(null),
    reader.instant("errorRatio", end, seconds),
  ]);
  return { p95Ms, errorRatio, rps, requests, p95LowerMs, p95UpperMs };
}

/** Changes whose effect a window can show: warning events are not changes of the workload. */
export function comparableChange(change: TriageChange): boolean {
  return change.kind !== "warning-event";
}

/** At most this many changes are compared (the newest), so a busy history does not mean hundreds of queries. */
export const maxComparedChanges = 6;

/**
 * Compares the newest comparable changes (oldest first in the result). `now` is unix seconds.
 * A window without data is lengthened (doubling, up to 1 h): old history is often stored at a
 * coarser resolution than a 5-minute rate can read.
 */
export async function compareChanges(input: {
  readonly source: MetricsSource;
  readonly target: MetricsTarget;
  readonly changes: readonly TriageChange[];
  readonly now: number;
  readonly signal: AbortSignal;
  /**
   * The pods a change's revision runs (MetricsTarget.podRegex, e.g. one ReplicaSet's
   * `<rs>-[a-z0-9]{5}`): the after window then measures those pods only, so old pods still
   * draining during a rolling update do not dilute it. The before window needs no narrowing:
   * the revision's pods did not exist yet. Falls back to the whole service without data.
   */
  readonly podRegexOf?: (change: TriageChange) => string | undefined;
}): Promise<ComparisonsResult> {
  const reader = new MetricsReader(input.source, input.target, input.signal);
  const readers = new Map<string, MetricsReader>();
  const readerFor = (podRegex: string | undefined): MetricsReader => {
    if (podRegex === undefined) return reader;
    let r = readers.get(podRegex);
    if (!r) readers.set(podRegex, (r = new MetricsReader(input.source, { ...input.target, podRegex }, input.signal)));
    return r;
  };
  const failure = (): MetricsError | undefined => reader.error ?? [...readers.values()].find((r) => r.error)?.error;
  const all = input.changes.filter(comparableChange);
  const compared = all.slice(-maxComparedChanges);
  const comparisons: ChangeComparison[] = [];
  for (const change of compared) {
    input.signal.throwIfAborted();
    const index = all.indexOf(change);
    const prevAt = index > 0 ? all[index - 1]!.at : Number.NEGATIVE_INFINITY;
    const nextAt = index < all.length - 1 ? all[index + 1]!.at : input.now;
    const availableBefore = change.at - prevAt;
    const availableAfter = Math.min(nextAt, input.now) - change.at;
    const probeSeconds = Math.floor(Math.min(maxComparisonSeconds, availableAfter));
    const observedRps = probeSeconds >= minComparisonSeconds ? await reader.instant("rps", change.at + probeSeconds, probeSeconds) : null;
    const window = comparisonWindowSeconds({ rps: observedRps, availableBefore, availableAfter });
    let before = emptyStats;
    let after = emptyStats;
    let seconds = 0;
    let afterPods = input.podRegexOf?.(change);
    if (window) {
      seconds = window.seconds;
      for (;;) {
        [before, after] = await Promise.all([measure(reader, change.at, seconds), measure(readerFor(afterPods), change.at + seconds, seconds)]);
        const short = (s: WindowStats) => s.rps === null || s.p95Ms === null || (s.requests ?? 0) < requestsForOnePoint;
        const last = failure() !== undefined || seconds >= window.longest;
        if (last && afterPods !== undefined && after.rps === null && !failure()) {
          // Not even the longest window finds the revision's pods under that name (another naming, or not scraped): the whole service then.
          afterPods = undefined;
          after = await measure(reader, change.at + seconds, seconds);
        }
        if (last || !(short(before) || short(after))) break;
        seconds = Math.min(seconds * 2, window.longest);
      }
    }
    const p95Change = before.p95Ms !== null && after.p95Ms !== null && before.p95Ms > 0 ? after.p95Ms / before.p95Ms - 1 : null;
    comparisons.push({
      changeAt: change.at,
      ...(change.revision !== undefined ? { revision: change.revision } : {}),
      kind: change.kind,
      windowSeconds: seconds,
      before,
      after,
      p95Change,
      latency: judgeP95({ p95Ms: before.p95Ms, lowerMs: before.p95LowerMs, upperMs: before.p95UpperMs }, { p95Ms: after.p95Ms, lowerMs: after.p95LowerMs, upperMs: after.p95UpperMs }),
      errors: judgeErrors(before, after, input.target.slo.errorRate),
      underpowered: seconds === 0 || (before.requests ?? 0) < requestsForOnePoint || (after.requests ?? 0) < requestsForOnePoint,
      ...(afterPods !== undefined && window ? { afterPods } : {}),
    });
    if (failure()) break;
  }
  const error = failure();
  const anyData = reader.anyData || [...readers.values()].some((r) => r.anyData);
  return { comparisons, ...(error ? { error } : {}), noData: !anyData && !error, ...(reader.firstQuery !== undefined ? { firstQuery: reader.firstQuery } : {}) };
}

/**
 * The service over the last minutes: a window chosen like a comparison's (n ≥ 1,825 at the rate
 * of the last 5 min, 5 min to 1 h, within the triage window).
 */
export async function measureNow(input: {
  readonly source: MetricsSource;
  readonly target: MetricsTarget;
  readonly now: number;
  readonly sinceSeconds: number;
  readonly signal: AbortSignal;
}): Promise<{ readonly current: CurrentStats | null; readonly error?: MetricsError }> {
  const reader = new MetricsReader(input.source, input.target, input.signal);
  const rps = await reader.instant("rps", input.now, minComparisonSeconds);
  const window = comparisonWindowSeconds({ rps, availableBefore: Math.max(input.sinceSeconds, minComparisonSeconds), availableAfter: Number.POSITIVE_INFINITY });
  if (reader.error) return { current: null, error: reader.error };
  if (rps === null || !window) return { current: null };
  const stats = await measure(reader, input.now, window.seconds);
  if (reader.error) return { current: null, error: reader.error };
  return { current: { ...stats, windowSeconds: window.seconds } };
}

/**
 * p95, error ratio and RPS from two hours before `markAt` to two hours after (or now), for the
 * report's charts; the window's last `sinceSeconds` when there is no suspect.
 */
export async function seriesAround(input: {
  readonly source: MetricsSource;
  readonly target: MetricsTarget;
  readonly markAt: number | null;
  readonly now: number;
  readonly sinceSeconds: number;
  readonly signal: AbortSignal;
}): Promise<{ readonly series: TriageSeries | null; readonly error?: MetricsError }> {
  const span = 2 * 3600;
  const from = input.markAt !== null ? input.markAt - span : input.now - input.sinceSeconds;
  const to = input.markAt !== null ? Math.min(input.markAt + span, input.now) : input.now;
  // 240 points: a chart a few hundred pixels wide, and few enough to embed as SVG paths.
  const step = chooseQueryStep({ start: from, end: to, widthPx: 240 });
  const reader = new MetricsReader(input.source, input.target, input.signal);
  const read = (window: number) =>
    Promise.all([
      reader.range("latency", step.start, step.end, step.step, window, 0.95),
      reader.range("errorRatio", step.start, step.end, step.step, window),
      reader.range("rps", step.start, step.end, step.step, window),
    ]);
  let [p95, errorRatio, rps] = await read(step.rateWindowSeconds);
  // History older than a day is often stored every few minutes: a rate window of a few scrapes
  // then holds one sample and the chart is all gaps. Read again over 20 minutes.
  const gappy = (points: SeriesPoints) => points.filter(([, v]) => v !== null).length < step.points / 2;
  if (!reader.error && gappy(p95)) [p95, errorRatio, rps] = await read(Math.max(step.rateWindowSeconds, 1200));
  if (reader.error) return { series: null, error: reader.error };
  return {
    series: {
      start: step.start,
      end: step.end,
      step: step.step,
      p95,
      errorRatio,
      rps,
      sloP95Ms: input.target.slo.p95LatencyMs,
      sloErrorRate: input.target.slo.errorRate,
      markAt: input.markAt,
    },
  };
}
