import { describe, expect, it } from "vitest";
import { readServiceMetrics } from "../../../../src/core/metrics/serviceMetrics";
import { SloView } from "../../../../src/shared/protocol/latency";
import { StubMetricsSource, stubTarget } from "./serviceMetricsStubSource";

const now = 1_780_000_000;
const target = stubTarget;

describe("readServiceMetrics", () => {
  it("reads vLLM's percentiles, errors and traffic, and judges the SLO from the burn windows", async () => {
    const source = new StubMetricsSource([
      { match: /^histogram_quantile\(0\.5, .*vllm:e2e_request_latency_seconds_bucket.*\[5m\]/, answer: { value: 850 } },
      { match: /^histogram_quantile\(0\.95, .*vllm:e2e_request_latency_seconds_bucket.*\[5m\]/, answer: { value: 2412 } },
      { match: /^histogram_quantile\(0\.99, .*vllm:e2e_request_latency_seconds_bucket.*\[5m\]/, answer: { value: 3900 } },
      { match: /^sum\(rate\(http_requests_total\{.*\}\[5m\]\)\)$/, answer: { value: 12.5 } },
      { match: /status=~"5\.\."\}\[5m\]/, answer: { value: 0.016 } },
      { match: /status=~"5\.\."\}\[30m\]/, answer: { value: 0.01 } },
      { match: /status=~"5\.\."\}\[1h\]/, answer: { value: 0.015 } },
      { match: /status=~"5\.\."\}\[6h\]/, answer: { value: 0.005 } },
      { match: /status=~"5\.\."\}\[30d\]/, answer: { value: 0.0004 } },
    ]);
    const r = await readServiceMetrics(source, target("vllm"), { now });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value).toMatchObject({ p50Ms: 850, p95Ms: 2412, p99Ms: 3900, errorRatio: 0.016, rps: 12.5 });
    expect(() => SloView.parse(r.value.slo)).not.toThrow();
    expect(r.value.slo.status).toBe("fast-burn");
    expect(r.value.slo.burnRates.map((b) => [b.window, Math.round(b.rate! * 1e6) / 1e6])).toEqual([
      ["1h", 15],
      ["5m", 16],
      ["6h", 5],
      ["30m", 10],
    ]);
    expect(r.value.slo.errorBudgetRemaining).toBeCloseTo(0.6, 9);
    expect(r.value.slo.summary).toMatch(/^budget burning 15× \(1h\) and 16× \(5m\) ≥ 14\.4×; p95 2412 ms > 2000 ms; errors 1\.6 % > 1 %$/);
    expect(r.value.queries.p95).toContain("vllm:e2e_request_latency_seconds_bucket");
    expect(r.value.queries["errorRatio 30d"]).toContain("[30d]");
    // Every instant query asks for the same moment.
    expect(new Set(source.calls.map((c) => c.time))).toEqual(new Set([now]));
    expect(r.value.failures).toEqual({});
  });

  it("falls back to Triton's counter mean when summaries are off, and says so", async () => {
    const source = new StubMetricsSource([
      { match: /nv_inference_request_summary_us/, answer: [] },
      { match: /^sum\(rate\(nv_inference_request_duration_us.*\/ 1000$/, answer: { value: 42 } },
    ]);
    const r = await readServiceMetrics(source, target("triton"), { now });
    if (!r.ok) throw new Error("expected ok");
    expect(r.value.p95Ms).toBe(42);
    expect(r.value.notes.p95).toMatch(/mean from Triton's counters, not a percentile/);
    expect(r.value.queries.p95).toMatch(/^sum\(rate\(nv_inference_request_duration_us/);
  });

  it("returns the source's error when every query fails", async () => {
    const source = new StubMetricsSource([{ match: /.*/, answer: { error: { kind: "unreachable", detail: "connect ECONNREFUSED 127.0.0.1:9090", source: "Prometheus at http://prometheus.stub:9090" } } }]);
    const r = await readServiceMetrics(source, target("fastapi"), { now });
    expect(r).toMatchObject({ ok: false, error: { kind: "unreachable", detail: "connect ECONNREFUSED 127.0.0.1:9090" } });
  });

  it("keeps what answered when some queries fail, and lists the failures", async () => {
    const source = new StubMetricsSource([
      { match: /\[30d\]/, answer: { error: { kind: "timeout", afterMs: 30_000, source: "" } } },
      { match: /http_request_duration_highr_seconds_bucket/, answer: { value: 120 } },
      { match: /status=~"5\.\."/, answer: { value: 0 } },
      { match: /http_requests_total/, answer: { value: 3 } },
    ]);
    const r = await readServiceMetrics(source, target("fastapi"), { now });
    if (!r.ok) throw new Error("expected ok");
    expect(r.value).toMatchObject({ p95Ms: 120, rps: 3, errorRatio: 0 });
    expect(r.value.failures["errorRatio 30d"]).toMatchObject({ kind: "timeout", source: "Prometheus at http://prometheus.stub:9090" });
    expect(r.warnings).toEqual(["errorRatio 30d: timeout"]);
    expect(r.value.slo.errorBudgetRemaining).toBeNull();
    expect(r.value.slo.status).toBe("ok");
  });

  it("survives a source that throws instead of returning an error", async () => {
    const source = new StubMetricsSource([
      { match: /histogram_quantile\(0\.99/, answer: { throws: "socket hang up" } },
      { match: /http_request_duration_highr_seconds_bucket/, answer: { value: 90 } },
    ]);
    const r = await readServiceMetrics(source, target("fastapi"), { now });
    if (!r.ok) throw new Error("expected ok");
    expect(r.value.p95Ms).toBe(90);
    expect(r.value.p99Ms).toBeNull();
    expect(r.value.failures.p99).toMatchObject({ kind: "bad-response", detail: "socket hang up" });
  });

  it("reports cancellation as cancellation", async () => {
    const source = new StubMetricsSource([{ match: /.*/, answer: { error: { kind: "cancelled", source: "" } } }]);
    expect(await readServiceMetrics(source, target("vllm"), { now })).toMatchObject({ ok: false, error: { kind: "cancelled" } });
  });

  it("reads an Azure ML online endpoint from Azure Monitor, requests per minute as per second", async () => {
    const uri = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/chat";
    const source = new StubMetricsSource(
      [
        { match: /^RequestLatency_P50\|/, answer: { value: 80 } },
        { match: /^RequestLatency_P95\|/, answer: { value: 240 } },
        { match: /^RequestLatency_P99\|/, answer: { value: 400 } },
        { match: /^RequestsPerMinute\|statusCodeClass eq '5xx'\|/, answer: { value: 6 } },
        { match: /^RequestsPerMinute\|\|/, answer: { value: 600 } },
      ],
      "azure-monitor",
      "Azure Monitor (subscription s)",
    );
    const r = await readServiceMetrics(source, target("fastapi", { azureResourceUri: uri }), { now });
    if (!r.ok) throw new Error("expected ok");
    expect(r.value).toMatchObject({ p50Ms: 80, p95Ms: 240, p99Ms: 400, rps: 10 });
    expect(r.value.errorRatio).toBeCloseTo(0.01, 12);
    expect(r.value.slo.summary).toBe("p95 240 ms > 200 ms");
    expect(source.calls.every((c) => !c.query.includes("histogram_quantile"))).toBe(true);
  });
});
