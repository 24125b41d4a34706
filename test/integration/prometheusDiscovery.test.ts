/**
 * Finding the demo's Prometheus (monitoring/kube-prometheus-stack-prometheus, as the chart names
 * it) through the sandbox API server, and talking to the real Prometheus 2.42 behind its service
 * proxy: what the real server sends for NaN, ±Inf, strings and its own errors.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPrometheus, type RunningPrometheus } from "../../sandbox/metrics/prometheusServer";
import { requestJson } from "../../src/core/kube/client/kubeRequest";
import type { MetricsResult } from "../../src/core/metrics/metricsSource";
import { detectPrometheus, type DetectedPrometheus } from "../../src/core/metrics/prometheusDiscovery";
import { createPrometheusSource } from "../../src/core/metrics/prometheusSource";
import { useSandbox } from "./sandboxFixture";

const monitoringToken = "monitoring-viewer-token";
const llmToken = "llm-serving-viewer-token";
const sandbox = useSandbox({ scenario: "demo", namespaceTokens: { [monitoringToken]: "monitoring", [llmToken]: "llm-serving" } });

const dir = mkdtempSync(path.join(tmpdir(), "aiplat-discovery-"));
let prometheus: RunningPrometheus | undefined;

beforeAll(async () => {
  prometheus = await startPrometheus({ dataDir: path.join(dir, "tsdb"), configYaml: "global:\n  scrape_interval: 15s\n" });
  sandbox.server.registerServiceBackend("monitoring", "kube-prometheus-stack-prometheus", prometheus.url);
}, 60_000);
afterAll(async () => {
  await prometheus?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The installed Prometheus' own account of its version: "prometheus, version 2.42.0+ds (branch: …". */
function installedVersion(): string {
  const out = execFileSync("prometheus", ["--version"], { encoding: "utf8" });
  return /version (\S+)/.exec(out)?.[1] ?? "";
}

function value<T>(result: MetricsResult<T>): T {
  if (!result.ok) throw new Error(`expected data, got ${JSON.stringify(result.error)}`);
  return result.value;
}

const stackPrometheus = {
  flavor: "kube-prometheus-stack",
  namespace: "monitoring",
  service: "kube-prometheus-stack-prometheus",
  port: "http-web",
  scheme: "http",
} as const;

function usable(found: readonly DetectedPrometheus[]) {
  const first = found[0];
  if (!first?.ok) throw new Error(`no working Prometheus: ${JSON.stringify(found.map((f) => (f.ok ? f.service : f.error)))}`);
  return first;
}

describe("detectPrometheus against the sandbox", () => {
  it("finds kube-prometheus-stack's Prometheus, reaches it through the service proxy and reads its version", async () => {
    const found = await detectPrometheus(sandbox.kc, {});
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ ...stackPrometheus, version: installedVersion(), ok: true });
    const source = usable(found).source;
    expect(source.description).toContain("monitoring/kube-prometheus-stack-prometheus:http-web");
    expect(value(await source.queryInstant({ kind: "promql", expr: "vector(7)" }, 1_700_000_000))).toEqual([{ labels: {}, time: 1_700_000_000, value: 7 }]);
  });

  it("falls back to the usual namespaces for a user who may not list Services cluster-wide", async () => {
    const viewer = sandbox.kubeConfigFor(monitoringToken);
    const found = await detectPrometheus(viewer, {});
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ ...stackPrometheus, ok: true });

    // Someone who may read only llm-serving finds nothing, and is not told about a namespace they cannot see.
    expect(await detectPrometheus(sandbox.kubeConfigFor(llmToken), {})).toEqual([]);
    // Told where to look, the same user gets the monitoring namespace's refusal as "nothing there".
    expect(await detectPrometheus(sandbox.kubeConfigFor(llmToken), { namespaces: ["monitoring", "llm-serving"] })).toEqual([]);
  });

  it("reports a candidate with nothing behind it as unreachable, after the working one", async () => {
    const path = "/api/v1/namespaces/monitoring/services";
    await requestJson(sandbox.kc, "POST", path, {
      body: {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "prometheus-k8s", namespace: "monitoring", labels: { "app.kubernetes.io/name": "prometheus" } },
        spec: { selector: { "app.kubernetes.io/name": "prometheus" }, ports: [{ name: "web", port: 9090, targetPort: "web" }, { name: "reloader-web", port: 8080 }] },
      },
    });
    try {
      const found = await detectPrometheus(sandbox.kc, { namespaces: ["monitoring"] });
      expect(found.map((f) => [f.service, f.flavor, f.port, f.ok])).toEqual([
        ["kube-prometheus-stack-prometheus", "kube-prometheus-stack", "http-web", true],
        ["prometheus-k8s", "kube-prometheus", "web", false],
      ]);
      const dead = found[1]!;
      expect(!dead.ok && dead.error).toMatchObject({ kind: "unreachable", detail: 'no endpoints available for service "prometheus-k8s"' });
    } finally {
      await requestJson(sandbox.kc, "DELETE", `${path}/prometheus-k8s`);
    }
  });
});

describe("the real Prometheus' wire format through the service proxy", () => {
  const proxied = () =>
    createPrometheusSource({
      endpoint: { kind: "service-proxy", kubeConfig: sandbox.kc, namespace: "monitoring", service: "kube-prometheus-stack-prometheus", port: 9090 },
      auth: { kind: "none" },
    });
  const promql = (expr: string) => ({ kind: "promql" as const, expr });
  const t = 1_700_000_000;

  it("reads NaN and ±Inf as the server formats them", async () => {
    const source = proxied();
    const read = async (expr: string) => value(await source.queryInstant(promql(expr), t))[0]?.value;
    expect(await read("vector(0/0)")).toBeNaN();
    expect(await read("vector(1/0)")).toBe(Number.POSITIVE_INFINITY);
    expect(await read("vector(-1/0)")).toBe(Number.NEGATIVE_INFINITY);
    expect(value(await source.queryInstant(promql("1/0"), t))).toEqual([{ labels: {}, time: t, value: Number.POSITIVE_INFINITY }]);
  });

  it("reads a range query into columns, and an empty one as no series", async () => {
    const source = proxied();
    const series = value(await source.queryRange(promql(`label_replace(vector(2), "pod", "chat-0", "", "")`), { start: t, end: t + 600, step: 60 }));
    expect(series).toHaveLength(1);
    expect(series[0]!.labels).toEqual({ pod: "chat-0" });
    expect(Array.from(series[0]!.timestamps)).toEqual(Array.from({ length: 11 }, (_, i) => t + i * 60));
    expect(Array.from(series[0]!.values)).toEqual(Array(11).fill(2));
    expect(await source.queryRange(promql("no_such_metric"), { start: t, end: t + 600, step: 60 })).toEqual({ ok: true, value: [], warnings: [] });
  });

  it("refuses a string result, and passes the server's own errors on as query-failed", async () => {
    const source = proxied();
    const text = await source.queryInstant(promql(`"hello"`), t);
    expect(text.ok || text.error).toMatchObject({ kind: "bad-response", status: 200 });

    // Prometheus' 11,000-point rule: a week at 1 s steps.
    const tooFine = await source.queryRange(promql("vector(1)"), { start: t, end: t + 7 * 86_400, step: 1 });
    expect(tooFine.ok || tooFine.error).toMatchObject({ kind: "query-failed", status: 400, errorType: "bad_data", message: expect.stringContaining("exceeded maximum resolution of 11,000 points") as string });
    const syntax = await source.queryInstant(promql("sum(rate(x[5m])"), t);
    expect(syntax.ok || syntax.error).toMatchObject({ kind: "query-failed", status: 400, errorType: "bad_data" });
  });

  it("reports the Prometheus going away as unreachable", async () => {
    sandbox.server.unregisterServiceBackend("monitoring", "kube-prometheus-stack-prometheus");
    try {
      const gone = await proxied().queryInstant(promql("vector(1)"), t);
      expect(gone.ok || gone.error).toMatchObject({ kind: "unreachable" });
    } finally {
      sandbox.server.registerServiceBackend("monitoring", "kube-prometheus-stack-prometheus", prometheus!.url);
    }
  });
});
