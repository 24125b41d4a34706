/**
 * The query catalog, as data: for each runtime, the PromQL behind every panel, with the metric
 * names those servers really export (docs: vLLM docs/design/metrics.md, Triton
 * docs/user_guide/metrics.md, Knative service-metrics, kserve/kserve python/kserve/kserve/metrics.py,
 * prometheus-fastapi-instrumentator, NVIDIA dcgm-exporter default-counters.csv). Each metric
 * lists alternatives tried in order: the first that returns data wins, so one catalog serves
 * servers of different versions and configurations (Knative's `revision_` prefix or OpenShift's
 * unprefixed names, Triton with or without summaries).
 *
 * Every latency is normalised to milliseconds inside the query, so callers never convert.
 * Placeholders: `$selector` (namespace and pod-name matchers), `$namespace` and `$podRegex`
 * (quoted PromQL strings), `$window` (the rate window) and `$quantile`.
 */
import type { Unit } from "../../shared/protocol/latency";
import type { MetricQuery } from "./metricsSource";
import type { RuntimeId } from "./metricsTarget";

export type CatalogMetric = "latency" | "errorRatio" | "rps" | "running" | "waiting" | "ttft" | "tokensPerSecond" | "gpuUtil" | "successes";

export interface PromQueryTemplate {
  readonly expr: string;
  readonly unit: Unit;
  /** Said next to the series when the query is an approximation ("mean from counters, not a percentile"). */
  readonly note?: string;
  /** The legend when the query is not what the panel asked for: "mean" where a percentile was wanted. */
  readonly seriesName?: string;
}

export interface RuntimeCatalog {
  readonly runtime: RuntimeId;
  readonly label: string;
  /** Large-language-model servers get the time-to-first-token and tokens-per-second panels. */
  readonly llm: boolean;
  readonly queries: Readonly<Partial<Record<CatalogMetric, readonly PromQueryTemplate[]>>>;
}

/**
 * dcgm-exporter's own `namespace`/`pod` labels name the pod using the GPU. When Prometheus scrapes
 * the exporter as a pod target those clash with the target labels and become
 * `exported_namespace`/`exported_pod`, unless the scrape job sets honor_labels: accept both.
 */
const gpuUtil: readonly PromQueryTemplate[] = [
  {
    expr:
      `avg by (pod) (DCGM_FI_DEV_GPU_UTIL{$selector})` +
      ` or avg by (pod) (label_replace(DCGM_FI_DEV_GPU_UTIL{exported_namespace=$namespace, exported_pod=~$podRegex}, "pod", "$1", "exported_pod", "(.+)"))`,
    unit: "percent",
  },
];

/** A counter ratio that is 0, not "no data", while the error series has not appeared yet. */
function ratio(errors: string, all: string): string {
  return `(sum(rate(${errors}[$window])) or vector(0)) / sum(rate(${all}[$window]))`;
}

/**
 * Successful requests in the window, for cost per 1K inferences: increase() per series (so a pod
 * restart's counter reset is handled per pod, as Prometheus handles it) before the sum.
 */
function successes(counter: string): string {
  return `sum(increase(${counter}[$window]))`;
}

function histogramQuantileMs(bucket: string, scaleToMs: number): string {
  const q = `histogram_quantile($quantile, sum by (le) (rate(${bucket}{$selector}[$window])))`;
  return scaleToMs === 1 ? q : `${q} * ${scaleToMs}`;
}

/** The instrumentator counts its own /metrics endpoint (Prometheus' scrapes) and health probes unless excluded; they are not traffic. */
const httpTraffic = `$selector, handler!~"/metrics|/health.*|/ping|/ready.*|/live.*"`;

export const queryCatalog: Readonly<Record<RuntimeId, RuntimeCatalog>> = {
  vllm: {
    runtime: "vllm",
    label: "vLLM",
    llm: true,
    queries: {
      latency: [{ expr: histogramQuantileMs("vllm:e2e_request_latency_seconds_bucket", 1000), unit: "ms" }],
      // vLLM's OpenAI server mounts prometheus-fastapi-instrumentator on the same port: status codes come from there.
      errorRatio: [{ expr: ratio(`http_requests_total{${httpTraffic}, status=~"5.."}`, `http_requests_total{${httpTraffic}}`), unit: "ratio" }],
      rps: [
        { expr: `sum(rate(http_requests_total{${httpTraffic}}[$window]))`, unit: "rps" },
        { expr: `sum(rate(vllm:request_success_total{$selector}[$window]))`, unit: "rps", note: "finished requests only (vllm:request_success_total)" },
      ],
      running: [{ expr: `sum(vllm:num_requests_running{$selector})`, unit: "count" }],
      successes: [
        { expr: successes(`http_requests_total{${httpTraffic}, status=~"2.."}`), unit: "count" },
        { expr: successes(`vllm:request_success_total{$selector}`), unit: "count", note: "finished requests (vllm:request_success_total)" },
      ],
      waiting: [{ expr: `sum(vllm:num_requests_waiting{$selector})`, unit: "count" }],
      ttft: [{ expr: histogramQuantileMs("vllm:time_to_first_token_seconds_bucket", 1000), unit: "ms" }],
      tokensPerSecond: [{ expr: `sum(rate(vllm:generation_tokens_total{$selector}[$window]))`, unit: "tokens/s" }],
      gpuUtil,
    },
  },
  triton: {
    runtime: "triton",
    label: "Triton",
    llm: false,
    queries: {
      // Triton has no latency histogram by default; its summaries (summary_latencies=true) cannot be
      // aggregated across pods, so the slowest pod's quantile stands for the service.
      latency: [
        { expr: `max(avg_over_time(nv_inference_request_summary_us{$selector, quantile="$quantile"}[$window])) / 1000`, unit: "ms", note: "slowest pod's summary quantile" },
        {
          expr: `sum(rate(nv_inference_request_duration_us{$selector}[$window])) / sum(rate(nv_inference_request_success{$selector}[$window])) / 1000`,
          unit: "ms",
          seriesName: "mean",
          note: "from Triton's counters, not a percentile: start tritonserver with --metrics-config summary_latencies=true for percentiles",
        },
      ],
      errorRatio: [
        {
          expr:
            `(sum(rate(nv_inference_request_failure{$selector}[$window])) or vector(0))` +
            ` / (sum(rate(nv_inference_request_success{$selector}[$window])) + (sum(rate(nv_inference_request_failure{$selector}[$window])) or vector(0)))`,
          unit: "ratio",
        },
      ],
      rps: [
        {
          expr: `sum(rate(nv_inference_request_success{$selector}[$window])) + (sum(rate(nv_inference_request_failure{$selector}[$window])) or vector(0))`,
          unit: "rps",
        },
      ],
      waiting: [{ expr: `sum(nv_inference_pending_request_count{$selector})`, unit: "count" }],
      successes: [{ expr: successes(`nv_inference_request_success{$selector}`), unit: "count" }],
      gpuUtil: [...gpuUtil, { expr: `avg(nv_gpu_utilization{$selector}) * 100`, unit: "percent", note: "Triton's own nv_gpu_utilization, for the whole pod" }],
    },
  },
  kserve: {
    runtime: "kserve",
    label: "KServe",
    llm: false,
    queries: {
      // Knative mode: the queue-proxy sees every request (ms). RawDeployment: the model server's predict step (s).
      latency: [
        { expr: histogramQuantileMs("revision_request_latencies_bucket", 1), unit: "ms" },
        { expr: histogramQuantileMs("request_latencies_bucket", 1), unit: "ms" },
        { expr: histogramQuantileMs("request_predict_seconds_bucket", 1000), unit: "ms", note: "model server's predict step only (request_predict_seconds)" },
      ],
      errorRatio: [
        { expr: ratio(`revision_request_count{$selector, response_code_class="5xx"}`, `revision_request_count{$selector}`), unit: "ratio" },
        { expr: ratio(`request_count{$selector, response_code_class="5xx"}`, `request_count{$selector}`), unit: "ratio" },
        { expr: ratio(`http_requests_total{${httpTraffic}, status=~"5.."}`, `http_requests_total{${httpTraffic}}`), unit: "ratio" },
      ],
      rps: [
        { expr: `sum(rate(revision_request_count{$selector}[$window]))`, unit: "rps" },
        { expr: `sum(rate(request_count{$selector}[$window]))`, unit: "rps" },
        { expr: `sum(rate(request_predict_seconds_count{$selector}[$window]))`, unit: "rps", note: "predict calls (request_predict_seconds_count)" },
      ],
      successes: [
        { expr: successes(`revision_request_count{$selector, response_code_class="2xx"}`), unit: "count" },
        { expr: successes(`request_count{$selector, response_code_class="2xx"}`), unit: "count" },
        { expr: successes(`request_predict_seconds_count{$selector}`), unit: "count", note: "predict calls, failed ones included (request_predict_seconds_count)" },
      ],
      waiting: [
        { expr: `sum(revision_queue_depth{$selector})`, unit: "count" },
        { expr: `sum(queue_depth{$selector})`, unit: "count" },
      ],
      gpuUtil,
    },
  },
  fastapi: {
    runtime: "fastapi",
    label: "FastAPI",
    llm: false,
    queries: {
      // The instrumentator's unlabelled high-resolution histogram has fine buckets (10 ms … 60 s); the
      // labelled one has only 0.1, 0.5 and 1 s.
      latency: [
        { expr: histogramQuantileMs("http_request_duration_highr_seconds_bucket", 1000), unit: "ms" },
        { expr: histogramQuantileMs(`http_request_duration_seconds_bucket`, 1000), unit: "ms", note: "coarse buckets (0.1, 0.5, 1 s)" },
      ],
      errorRatio: [{ expr: ratio(`http_requests_total{${httpTraffic}, status=~"5.."}`, `http_requests_total{${httpTraffic}}`), unit: "ratio" }],
      rps: [{ expr: `sum(rate(http_requests_total{${httpTraffic}}[$window]))`, unit: "rps" }],
      running: [{ expr: `sum(http_requests_inprogress{$selector})`, unit: "count", note: "needs should_instrument_requests_inprogress=True" }],
      successes: [{ expr: successes(`http_requests_total{${httpTraffic}, status=~"2.."}`), unit: "count" }],
      gpuUtil,
    },
  },
};

export interface PromQueryParams {
  readonly namespace: string;
  /** A RE2 regex over pod names (PromQL anchors it). */
  readonly podRegex: string;
  /** A PromQL duration: "5m", "75s". */
  readonly window: string;
  /** 0 < q < 1; only the latency and ttft templates use it. */
  readonly quantile?: number;
}

/** A PromQL string literal (Go escaping agrees with JSON's for these characters). */
function promString(s: string): string {
  return JSON.stringify(s);
}

/** Seconds as a PromQL duration, in the largest unit that divides it: "5m", "90s", "30d". */
export function promDuration(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  if (s % 86_400 === 0) return `${s / 86_400}d`;
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

export function fillTemplate(template: string, params: PromQueryParams): string {
  const namespace = promString(params.namespace);
  const podRegex = promString(params.podRegex);
  const values: Record<string, string> = {
    selector: `namespace=${namespace}, pod=~${podRegex}`,
    namespace,
    podRegex,
    window: params.window,
    quantile: String(params.quantile ?? 0.95),
  };
  return template.replace(/\$(selector|namespace|podRegex|window|quantile)\b/g, (_, key: string) => values[key] ?? "");
}

export interface CatalogQuery {
  readonly query: MetricQuery & { readonly kind: "promql" };
  readonly unit: Unit;
  readonly note?: string;
  readonly seriesName?: string;
}

/** The runtime's alternatives for one metric, filled in; empty when the runtime does not export it. */
export function promQueries(runtime: RuntimeId, metric: CatalogMetric, params: PromQueryParams): CatalogQuery[] {
  return (queryCatalog[runtime].queries[metric] ?? []).map((t) => ({
    query: { kind: "promql", expr: fillTemplate(t.expr, params) },
    unit: t.unit,
    ...(t.note !== undefined ? { note: t.note } : {}),
    ...(t.seriesName !== undefined ? { seriesName: t.seriesName } : {}),
  }));
}

export type AzureEndpointMetric = "p50" | "p95" | "p99" | "rps" | "errors";

export interface AzureCatalogQuery {
  readonly query: MetricQuery & { readonly kind: "azure-monitor" };
  readonly unit: Unit;
  /** Multiply each value by this: RequestsPerMinute becomes requests per second. */
  readonly scale: number;
}

export const azureMlOnlineEndpointNamespace = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints";

/**
 * Azure ML online endpoint platform metrics (namespace
 * Microsoft.MachineLearningServices/workspaces/onlineEndpoints; PT1M grain, already in ms).
 * `deployment` narrows an endpoint's metrics to one deployment by its dimension. "errors" is
 * the 5xx share of RequestsPerMinute: divide it by "rps" point by point for a ratio.
 */
export function azureMlEndpointQueries(resourceUri: string, deployment?: string): Record<AzureEndpointMetric, AzureCatalogQuery> {
  const dep = deployment !== undefined ? `deployment eq '${deployment.replace(/'/g, "''")}'` : undefined;
  const q = (metricName: string, extraFilter?: string): MetricQuery & { kind: "azure-monitor" } => {
    const filter = [dep, extraFilter].filter((f): f is string => f !== undefined).join(" and ");
    return { kind: "azure-monitor", resourceUri, metricNamespace: azureMlOnlineEndpointNamespace, metricName, aggregation: "average", ...(filter ? { filter } : {}) };
  };
  return {
    p50: { query: q("RequestLatency_P50"), unit: "ms", scale: 1 },
    p95: { query: q("RequestLatency_P95"), unit: "ms", scale: 1 },
    p99: { query: q("RequestLatency_P99"), unit: "ms", scale: 1 },
    rps: { query: q("RequestsPerMinute"), unit: "rps", scale: 1 / 60 },
    errors: { query: q("RequestsPerMinute", "statusCodeClass eq '5xx'"), unit: "rps", scale: 1 / 60 },
  };
}
