import { describe, expect, it } from "vitest";
import { azureMlEndpointQueries, fillTemplate, promDuration, promQueries, queryCatalog, type CatalogMetric } from "../../../../src/core/metrics/queryCatalog";
import type { RuntimeId } from "../../../../src/core/metrics/metricsTarget";

const runtimes: RuntimeId[] = ["vllm", "triton", "kserve", "fastapi"];
const params = { namespace: "llm-serving", podRegex: "chat-[a-z0-9]{1,10}-[a-z0-9]{5}", window: "5m", quantile: 0.95 };

/** The names each server exports, from domain.md §2.1 and §3.1 (vLLM, Triton, Knative, KServe, the instrumentator, dcgm-exporter). */
const expectedNames: { runtime: RuntimeId; metric: CatalogMetric; names: string[] }[] = [
  { runtime: "vllm", metric: "latency", names: ["vllm:e2e_request_latency_seconds_bucket"] },
  { runtime: "vllm", metric: "errorRatio", names: ["http_requests_total"] },
  { runtime: "vllm", metric: "running", names: ["vllm:num_requests_running"] },
  { runtime: "vllm", metric: "waiting", names: ["vllm:num_requests_waiting"] },
  { runtime: "vllm", metric: "ttft", names: ["vllm:time_to_first_token_seconds_bucket"] },
  { runtime: "vllm", metric: "tokensPerSecond", names: ["vllm:generation_tokens_total"] },
  { runtime: "triton", metric: "latency", names: ["nv_inference_request_summary_us", "nv_inference_request_duration_us", "nv_inference_request_success"] },
  { runtime: "triton", metric: "errorRatio", names: ["nv_inference_request_failure", "nv_inference_request_success"] },
  { runtime: "triton", metric: "waiting", names: ["nv_inference_pending_request_count"] },
  { runtime: "kserve", metric: "latency", names: ["revision_request_latencies_bucket", "request_latencies_bucket", "request_predict_seconds_bucket"] },
  { runtime: "kserve", metric: "errorRatio", names: ["revision_request_count", "request_count"] },
  { runtime: "kserve", metric: "waiting", names: ["revision_queue_depth", "queue_depth"] },
  { runtime: "fastapi", metric: "latency", names: ["http_request_duration_highr_seconds_bucket", "http_request_duration_seconds_bucket"] },
  { runtime: "fastapi", metric: "rps", names: ["http_requests_total"] },
  ...runtimes.map((runtime) => ({ runtime, metric: "gpuUtil" as const, names: ["DCGM_FI_DEV_GPU_UTIL"] })),
];

describe("the query catalog", () => {
  it("gives every runtime latency, errors, requests per second and GPU utilisation, and LLM panels to vLLM only", () => {
    for (const r of runtimes) {
      for (const m of ["latency", "errorRatio", "rps", "gpuUtil"] as const) expect(promQueries(r, m, params).length, `${r} ${m}`).toBeGreaterThan(0);
      const llm = promQueries(r, "ttft", params).length > 0 && promQueries(r, "tokensPerSecond", params).length > 0;
      expect(llm, r).toBe(r === "vllm");
      expect(queryCatalog[r].llm).toBe(r === "vllm");
    }
    expect(promQueries("vllm", "running", params).length + promQueries("vllm", "waiting", params).length).toBe(2);
  });

  it.each(expectedNames)("$runtime $metric reads $names", ({ runtime, metric, names }) => {
    const exprs = promQueries(runtime, metric, params).map((q) => q.query.expr).join("\n");
    for (const n of names) expect(exprs).toMatch(new RegExp(`(^|[^A-Za-z0-9_:])${n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[{\\[]`));
  });

  it("normalises every latency to milliseconds inside the query (seconds ×1000, Triton's µs ÷1000, Knative already ms)", () => {
    const latency = (r: RuntimeId) => promQueries(r, "latency", params).map((q) => q.query.expr);
    expect(latency("vllm")[0]).toMatch(/\* 1000$/);
    expect(latency("fastapi").every((e) => e.endsWith("* 1000"))).toBe(true);
    expect(latency("triton").every((e) => e.endsWith("/ 1000"))).toBe(true);
    const [knative, openshift, raw] = latency("kserve");
    expect(knative).not.toMatch(/1000/);
    expect(openshift).not.toMatch(/1000/);
    expect(raw).toMatch(/\* 1000$/);
    for (const r of runtimes) expect(promQueries(r, "latency", params).every((q) => q.unit === "ms")).toBe(true);
    expect(promQueries("vllm", "ttft", params)[0]?.unit).toBe("ms");
  });

  it("fills every placeholder: quoted namespace and pod regex, window and quantile", () => {
    for (const r of runtimes) {
      for (const m of Object.keys(queryCatalog[r].queries) as CatalogMetric[]) {
        for (const q of promQueries(r, m, params)) {
          expect(q.query.expr).not.toMatch(/\$(selector|namespace|podRegex|window|quantile)\b/);
          if (m !== "gpuUtil" || !q.query.expr.includes("nv_gpu")) expect(q.query.expr).toContain('namespace="llm-serving"');
        }
      }
    }
    expect(promQueries("vllm", "latency", { ...params, quantile: 0.99 })[0]?.query.expr).toBe(
      'histogram_quantile(0.99, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket{namespace="llm-serving", pod=~"chat-[a-z0-9]{1,10}-[a-z0-9]{5}"}[5m]))) * 1000',
    );
    // Triton's summaries select by their quantile label.
    expect(promQueries("triton", "latency", { ...params, quantile: 0.99 })[0]?.query.expr).toContain('quantile="0.99"');
    // label_replace's own "$1" is left alone.
    expect(promQueries("vllm", "gpuUtil", params)[0]?.query.expr).toContain('"pod", "$1", "exported_pod", "(.+)"');
  });

  it("counts no error series as a ratio of 0, not as no data, and leaves the scrape endpoint and probes out of traffic", () => {
    const e = promQueries("fastapi", "errorRatio", params)[0]!.query.expr;
    expect(e).toMatch(/^\(sum\(rate\(http_requests_total\{.*status=~"5\.\."\}\[5m\]\)\) or vector\(0\)\) \/ sum\(rate\(http_requests_total\{/);
    expect(e).toContain('handler!~"/metrics|/health.*');
  });

  it("escapes quotes and backslashes in PromQL strings", () => {
    expect(fillTemplate("up{$selector}", { namespace: 'a"b', podRegex: "x\\.y", window: "1m" })).toBe('up{namespace="a\\"b", pod=~"x\\\\.y"}');
  });

  it("says when a query is an approximation (Triton without summaries)", () => {
    const [summary, mean] = promQueries("triton", "latency", params);
    expect(summary?.note).toMatch(/summary/);
    expect(mean?.seriesName).toBe("mean");
    expect(mean?.note).toMatch(/counters, not a percentile.*summary_latencies=true/);
  });

  it.each([
    [60, "1m"],
    [300, "5m"],
    [75, "75s"],
    [915, "915s"],
    [3600, "1h"],
    [21_600, "6h"],
    [2_592_000, "30d"],
    [0.4, "1s"],
  ])("promDuration(%s) = %s", (s, d) => expect(promDuration(s)).toBe(d));

  it("asks Azure Monitor for the online endpoint's real metric names, per deployment when given", () => {
    const uri = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/ep";
    const q = azureMlEndpointQueries(uri, "blue");
    expect(q.p50.query).toEqual({
      kind: "azure-monitor",
      resourceUri: uri,
      metricNamespace: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
      metricName: "RequestLatency_P50",
      aggregation: "average",
      filter: "deployment eq 'blue'",
    });
    expect([q.p95.query.metricName, q.p99.query.metricName, q.rps.query.metricName]).toEqual(["RequestLatency_P95", "RequestLatency_P99", "RequestsPerMinute"]);
    expect(q.rps.scale).toBeCloseTo(1 / 60, 12);
    expect(q.errors.query.filter).toBe("deployment eq 'blue' and statusCodeClass eq '5xx'");
    expect(azureMlEndpointQueries(uri).errors.query.filter).toBe("statusCodeClass eq '5xx'");
    expect(azureMlEndpointQueries(uri, "o'brien").p95.query.filter).toBe("deployment eq 'o''brien'");
  });
});
