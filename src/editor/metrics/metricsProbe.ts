import type { MetricQuery, MetricsError, MetricsSource } from "../../core/metrics/metricsSource";

/** What testing a Prometheus-speaking source found, for Connect Metrics… to report. */
export type ProbeResult =
  | {
      readonly ok: true;
      readonly description: string;
      /** From /api/v1/status/buildinfo; Azure's managed Prometheus does not serve it. */
      readonly version: string | undefined;
      /** Scrape targets whose `up` is 1, when the source has `up` at all. */
      readonly targetsUp: number | undefined;
      /** Which runtimes' metrics are present: "vLLM", "Triton", "KServe", "FastAPI", "DCGM". */
      readonly present: readonly string[];
    }
  | { readonly ok: false; readonly error: MetricsError };

/** One cheap instant query per runtime: a metric every version of its server exports. */
const presence: readonly { readonly label: string; readonly metric: string }[] = [
  { label: "vLLM", metric: "vllm:num_requests_running" },
  { label: "Triton", metric: "nv_inference_request_success" },
  { label: "KServe", metric: "request_predict_seconds_count" },
  { label: "FastAPI", metric: "http_requests_total" },
  { label: "DCGM", metric: "DCGM_FI_DEV_GPU_UTIL" },
];

const promql = (expr: string): MetricQuery => ({ kind: "promql", expr });

/**
 * Tests a source the way a person would: does `vector(1)` come back, which version answers, how
 * many targets are up, and are model-server metrics there. Only the first query decides success;
 * the rest are facts for the report (Azure's managed Prometheus wants one metric name per query,
 * which `vector(1)` lacks, so it is tested with `up` instead).
 */
export async function probePrometheus(
  source: MetricsSource & { buildInfo?: (signal?: AbortSignal) => Promise<{ ok: true; value: { version: string } } | { ok: false; error: MetricsError }> },
  opts: { readonly now: number; readonly signal?: AbortSignal },
): Promise<ProbeResult> {
  const first = source.kind === "azure-managed-prometheus" ? promql("count(up)") : promql("vector(1)");
  const alive = await source.queryInstant(first, opts.now, opts.signal);
  if (!alive.ok) return { ok: false, error: alive.error };
  const [build, up, ...present] = await Promise.all([
    source.buildInfo ? source.buildInfo(opts.signal) : Promise.resolve(undefined),
    source.queryInstant(promql("sum(up)"), opts.now, opts.signal),
    ...presence.map((p) => source.queryInstant(promql(`count(${p.metric})`), opts.now, opts.signal)),
  ]);
  const upValue = up.ok ? up.value[0]?.value : undefined;
  return {
    ok: true,
    description: source.description,
    version: build?.ok ? build.value.version : undefined,
    targetsUp: upValue === undefined || Number.isNaN(upValue) ? undefined : upValue,
    present: presence.filter((_, i) => {
      const r = present[i];
      return r?.ok === true && r.value.length > 0 && (r.value[0]?.value ?? 0) > 0;
    }).map((p) => p.label),
  };
}

/** "Prometheus 2.42.0 at …: 14 targets up; vLLM, Triton and DCGM metrics present." */
export function describeProbe(result: Extract<ProbeResult, { ok: true }>): string {
  const head = result.version ? result.description.replace(/^(Prometheus|Azure Monitor managed Prometheus)\b/, `$1 ${result.version}`) : result.description;
  const facts: string[] = [];
  if (result.targetsUp !== undefined) facts.push(`${result.targetsUp} ${result.targetsUp === 1 ? "target" : "targets"} up`);
  facts.push(result.present.length === 0 ? "no model-server metrics yet (vLLM, Triton, KServe, FastAPI)" : `${listWords(result.present)} metrics present`);
  return `${head}: ${facts.join("; ")}.`;
}

function listWords(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1] ?? ""}`;
}
