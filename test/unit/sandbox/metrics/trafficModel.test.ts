/**
 * The traffic model: runtimes by image, determinism, the daily cycle, and the demo's incident as a
 * Prometheus user would measure it (histogram_quantile over a day of bucket increases before and
 * after vllm-llama3-70b's revision 2; the 5xx share of http_requests_total).
 */
import { describe, expect, test } from "vitest";
import { type SeriesValue, processCounters } from "../../../../sandbox/metrics/runtimeMetricsCounters";
import { historicalPods } from "../../../../sandbox/metrics/runtimeMetricsTarget";
import { hashKey, latencyFactorAnnotation, loadAt, minuteTraffic, revisionTraits, runtimeOfImage, serviceProfile } from "../../../../sandbox/metrics/trafficModel";
import { demoNow, demoStore } from "./demoStore";

const day = 86_400_000;

describe("runtimeOfImage", () => {
  test.each([
    ["vllm/vllm-openai:v0.6.3", "vllm"],
    ["docker.io/vllm/vllm-openai@sha256:4f0f7f6c3a", "vllm"],
    ["nvcr.io/nvidia/tritonserver:24.08-py3", "triton"],
    ["kserve/sklearnserver:v0.14.0", "kserve"],
    ["docker.io/kserve/xgbserver:v0.14.0", "kserve"],
    ["aiplatform.azurecr.io/sentiment-fastapi-onnx:2.1.0", undefined],
    ["python:3.12", undefined],
  ])("%s → %s", (image, runtime) => {
    expect(runtimeOfImage(image)).toBe(runtime);
  });
});

describe("the model", () => {
  const profile = serviceProfile("fastapi", "onnx-api/sentiment", 1);
  const pod = { profile, traits: { latencyFactor: 1 }, serviceKey: hashKey("onnx-api/sentiment"), podKey: hashKey("onnx-api/sentiment-abc"), replicas: 2, seed: 1 };

  test("the same minute always gives the same traffic; another seed another", () => {
    const minute = Math.floor(demoNow / 60_000);
    expect(minuteTraffic(pod, minute)).toEqual(minuteTraffic(pod, minute));
    expect(minuteTraffic({ ...pod, seed: 2 }, minute)).not.toEqual(minuteTraffic(pod, minute));
  });

  test("load peaks in the afternoon (UTC) and is lowest at night", () => {
    const midnight = Math.floor(Date.UTC(2026, 10, 30) / 60_000);
    const mean = (hour: number): number => {
      let sum = 0;
      for (let m = 0; m < 60; m++) sum += loadAt(profile, pod.serviceKey, 1, midnight + hour * 60 + m);
      return sum / 60;
    };
    expect(mean(15)).toBeGreaterThan(1.3);
    expect(mean(3)).toBeLessThan(0.7);
  });
});

/** Prometheus' histogram_quantile: the bucket holding the rank, linear inside it (promql/quantile.go). */
function histogramQuantile(q: number, buckets: { le: number; count: number }[]): number {
  const total = buckets[buckets.length - 1]?.count ?? 0;
  const rank = q * total;
  let i = buckets.findIndex((b) => b.count >= rank);
  if (i === buckets.length - 1) return buckets[buckets.length - 2]?.le ?? NaN;
  i = Math.max(0, i);
  const lower = i === 0 ? 0 : (buckets[i - 1]?.le ?? 0);
  const below = i === 0 ? 0 : (buckets[i - 1]?.count ?? 0);
  const b = buckets[i];
  if (!b) return NaN;
  return lower + ((b.le - lower) * (rank - below)) / (b.count - below);
}

/** sum by (le) (increase(<family>_bucket[from, to])) and the HTTP status counts, over every pod of a service. */
const store = demoStore();

async function serviceWindow(service: string, family: string, from: number, to: number): Promise<{ p95: number; errorRatio: number }> {
  const buckets = new Map<number, number>();
  const status = new Map<string, number>();
  for (const { target, starts, end } of historicalPods(await store, from, to)) {
    if (target.serviceKey !== service) continue;
    const start = starts[0] ?? 0;
    if (start > from || end < to) continue; // pods that served the whole window
    // Increases within the window do not depend on how long before it the process started.
    const counters = processCounters(target, 1, Math.max(start, from - 3_600_000), (def) => def.family.name === family || def.family.name === "http_requests_total");
    const at = (t: number): SeriesValue[] => counters.valuesAt(t);
    const [before, after] = [at(from), at(to)];
    after.forEach((v, i) => {
      const w = before[i];
      if (v.def.family.name === family) {
        (v.def.family.buckets ?? []).forEach((le, b) => buckets.set(le, (buckets.get(le) ?? 0) + (v.buckets?.[b] ?? 0) - (w?.buckets?.[b] ?? 0)));
        buckets.set(Infinity, (buckets.get(Infinity) ?? 0) + (v.count ?? 0) - (w?.count ?? 0));
      }
      if (v.def.family.name === "http_requests_total") {
        const s = v.def.labels.status ?? "";
        status.set(s, (status.get(s) ?? 0) + v.value - (w?.value ?? 0));
      }
    });
  }
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([le, count]) => ({ le, count }));
  expect(sorted.length).toBeGreaterThan(5);
  const ok = status.get("2xx") ?? 0;
  const failed = status.get("5xx") ?? 0;
  return { p95: histogramQuantile(0.95, sorted), errorRatio: failed / (ok + failed) };
}

describe("the demo's incident: vllm-llama3-70b revision 2, deployed two days ago", () => {
  test("p95 end-to-end latency roughly doubles and 5xx rise from ~0.2% to ~3%", async () => {
    // The same hours of the day, the day before the deploy and the last day.
    const before = await serviceWindow("llm-serving/vllm-llama3-70b", "vllm:e2e_request_latency_seconds", demoNow - 3 * day, demoNow - 2 * day - 3_600_000);
    const after = await serviceWindow("llm-serving/vllm-llama3-70b", "vllm:e2e_request_latency_seconds", demoNow - day, demoNow - 3_600_000);
    expect(before.p95).toBeGreaterThan(1);
    expect(before.p95).toBeLessThan(2); // within the LLM SLO (p95 < 2 s) before
    expect(after.p95).toBeGreaterThan(2); // breaching it after
    expect(after.p95 / before.p95).toBeGreaterThan(1.7);
    // The model doubles every latency; vLLM's 2.5-5 s bucket makes the interpolated p95 read a little higher.
    expect(after.p95 / before.p95).toBeLessThan(2.8);
    expect(before.errorRatio).toBeGreaterThan(0.001);
    expect(before.errorRatio).toBeLessThan(0.004);
    expect(after.errorRatio).toBeGreaterThan(0.02);
    expect(after.errorRatio).toBeLessThan(0.045);
  });

  test("time to first token moves with it", async () => {
    const before = await serviceWindow("llm-serving/vllm-llama3-70b", "vllm:time_to_first_token_seconds", demoNow - 3 * day, demoNow - 2 * day - 3_600_000);
    const after = await serviceWindow("llm-serving/vllm-llama3-70b", "vllm:time_to_first_token_seconds", demoNow - day, demoNow - 3_600_000);
    expect(before.p95).toBeGreaterThan(0.1);
    expect(before.p95).toBeLessThan(0.6);
    expect(after.p95 / before.p95).toBeGreaterThan(1.5);
  });

  test("a service without a bad revision keeps its latency", async () => {
    const a = await serviceWindow("onnx-api/fastapi-onnx-sentiment", "http_request_duration_highr_seconds", demoNow - 3 * day, demoNow - 2 * day - 3_600_000);
    const b = await serviceWindow("onnx-api/fastapi-onnx-sentiment", "http_request_duration_highr_seconds", demoNow - day, demoNow - 3_600_000);
    expect(b.p95 / a.p95).toBeGreaterThan(0.85);
    expect(b.p95 / a.p95).toBeLessThan(1.15);
    // Tens of milliseconds.
    expect(a.p95).toBeGreaterThan(0.03);
    expect(a.p95).toBeLessThan(0.15);
  });
});

describe("demo builds' traits by image (a manifest deploy picks a good or a bad canary by its tag)", () => {
  test("the table's builds, whatever the registry; a template's annotations still win; other images are plain", () => {
    expect(revisionTraits({}, ["registry.example/ml/reranker-onnx:1.4.0-rc1"])).toEqual({ latencyFactor: 2.5 });
    expect(revisionTraits({}, ["aiplatform.azurecr.io/reranker-onnx:1.4.0-rc2"])).toEqual({ latencyFactor: 1, errorRatio: 0.05 });
    expect(revisionTraits({}, ["reranker-onnx:1.3.1"])).toEqual({ latencyFactor: 1 });
    expect(revisionTraits({ [latencyFactorAnnotation]: "2" }, ["registry.example/ml/reranker-onnx:1.4.0-rc1"])).toEqual({ latencyFactor: 2 });
    expect(revisionTraits({}, ["aiplatform.azurecr.io/reranker-onnx-cuda:0.9.2"])).toEqual({ latencyFactor: 1 });
    expect(revisionTraits({}, ["registry.example/ml/reranker-onnx:1.4.0-rc10"])).toEqual({ latencyFactor: 1 });
  });
});
