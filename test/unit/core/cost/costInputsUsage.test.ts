/**
 * readCostUsage's handling of what a source can send that the real-Prometheus test cannot make
 * it send: points out of order or outside the window (clock skew), NaN and negative values, a
 * source that does not speak PromQL, a source that fails for every query or only some.
 */
import { describe, expect, it } from "vitest";
import type { CostWindow, NodeRecord, PodRecord } from "../../../../src/core/cost/costInputs";
import { costUsageQueries, readCostUsage } from "../../../../src/core/cost/costQueries";
import type { InstantSample, MetricQuery, MetricsResult, MetricsSource, Series, TimeRange } from "../../../../src/core/metrics/metricsSource";
import { StubMetricsSource } from "../metrics/serviceMetricsStubSource";

const end = 1_764_590_400; // 2025-12-01T12:00:00Z, a multiple of the hour
const window: CostWindow = { start: end - 86_400, end, duration: "1d" };
const step = 600;
const pod: PodRecord = {
  namespace: "llm-serving",
  name: "chat-6f8d9c7b5-aaaaa",
  node: "gpu-0",
  labels: {},
  service: "llm-serving/chat",
  team: undefined,
  intervals: [{ start: window.start, end }],
  requests: { cpuCores: 1, ramBytes: 1, gpus: 1 },
};
const node: NodeRecord = { name: "gpu-0", labels: {}, instanceType: undefined, pool: "p", gpuProduct: undefined, capacity: { cpuCores: 8, ramBytes: 1, gpus: 1 }, intervals: [{ start: window.start, end }] };
const inputs = { nodes: [node], pods: [pod], window, services: [{ key: "llm-serving/chat", namespace: "llm-serving", name: "chat", kind: "Deployment" as const, runtime: "fastapi" as const }] };

/** Answers range queries with the given points; instant queries for the request total with `total`. */
class RawSource implements MetricsSource {
  readonly kind = "prometheus" as const;
  readonly description = "Prometheus at http://raw";
  constructor(
    private readonly total: number,
    private readonly points: readonly [number, number][],
  ) {}
  supports(q: MetricQuery): boolean {
    return q.kind === "promql";
  }
  queryInstant(q: MetricQuery, time: number): Promise<MetricsResult<InstantSample[]>> {
    const expr = q.kind === "promql" ? q.expr : "";
    const value = expr.startsWith("sum(increase(http_requests_total") ? [{ labels: {}, time, value: this.total }] : [];
    return Promise.resolve({ ok: true, value, warnings: [] });
  }
  queryRange(_q: MetricQuery, _range: TimeRange): Promise<MetricsResult<Series[]>> {
    const series: Series = { labels: {}, timestamps: Float64Array.from(this.points.map(([t]) => t)), values: Float64Array.from(this.points.map(([, v]) => v)) };
    return Promise.resolve({ ok: true, value: [series], warnings: [] });
  }
}

describe("readCostUsage", () => {
  it("drops step points that are out of order or outside the window (clock skew), and bad ones, with marks", async () => {
    const s = window.start;
    const source = new RawSource(1000, [
      [s + 600, 10],
      [s + 1200, 20],
      [s + 900, 99], // back in time
      [s + 1800, Number.NaN],
      [s + 2400, -3],
      [s + 3000, 30],
      [end + 86_400, 50], // a day ahead of the window
    ]);
    const r = await readCostUsage(source, inputs, { stepSeconds: step });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.requests.get("llm-serving/chat")).toEqual({ total: 1000, steps: [[s + 600, 10], [s + 1200, 20], [s + 3000, 30]] });
    const marks = r.value.estimates.filter((e) => e.subject === "service llm-serving/chat");
    expect(marks.map((m) => m.code)).toEqual(["clock-skew", "bad-usage"]);
    expect(marks[0]!.detail).toMatch(/^2 point/);
    expect(marks[1]!.detail).toMatch(/^2 NaN or negative/);
  });

  it("a NaN or negative request total is no count, with a mark, never a negative cost per 1K", async () => {
    for (const total of [Number.NaN, -5]) {
      const r = await readCostUsage(new RawSource(total, []), inputs, { stepSeconds: step });
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      expect(r.value.requests.has("llm-serving/chat")).toBe(false);
      expect(r.value.estimates).toContainEqual(expect.objectContaining({ code: "bad-usage", subject: "service llm-serving/chat" }));
    }
  });

  it("a service whose counters have no data is marked with the queries tried", async () => {
    const r = await readCostUsage(new StubMetricsSource([]), inputs, { stepSeconds: step });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.requests.size).toBe(0);
    const mark = r.value.estimates.find((e) => e.code === "no-request-counts");
    expect(mark?.subject).toBe("service llm-serving/chat");
    expect(mark?.detail).toContain("http_requests_total");
  });

  it("a source without PromQL gives empty figures and a warning; one that fails everything is an error; a partial failure is a warning", async () => {
    const azure = await readCostUsage(new StubMetricsSource([], "azure-monitor", "Azure Monitor"), inputs, { stepSeconds: step });
    expect(azure).toMatchObject({ ok: true, warnings: [expect.stringContaining("does not answer PromQL")] });

    const refused = { error: { kind: "forbidden" as const, status: 403 as const, source: "Prometheus at http://stub" } };
    const down = await readCostUsage(new StubMetricsSource([{ match: /.*/, answer: refused }]), inputs, { stepSeconds: step });
    expect(down).toMatchObject({ ok: false, error: { kind: "forbidden" } });

    const partly = await readCostUsage(new StubMetricsSource([{ match: /container_memory_working_set_bytes/, answer: refused }, { match: /container_cpu/, answer: { value: 86_400 * 2, labels: { namespace: "llm-serving", pod: pod.name } } }]), inputs, { stepSeconds: step });
    if (!partly.ok) throw new Error(JSON.stringify(partly.error));
    expect(partly.warnings).toEqual(["memory usage: forbidden"]);
    expect(partly.value.usage.get(`llm-serving/${pod.name}`)).toEqual({ cpuCoresAvg: 2 });
  });

  it("evaluates the usage subqueries at the step after the window's end, over whole steps from its start", () => {
    const q = costUsageQueries({ start: end - 86_400 + 100, end: end - 100, duration: "1d" }, 3600);
    expect(q.at).toBe(end);
    // From the hour nearest the start (end − 1 d) to `at`, one second short so a 2.x closed range does not take the step before.
    expect(q.exprs.cpu).toContain("[86399s:1h]");
    expect(q.exprs.nodeGpu1h).toContain("[1h:1m]");
  });
});
