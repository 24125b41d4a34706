/**
 * What the cost model measures from a metrics source: each pod's average CPU, memory and GPU
 * utilisation over the time it ran (cAdvisor's container series as kube-prometheus-stack scrapes
 * them from the kubelet, dcgm-exporter's DCGM_FI_DEV_GPU_UTIL), each GPU node's utilisation, and
 * each service's successful requests from the query catalog's counters, counted with
 * Prometheus' increase() so a counter reset (a pod restart) never reads as negative traffic.
 * A query that fails leaves its figures unmeasured (the model then charges requests only) and
 * says so as a warning; bad samples are dropped with a mark.
 */
import type { EstimateMark } from "../../shared/protocol/cost";
import type { InstantSample, MetricsError, MetricsResult, MetricsSource, Series } from "../metrics/metricsSource";
import { podNameRegex, type RuntimeId } from "../metrics/metricsTarget";
import { promDuration, promQueries, type CatalogQuery } from "../metrics/queryCatalog";
import { firstWithData, queryText } from "../metrics/serviceMetrics";
import type { CostWindow, NodeGpuUtilisation, NodeRecord, PodRecord, PodUsage, RequestCounts } from "./costInputs";
import type { CostService } from "./costInputsFromCluster";

export interface CostUsage {
  /** Keyed by "namespace/pod". */
  readonly usage: Map<string, PodUsage>;
  /** Keyed by service "namespace/name". */
  readonly requests: Map<string, RequestCounts>;
  /** Keyed by node name. */
  readonly gpuUtilisation: Map<string, NodeGpuUtilisation>;
  readonly estimates: EstimateMark[];
}

/** cAdvisor reports a pod-level cgroup (container="") and the pause container ("POD") besides the real containers. */
const containers = `container!="", container!="POD"`;

/**
 * GPU utilisation in percent per device. A MIG instance has no DCGM_FI_DEV_GPU_UTIL (dcgm-exporter
 * reports the profiling fields for it, domain.md §3.1): its graphics-engine activity stands in.
 */
function gpuUtil(matchers: string): string {
  return `(DCGM_FI_DEV_GPU_UTIL{${matchers}} or DCGM_FI_PROF_GR_ENGINE_ACTIVE{${matchers}, GPU_I_PROFILE!=""} * 100)`;
}

/**
 * dcgm-exporter's pod mapping labels each GPU with the pod using it; scraped as a pod target
 * without honor_labels those become exported_namespace/exported_pod (then `pod` is the exporter's own).
 */
const podGpuUtil =
  `avg by (namespace, pod) (label_replace(label_replace(${gpuUtil('exported_pod!=""')}, "pod", "$1", "exported_pod", "(.+)"), "namespace", "$1", "exported_namespace", "(.+)"))` +
  ` or avg by (namespace, pod) (${gpuUtil('pod!="", exported_pod=""')})`;

/** The node of a GPU: the scrape target's `node` label, else the exporter's Hostname (hostname since dcgm-exporter #655). */
const nodeGpuUtil =
  `avg by (node) (${gpuUtil('node!=""')})` +
  ` or avg by (node) (label_replace(${gpuUtil('node="", Hostname!=""')}, "node", "$1", "Hostname", "(.+)"))` +
  ` or avg by (node) (label_replace(${gpuUtil('node="", hostname!=""')}, "node", "$1", "hostname", "(.+)"))`;

/**
 * The PromQL behind the usage figures and the time to evaluate them at. Averages are subqueries
 * at `step` resolution: an average over the steps a pod had samples is its average over the time
 * it ran, and a subquery keeps a 30-day window to a few hundred points per series. Subquery steps
 * fall on multiples of the step (absolute time), so the evaluation time is the window's end
 * rounded up (no sample after "now" exists, so nothing extra counts) and the range starts at the
 * step nearest the window's start: the figures are exact for a window starting on a step, and
 * within one step at its start otherwise.
 */
export function costUsageQueries(
  window: CostWindow,
  stepSeconds: number,
): { readonly at: number; readonly exprs: Record<"cpu" | "ram" | "podGpu" | "nodeGpuWindow" | "nodeGpu1h" | "nodeGpuNow", string> } {
  const at = Math.ceil(window.end / stepSeconds) * stepSeconds;
  const from = Math.round(window.start / stepSeconds) * stepSeconds;
  // One second short: Prometheus 2.x ranges include their left end, which would add the step before `from` (3.x excludes it).
  const w = promDuration(Math.max(stepSeconds, at - from) - 1);
  const s = promDuration(stepSeconds);
  return {
    at,
    exprs: {
      // Core-seconds, per step summed: each step's increase() counts across restarts, and a pod that
      // ran part of a step is not diluted (the caller divides by the time the pod ran).
      cpu: `sum_over_time(sum by (namespace, pod) (increase(container_cpu_usage_seconds_total{${containers}}[${s}]))[${w}:${s}])`,
      ram: `avg_over_time(sum by (namespace, pod) (container_memory_working_set_bytes{${containers}})[${w}:${s}])`,
      podGpu: `avg_over_time((${podGpuUtil})[${w}:${s}])`,
      nodeGpuWindow: `avg_over_time((${nodeGpuUtil})[${w}:${s}])`,
      // These two are about now: evaluated at the window's end.
      nodeGpu1h: `avg_over_time((${nodeGpuUtil})[1h:1m])`,
      nodeGpuNow: nodeGpuUtil,
    },
  };
}

const allRuntimes: readonly RuntimeId[] = ["vllm", "triton", "kserve", "fastapi"];

/** The catalog's success-counter alternatives for a service, at a given increase() window. */
function successQueries(service: Pick<CostService, "namespace" | "name" | "kind"> & { runtime?: RuntimeId }, windowSeconds: number): CatalogQuery[] {
  const params = { namespace: service.namespace, podRegex: podNameRegex(service), window: promDuration(windowSeconds) };
  const runtimes = service.runtime ? [service.runtime] : allRuntimes;
  const seen = new Set<string>();
  return runtimes.flatMap((rt) => promQueries(rt, "successes", params)).filter((q) => !seen.has(q.query.expr) && seen.add(q.query.expr));
}

/** The services behind the pods, when the caller did not say which runtime each runs. */
function servicesOfPods(pods: readonly PodRecord[]): (Pick<CostService, "key" | "namespace" | "name" | "kind"> & { runtime?: RuntimeId })[] {
  const keys = new Set(pods.flatMap((p) => (p.service ? [p.service] : [])));
  return [...keys].sort().map((key) => {
    const [namespace = "", name = ""] = key.split("/");
    return { key, namespace, name, kind: "Deployment" as const };
  });
}

/** At most `limit` promises at a time, results in order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return out;
}

function runSeconds(pod: PodRecord): number {
  return pod.intervals.reduce((sum, i) => sum + Math.max(0, i.end - i.start), 0);
}

function isGoodSample(v: number): boolean {
  return Number.isFinite(v) && v >= 0;
}

/**
 * Usage, request counts and GPU utilisation for the window. `services` (from
 * costInputsFromObjects) say which runtime's counters to read; without them every runtime's
 * counters are tried. Only a source that speaks PromQL measures usage; any other answers with
 * empty figures and a warning.
 */
export async function readCostUsage(
  source: MetricsSource,
  inputs: { readonly nodes: readonly NodeRecord[]; readonly pods: readonly PodRecord[]; readonly window: CostWindow; readonly services?: readonly CostService[] },
  opts: { readonly stepSeconds: number; readonly signal?: AbortSignal },
): Promise<MetricsResult<CostUsage>> {
  const { window } = inputs;
  const estimates: EstimateMark[] = [];
  const warnings: string[] = [];
  const result: CostUsage = { usage: new Map(), requests: new Map(), gpuUtilisation: new Map(), estimates };
  if (!source.supports({ kind: "promql", expr: "vector(1)" })) {
    return { ok: true, value: result, warnings: [`${source.description} does not answer PromQL: no usage or request counts`] };
  }
  const step = Math.max(60, Math.round(opts.stepSeconds));
  const { at, exprs: q } = costUsageQueries(window, step);
  const failures: MetricsError[] = [];
  const answer = async (key: string, expr: string, time = at): Promise<readonly InstantSample[]> => {
    const r = await source.queryInstant({ kind: "promql", expr }, time, opts.signal);
    if (r.ok) return r.value;
    failures.push({ ...r.error, source: r.error.source || source.description, query: r.error.query ?? expr });
    warnings.push(`${key}: ${r.error.kind}`);
    return [];
  };

  const [cpu, ram, podGpu, nodeWindow, node1h, nodeNow] = await Promise.all([
    answer("cpu usage", q.cpu),
    answer("memory usage", q.ram),
    answer("pod GPU utilisation", q.podGpu),
    answer("node GPU utilisation", q.nodeGpuWindow),
    answer("node GPU utilisation 1h", q.nodeGpu1h, window.end),
    answer("node GPU utilisation now", q.nodeGpuNow, window.end),
  ]);
  const cancelled = failures.find((f) => f.kind === "cancelled");
  if (cancelled) return { ok: false, error: cancelled };

  const known = new Map(inputs.pods.map((p) => [`${p.namespace}/${p.name}`, p]));
  const badPods = new Set<string>();
  const usage = new Map<string, { cpuCoresAvg?: number; ramBytesAvg?: number; gpuUtilAvg?: number }>();
  const put = (samples: readonly InstantSample[], field: "cpuCoresAvg" | "ramBytesAvg" | "gpuUtilAvg", value: (v: number, pod: PodRecord) => number | undefined) => {
    for (const s of samples) {
      const key = `${s.labels.namespace ?? ""}/${s.labels.pod ?? ""}`;
      const pod = known.get(key);
      if (!pod) continue;
      if (!isGoodSample(s.value)) {
        badPods.add(key);
        continue;
      }
      const v = value(s.value, pod);
      if (v === undefined) continue;
      const u = usage.get(key) ?? {};
      u[field] = v;
      usage.set(key, u);
    }
  };
  put(cpu, "cpuCoresAvg", (coreSeconds, pod) => {
    const ran = runSeconds(pod);
    return ran > 0 ? coreSeconds / ran : undefined;
  });
  put(ram, "ramBytesAvg", (v) => v);
  put(podGpu, "gpuUtilAvg", (v) => Math.min(1, v / 100));
  for (const [key, u] of usage) result.usage.set(key, u);
  for (const key of [...badPods].sort()) {
    estimates.push({ code: "bad-usage", subject: `pod ${key}`, detail: "negative, NaN or infinite usage from the source was dropped" });
  }

  const nodeNames = new Set(inputs.nodes.map((n) => n.name));
  const badNodes = new Set<string>();
  const nodeUtil = new Map<string, { windowAvg?: number; lastHourAvg?: number; now?: number }>();
  const putNode = (samples: readonly InstantSample[], field: "windowAvg" | "lastHourAvg" | "now") => {
    for (const s of samples) {
      const node = s.labels.node ?? "";
      if (!nodeNames.has(node)) continue;
      if (!isGoodSample(s.value)) {
        badNodes.add(node);
        continue;
      }
      const u = nodeUtil.get(node) ?? {};
      u[field] = Math.min(1, s.value / 100);
      nodeUtil.set(node, u);
    }
  };
  putNode(nodeWindow, "windowAvg");
  putNode(node1h, "lastHourAvg");
  putNode(nodeNow, "now");
  for (const [node, u] of nodeUtil) result.gpuUtilisation.set(node, u);
  for (const node of [...badNodes].sort()) estimates.push({ code: "bad-usage", subject: `node ${node}`, detail: "negative, NaN or infinite GPU utilisation was dropped" });

  const services = inputs.services ?? servicesOfPods(inputs.pods);
  const counted = await mapLimited(services, 6, (s) => readRequestCounts(source, s, window, step, opts.signal));
  counted.forEach((c, i) => {
    const service = services[i]!;
    if (!c.ok) {
      failures.push(c.error);
      warnings.push(`requests of ${service.key}: ${c.error.kind}`);
      return;
    }
    estimates.push(...c.estimates);
    if (c.counts) result.requests.set(service.key, c.counts);
    else estimates.push({ code: "no-request-counts", subject: `service ${service.key}`, detail: `none of these counters has data: ${c.tried.join("; ")}` });
  });

  const cancelledLater = failures.find((f) => f.kind === "cancelled");
  if (cancelledLater) return { ok: false, error: cancelledLater };
  // Nothing answered at all (unreachable, refused): that is the source's failure, not empty figures.
  const asked = 6 + services.length;
  if (failures.length >= asked && failures[0]) return { ok: false, error: failures[0] };
  return { ok: true, value: result, warnings };
}

type CountAnswer =
  | { readonly ok: true; readonly counts: RequestCounts | undefined; readonly estimates: EstimateMark[]; readonly tried: readonly string[] }
  | { readonly ok: false; readonly error: MetricsError };

/**
 * One service's successful requests: the catalog's first counter with data, increase()d over the
 * whole window (the total), and per step (the per-1K chart). resets() over the window says
 * whether a counter reset happened, which increase() has already counted across.
 */
async function readRequestCounts(
  source: MetricsSource,
  service: Pick<CostService, "key" | "namespace" | "name" | "kind"> & { runtime?: RuntimeId },
  window: CostWindow,
  step: number,
  signal: AbortSignal | undefined,
): Promise<CountAnswer> {
  const windowSeconds = window.end - window.start;
  const totals = successQueries(service, windowSeconds);
  const first = await firstWithData(totals, (query) => source.queryInstant(query, window.end, signal));
  if (!first.ok) return { ok: false, error: { ...first.error, source: first.error.source || source.description } };
  if (first.value === null) return { ok: true, counts: undefined, estimates: [], tried: first.tried };
  const estimates: EstimateMark[] = [];
  const subject = `service ${service.key}`;
  const total = first.value[0]?.value ?? NaN;
  if (!isGoodSample(total)) {
    estimates.push({ code: "bad-usage", subject, detail: `the request count was ${total}` });
    return { ok: true, counts: undefined, estimates, tried: first.tried };
  }
  const index = totals.findIndex((t) => queryText(t.query) === first.query);
  const stepQuery = successQueries(service, step)[index];
  const resetsExpr = first.query?.replace(/^sum\(increase\(/, "sum(resets(");
  const [resets, steps] = await Promise.all([
    resetsExpr ? source.queryInstant({ kind: "promql", expr: resetsExpr }, window.end, signal) : Promise.resolve(undefined),
    // The last step ends at or after the window's end, so the requests up to now are in it.
    stepQuery ? source.queryRange(stepQuery.query, { start: window.start + step, end: window.start + Math.ceil(windowSeconds / step) * step, step }, signal) : Promise.resolve(undefined),
  ]);
  const resetCount = resets?.ok ? (resets.value[0]?.value ?? 0) : 0;
  if (resetCount > 0) {
    estimates.push({ code: "counter-reset", subject, detail: `${resetCount} counter reset(s) in the window (pod restarts); counted across them as Prometheus' increase() does` });
  }
  if (steps && !steps.ok) {
    if (steps.error.kind === "cancelled") return { ok: false, error: steps.error };
    return { ok: true, counts: { total }, estimates, tried: first.tried };
  }
  const series = steps?.value[0];
  return { ok: true, counts: { total, ...(series ? { steps: stepsOf(series, window, step, subject, estimates) } : {}) }, estimates, tried: first.tried };
}

/** A step series as [time, requests]: points out of order or outside the window (clock skew) and bad values are dropped, with a mark. */
function stepsOf(series: Series, window: CostWindow, step: number, subject: string, estimates: EstimateMark[]): [number, number][] {
  const out: [number, number][] = [];
  let skewed = 0;
  let bad = 0;
  let last = -Infinity;
  for (let i = 0; i < series.timestamps.length; i++) {
    const t = series.timestamps[i]!;
    const v = series.values[i]!;
    if (t <= last || t < window.start || t > window.end + step) {
      skewed++;
      continue;
    }
    if (!isGoodSample(v)) {
      bad++;
      continue;
    }
    last = t;
    out.push([t, v]);
  }
  if (skewed > 0) estimates.push({ code: "clock-skew", subject, detail: `${skewed} point(s) out of order or outside the window were dropped` });
  if (bad > 0) estimates.push({ code: "bad-usage", subject, detail: `${bad} NaN or negative request count(s) per step were dropped` });
  return out;
}

