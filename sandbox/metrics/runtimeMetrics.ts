/**
 * What each model server exports, with the names, labels, buckets and units of the real servers:
 * vLLM (vllm/v1/metrics/loggers.py, plus the OpenAI server's prometheus-fastapi-instrumentator),
 * Triton (docs/user_guide/metrics.md, summaries as with --metrics-config summary_latencies=true),
 * the KServe Python model server (kserve/metrics.py; in Knative mode also the queue-proxy's
 * revision_* metrics) and FastAPI apps with prometheus-fastapi-instrumentator's defaults.
 * Each series is defined by how one minute of traffic moves it, so the live exporter and the
 * backfill produce the same numbers.
 */
import { type LogParams, type MinuteTraffic, type RuntimeId } from "./trafficModel";
import { type ModelServerTarget } from "./runtimeMetricsTarget";

export type Labels = Record<string, string>;
export type FamilyType = "counter" | "gauge" | "histogram" | "summary";

export interface FamilyDef {
  /** The name as the server's exposition shows it (counters from Python clients end in _total). */
  name: string;
  type: FamilyType;
  help: string;
  labelNames: readonly string[];
  buckets?: readonly number[];
  quantiles?: readonly number[];
}

/** n observations of a lognormal latency (in seconds), exported in `unit`s per second (1, 1e3 ms, 1e6 µs). */
export interface Observations {
  n: number;
  p: LogParams;
  unit: number;
}

export type SeriesDef =
  | { kind: "counter"; family: FamilyDef; labels: Labels; inc: (m: MinuteTraffic) => number }
  | { kind: "gauge"; family: FamilyDef; labels: Labels; value: (m: MinuteTraffic) => number }
  | { kind: "histogram"; family: FamilyDef; labels: Labels; obs: (m: MinuteTraffic) => Observations }
  | { kind: "summary"; family: FamilyDef; labels: Labels; obs: (m: MinuteTraffic) => Observations };

// ---------------------------------------------------------------- bucket lists, verbatim from the servers

/** vllm/v1/metrics/loggers.py request_latency_buckets (e2e, queue, prefill, decode, inference). */
export const vllmRequestLatencyBuckets = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0] as const;
export const vllmTtftBuckets = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0] as const;
/** Shared by vllm:inter_token_latency_seconds and the deprecated vllm:time_per_output_token_seconds. */
export const vllmInterTokenBuckets = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0] as const;
/** prometheus_client.Histogram.DEFAULT_BUCKETS, which KServe's histograms use. */
export const prometheusClientDefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0] as const;
/** prometheus-fastapi-instrumentator metrics.default(): latency_lowr_buckets and latency_highr_buckets. */
export const instrumentatorLowrBuckets = [0.1, 0.5, 1] as const;
export const instrumentatorHighrBuckets = [0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 7.5, 10, 30, 60] as const;
/** Knative serving's defaultLatencyDistribution for revision_request_latencies, in milliseconds. */
export const knativeLatencyBucketsMs = [5, 10, 20, 40, 60, 80, 100, 150, 200, 250, 300, 350, 400, 450, 500, 600, 700, 800, 900, 1000, 2000, 5000, 10000, 20000, 50000, 100000] as const;
export const tritonSummaryQuantiles = [0.5, 0.9, 0.95, 0.99, 0.999] as const;

// ---------------------------------------------------------------- families

const vllmLabels = ["model_name", "engine"] as const;
const f = {
  vllmRunning: { name: "vllm:num_requests_running", type: "gauge", help: "Number of requests in model execution batches.", labelNames: vllmLabels },
  vllmWaiting: { name: "vllm:num_requests_waiting", type: "gauge", help: "Number of requests waiting to be processed.", labelNames: vllmLabels },
  vllmKvCache: { name: "vllm:kv_cache_usage_perc", type: "gauge", help: "KV-cache usage. 1 means 100 percent usage.", labelNames: vllmLabels },
  vllmPromptTokens: { name: "vllm:prompt_tokens_total", type: "counter", help: "Number of prefill tokens processed.", labelNames: vllmLabels },
  vllmGenerationTokens: { name: "vllm:generation_tokens_total", type: "counter", help: "Number of generation tokens processed.", labelNames: vllmLabels },
  vllmSuccess: { name: "vllm:request_success_total", type: "counter", help: "Count of successfully processed requests.", labelNames: [...vllmLabels, "finished_reason"] },
  vllmE2e: { name: "vllm:e2e_request_latency_seconds", type: "histogram", help: "Histogram of e2e request latency in seconds.", labelNames: vllmLabels, buckets: vllmRequestLatencyBuckets },
  vllmTtft: { name: "vllm:time_to_first_token_seconds", type: "histogram", help: "Histogram of time to first token in seconds.", labelNames: vllmLabels, buckets: vllmTtftBuckets },
  vllmItl: { name: "vllm:inter_token_latency_seconds", type: "histogram", help: "Histogram of inter-token latency in seconds.", labelNames: vllmLabels, buckets: vllmInterTokenBuckets },
  httpRequests: { name: "http_requests_total", type: "counter", help: "Total number of requests by method, status and handler.", labelNames: ["handler", "method", "status"] },
  httpDuration: { name: "http_request_duration_seconds", type: "histogram", help: "Latency with only few buckets by handler. Made to be only used if aggregation by handler is important.", labelNames: ["handler", "method"], buckets: instrumentatorLowrBuckets },
  httpDurationHighr: { name: "http_request_duration_highr_seconds", type: "histogram", help: "Latency with many buckets but no API specific labels. Made for more accurate percentile calculations.", labelNames: [], buckets: instrumentatorHighrBuckets },
  tritonSuccess: { name: "nv_inference_request_success", type: "counter", help: "Number of successful inference requests, all batch sizes", labelNames: ["model", "version"] },
  tritonFailure: { name: "nv_inference_request_failure", type: "counter", help: "Number of failed inference requests, all batch sizes", labelNames: ["model", "reason", "version"] },
  tritonCount: { name: "nv_inference_count", type: "counter", help: "Number of inferences performed (does not include cached requests)", labelNames: ["model", "version"] },
  tritonExecCount: { name: "nv_inference_exec_count", type: "counter", help: "Number of model executions performed (does not include cached requests)", labelNames: ["model", "version"] },
  tritonPending: { name: "nv_inference_pending_request_count", type: "gauge", help: "Instantaneous number of pending requests awaiting execution per-model.", labelNames: ["model", "version"] },
  tritonRequestDuration: { name: "nv_inference_request_duration_us", type: "counter", help: "Cumulative inference request duration in microseconds (includes cached requests)", labelNames: ["model", "version"] },
  tritonQueueDuration: { name: "nv_inference_queue_duration_us", type: "counter", help: "Cumulative inference queuing duration in microseconds (includes cached requests)", labelNames: ["model", "version"] },
  tritonInputDuration: { name: "nv_inference_compute_input_duration_us", type: "counter", help: "Cumulative compute input duration in microseconds (does not include cached requests)", labelNames: ["model", "version"] },
  tritonInferDuration: { name: "nv_inference_compute_infer_duration_us", type: "counter", help: "Cumulative compute inference duration in microseconds (does not include cached requests)", labelNames: ["model", "version"] },
  tritonOutputDuration: { name: "nv_inference_compute_output_duration_us", type: "counter", help: "Cumulative inference compute output duration in microseconds (does not include cached requests)", labelNames: ["model", "version"] },
  tritonRequestSummary: { name: "nv_inference_request_summary_us", type: "summary", help: "Summary of inference request duration in microseconds (includes cached requests)", labelNames: ["model", "version"], quantiles: tritonSummaryQuantiles },
  tritonQueueSummary: { name: "nv_inference_queue_summary_us", type: "summary", help: "Summary of inference queuing duration in microseconds (includes cached requests)", labelNames: ["model", "version"], quantiles: tritonSummaryQuantiles },
  kservePreprocess: { name: "request_preprocess_seconds", type: "histogram", help: "pre-process request latency", labelNames: ["model_name"], buckets: prometheusClientDefaultBuckets },
  kservePredict: { name: "request_predict_seconds", type: "histogram", help: "predict request latency", labelNames: ["model_name"], buckets: prometheusClientDefaultBuckets },
  kservePostprocess: { name: "request_postprocess_seconds", type: "histogram", help: "post-process request latency", labelNames: ["model_name"], buckets: prometheusClientDefaultBuckets },
  kserveExplain: { name: "request_explain_seconds", type: "histogram", help: "explain request latency", labelNames: ["model_name"], buckets: prometheusClientDefaultBuckets },
  knativeRequestCount: {
    name: "revision_request_count", type: "counter", help: "The number of requests that are routed to queue-proxy",
    labelNames: ["configuration_name", "container_name", "namespace_name", "pod_name", "response_code", "response_code_class", "revision_name", "service_name"],
  },
  knativeRequestLatencies: {
    name: "revision_request_latencies", type: "histogram", help: "The response time in millisecond",
    labelNames: ["configuration_name", "container_name", "namespace_name", "pod_name", "response_code", "response_code_class", "revision_name", "service_name"],
    buckets: knativeLatencyBucketsMs,
  },
} satisfies Record<string, FamilyDef>;

/** Every family a runtime's /metrics declares, including those with no samples yet (as the servers do). */
export function runtimeFamilies(runtime: RuntimeId, knative: boolean): FamilyDef[] {
  const http = [f.httpRequests, f.httpDuration, f.httpDurationHighr];
  switch (runtime) {
    case "vllm":
      return [f.vllmRunning, f.vllmWaiting, f.vllmKvCache, f.vllmPromptTokens, f.vllmGenerationTokens, f.vllmSuccess, f.vllmE2e, f.vllmTtft, f.vllmItl, ...http];
    case "triton":
      return [
        f.tritonSuccess, f.tritonFailure, f.tritonCount, f.tritonExecCount, f.tritonPending, f.tritonRequestDuration, f.tritonQueueDuration,
        f.tritonInputDuration, f.tritonInferDuration, f.tritonOutputDuration, f.tritonRequestSummary, f.tritonQueueSummary,
      ];
    case "kserve":
      return [f.kservePreprocess, f.kservePredict, f.kservePostprocess, f.kserveExplain, ...(knative ? [f.knativeRequestCount, f.knativeRequestLatencies] : [])];
    case "fastapi":
      return http;
  }
}

// ---------------------------------------------------------------- series

const ok = (m: MinuteTraffic): number => m.requests - m.errors;
const share = (m: MinuteTraffic, fraction: number, salt: number): number => Math.floor(m.requests * fraction + ((m.dither * (salt + 1.618)) % 1));
const shifted = (p: LogParams, factor: number): LogParams => ({ mu: p.mu + Math.log(factor), sigma: p.sigma });
/** Sum of n lognormal latencies, in the given unit. */
const total = (n: number, p: LogParams, unit: number): number => Math.floor(n * Math.exp(p.mu + (p.sigma * p.sigma) / 2) * unit);

function httpSeries(handler: string, method: string, probe: ModelServerTarget["probe"]): SeriesDef[] {
  const series: SeriesDef[] = [
    { kind: "counter", family: f.httpRequests, labels: { handler, method, status: "2xx" }, inc: ok },
    { kind: "counter", family: f.httpRequests, labels: { handler, method, status: "5xx" }, inc: (m) => m.errors },
    { kind: "histogram", family: f.httpDuration, labels: { handler, method }, obs: (m) => ({ n: m.requests, p: m.latency, unit: 1 }) },
  ];
  // The kubelet's readiness probe is a request like any other to the instrumentator.
  const probes = probe ? (m: MinuteTraffic): number => Math.floor(60 / probe.periodSeconds + m.dither) : () => 0;
  const probeLatency: LogParams = { mu: Math.log(0.0012), sigma: 0.3 };
  if (probe) {
    series.push(
      { kind: "counter", family: f.httpRequests, labels: { handler: probe.path, method: "GET", status: "2xx" }, inc: probes },
      { kind: "histogram", family: f.httpDuration, labels: { handler: probe.path, method: "GET" }, obs: (m) => ({ n: probes(m), p: probeLatency, unit: 1 }) },
    );
  }
  // The high-resolution histogram has no labels: every request, probes included.
  series.push({ kind: "histogram", family: f.httpDurationHighr, labels: {}, obs: (m) => ({ n: m.requests + probes(m), p: m.latency, unit: 1 }) });
  return series;
}

/** The series a pod of this target exports, each with how a minute of traffic moves it. */
export function runtimeSeries(target: ModelServerTarget): SeriesDef[] {
  switch (target.runtime) {
    case "vllm": {
      const l = { model_name: target.modelName, engine: "0" };
      const length = (m: MinuteTraffic): number => Math.min(ok(m), share(m, 0.06, 1));
      const abort = (m: MinuteTraffic): number => Math.floor(m.requests * 0.001 + ((m.dither * 7.3) % 1));
      return [
        { kind: "gauge", family: f.vllmRunning, labels: l, value: (m) => m.running },
        { kind: "gauge", family: f.vllmWaiting, labels: l, value: (m) => m.waiting },
        { kind: "gauge", family: f.vllmKvCache, labels: l, value: (m) => Math.min(0.97, 0.04 + 0.035 * m.running + 0.02 * m.waiting) },
        { kind: "counter", family: f.vllmPromptTokens, labels: l, inc: (m) => m.promptTokens },
        { kind: "counter", family: f.vllmGenerationTokens, labels: l, inc: (m) => m.generationTokens },
        { kind: "counter", family: f.vllmSuccess, labels: { ...l, finished_reason: "stop" }, inc: (m) => ok(m) - length(m) },
        { kind: "counter", family: f.vllmSuccess, labels: { ...l, finished_reason: "length" }, inc: length },
        { kind: "counter", family: f.vllmSuccess, labels: { ...l, finished_reason: "abort" }, inc: abort },
        { kind: "histogram", family: f.vllmE2e, labels: l, obs: (m) => ({ n: ok(m), p: m.latency, unit: 1 }) },
        { kind: "histogram", family: f.vllmTtft, labels: l, obs: (m) => ({ n: ok(m), p: m.ttft ?? m.latency, unit: 1 }) },
        { kind: "histogram", family: f.vllmItl, labels: l, obs: (m) => ({ n: Math.max(0, m.generationTokens - ok(m)), p: m.itl ?? m.latency, unit: 1 }) },
        // vLLM's instrumentator excludes /health and /metrics, so the probe does not show.
        ...httpSeries("/v1/chat/completions", "POST", undefined),
      ];
    }
    case "triton": {
      const l = { model: target.modelName, version: "1" };
      const queue = (m: MinuteTraffic): LogParams => shifted(m.latency, 0.08 * (1 + m.waiting));
      const inferences = (m: MinuteTraffic): number => ok(m) * 4;
      return [
        { kind: "counter", family: f.tritonSuccess, labels: l, inc: ok },
        ...["REJECTED", "CANCELED", "BACKEND", "OTHER"].map((reason): SeriesDef => ({
          kind: "counter", family: f.tritonFailure, labels: { model: l.model, reason, version: l.version }, inc: reason === "BACKEND" ? (m) => m.errors : () => 0,
        })),
        { kind: "counter", family: f.tritonCount, labels: l, inc: inferences },
        { kind: "counter", family: f.tritonExecCount, labels: l, inc: (m) => Math.ceil(inferences(m) / 8) },
        { kind: "gauge", family: f.tritonPending, labels: l, value: (m) => m.waiting },
        { kind: "counter", family: f.tritonRequestDuration, labels: l, inc: (m) => total(m.requests, m.latency, 1e6) },
        { kind: "counter", family: f.tritonQueueDuration, labels: l, inc: (m) => total(m.requests, queue(m), 1e6) },
        { kind: "counter", family: f.tritonInputDuration, labels: l, inc: (m) => total(ok(m), shifted(m.latency, 0.04), 1e6) },
        { kind: "counter", family: f.tritonInferDuration, labels: l, inc: (m) => total(ok(m), shifted(m.latency, 0.8), 1e6) },
        { kind: "counter", family: f.tritonOutputDuration, labels: l, inc: (m) => total(ok(m), shifted(m.latency, 0.03), 1e6) },
        { kind: "summary", family: f.tritonRequestSummary, labels: l, obs: (m) => ({ n: m.requests, p: m.latency, unit: 1e6 }) },
        { kind: "summary", family: f.tritonQueueSummary, labels: l, obs: (m) => ({ n: m.requests, p: queue(m), unit: 1e6 }) },
      ];
    }
    case "kserve": {
      const l = { model_name: target.modelName };
      const series: SeriesDef[] = [
        { kind: "histogram", family: f.kservePreprocess, labels: l, obs: (m) => ({ n: ok(m), p: { mu: Math.log(0.00002), sigma: 0.3 }, unit: 1 }) },
        { kind: "histogram", family: f.kservePredict, labels: l, obs: (m) => ({ n: ok(m), p: m.latency, unit: 1 }) },
        { kind: "histogram", family: f.kservePostprocess, labels: l, obs: (m) => ({ n: ok(m), p: { mu: Math.log(0.00001), sigma: 0.3 }, unit: 1 }) },
      ];
      if (target.knative) {
        const revision = target.knative;
        const base = { configuration_name: revision.configuration, container_name: "queue-proxy", namespace_name: target.namespace, pod_name: target.pod, revision_name: revision.revision, service_name: revision.service };
        // queue-proxy sees the whole request: the model server's time plus its own hop.
        const seen = (m: MinuteTraffic): LogParams => shifted(m.latency, 1.15);
        series.push(
          { kind: "counter", family: f.knativeRequestCount, labels: { ...base, response_code: "200", response_code_class: "2xx" }, inc: ok },
          { kind: "counter", family: f.knativeRequestCount, labels: { ...base, response_code: "500", response_code_class: "5xx" }, inc: (m) => m.errors },
          { kind: "histogram", family: f.knativeRequestLatencies, labels: { ...base, response_code: "200", response_code_class: "2xx" }, obs: (m) => ({ n: ok(m), p: seen(m), unit: 1000 }) },
          { kind: "histogram", family: f.knativeRequestLatencies, labels: { ...base, response_code: "500", response_code_class: "5xx" }, obs: (m) => ({ n: m.errors, p: seen(m), unit: 1000 }) },
        );
      }
      return series;
    }
    case "fastapi":
      return httpSeries(target.handler, "POST", target.probe);
  }
}
