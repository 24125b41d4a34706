import { describe, expect, test } from "vitest";
import type { InstantSample, MetricQuery, MetricsResult, MetricsSource } from "../../../../src/core/metrics/metricsSource";
import { describeProbe, probePrometheus } from "../../../../src/editor/metrics/metricsProbe";

/** A source answering instant queries from a table of PromQL → value; anything else is empty. */
function fakeSource(kind: MetricsSource["kind"], answers: Record<string, number>, version?: string): MetricsSource & { asked: string[]; buildInfo?: () => Promise<MetricsResult<{ version: string }>> } {
  const asked: string[] = [];
  const description = kind === "azure-managed-prometheus" ? "Azure Monitor managed Prometheus at https://ws.eastus.prometheus.monitor.azure.com" : "Prometheus service monitoring/kube-prometheus-stack-prometheus:http-web through the API server of context aks-prod";
  return {
    kind,
    description,
    asked,
    supports: () => true,
    queryRange: () => Promise.resolve({ ok: true, value: [], warnings: [] }),
    queryInstant: (q: MetricQuery, time: number): Promise<MetricsResult<InstantSample[]>> => {
      const expr = q.kind === "promql" ? q.expr : "";
      asked.push(expr);
      const v = answers[expr];
      return Promise.resolve({ ok: true, value: v === undefined ? [] : [{ labels: {}, time, value: v }], warnings: [] });
    },
    ...(version ? { buildInfo: () => Promise.resolve({ ok: true as const, value: { version }, warnings: [] }) } : {}),
  };
}

describe("Connect Metrics' test of a source", () => {
  test("reports version, targets up and which model servers' metrics are there", async () => {
    const source = fakeSource("prometheus", { "vector(1)": 1, "sum(up)": 14, "count(vllm:num_requests_running)": 3, "count(nv_inference_request_success)": 2, "count(DCGM_FI_DEV_GPU_UTIL)": 8 }, "2.42.0");
    const probe = await probePrometheus(source, { now: 1_700_000_000 });
    expect(probe.ok && describeProbe(probe)).toBe(
      "Prometheus 2.42.0 service monitoring/kube-prometheus-stack-prometheus:http-web through the API server of context aks-prod: 14 targets up; vLLM, Triton and DCGM metrics present.",
    );
  });

  test("Azure's managed Prometheus is tested with a metric (it refuses queries without one), and says when no model server reports yet", async () => {
    const source = fakeSource("azure-managed-prometheus", { "count(up)": 5, "sum(up)": 5 });
    const probe = await probePrometheus(source, { now: 1_700_000_000 });
    expect(source.asked[0]).toBe("count(up)");
    expect(probe.ok && describeProbe(probe)).toBe("Azure Monitor managed Prometheus at https://ws.eastus.prometheus.monitor.azure.com: 5 targets up; no model-server metrics yet (vLLM, Triton, KServe, FastAPI).");
  });

  test("a failing first query is the test's result; nothing more is asked", async () => {
    const source = fakeSource("prometheus", {});
    source.queryInstant = () => Promise.resolve({ ok: false, error: { kind: "unauthorized", status: 401, source: source.description, query: "vector(1)" } });
    const probe = await probePrometheus(source, { now: 1 });
    expect(probe).toEqual({ ok: false, error: { kind: "unauthorized", status: 401, source: source.description, query: "vector(1)" } });
  });
});
