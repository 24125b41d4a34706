/**
 * The sandbox's exporters serve each runtime's real metric names, labels and buckets (bucket lists
 * typed here from the servers' sources), histograms that are cumulative, and 404 for targets a real
 * Prometheus would find down.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { SandboxExporters } from "../../../../sandbox/metrics/exporters";
import { type ObjectStore } from "../../../../sandbox/objectStore";
import { findResource, type ResourceType } from "../../../../sandbox/resourceTypes";
import { type Sample, demoNow, demoStore, parseExposition } from "./demoStore";

let exporters: SandboxExporters | undefined;
let store: ObjectStore;
let clock = demoNow;
const podsType = findResource("", "v1", "pods") as ResourceType;
const isvcType = findResource("serving.kserve.io", "v1beta1", "inferenceservices") as ResourceType;

beforeAll(async () => {
  store = await demoStore();
  exporters = await SandboxExporters.start(store, { now: () => clock });
});
afterAll(async () => {
  await exporters?.stop();
});

async function scrape(path: string): Promise<{ status: number; contentType: string | null; text: string }> {
  if (!exporters) throw new Error("exporters not started");
  const res = await fetch(`${exporters.url}${path}`);
  return { status: res.status, contentType: res.headers.get("content-type"), text: await res.text() };
}

async function metrics(path: string): Promise<ReturnType<typeof parseExposition>> {
  const res = await scrape(path);
  expect(res.status).toBe(200);
  expect(res.contentType).toBe("text/plain; version=0.0.4; charset=utf-8");
  return parseExposition(res.text);
}

const les = (samples: Sample[], name: string, match: Record<string, string> = {}): string[] =>
  samples.filter((s) => s.name === `${name}_bucket` && Object.entries(match).every(([k, v]) => s.labels[k] === v)).map((s) => s.labels.le ?? "");

/** Every histogram series: buckets non-decreasing in le, and +Inf equal to _count. */
function expectCumulative(samples: Sample[], types: Map<string, string>): number {
  let checked = 0;
  for (const [family, type] of types) {
    if (type !== "histogram") continue;
    const groups = new Map<string, Sample[]>();
    for (const s of samples.filter((x) => x.name === `${family}_bucket`)) {
      const { le: _le, ...rest } = s.labels;
      const key = JSON.stringify(rest);
      groups.set(key, [...(groups.get(key) ?? []), s]);
    }
    for (const [key, buckets] of groups) {
      const values = buckets.map((b) => b.value);
      expect(values, `${family} ${key}`).toEqual([...values].sort((a, b) => a - b));
      expect(buckets[buckets.length - 1]?.labels.le).toBe("+Inf");
      const count = samples.find((s) => s.name === `${family}_count` && JSON.stringify(s.labels) === key);
      expect(count?.value).toBe(values[values.length - 1]);
      checked++;
    }
  }
  return checked;
}

describe("model-server pods", () => {
  test("vLLM: vllm:* with model_name and engine, vLLM's own buckets, HTTP status classes from the instrumentator", async () => {
    const { types, samples } = await metrics("/pods/llm-serving/vllm-llama3-70b-6d9f7c8b5-4xk2p/metrics");
    expect(types.get("vllm:e2e_request_latency_seconds")).toBe("histogram");
    expect(types.get("vllm:time_to_first_token_seconds")).toBe("histogram");
    expect(types.get("vllm:inter_token_latency_seconds")).toBe("histogram");
    expect(types.get("vllm:request_success_total")).toBe("counter");
    expect(types.get("vllm:num_requests_running")).toBe("gauge");
    expect(types.get("vllm:kv_cache_usage_perc")).toBe("gauge");
    const model = { model_name: "meta-llama/Meta-Llama-3-70B-Instruct", engine: "0" };
    // vllm/v1/metrics/loggers.py request_latency_buckets and the TTFT list.
    expect(les(samples, "vllm:e2e_request_latency_seconds", model)).toEqual(["0.3", "0.5", "0.8", "1", "1.5", "2", "2.5", "5", "10", "15", "20", "30", "40", "50", "60", "120", "240", "480", "960", "1920", "7680", "+Inf"]);
    expect(les(samples, "vllm:time_to_first_token_seconds", model)).toEqual(["0.001", "0.005", "0.01", "0.02", "0.04", "0.06", "0.08", "0.1", "0.25", "0.5", "0.75", "1", "2.5", "5", "7.5", "10", "20", "40", "80", "160", "640", "2560", "+Inf"]);
    expect(les(samples, "vllm:inter_token_latency_seconds", model)).toEqual(["0.01", "0.025", "0.05", "0.075", "0.1", "0.15", "0.2", "0.3", "0.4", "0.5", "0.75", "1", "2.5", "5", "7.5", "10", "20", "40", "80", "+Inf"]);
    expect(samples.filter((s) => s.name === "vllm:request_success_total").map((s) => s.labels.finished_reason).sort()).toEqual(["abort", "length", "stop"]);
    const http = samples.filter((s) => s.name === "http_requests_total");
    expect(http.map((s) => s.labels)).toEqual([
      { handler: "/v1/chat/completions", method: "POST", status: "2xx" },
      { handler: "/v1/chat/completions", method: "POST", status: "5xx" },
    ]);
    expect(les(samples, "http_request_duration_seconds")).toEqual(["0.1", "0.5", "1", "+Inf"]);
    expect(les(samples, "http_request_duration_highr_seconds")).toEqual(["0.01", "0.025", "0.05", "0.075", "0.1", "0.25", "0.5", "0.75", "1", "1.5", "2", "2.5", "3", "3.5", "4", "4.5", "5", "7.5", "10", "30", "60", "+Inf"]);
    expect(expectCumulative(samples, types)).toBe(5);
    // Revision 2 is the incident: around 3% of requests end in a 5xx.
    const [ok, failed] = http.map((s) => s.value);
    expect((failed ?? 0) / ((ok ?? 0) + (failed ?? 0))).toBeGreaterThan(0.02);
  });

  test("Triton: nv_inference_* counters without _total, labels model and version, failure reasons, summary quantiles in µs", async () => {
    const { types, samples } = await metrics("/pods/triton/resnet50-mig-6f8d9c7b5-2lq8c/metrics");
    for (const name of ["nv_inference_request_success", "nv_inference_request_failure", "nv_inference_count", "nv_inference_exec_count", "nv_inference_request_duration_us", "nv_inference_queue_duration_us"]) {
      expect(types.get(name), name).toBe("counter");
    }
    expect(types.get("nv_inference_pending_request_count")).toBe("gauge");
    expect(types.get("nv_inference_request_summary_us")).toBe("summary");
    expect(samples.find((s) => s.name === "nv_inference_request_success")?.labels).toEqual({ model: "resnet50", version: "1" });
    expect(samples.filter((s) => s.name === "nv_inference_request_failure").map((s) => s.labels.reason)).toEqual(["REJECTED", "CANCELED", "BACKEND", "OTHER"]);
    const quantiles = samples.filter((s) => s.name === "nv_inference_request_summary_us");
    expect(quantiles.map((s) => s.labels.quantile)).toEqual(["0.5", "0.9", "0.95", "0.99", "0.999"]);
    expect(quantiles.map((s) => s.value)).toEqual([...quantiles.map((s) => s.value)].sort((a, b) => a - b));
    // Tens of milliseconds, in microseconds.
    const p50 = quantiles[0]?.value ?? 0;
    expect(p50).toBeGreaterThan(5_000);
    expect(p50).toBeLessThan(80_000);
    const mean = (samples.find((s) => s.name === "nv_inference_request_duration_us")?.value ?? 0) / (samples.find((s) => s.name === "nv_inference_request_summary_us_count")?.value ?? 1);
    expect(mean).toBeGreaterThan(5_000);
    expect(mean).toBeLessThan(80_000);
  });

  test("KServe (RawDeployment): request_*_seconds with prometheus_client's default buckets, and no status counter", async () => {
    const { types, samples } = await metrics("/pods/kserve-models/sklearn-iris-predictor-6b8f9d7c4b-kq5fz/metrics");
    expect([...types.keys()]).toEqual(["request_preprocess_seconds", "request_predict_seconds", "request_postprocess_seconds", "request_explain_seconds"]);
    expect(les(samples, "request_predict_seconds", { model_name: "sklearn-iris" })).toEqual(["0.005", "0.01", "0.025", "0.05", "0.075", "0.1", "0.25", "0.5", "0.75", "1", "2.5", "5", "7.5", "10", "+Inf"]);
    // No explain requests: the family is declared but has no series, as prometheus_client shows a labelled metric never used.
    expect(samples.some((s) => s.name.startsWith("request_explain_seconds"))).toBe(false);
    expect(expectCumulative(samples, types)).toBe(3);
    // sklearn predictions take ~10-30 ms: the mean is in that range.
    const mean = (samples.find((s) => s.name === "request_predict_seconds_sum")?.value ?? 0) / (samples.find((s) => s.name === "request_predict_seconds_count")?.value ?? 1);
    expect(mean).toBeGreaterThan(0.008);
    expect(mean).toBeLessThan(0.03);
  });

  test("FastAPI: the instrumentator's three metrics, with the readiness probe's handler", async () => {
    const { types, samples } = await metrics("/pods/onnx-api/fastapi-onnx-sentiment-58c7d9f6b4-7dqxn/metrics");
    expect([...types.entries()]).toEqual([
      ["http_requests_total", "counter"],
      ["http_request_duration_seconds", "histogram"],
      ["http_request_duration_highr_seconds", "histogram"],
    ]);
    expect(samples.filter((s) => s.name === "http_requests_total").map((s) => `${s.labels.method} ${s.labels.handler} ${s.labels.status}`)).toEqual([
      "POST /predict 2xx",
      "POST /predict 5xx",
      "GET /healthz 2xx",
    ]);
    expect(samples.filter((s) => s.name === "http_request_duration_highr_seconds_bucket").every((s) => Object.keys(s.labels).join() === "le")).toBe(true);
    expect(expectCumulative(samples, types)).toBe(3);
  });

  test("a later scrape never shows a counter or bucket lower than an earlier one", async () => {
    const path = "/pods/onnx-api/reranker-onnx-6d5c8b9f7-w9tbk/metrics";
    let previous = new Map<string, number>();
    for (const offset of [0, 7_000, 15_000, 61_000, 300_000]) {
      clock = demoNow + offset;
      const { types, samples } = await metrics(path);
      const current = new Map<string, number>();
      for (const s of samples) {
        const family = s.name.replace(/_(bucket|sum|count)$/, "");
        if (types.get(family) === "gauge" || types.get(s.name) === "gauge") continue;
        current.set(`${s.name}${JSON.stringify(s.labels)}`, s.value);
      }
      for (const [key, value] of previous) expect(current.get(key) ?? -1, key).toBeGreaterThanOrEqual(value);
      previous = current;
    }
    clock = demoNow;
    expect(previous.size).toBeGreaterThan(10);
  });

  test("pods come and go with the store: a new serving pod is scraped at once, a deleted one is gone", async () => {
    const template = store.get(podsType, "onnx-api", "fastapi-onnx-sentiment-58c7d9f6b4-7dqxn");
    if (!template) throw new Error("demo pod missing");
    const name = "fastapi-onnx-sentiment-58c7d9f6b4-zz9xq";
    const started = new Date(demoNow - 120_000).toISOString();
    const status = template.status as { containerStatuses: object[] };
    store.put(podsType, { ...template, metadata: { ...template.metadata, name, uid: "new-pod", creationTimestamp: started }, status: { ...status, startTime: started, containerStatuses: [{ ...status.containerStatuses[0], state: { running: { startedAt: started } } }] } });
    const { samples } = await metrics(`/pods/onnx-api/${name}/metrics`);
    // Two minutes old: about two minutes of its share of the traffic.
    const total = samples.filter((s) => s.name === "http_requests_total" && s.labels.handler === "/predict").reduce((sum, s) => sum + s.value, 0);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(120 * 100);
    store.remove(podsType, "onnx-api", name);
    expect((await scrape(`/pods/onnx-api/${name}/metrics`)).status).toBe(404);
  });

  test("KServe in Knative mode adds the queue-proxy's revision_request_count and revision_request_latencies (ms)", async () => {
    const isvc = store.get(isvcType, "kserve-models", "sklearn-iris");
    if (!isvc) throw new Error("demo InferenceService missing");
    store.put(isvcType, { ...isvc, metadata: { ...isvc.metadata, annotations: { ...isvc.metadata.annotations, "serving.kserve.io/deploymentMode": "Knative" } } });
    try {
      const { types, samples } = await metrics("/pods/kserve-models/sklearn-iris-predictor-6b8f9d7c4b-kq5fz/metrics");
      expect(types.get("revision_request_count")).toBe("counter");
      expect(types.get("revision_request_latencies")).toBe("histogram");
      const counts = samples.filter((s) => s.name === "revision_request_count");
      expect(counts.map((s) => `${s.labels.response_code} ${s.labels.response_code_class}`)).toEqual(["200 2xx", "500 5xx"]);
      expect(counts[0]?.labels).toMatchObject({ namespace_name: "kserve-models", revision_name: "sklearn-iris-predictor-00001", service_name: "sklearn-iris-predictor", configuration_name: "sklearn-iris-predictor", container_name: "queue-proxy", pod_name: "sklearn-iris-predictor-6b8f9d7c4b-kq5fz" });
      expect(les(samples, "revision_request_latencies", { response_code_class: "2xx" })).toEqual(["5", "10", "20", "40", "60", "80", "100", "150", "200", "250", "300", "350", "400", "450", "500", "600", "700", "800", "900", "1000", "2000", "5000", "10000", "20000", "50000", "100000", "+Inf"]);
      // Milliseconds: the mean request is tens of them.
      const sum = samples.find((s) => s.name === "revision_request_latencies_sum" && s.labels.response_code_class === "2xx")?.value ?? 0;
      const count = samples.find((s) => s.name === "revision_request_latencies_count" && s.labels.response_code_class === "2xx")?.value ?? 1;
      expect(sum / count).toBeGreaterThan(8);
      expect(sum / count).toBeLessThan(40);
    } finally {
      store.put(isvcType, isvc);
    }
  });

  test.each([
    ["a Pending pod (no GPU for it)", "/pods/llm-serving/vllm-mixtral-8x7b-5f7d8c9b6-x2k9p/metrics"],
    ["a crash-looping pod", "/pods/kserve-models/fraud-xgboost-predictor-7c9d8b6f5-p9wzl/metrics"],
    ["a pod that does not exist", "/pods/llm-serving/nope/metrics"],
    ["a CPU node (no dcgm-exporter)", "/nodes/aks-cpupool-90817263-vmss000000/metrics"],
    ["a NotReady GPU node", "/nodes/aks-t4pool-38472910-vmss000002/metrics"],
    ["an unknown path", "/metrics"],
  ])("%s answers 404", async (_what, path) => {
    expect((await scrape(path)).status).toBe(404);
  });
});

describe("dcgm-exporter on GPU nodes", () => {
  test("an A100 node: eight GPUs with dcgm-exporter's labels, mapped to the vLLM pod that holds them", async () => {
    const { types, samples } = await metrics("/nodes/aks-a100pool-21837465-vmss000000/metrics");
    for (const name of ["DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_FREE", "DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_PROF_GR_ENGINE_ACTIVE"]) {
      expect(types.get(name), name).toBe("gauge");
    }
    const util = samples.filter((s) => s.name === "DCGM_FI_DEV_GPU_UTIL");
    expect(util.map((s) => s.labels.gpu)).toEqual(["0", "1", "2", "3", "4", "5", "6", "7"]);
    for (const s of util) {
      expect(Object.keys(s.labels).sort()).toEqual(["DCGM_FI_DRIVER_VERSION", "Hostname", "UUID", "container", "device", "gpu", "modelName", "namespace", "pci_bus_id", "pod"]);
      expect(s.labels).toMatchObject({ modelName: "NVIDIA A100-SXM4-80GB", Hostname: "aks-a100pool-21837465-vmss000000", pod: "vllm-llama3-70b-6d9f7c8b5-4xk2p", namespace: "llm-serving", container: "vllm", device: `nvidia${s.labels.gpu}` });
      expect(s.labels.UUID).toMatch(/^GPU-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(s.value).toBeGreaterThan(0);
      expect(s.value).toBeLessThanOrEqual(100);
    }
    expect(new Set(util.map((s) => s.labels.UUID)).size).toBe(8);
    // MiB: vLLM holds most of the 80 GB.
    const used = samples.filter((s) => s.name === "DCGM_FI_DEV_FB_USED").map((s) => s.value);
    const free = samples.filter((s) => s.name === "DCGM_FI_DEV_FB_FREE").map((s) => s.value);
    used.forEach((u, i) => expect(u + (free[i] ?? 0)).toBe(81920));
    expect(used[0]).toBeGreaterThan(60_000);
  });

  test("a MIG node: one series per GPU instance with GPU_I_PROFILE and GPU_I_ID; idle instances carry no pod", async () => {
    const { types, samples } = await metrics("/nodes/aks-migpool-55102938-vmss000000/metrics");
    expect(types.has("DCGM_FI_PROF_GR_ENGINE_ACTIVE")).toBe(true);
    expect(samples.some((s) => s.name === "DCGM_FI_DEV_GPU_UTIL")).toBe(false);
    const active = samples.filter((s) => s.name === "DCGM_FI_PROF_GR_ENGINE_ACTIVE");
    expect(active.map((s) => s.labels.GPU_I_ID)).toEqual(["7", "8", "9", "10", "11", "12", "13"]);
    expect(active.every((s) => s.labels.GPU_I_PROFILE === "1g.10gb")).toBe(true);
    expect(active.filter((s) => s.labels.pod).map((s) => s.labels.pod)).toEqual(["resnet50-mig-6f8d9c7b5-2lq8c", "resnet50-mig-6f8d9c7b5-v7n5s"]);
    expect(active.filter((s) => !s.labels.pod).every((s) => s.value === 0)).toBe(true);
  });
});
