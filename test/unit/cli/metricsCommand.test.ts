import { describe, expect, test } from "vitest";
import { ExitCode } from "../../../src/cli/aiplat";
import { authFromEnv, SourceFlag } from "../../../src/cli/metricsCommand";
import { parseRange } from "../../../src/core/durationText";
import { describeMetricsErrorForTerminal } from "../../../src/cli/metricsErrors";
import type { MetricsError } from "../../../src/core/metrics/metricsSource";
import { runAiplat } from "./runAiplat";

describe("aiplat metrics: the command line", () => {
  test.each([
    [["metrics", "ml"], "ml: expected <namespace>/<name>"],
    [["metrics", "ML/x"], 'namespace "ML" is not a DNS-1123 label'],
    [["metrics", "ml/x", "--range", "six hours"], "--range six hours: expected a duration up to 32d"],
    [["metrics", "ml/x", "--range", "40d"], "--range 40d: expected a duration up to 32d"],
    [["metrics", "ml/x", "--source", "ftp://prom"], "--source ftp://prom: expected an http(s) URL"],
    [["metrics", "ml/x", "--source", "https://user:pw@prom.example.com"], "without credentials in it"],
    [["metrics", "ml/x", "--source", "service:monitoring/prom"], "expected service:<namespace>/<service>:<port>"],
    [["metrics", "ml/x", "--source", "azure-prometheus:http://ws.example"], "needs the workspace's https query endpoint"],
  ])("%j is a usage error (exit 2) saying %s", async (args, says) => {
    const r = await runAiplat(args);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.err).toContain(says);
    expect(r.out).toBe("");
  });

  test("a half-given basic auth pair is a usage error, never an anonymous query", async () => {
    const r = await runAiplat(["metrics", "ml/x", "--source", "http://127.0.0.1:1"], { env: { AIPLAT_METRICS_USERNAME: "grafana" } });
    expect(r).toMatchObject({ code: ExitCode.usage, out: "" });
    expect(r.err).toContain("basic auth needs both AIPLAT_METRICS_USERNAME and AIPLAT_METRICS_PASSWORD");
  });

  test("credentials come from the environment", () => {
    expect(authFromEnv({ AIPLAT_METRICS_TOKEN: "t" })).toEqual({ ok: true, auth: { kind: "bearer", token: "t" } });
    expect(authFromEnv({ AIPLAT_METRICS_USERNAME: "u", AIPLAT_METRICS_PASSWORD: "p" })).toEqual({ ok: true, auth: { kind: "basic", username: "u", password: "p" } });
    expect(authFromEnv({})).toEqual({ ok: true, auth: { kind: "none" } });
    expect(authFromEnv({ AIPLAT_METRICS_TOKEN: "t", AIPLAT_METRICS_PASSWORD: "p" }).ok).toBe(false);
  });

  test("--source forms and --range durations", () => {
    expect(SourceFlag.parse("http://127.0.0.1:9090/prometheus")).toEqual({ kind: "url", url: "http://127.0.0.1:9090/prometheus" });
    expect(SourceFlag.parse("service:monitoring/kube-prometheus-stack-prometheus:9090")).toEqual({ kind: "service", namespace: "monitoring", service: "kube-prometheus-stack-prometheus", port: 9090 });
    expect(SourceFlag.parse("service:monitoring/prometheus-k8s:web")).toEqual({ kind: "service", namespace: "monitoring", service: "prometheus-k8s", port: "web" });
    expect(SourceFlag.parse("azure-prometheus:https://ws.eastus.prometheus.monitor.azure.com")).toEqual({ kind: "azure-prometheus", url: "https://ws.eastus.prometheus.monitor.azure.com" });
    expect(parseRange("6h")).toBe(6 * 3_600_000);
    expect(parseRange("7d")).toBe(7 * 86_400_000);
    expect(parseRange("90m")).toBe(90 * 60_000);
    expect(parseRange("0s")).toBeUndefined();
  });

  test("the help lists the command, its sources and the credential variables", async () => {
    const r = await runAiplat(["metrics", "--help"]);
    expect(r.code).toBe(ExitCode.ok);
    for (const s of ["--range", "--source", "service:<namespace>/<service>:<port>", "azure-prometheus:", "AIPLAT_METRICS_TOKEN", "-o, --output"]) expect(r.out).toContain(s);
  });
});

describe("MetricsError kinds worded for a terminal", () => {
  const source = "Prometheus at https://prom.example.com";
  const query = 'sum(rate(http_requests_total{namespace="ml"}[5m]))';
  test.each<[MetricsError, string | undefined, readonly string[]]>([
    [{ kind: "unauthorized", status: 401, source, query }, undefined, [`${source} refused the credentials (401); set AIPLAT_METRICS_TOKEN (bearer), or AIPLAT_METRICS_USERNAME and AIPLAT_METRICS_PASSWORD (basic)`, `\n  query: ${query}`]],
    [{ kind: "unauthorized", status: 401, source: "Azure Monitor managed Prometheus at https://ws" }, "azure-managed-prometheus", ["refused the credentials (401)", "DefaultAzureCredential needs a signed-in identity of the right tenant: run az login"]],
    // The credential never got a token: nothing was sent, so nothing was "refused".
    [
      { kind: "unauthorized", status: 401, noToken: true, detail: "could not get a token for https://prometheus.monitor.azure.com/.default: AADSTS7000215", source: "Azure Monitor managed Prometheus at https://ws" },
      "azure-managed-prometheus",
      ["no token for Azure Monitor managed Prometheus at https://ws: could not get a token", "AADSTS7000215", "set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET"],
    ],
    [{ kind: "forbidden", status: 403, source: "Azure Monitor managed Prometheus at https://ws" }, "azure-managed-prometheus", ["Monitoring Data Reader role"]],
    [{ kind: "forbidden", status: 403, source, detail: "denied by policy" }, undefined, ["403 Forbidden: denied by policy; the credentials are valid but may not query"]],
    [{ kind: "rate-limited", status: 429, retryAfterMs: 90_000, source }, undefined, ["rate-limiting requests (429); it asks to wait 90 s"]],
    [{ kind: "timeout", afterMs: 30_000, source, query }, undefined, ["did not answer within 30 s; try a shorter --range"]],
    [{ kind: "unreachable", detail: "connect ECONNREFUSED 127.0.0.1:9090", source }, undefined, [`cannot reach ${source}: connect ECONNREFUSED 127.0.0.1:9090; check --source`]],
    [{ kind: "bad-response", status: 200, detail: "HTML instead of JSON", source }, undefined, ["did not answer with the metrics API's JSON (HTTP 200: HTML instead of JSON)"]],
    [{ kind: "query-failed", status: 422, errorType: "execution", message: "many-to-many matching not allowed", source, query }, undefined, ["rejected the query (HTTP 422, execution): many-to-many matching not allowed", query]],
    [{ kind: "too-large", detail: "11001 points", source }, undefined, ["more data than aiplat accepts (11001 points); try a shorter --range"]],
    [{ kind: "not-found", detail: "no Prometheus service", source: "cluster" }, undefined, ["no metrics source: no Prometheus service; pass --source"]],
    [{ kind: "cancelled", source }, undefined, ["interrupted"]],
  ])("%o", (error, kind, says) => {
    const text = describeMetricsErrorForTerminal(error, kind as never);
    for (const s of says) expect(text).toContain(s);
  });
});
