/**
 * Our catalog's percentiles against the real Prometheus (Debian's 2.42), fed by a promtool
 * backfill of latencies this test drew itself: our p95 must equal Prometheus' own
 * histogram_quantile over the same buckets, and lie within one bucket of numpy's quantile over
 * the raw samples. Every catalog template must also parse, in promtool and in the server.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBlocksFromOpenMetrics, ensurePrometheusInstalled, startPrometheus, type RunningPrometheus } from "../../sandbox/metrics/prometheusServer";
import { loadLatencyView } from "../../src/core/metrics/latencyView";
import type { MetricsSource } from "../../src/core/metrics/metricsSource";
import { podNameRegex, type MetricsTarget, type RuntimeId } from "../../src/core/metrics/metricsTarget";
import { createPrometheusSource } from "../../src/core/metrics/prometheusSource";
import { promQueries, queryCatalog, type CatalogMetric } from "../../src/core/metrics/queryCatalog";
import { readServiceMetrics } from "../../src/core/metrics/serviceMetrics";
import { resolveSlo } from "../../src/core/metrics/sloTargets";
import { random } from "../unit/core/kube/cache/clusterModelChanges";

/** vllm/v1/metrics/loggers.py request_latency_buckets (vllm:e2e_request_latency_seconds). */
const buckets = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];
const scrapeSeconds = 15;
const scrapes = 3 * 240; // three hours
const namespace = "llm-serving";


interface Pod {
  namespace: string;
  pod: string;
  /** Lognormal latency: median seconds and sigma. */
  median: number;
  sigma: number;
  /** Ours (the service under test) or a neighbour the pod regex must leave out. */
  ours: boolean;
}

const pods: Pod[] = [
  { namespace, pod: "chat-7b4c9d6f8-x2k9p", median: 1.2, sigma: 0.6, ours: true },
  { namespace, pod: "chat-7b4c9d6f8-q8w7e", median: 1.6, sigma: 0.5, ours: true },
  // Same namespace, longer name; and same pod name in another namespace: both far slower.
  { namespace, pod: "chatbot-5d8f7c9b6d-4xk2p", median: 30, sigma: 0.3, ours: false },
  { namespace: "staging", pod: "chat-7b4c9d6f8-x2k9p", median: 30, sigma: 0.3, ours: false },
];

interface Observation {
  pod: Pod;
  /** The scrape that first counts it. */
  scrape: number;
  seconds: number;
  error: boolean;
}

function draw(rand: () => number): Observation[] {
  const out: Observation[] = [];
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  for (let s = 1; s < scrapes; s++) {
    for (const pod of pods) {
      const n = 20 + Math.floor(rand() * 20);
      for (let i = 0; i < n; i++) out.push({ pod, scrape: s, seconds: pod.median * Math.exp(pod.sigma * normal()), error: rand() < 0.02 });
    }
  }
  return out;
}

/** OpenMetrics for promtool: each series in ascending time, each family contiguous, every sample timestamped. */
function openMetrics(observations: Observation[], t0: number): string {
  const lines: string[] = [];
  const labels = (p: Pod, extra = "") => `namespace="${p.namespace}",pod="${p.pod}",model_name="meta-llama/Llama-3.1-8B-Instruct",engine="0"${extra}`;
  const byPod = new Map(pods.map((p) => [p, observations.filter((o) => o.pod === p)]));
  const cumulative = (obs: Observation[], value: (o: Observation) => number): number[] => {
    const perScrape = new Array<number>(scrapes).fill(0);
    for (const o of obs) perScrape[o.scrape]! += value(o);
    let sum = 0;
    return perScrape.map((v) => (sum += v));
  };
  const write = (name: string, lbl: string, values: number[]) => values.forEach((v, s) => lines.push(`${name}{${lbl}} ${v} ${t0 + s * scrapeSeconds}`));

  lines.push("# TYPE vllm:e2e_request_latency_seconds histogram");
  for (const p of pods) {
    const obs = byPod.get(p)!;
    for (const le of buckets) write("vllm:e2e_request_latency_seconds_bucket", labels(p, `,le="${le}"`), cumulative(obs, (o) => (o.seconds <= le ? 1 : 0)));
    write("vllm:e2e_request_latency_seconds_bucket", labels(p, ',le="+Inf"'), cumulative(obs, () => 1));
  }
  for (const p of pods) write("vllm:e2e_request_latency_seconds_count", labels(p), cumulative(byPod.get(p)!, () => 1));
  for (const p of pods) write("vllm:e2e_request_latency_seconds_sum", labels(p), cumulative(byPod.get(p)!, (o) => o.seconds));
  // prometheus-fastapi-instrumentator's counter on the same port, plus the kubelet's probes (not traffic).
  lines.push("# TYPE http_requests counter");
  for (const p of pods) {
    const l = `namespace="${p.namespace}",pod="${p.pod}",method="POST",handler="/v1/chat/completions"`;
    write("http_requests_total", `${l},status="2xx"`, cumulative(byPod.get(p)!, (o) => (o.error ? 0 : 1)));
    write("http_requests_total", `${l},status="5xx"`, cumulative(byPod.get(p)!, (o) => (o.error ? 1 : 0)));
    write("http_requests_total", `namespace="${p.namespace}",pod="${p.pod}",method="GET",handler="/health",status="2xx"`, Array.from({ length: scrapes }, (_, s) => s * 2));
  }
  lines.push("# EOF");
  return lines.join("\n") + "\n";
}

function bucketIndex(x: number): number {
  const i = buckets.findIndex((le) => x <= le);
  return i === -1 ? buckets.length : i;
}

describe("catalog percentiles against the real Prometheus over a promtool backfill", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "aiplat-quantiles-"));
  // mulberry32, seeded: every run draws the same samples.
  const rand = random(20_260_601);
  const observations = draw(rand);
  // Four hours back, out of the way of the head block (protocols.md §5.2); on a minute boundary.
  const t0 = Math.floor(Date.now() / 1000 / 60) * 60 - 8 * 3600;
  const lastScrape = t0 + (scrapes - 1) * scrapeSeconds;
  // Off the scrape grid, so which scrapes a [1h] window holds is unambiguous.
  const at = lastScrape + 7;
  let prom: RunningPrometheus | undefined;
  let source: MetricsSource;
  const target: MetricsTarget = { context: "sandbox", namespace, name: "chat", kind: "Deployment", runtime: "vllm", slo: resolveSlo(undefined, "vllm") };

  beforeAll(async () => {
    const file = path.join(dir, "history.om");
    writeFileSync(file, openMetrics(observations, t0));
    const dataDir = path.join(dir, "tsdb");
    await createBlocksFromOpenMetrics(file, dataDir);
    prom = await startPrometheus({ dataDir, configYaml: `global:\n  scrape_interval: ${scrapeSeconds}s\n` });
    source = createPrometheusSource({ endpoint: { kind: "url", url: prom.url }, auth: { kind: "none" } });
  }, 120_000);
  afterAll(async () => {
    await prom?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Prometheus' own answer, asked directly over HTTP with an expression written here, not by the catalog. */
  async function promql(expr: string, time: number): Promise<number> {
    const r = await fetch(`${prom!.url}/api/v1/query?${new URLSearchParams({ query: expr, time: String(time) }).toString()}`);
    const body = (await r.json()) as { status: string; data: { result: { value: [number, string] }[] } };
    expect(body.status).toBe("success");
    expect(body.data.result).toHaveLength(1);
    return Number(body.data.result[0]!.value[1]);
  }

  function numpyQuantile(samples: number[], q: number): number {
    const file = path.join(dir, `samples-${q}.json`);
    writeFileSync(file, JSON.stringify(samples));
    const out = execFileSync("python3", ["-c", "import json,sys; import numpy as np; print(repr(float(np.quantile(np.array(json.load(open(sys.argv[1]))), float(sys.argv[2])))))", file, String(q)], { encoding: "utf8" });
    return Number(out.trim());
  }

  /** The raw samples a [window] ending at `time` counts: after the window's first scrape, up to its last. */
  function samplesInWindow(windowSeconds: number, time: number): Observation[] {
    const first = Math.ceil((time - windowSeconds - t0) / scrapeSeconds);
    const last = Math.floor((time - t0) / scrapeSeconds);
    return observations.filter((o) => o.pod.ours && o.scrape > first && o.scrape <= last);
  }

  it.each([0.5, 0.95, 0.99])("p%s from the catalog equals histogram_quantile and lies within one bucket of numpy", async (q) => {
    const [query] = promQueries("vllm", "latency", { namespace, podRegex: podNameRegex(target), window: "1h", quantile: q });
    const ours = await source.queryInstant(query!.query, at);
    if (!ours.ok) throw new Error(JSON.stringify(ours.error));
    expect(ours.value).toHaveLength(1);
    const oursMs = ours.value[0]!.value;

    const theirs = await promql(
      `histogram_quantile(${q}, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket{namespace="llm-serving", pod=~"chat-7b4c9d6f8-x2k9p|chat-7b4c9d6f8-q8w7e"}[1h])))`,
      at,
    );
    expect(oursMs).toBeCloseTo(theirs * 1000, 6);

    const raw = samplesInWindow(3600, at).map((o) => o.seconds);
    expect(raw.length).toBeGreaterThan(10_000);
    const numpy = numpyQuantile(raw, q);
    expect(Math.abs(bucketIndex(oursMs / 1000) - bucketIndex(numpy)), `ours ${oursMs} ms, numpy ${numpy * 1000} ms`).toBeLessThanOrEqual(1);
  });

  it("reads the current snapshot and the error ratio the samples hold, probes excluded", async () => {
    const r = await readServiceMetrics(source, target, { now: at });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const inFive = samplesInWindow(300, at);
    const truth = inFive.filter((o) => o.error).length / inFive.length;
    // rate() extrapolates every series of one window by the same factor, so the ratio is exact.
    expect(r.value.errorRatio).toBeCloseTo(truth, 6);
    expect(r.value.p95Ms).toBeCloseTo(1000 * (await promql(`histogram_quantile(0.95, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket{namespace="llm-serving", pod=~"chat-7b4c9d6f8-.*"}[5m])))`, at)), 6);
    const inHour = samplesInWindow(3600, at);
    const hourTruth = inHour.filter((o) => o.error).length / inHour.length;
    expect(r.value.slo.burnRates.find((b) => b.window === "1h")?.rate).toBeCloseTo(hourTruth / (1 - 0.999), 3);
    // ~2 % errors against a 99.9 % objective burns at ~20×: the page fires.
    expect(r.value.slo.status).toBe("fast-burn");
  });

  it("charts p95 over a custom range point for point as Prometheus' own query_range", async () => {
    const view = await loadLatencyView(source, target, { preset: "custom", start: lastScrape - 2 * 3600, end: at }, { now: at, widthPx: 400, markers: [], scrapeIntervalSeconds: scrapeSeconds });
    const latency = view.panels.find((p) => p.id === "latency")!;
    expect(latency.status).toEqual({ kind: "ok" });
    const p95 = latency.series.find((s) => s.name === "p95")!;
    // 2 h over 400 px: 18 s → 30 s, and at a 15 s scrape $__rate_interval max(30 + 15, 60) = 60 s.
    expect(view.range.step).toBe(30);
    expect(latency.queries.some((q) => q.includes("[1m]"))).toBe(true);
    const direct = await fetch(
      `${prom!.url}/api/v1/query_range?${new URLSearchParams({
        query: `histogram_quantile(0.95, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket{namespace="llm-serving", pod=~"chat-7b4c9d6f8-x2k9p|chat-7b4c9d6f8-q8w7e"}[60s]))) * 1000`,
        start: String(view.range.start),
        end: String(view.range.end),
        step: String(view.range.step),
      }).toString()}`,
    ).then((r) => r.json() as Promise<{ data: { result: { values: [number, string][] }[] } }>);
    const values = direct.data.result[0]!.values;
    expect(Array.from(p95.timestamps)).toEqual(values.map(([t]) => t));
    p95.values.forEach((v, i) => expect(v).toBeCloseTo(Number(values[i]![1]), 6));
    expect(view.panels.find((p) => p.id === "errors")?.status).toEqual({ kind: "ok" });
    expect(view.panels.find((p) => p.id === "gpu")?.status.kind).toBe("empty");
  });

  it("every catalog template parses, in promtool check rules and in the server", async () => {
    const rules: string[] = [];
    const exprs: string[] = [];
    for (const runtime of Object.keys(queryCatalog) as RuntimeId[]) {
      for (const metric of Object.keys(queryCatalog[runtime].queries) as CatalogMetric[]) {
        promQueries(runtime, metric, { namespace, podRegex: podNameRegex({ kind: "InferenceService", name: "a.b" }), window: "5m", quantile: 0.95 }).forEach((q, i) => {
          exprs.push(q.query.expr);
          rules.push(`      - record: aiplat:${runtime}_${metric}_${i}\n        expr: ${JSON.stringify(q.query.expr)}`);
        });
      }
    }
    const file = path.join(dir, "catalog.rules.yml");
    writeFileSync(file, `groups:\n  - name: catalog\n    rules:\n${rules.join("\n")}\n`);
    const { promtool } = ensurePrometheusInstalled(() => {});
    const out = execFileSync(promtool, ["check", "rules", file], { encoding: "utf8" });
    expect(out).toContain(`SUCCESS: ${rules.length} rules found`);
    for (const expr of exprs) {
      const r = await source.queryInstant({ kind: "promql", expr }, at);
      expect(r.ok, `${expr}: ${JSON.stringify(r.ok ? "" : r.error)}`).toBe(true);
    }
  });
});
