import { describe, expect, test } from "vitest";
import type { MetricsError } from "../../../../src/core/metrics/metricsSource";
import { CommandId } from "../../../../src/editor/contributionIds";
import { describeMetricsError, describeMetricsErrorBriefly, explainMetricsError } from "../../../../src/editor/explain";

const prom = "Prometheus at https://prom.example:9090";
const query = 'histogram_quantile(0.95, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket{namespace="ml"}[5m])))';

/** Every MetricsError kind, with what a person must read: which source, which query, what to do. */
const cases: readonly { readonly error: MetricsError; readonly kind?: "prometheus" | "azure-managed-prometheus" | "azure-monitor"; readonly says: readonly string[]; readonly connect: boolean }[] = [
  {
    error: { kind: "unauthorized", status: 401, source: prom, query },
    says: [`${prom} refused the credentials (401)`, query, "Run Connect Metrics… to enter a token"],
    connect: true,
  },
  {
    error: { kind: "unauthorized", status: 401, source: "Azure Monitor managed Prometheus at https://ws.eastus.prometheus.monitor.azure.com", detail: "invalid audience" },
    kind: "azure-managed-prometheus",
    says: ["refused the credentials (401): invalid audience", "Sign in to Microsoft again"],
    connect: true,
  },
  {
    // The Microsoft sign-in gave no token: nothing reached the source, so it refused nothing.
    error: { kind: "unauthorized", status: 401, noToken: true, source: "Azure Monitor managed Prometheus at https://ws.eastus.prometheus.monitor.azure.com", detail: "no Microsoft session" },
    kind: "azure-managed-prometheus",
    says: ["No token for Azure Monitor managed Prometheus at https://ws.eastus.prometheus.monitor.azure.com: no Microsoft session", "Sign in to Microsoft again"],
    connect: true,
  },
  {
    error: { kind: "forbidden", status: 403, source: "Azure Monitor managed Prometheus at https://ws.eastus.prometheus.monitor.azure.com", query },
    kind: "azure-managed-prometheus",
    says: ["403 Forbidden", query, "Monitoring Data Reader role on the Azure Monitor workspace"],
    connect: true,
  },
  {
    error: { kind: "forbidden", status: 403, source: "Azure Monitor (subscription 0000)", query: "RequestLatency_P95 on …/onlineEndpoints/sentiment" },
    kind: "azure-monitor",
    says: ["Azure Monitor (subscription 0000) answered 403 Forbidden for RequestLatency_P95 on …/onlineEndpoints/sentiment", "Monitoring Reader role"],
    connect: true,
  },
  { error: { kind: "forbidden", status: 403, source: prom }, says: [`${prom} answered 403 Forbidden`, "ask whoever runs this Prometheus for read access"], connect: true },
  { error: { kind: "rate-limited", status: 429, retryAfterMs: 30_000, source: prom, query }, says: [`${prom} is rate-limiting requests (429)`, "wait 30 s", "next refresh tries again"], connect: false },
  { error: { kind: "rate-limited", status: 429, source: prom }, says: ["(429)", "the next refresh tries again"], connect: false },
  { error: { kind: "timeout", afterMs: 15_000, source: prom, query }, says: [`${prom} did not answer within 15 s for ${query}`, "shorter range"], connect: false },
  { error: { kind: "unreachable", detail: "connect ECONNREFUSED 127.0.0.1:9090", source: prom, query }, says: [`Cannot reach ${prom} (connect ECONNREFUSED 127.0.0.1:9090)`, "Connect Metrics…"], connect: true },
  {
    error: { kind: "bad-response", status: 502, detail: "HTML instead of JSON: <title>502 Bad Gateway</title>", source: prom, query },
    says: ["not the metrics API's JSON (HTTP 502: HTML instead of JSON", "proxy or login page"],
    connect: true,
  },
  {
    error: { kind: "query-failed", status: 400, errorType: "bad_data", message: "exceeded maximum resolution of 11,000 points per timeseries", source: prom, query },
    says: [`${prom} rejected the query (HTTP 400, bad_data: exceeded maximum resolution of 11,000 points per timeseries) for ${query}`],
    connect: false,
  },
  { error: { kind: "too-large", detail: "more than 11000 points in a series", source: prom, query }, says: ["more data than we accept (more than 11000 points in a series)", "shorter range"], connect: false },
  { error: { kind: "not-found", detail: "no Prometheus service found in monitoring, prometheus or kube-system", source: "kube service proxy" }, says: ["No metrics source: no Prometheus service found", "Connect Metrics…"], connect: true },
];

describe("explainMetricsError says which source, which query and what to do", () => {
  test.each(cases)("$error.kind ($kind)", ({ error, kind, says, connect }) => {
    const message = explainMetricsError(error, kind);
    for (const s of says) expect(message?.text).toContain(s);
    expect(message?.actions.some((a) => a.command === CommandId.connectMetrics)).toBe(connect);
    expect(message?.actions.some((a) => a.command === CommandId.showLog)).toBe(true);
  });

  test("a cancellation is quiet", () => {
    expect(explainMetricsError({ kind: "cancelled", source: prom })).toBeUndefined();
    expect(describeMetricsError({ kind: "cancelled", source: prom })).toBeUndefined();
  });

  test("a huge query is cut in the sentence, not the log's whole page", () => {
    const text = describeMetricsError({ kind: "timeout", afterMs: 500, source: prom, query: "x".repeat(5000) }) ?? "";
    expect(text.length).toBeLessThan(600);
    expect(text).toContain("500 ms");
  });

  test("every kind has a short form for a tree row", () => {
    for (const { error } of cases) expect(describeMetricsErrorBriefly(error)).toMatch(/^metrics: .{3,40}$/);
  });
});
