import type { InstantSample, MetricQuery, MetricsError, MetricsResult, MetricsSource, MetricsSourceKind, Series, TimeRange } from "../../../../src/core/metrics/metricsSource";
import type { MetricsTarget } from "../../../../src/core/metrics/metricsTarget";
import { resolveSlo } from "../../../../src/core/metrics/sloTargets";

/** A Deployment "chat" in llm-serving on aks-prod, held to its runtime's tier-1 defaults. */
export const stubTarget = (runtime: MetricsTarget["runtime"], extra: Partial<MetricsTarget> = {}): MetricsTarget => ({
  context: "aks-prod",
  namespace: "llm-serving",
  name: "chat",
  kind: "Deployment",
  runtime,
  slo: resolveSlo(undefined, runtime),
  ...extra,
});

export type StubAnswer =
  | { readonly value: number; readonly labels?: Record<string, string> }
  | { readonly values: readonly number[]; readonly labels?: Record<string, string> }
  | { readonly error: MetricsError }
  | { readonly throws: string };

function isList(a: StubAnswer | readonly StubAnswer[]): a is readonly StubAnswer[] {
  return Array.isArray(a);
}

export interface StubRule {
  readonly match: RegExp;
  /** Only for instant queries at this time (unix s). */
  readonly at?: number;
  readonly answer: StubAnswer | readonly StubAnswer[];
}

/**
 * An in-memory MetricsSource: each query text is matched against the rules in order; the first
 * match answers (a list of answers is several series), no match is an empty result, as
 * Prometheus answers a query for series that do not exist.
 */
export class StubMetricsSource implements MetricsSource {
  readonly calls: { kind: "instant" | "range"; query: string; time?: number; range?: TimeRange }[] = [];
  constructor(
    private readonly rules: readonly StubRule[],
    readonly kind: MetricsSourceKind = "prometheus",
    readonly description = "Prometheus at http://prometheus.stub:9090",
  ) {}

  supports(q: MetricQuery): boolean {
    return (q.kind === "promql") === (this.kind !== "azure-monitor");
  }

  private text(q: MetricQuery): string {
    return q.kind === "promql" ? q.expr : `${q.metricName}|${q.filter ?? ""}|${q.resourceUri}`;
  }

  private find(q: MetricQuery, time?: number): readonly StubAnswer[] {
    const text = this.text(q);
    const rule = this.rules.find((r) => r.match.test(text) && (r.at === undefined || r.at === time));
    if (!rule) return [];
    const answer = rule.answer;
    return isList(answer) ? answer : [answer];
  }

  private failure(answers: readonly StubAnswer[], q: MetricQuery): MetricsResult<never> | undefined {
    for (const a of answers) {
      if ("throws" in a) throw new Error(a.throws);
      if ("error" in a) return { ok: false, error: { ...a.error, query: this.text(q) } };
    }
    return undefined;
  }

  queryInstant(q: MetricQuery, time: number): Promise<MetricsResult<InstantSample[]>> {
    this.calls.push({ kind: "instant", query: this.text(q), time });
    const answers = this.find(q, time);
    const failed = this.failure(answers, q);
    if (failed) return Promise.resolve(failed);
    const samples = answers.map((a) => ({ labels: ("labels" in a && a.labels) || {}, time, value: "value" in a ? a.value : NaN }));
    return Promise.resolve({ ok: true, value: samples, warnings: [] });
  }

  queryRange(q: MetricQuery, range: TimeRange): Promise<MetricsResult<Series[]>> {
    this.calls.push({ kind: "range", query: this.text(q), range });
    const answers = this.find(q);
    const failed = this.failure(answers, q);
    if (failed) return Promise.resolve(failed);
    const n = Math.floor((range.end - range.start) / range.step) + 1;
    const timestamps = Float64Array.from({ length: n }, (_, i) => range.start + i * range.step);
    const series = answers.map((a): Series => {
      const values = "values" in a ? Float64Array.from({ length: n }, (_, i) => a.values[i % a.values.length]!) : new Float64Array(n).fill("value" in a ? a.value : NaN);
      return { labels: ("labels" in a && a.labels) || {}, timestamps, values };
    });
    return Promise.resolve({ ok: true, value: series, warnings: [] });
  }
}
