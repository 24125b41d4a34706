/**
 * `aiplat metrics` in-process against the sandbox API server and a real Prometheus (Debian's
 * 2.42) over blocks promtool built from samples this test wrote. The expected figures are worked
 * out by hand from the samples with Prometheus' documented histogram_quantile interpolation, not
 * read back from Prometheus, so the catalog's queries and the CLI's arithmetic are both checked.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { AppsV1Api, CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createBlocksFromOpenMetrics, startPrometheus, type RunningPrometheus } from "../../sandbox/metrics/prometheusServer";
import { ExitCode } from "../../src/cli/aiplat";
import { createPrometheusSource } from "../../src/core/metrics/prometheusSource";
import { describeProbe, probePrometheus } from "../../src/editor/metrics/metricsProbe";
import { runAiplat } from "../unit/cli/runAiplat";
import { oneNodeScenario } from "./oneNodeScenario";
import { startSandboxFixture, useSandbox, type SandboxFixture } from "./sandboxFixture";

const sandbox = useSandbox({ scenario: oneNodeScenario(["ml", "monitoring"], { cpu: "16", memory: "64Gi" }) });
const dir = mkdtempSync(path.join(tmpdir(), "aiplat-metrics-"));
let prom: RunningPrometheus;

const step = 15;
/** Per pod and step: 30 requests; the latency histogram's cumulative bucket counts. */
const buckets: readonly [string, number][] = [
  ["0.05", 15],
  ["0.1", 27],
  ["0.25", 30],
  ["0.5", 30],
  ["+Inf", 30],
];
const pods = { scorer: ["scorer-7d9f8c6b5-abcde", "scorer-7d9f8c6b5-fghij"], healthy: ["healthy-5f6d7c8b9-xyz12"] } as const;
/** scorer answers 1 of its 30 requests per step with a 5xx; healthy none. */
const errorsPerStep = { scorer: 1, healthy: 0 } as const;

/**
 * Two hours of samples every 15 s, running 10 minutes past now: a query at the wall clock then
 * finds its whole 5-minute window sampled, so rate() of these straight-line counters is exactly
 * their slope (no extrapolation short of the window's end).
 */
function writeOpenMetrics(file: string, now: number): void {
  const start = now - 2 * 3600;
  const end = now + 600;
  const lines: string[] = ["# TYPE http_request_duration_highr_seconds histogram"];
  const times: number[] = [];
  for (let t = start; t <= end; t += step) times.push(t);
  const allPods = Object.entries(pods).flatMap(([svc, list]) => list.map((pod) => ({ svc: svc as keyof typeof pods, pod })));
  for (const { pod } of allPods) {
    for (const [le, perStep] of buckets) {
      times.forEach((t, i) => lines.push(`http_request_duration_highr_seconds_bucket{namespace="ml",pod="${pod}",le="${le}"} ${perStep * i} ${t}`));
    }
    times.forEach((t, i) => lines.push(`http_request_duration_highr_seconds_count{namespace="ml",pod="${pod}"} ${30 * i} ${t}`));
  }
  lines.push("# TYPE http_requests counter");
  for (const { svc, pod } of allPods) {
    const series: [string, number][] = [
      [`handler="/predict",method="POST",status="2xx"`, 30 - errorsPerStep[svc]],
      // Prometheus' own scrapes of /metrics are not traffic; the catalog leaves them out.
      [`handler="/metrics",method="GET",status="2xx"`, 7],
    ];
    if (errorsPerStep[svc] > 0) series.push([`handler="/predict",method="POST",status="5xx"`, errorsPerStep[svc]]);
    for (const [labels, perStep] of series) times.forEach((t, i) => lines.push(`http_requests_total{namespace="ml",pod="${pod}",${labels}} ${perStep * i} ${t}`));
  }
  lines.push("# EOF");
  writeFileSync(file, lines.join("\n") + "\n");
}

beforeAll(async () => {
  const now = Math.floor(Date.now() / 1000 / step) * step;
  const file = path.join(dir, "backfill.om");
  writeOpenMetrics(file, now);
  const dataDir = path.join(dir, "tsdb");
  await createBlocksFromOpenMetrics(file, dataDir);
  // No scrape_configs: nothing but the backfill, so every figure is the test's own.
  prom = await startPrometheus({ dataDir, configYaml: "global:\n  scrape_interval: 15s\n" });

  const apps = sandbox.kc.makeApiClient(AppsV1Api);
  for (const name of ["scorer", "healthy"]) {
    await apps.createNamespacedDeployment({
      namespace: "ml",
      body: {
        metadata: { name, labels: { "ai-platform/service": name } },
        spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "app", image: `aiplatform.azurecr.io/${name}:1.0` }] } } },
      },
    });
  }
  // kube-prometheus-stack's Service, whose endpoints the sandbox's service proxy maps to our Prometheus.
  await sandbox.kc.makeApiClient(CoreV1Api).createNamespacedService({
    namespace: "monitoring",
    body: { metadata: { name: "kube-prometheus-stack-prometheus", labels: { app: "kube-prometheus-stack-prometheus" } }, spec: { ports: [{ name: "http-web", port: 9090 }] } },
  });
  sandbox.server.registerServiceBackend("monitoring", "kube-prometheus-stack-prometheus", prom.url);
}, 120_000);

afterAll(async () => {
  await prom?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Report {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  errorRatio: number;
  rps: number;
  slo: { status: string; errorBudgetRemaining: number; burnRates: Record<string, number> };
  source: string;
  runtime: string;
}

const env = (): Record<string, string> => ({ KUBECONFIG: sandbox.kubeconfigFile });

describe("aiplat metrics against a real Prometheus", () => {
  test("prints the figures worked out from the samples, and exits 1 when the SLO burns fast", async () => {
    const r = await runAiplat(["metrics", "ml/scorer", "--source", prom.url, "-o", "json"], { env: env() });
    expect(r.err).toBe("");
    const report = JSON.parse(r.out) as Report;
    // histogram_quantile interpolates inside the bucket holding rank q×30 (sum by le over both pods: the same shares):
    // p50: rank 15 → le 0.05 holds 15 → 0 + 0.05 × 15/15 = 50 ms
    // p95: rank 28.5 → le 0.25 holds 27…30 → 0.1 + 0.15 × 1.5/3 = 175 ms
    // p99: rank 29.7 → 0.1 + 0.15 × 2.7/3 = 235 ms
    expect(report.p50Ms).toBeCloseTo(50, 6);
    expect(report.p95Ms).toBeCloseTo(175, 6);
    expect(report.p99Ms).toBeCloseTo(235, 6);
    // 1 of 30 /predict requests fails; /metrics is not counted.
    expect(report.errorRatio).toBeCloseTo(1 / 30, 6);
    // Two pods × 30 requests per 15 s.
    expect(report.rps).toBeCloseTo(4, 6);
    // Tier-1 default: 99.9 % → a 0.1 % budget; 3.33 % errors burn it 33.3× in every window.
    expect(report.slo.status).toBe("fast-burn");
    for (const w of ["1h", "5m", "6h", "30m"]) expect(report.slo.burnRates[w]).toBeCloseTo(100 / 3, 4);
    expect(report.slo.errorBudgetRemaining).toBeCloseTo(1 - 100 / 3, 4);
    expect(report.runtime).toBe("fastapi");
    expect(r.code).toBe(ExitCode.failed);
  });

  test("a healthy service exits 0, and the table says what a person looks for", async () => {
    const r = await runAiplat(["metrics", "ml/healthy", "--source", prom.url], { env: env() });
    expect(r.code).toBe(ExitCode.ok);
    expect(r.err).toBe("");
    expect(r.out).toMatch(/^p95 +175 ms$/m);
    expect(r.out).toMatch(/^errors +0 %$/m);
    expect(r.out).toMatch(/^rps +2\/s$/m);
    expect(r.out).toMatch(/^SLO +ok: p95 175 ms ≤ 200 ms, 100 % budget left$/m);
    expect(r.out).toMatch(/^burn +1h 0× {2}5m 0× {2}6h 0× {2}30m 0×$/m);
    expect(r.out).toContain(`Prometheus at ${prom.url}`);
  });

  test("without --source it finds kube-prometheus-stack through the API server's service proxy", async () => {
    const r = await runAiplat(["metrics", "ml/healthy", "-o", "json"], { env: env() });
    expect(r.err).toBe("");
    expect(r.code).toBe(ExitCode.ok);
    const report = JSON.parse(r.out) as Report;
    expect(report.source).toContain("service monitoring/kube-prometheus-stack-prometheus:http-web");
    expect(report.p95Ms).toBeCloseTo(175, 6);
  });

  test("--source service:… goes through the proxy as well", async () => {
    const r = await runAiplat(["metrics", "ml/scorer", "--source", "service:monitoring/kube-prometheus-stack-prometheus:9090", "-o", "json"], { env: env() });
    expect((JSON.parse(r.out) as Report).errorRatio).toBeCloseTo(1 / 30, 6);
    expect(r.code).toBe(ExitCode.failed);
  });

  test("a source that is not there: exit 1, which source, and what to do", async () => {
    const r = await runAiplat(["metrics", "ml/scorer", "--source", "http://127.0.0.1:9"], { env: env() });
    expect(r.code).toBe(ExitCode.failed);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/^aiplat: error: cannot reach Prometheus at http:\/\/127\.0\.0\.1:9: .*ECONNREFUSED.*; check --source/);
  });

  test("a Prometheus that refuses the token: exit 1, the 401 worded with what to set, and the token never printed", async () => {
    const seen: IncomingHttpHeaders[] = [];
    // What an authenticating proxy in front of Prometheus answers to a bad token.
    const guard = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(401, { "Content-Type": "text/plain", "WWW-Authenticate": 'Bearer realm="prometheus"' }).end("Unauthorized\n");
    });
    await new Promise<void>((resolve) => guard.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(guard.address() as AddressInfo).port}`;
      const token = "s3cr3t-token-never-printed";
      const r = await runAiplat(["metrics", "ml/scorer", "--source", url, "-o", "json"], { env: { ...env(), AIPLAT_METRICS_TOKEN: token } });
      expect(r.code).toBe(ExitCode.failed);
      expect(seen[0]?.authorization).toBe(`Bearer ${token}`);
      expect(r.err).toContain(`aiplat: error: Prometheus at ${url} refused the credentials (401)`);
      expect(r.err).toContain("set AIPLAT_METRICS_TOKEN (bearer), or AIPLAT_METRICS_USERNAME and AIPLAT_METRICS_PASSWORD (basic)");
      expect(r.err).toContain("query: ");
      expect(JSON.parse(r.out)).toMatchObject({ error: { kind: "unauthorized", status: 401 } });
      expect(r.out + r.err).not.toContain(token);
    } finally {
      await new Promise((resolve) => guard.close(resolve));
    }
  });

  test("--range sets the window the figures cover", async () => {
    const five = await runAiplat(["metrics", "ml/healthy", "--source", prom.url, "-o", "json"], { env: env() });
    const hour = await runAiplat(["metrics", "ml/healthy", "--source", prom.url, "--range", "1h", "-o", "json"], { env: env() });
    expect([hour.code, hour.err]).toEqual([ExitCode.ok, ""]);
    const a = JSON.parse(five.out) as Report & { windowSeconds: number; queries: Record<string, string> };
    const b = JSON.parse(hour.out) as Report & { windowSeconds: number; queries: Record<string, string> };
    expect([a.windowSeconds, b.windowSeconds]).toEqual([300, 3600]);
    expect(a.queries["p95"]).toContain("[5m]");
    expect(b.queries["p95"]).toContain("[1h]");
    // The backfill's traffic is steady for two hours: the same figures over either window.
    expect(b.p95Ms).toBeCloseTo(a.p95Ms, 6);
    expect(b.rps).toBeCloseTo(a.rps, 6);
    const table = await runAiplat(["metrics", "ml/healthy", "--source", prom.url, "--range", "1h"], { env: env() });
    expect(table.out).toMatch(/^window +last 1h$/m);
  });

  test("a service the cluster does not have", async () => {
    const r = await runAiplat(["metrics", "ml/nope", "--source", prom.url], { env: env() });
    expect(r.code).toBe(ExitCode.failed);
    expect(r.err).toContain("no Deployment or InferenceService nope in namespace ml of context");
  });

  test("Connect Metrics' test reports what it found", async () => {
    const probe = await probePrometheus(createPrometheusSource({ endpoint: { kind: "url", url: prom.url }, auth: { kind: "none" } }), { now: Date.now() / 1000 });
    expect(probe.ok).toBe(true);
    // No scrape targets (up is absent), FastAPI's http_requests_total present.
    expect(probe.ok && describeProbe(probe)).toMatch(new RegExp(`^Prometheus 2\\.\\d+\\.\\d+\\S* at ${prom.url.replace(/[.]/g, "\\.")}: FastAPI metrics present\\.$`));
  });
});

describe("aiplat metrics against the demo sandbox with its metrics on (exporters, backfill, real Prometheus)", () => {
  let demo: SandboxFixture | undefined;
  beforeAll(async () => {
    demo = await startSandboxFixture({ scenario: "demo", controllers: true, metrics: { backfillDays: 1, scrapeInterval: "2s" } });
  }, 180_000);
  afterAll(async () => {
    await demo?.stop();
  });

  test("finds Prometheus through the service proxy and exits 1 on the demo's incident (vLLM revision 2: ~3% 5xx against a 0.1% budget)", async () => {
    const r = await runAiplat(["metrics", "llm-serving/vllm-llama3-70b", "-o", "json"], { env: { KUBECONFIG: demo!.kubeconfigFile } });
    expect(r.err).toBe("");
    const report = JSON.parse(r.out) as Report;
    expect(report.source).toContain("service monitoring/kube-prometheus-stack-prometheus");
    expect(report.runtime).toBe("vllm");
    expect(report.errorRatio).toBeGreaterThan(0.015);
    expect(report.errorRatio).toBeLessThan(0.06);
    expect(report.p50Ms).toBeLessThanOrEqual(report.p95Ms);
    expect(report.p95Ms).toBeLessThanOrEqual(report.p99Ms);
    expect(report.rps).toBeGreaterThan(0);
    expect(report.slo.status).toBe("fast-burn");
    expect(r.code).toBe(ExitCode.failed);
  });
});
