import { describe, expect, it } from "vitest";
import { loadLatencyView, rangeBounds } from "../../../../src/core/metrics/latencyView";
import { LatencyView, type ChangeMarker } from "../../../../src/shared/protocol/latency";
import { StubMetricsSource, stubTarget } from "./serviceMetricsStubSource";

const now = 1_780_000_020;
const target = stubTarget;
const panel = (v: LatencyView, id: string) => v.panels.find((p) => p.id === id)!;

/** Everything vLLM exports, with plausible values. */
const vllmRules = [
  { match: /^histogram_quantile\(0\.5, .*e2e/, answer: { value: 900 } },
  { match: /^histogram_quantile\(0\.95, .*e2e/, answer: { value: 1800 } },
  { match: /^histogram_quantile\(0\.99, .*e2e/, answer: { value: 2600 } },
  { match: /time_to_first_token/, answer: { value: 120 } },
  { match: /status=~"5\.\."/, answer: { value: 0.0005 } },
  { match: /^sum\(rate\(http_requests_total/, answer: { value: 12 } },
  { match: /num_requests_running/, answer: { value: 7 } },
  { match: /num_requests_waiting/, answer: { value: 1 } },
  { match: /generation_tokens_total/, answer: { value: 850 } },
  { match: /DCGM_FI_DEV_GPU_UTIL/, answer: [{ value: 71, labels: { pod: "chat-7b4c9d6f8-x2k9p" } }, { value: 64, labels: { pod: "chat-7b4c9d6f8-q8w7e" } }] },
];

describe("loadLatencyView", () => {
  it("builds every vLLM panel over the preset's range, with the SLO line and a valid contract", async () => {
    const source = new StubMetricsSource(vllmRules);
    const v = await loadLatencyView(source, target("vllm"), { preset: "6h" }, { now, widthPx: 1000, markers: [], scrapeIntervalSeconds: 15 });
    expect(() => LatencyView.parse(v)).not.toThrow();
    expect(v.panels.map((p) => p.id)).toEqual(["latency", "errors", "rps", "saturation", "ttft", "tokens", "gpu"]);
    expect(v.panels.every((p) => p.status.kind === "ok")).toBe(true);
    // 6 h over 1000 px: 21.6 s → 30 s; aligned down to multiples of 30.
    expect(v.range).toEqual({ spec: { preset: "6h" }, start: 1_779_978_420, end: 1_780_000_020, step: 30 });
    const latency = panel(v, "latency");
    expect(latency.series.map((s) => s.name)).toEqual(["p50", "p95", "p99"]);
    expect(latency.threshold).toEqual({ value: 2000, label: "SLO p95 < 2000 ms" });
    expect(latency.series[1]?.values[0]).toBe(1800);
    expect(panel(v, "errors").threshold).toEqual({ value: 0.01, label: "SLO errors < 1 %" });
    expect(panel(v, "saturation").series.map((s) => s.name)).toEqual(["running", "waiting"]);
    expect(panel(v, "gpu").series.map((s) => s.name)).toEqual(["GPU pod chat-7b4c9d6f8-x2k9p", "GPU pod chat-7b4c9d6f8-q8w7e"]);
    // Range queries ask for the aligned range, with the rate window Grafana's $__rate_interval gives (max(30 + 15, 60) = 60 s = 1m).
    const ranges = source.calls.filter((c) => c.kind === "range");
    expect(ranges.every((c) => c.range?.start === v.range.start && c.range.end === v.range.end && c.range.step === 30)).toBe(true);
    expect(ranges.find((c) => c.query.includes("e2e"))?.query).toContain("[1m]");
    expect(v.slo?.status).toBe("ok");
    expect(v.runtime).toBe("vLLM");
    expect(v.source).toBe("Prometheus at http://prometheus.stub:9090");
  });

  it("gives real-time runtimes no LLM panels and a 200 ms line", async () => {
    const v = await loadLatencyView(new StubMetricsSource([]), target("fastapi"), { preset: "1h" }, { now, widthPx: 800, markers: [] });
    expect(v.panels.map((p) => p.id)).toEqual(["latency", "errors", "rps", "saturation", "gpu"]);
    expect(panel(v, "latency").threshold?.value).toBe(200);
  });

  it("keeps the other panels up when one query fails, and says which source and query failed and what to do", async () => {
    const source = new StubMetricsSource([
      { match: /^sum\(rate\(http_requests_total/, answer: { error: { kind: "query-failed", status: 422, errorType: "execution", message: "query processing would load too many samples into memory", source: "" } } },
      { match: /DCGM/, answer: { throws: "unexpected end of JSON input" } },
      ...vllmRules,
    ]);
    const v = await loadLatencyView(source, target("vllm"), { preset: "1h" }, { now, widthPx: 1000, markers: [] });
    expect(() => LatencyView.parse(v)).not.toThrow();
    const rps = panel(v, "rps");
    expect(rps.status.kind).toBe("error");
    if (rps.status.kind !== "error") return;
    expect(rps.status.message).toContain("Prometheus at http://prometheus.stub:9090 rejected the query (execution, HTTP 422)");
    expect(rps.status.message).toContain("sum(rate(http_requests_total{");
    expect(rps.status.message).toContain("too many samples");
    expect(rps.queries[0]).toMatch(/^sum\(rate\(http_requests_total/);
    const gpu = panel(v, "gpu");
    expect(gpu.status).toMatchObject({ kind: "error" });
    expect(gpu.status.kind === "error" && gpu.status.message).toContain("unexpected end of JSON input");
    for (const id of ["latency", "errors", "saturation", "ttft", "tokens"]) expect(panel(v, id).status.kind, id).toBe("ok");
  });

  it("says what to check when a panel comes back empty", async () => {
    const v = await loadLatencyView(new StubMetricsSource([]), target("kserve", { kind: "InferenceService", name: "fraud", namespace: "ml" }), { preset: "1h" }, { now, widthPx: 1000, markers: [] });
    const latency = panel(v, "latency");
    expect(latency.status.kind).toBe("empty");
    const message = latency.status.kind === "empty" ? latency.status.message : "";
    expect(message).toContain("Prometheus at http://prometheus.stub:9090 returned no data between");
    expect(message).toContain('revision_request_latencies_bucket{namespace="ml", pod=~"fraud-predictor-.+"}');
    expect(message).toContain("Check that Prometheus scrapes the KServe pods of ml/fraud");
    // All three alternatives were tried, for all three quantiles.
    expect(latency.queries).toHaveLength(9);
    expect(message).toContain("request_predict_seconds_bucket");
    expect(v.slo?.status).toBe("unknown");
    const gpu = panel(v, "gpu").status;
    expect(gpu.kind === "empty" ? gpu.message : "").toContain("dcgm-exporter");
  });

  it("charts Triton's counter mean once, named as the mean, when its summaries are off", async () => {
    const source = new StubMetricsSource([{ match: /^sum\(rate\(nv_inference_request_duration_us/, answer: { value: 42 } }]);
    const v = await loadLatencyView(source, target("triton"), { preset: "1h" }, { now, widthPx: 1000, markers: [] });
    const latency = panel(v, "latency");
    expect(latency.status).toEqual({ kind: "ok" });
    expect(latency.series.map((s) => s.name)).toEqual(["mean (from Triton's counters, not a percentile: start tritonserver with --metrics-config summary_latencies=true for percentiles)"]);
  });

  it("flags the latest change in range when its p95 is more than 10 % above the hour before", async () => {
    const changedAt = now - 1800;
    const markers: ChangeMarker[] = [
      { time: now - 5 * 3600, kind: "deploy", revision: 6, origin: "rollout history" },
      { time: changedAt, kind: "deploy", revision: 7, image: "vllm/vllm-openai:v0.6.3", origin: "rollout history" },
      { time: now - 30 * 86_400, kind: "deploy", revision: 2, origin: "rollout history" },
    ];
    const source = new StubMetricsSource([
      { match: /^histogram_quantile\(0\.95, .*e2e.*\[30m\]/, at: changedAt, answer: { value: 1000 } },
      { match: /^histogram_quantile\(0\.95, .*e2e.*\[30m\]/, at: now, answer: { value: 2000 } },
      ...vllmRules,
    ]);
    const v = await loadLatencyView(source, target("vllm"), { preset: "6h" }, { now, widthPx: 1000, markers });
    expect(v.regression).toEqual({ revision: 7, changedAt, baselineP95Ms: 1000, afterP95Ms: 2000, change: 1, regressed: true });
    expect(v.markers.map((m) => m.revision)).toEqual([6, 7]);
  });

  it("has no regression verdict for a change too recent to judge", async () => {
    const v = await loadLatencyView(new StubMetricsSource(vllmRules), target("vllm"), { preset: "1h" }, {
      now,
      widthPx: 1000,
      markers: [{ time: now - 60, kind: "rollback", revision: 8, origin: "audit log" }],
    });
    expect(v.regression).toBeNull();
  });

  it("charts an Azure ML online endpoint from Azure Monitor, the 5xx share as a ratio", async () => {
    const uri = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/chat";
    const source = new StubMetricsSource(
      [
        { match: /^RequestLatency_P95\|/, answer: { value: 240 } },
        { match: /^RequestLatency_P/, answer: { value: 100 } },
        { match: /^RequestsPerMinute\|statusCodeClass eq '5xx'\|/, answer: { values: [6, 0, 12] } },
        { match: /^RequestsPerMinute\|\|/, answer: { values: [600, 600, 0] } },
      ],
      "azure-monitor",
      "Azure Monitor (subscription s)",
    );
    const v = await loadLatencyView(source, target("fastapi", { azureResourceUri: uri }), { preset: "1h" }, { now, widthPx: 1000, markers: [] });
    expect(() => LatencyView.parse(v)).not.toThrow();
    expect(v.panels.map((p) => p.id)).toEqual(["latency", "errors", "rps"]);
    const errors = panel(v, "errors");
    expect(errors.series).toHaveLength(1);
    expect(Array.from(errors.series[0]!.values.slice(0, 3))).toEqual([0.01, 0, NaN]);
    expect(panel(v, "rps").series[0]?.values[0]).toBe(10);
  });
});

describe("rangeBounds", () => {
  it.each([
    [{ preset: "1h" as const }, { start: now - 3600, end: now }],
    [{ preset: "7d" as const }, { start: now - 604_800, end: now }],
    [{ preset: "custom" as const, start: 100, end: 200 }, { start: 100, end: 200 }],
  ])("%j", (spec, want) => expect(rangeBounds(spec, now)).toEqual(want));
});
