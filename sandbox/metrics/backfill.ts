/**
 * The sandbox's metric history: OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`,
 * from the same traffic model and process counters the live exporters serve, with the same target
 * labels, so that a chart runs from days ago into the live scrapes without a seam. Pods follow the
 * rollout history: a ReplicaSet scaled to zero served from its creation until the next revision's,
 * under its own pod-template-hash; counters restart with each container start, as real ones do.
 *
 * To keep the file and promtool's passes over it small, history holds what the dashboards read
 * (latency histograms, request and error counters, saturation gauges, GPU utilisation), sampled
 * more finely the closer to now (see sampleTimes).
 */
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { type ObjectStore } from "../objectStore";
import { findResource, type ResourceType } from "../resourceTypes";
import { dcgmFamilies, gpuDevices, gpuReadings } from "./dcgmMetrics";
import { nodeTargetLabels, podTargetLabels } from "./exporters";
import { type FamilyDef, type Labels } from "./runtimeMetrics";
import { podTraffic, processCounters } from "./runtimeMetricsCounters";
import { historicalPods } from "./runtimeMetricsTarget";
import { minuteMs, minuteTraffic } from "./trafficModel";

/** The families the history keeps; the live exporters serve every family. */
export const historyFamilies: ReadonlySet<string> = new Set([
  // vLLM
  "vllm:e2e_request_latency_seconds", "vllm:time_to_first_token_seconds", "vllm:num_requests_running", "vllm:num_requests_waiting",
  "vllm:generation_tokens_total",
  // FastAPI apps and vLLM's OpenAI server (whose latency history is vLLM's own histograms)
  "http_requests_total", "http_request_duration_highr_seconds",
  // Triton
  "nv_inference_request_success", "nv_inference_request_failure", "nv_inference_request_duration_us", "nv_inference_queue_duration_us",
  "nv_inference_pending_request_count", "nv_inference_request_summary_us",
  // KServe and Knative's queue-proxy
  "request_predict_seconds", "revision_request_count", "revision_request_latencies",
  // dcgm-exporter
  dcgmFamilies.gpuUtil.name, dcgmFamilies.grActive.name,
]);

/** vLLM's latency history is its own histograms; the OpenAI server's HTTP ones would double the file. */
function keptFor(runtime: string, family: string, keep: ReadonlySet<string> | undefined): boolean {
  if (!keep) return true;
  return keep.has(family) && !(runtime === "vllm" && family.startsWith("http_request_duration"));
}

export interface BackfillOptions {
  /** The end of history, ms since the epoch: the exporters' clock when they start. */
  now: number;
  days: number;
  file: string;
  /** Sample interval over the last hour (default 15 s, the sandbox Prometheus' scrape interval). */
  recentStepSeconds?: number;
  /** Sample interval from an hour to a day ago (default 60 s: a 24-hour chart's 2-minute step holds two). */
  stepSeconds?: number;
  /** Sample interval before the last day (default 300 s: a 7-day chart's 10-minute step holds two). */
  olderStepSeconds?: number;
  /** The traffic model's seed; the exporters' default is 1. */
  seed?: number;
  /** Restrict history to these families (default historyFamilies); "all" writes every family. */
  families?: ReadonlySet<string> | "all";
}

const kinds = { nodes: findResource("", "v1", "nodes") as ResourceType };

interface SeriesData {
  family: FamilyDef;
  name: string;
  labels: string;
  times: number[];
  values: number[];
  /** Histogram buckets: the series' labels without le, and its upper bound. */
  bucketOf?: { group: string; le: number };
}

/** OpenMetrics label values escape backslash, double quote and newline. */
function labelText(labels: Labels): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${(labels[k] ?? "").replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

/**
 * The family's TYPE line and its samples' names. OpenMetrics counters are named without _total and
 * sampled with it; servers whose counters lack the suffix (Triton, Knative) are declared unknown,
 * which stores the same series under their own names.
 */
function familyName(family: FamilyDef): { name: string; type: string; sample: string } {
  if (family.type === "counter") {
    return family.name.endsWith("_total") ? { name: family.name.slice(0, -"_total".length), type: "counter", sample: family.name } : { name: family.name, type: "unknown", sample: family.name };
  }
  return { name: family.name, type: family.type, sample: family.name };
}

/**
 * Sample times in three tiers, each as fine as the chart that reads it: every `recentStepMs` over
 * the last hour (the live scrape interval), every `stepMs` over the last day, every `olderStepMs`
 * before that; aligned to their step and ascending, up to `now`.
 */
export function sampleTimes(from: number, now: number, steps: { recentStepMs: number; stepMs: number; olderStepMs: number }): number[] {
  const times: number[] = [];
  const tiers: [number, number][] = [
    [now - 86_400_000, steps.olderStepMs],
    [now - 3_600_000, steps.stepMs],
    [now + 1, steps.recentStepMs],
  ];
  let t = from;
  for (const [until, step] of tiers) {
    for (t = Math.ceil(Math.max(t, from) / step) * step; t < until && t <= now; t += step) times.push(t);
  }
  return times;
}

/**
 * Bucket series history can leave out without changing any histogram_quantile: below the first
 * bucket that ever counted anything, all but the highest (it stays as the next one's lower bound);
 * above the first bucket that always equalled +Inf, all (a rank below the total never reaches them).
 * A week of vLLM's 21 latency buckets, most empty or full, would otherwise be most of the file.
 */
function prunableBuckets(all: SeriesData[]): Set<SeriesData> {
  const groups = new Map<string, SeriesData[]>();
  for (const s of all) {
    if (!s.bucketOf) continue;
    const list = groups.get(s.bucketOf.group) ?? [];
    list.push(s);
    groups.set(s.bucketOf.group, list);
  }
  const dropped = new Set<SeriesData>();
  for (const list of groups.values()) {
    list.sort((a, b) => (a.bucketOf?.le ?? 0) - (b.bucketOf?.le ?? 0));
    const inf = list[list.length - 1];
    if (!inf) continue;
    const firstUsed = list.findIndex((s) => s.values.some((v) => v > 0));
    const firstFull = list.findIndex((s) => s.values.every((v, i) => v === inf.values[i]));
    list.forEach((s, i) => {
      if (s === inf) return;
      if ((firstUsed > 0 && i < firstUsed - 1) || (firstFull >= 0 && i > firstFull)) dropped.add(s);
    });
  }
  return dropped;
}

export async function writeBackfill(store: ObjectStore, opts: BackfillOptions): Promise<{ series: number; samples: number; bytes: number }> {
  const seed = opts.seed ?? 1;
  const keep = opts.families === "all" ? undefined : (opts.families ?? historyFamilies);
  const from = opts.now - opts.days * 86_400_000;
  const times = sampleTimes(from, opts.now, {
    recentStepMs: (opts.recentStepSeconds ?? 15) * 1000,
    stepMs: (opts.stepSeconds ?? 60) * 1000,
    olderStepMs: (opts.olderStepSeconds ?? 300) * 1000,
  });
  const series = new Map<string, SeriesData>();
  const byFamily = new Map<string, SeriesData[]>();
  const add = (family: FamilyDef, name: string, labels: Labels, t: number, value: number, le?: number): void => {
    const text = labelText(le === undefined ? labels : { ...labels, le: le === Infinity ? "+Inf" : String(le) });
    const key = `${name}${text}`;
    let s = series.get(key);
    if (!s) {
      s = { family, name, labels: text, times: [], values: [], ...(le === undefined ? {} : { bucketOf: { group: `${name}${labelText(labels)}`, le } }) };
      series.set(key, s);
      const list = byFamily.get(family.name) ?? [];
      list.push(s);
      byFamily.set(family.name, list);
    }
    s.times.push(t);
    s.values.push(value);
  };

  const pods = historicalPods(store, from, opts.now);
  for (const { target, starts, end, live } of pods) {
    const targetLabels = podTargetLabels(target);
    starts.forEach((start, i) => {
      const until = Math.min(starts[i + 1] ?? end, end);
      // Counters the live exporter continues must count from the container's start; those of pods
      // that are gone may count from just before the window, which no one can tell apart.
      const origin = live && i === starts.length - 1 ? start : Math.max(start, from - 3_600_000);
      const counters = processCounters(target, seed, origin, (def) => keptFor(target.runtime, def.family.name, keep));
      for (const t of times) {
        if (t < start || t < from) continue;
        if (t >= until && !(t === opts.now && until === opts.now)) break;
        for (const v of counters.valuesAt(t)) {
          const family = v.def.family;
          if (!keptFor(target.runtime, family.name, keep)) continue;
          const labels = { ...v.def.labels, ...targetLabels };
          const sample = familyName(family).sample;
          if (v.def.kind === "histogram") {
            (family.buckets ?? []).forEach((le, b) => add(family, `${sample}_bucket`, labels, t, v.buckets?.[b] ?? 0, le));
            add(family, `${sample}_bucket`, labels, t, v.count ?? 0, Infinity);
            add(family, `${sample}_sum`, labels, t, v.sum ?? 0);
            add(family, `${sample}_count`, labels, t, v.count ?? 0);
          } else if (v.def.kind === "summary") {
            (family.quantiles ?? []).forEach((q, k) => add(family, sample, { ...labels, quantile: String(q) }, t, v.quantiles?.[k] ?? 0));
            add(family, `${sample}_sum`, labels, t, v.sum ?? 0);
            add(family, `${sample}_count`, labels, t, v.count ?? 0);
          } else {
            add(family, sample, labels, t, v.value);
          }
        }
      }
    });
  }

  // GPUs in use by a serving pod, since the pod started (a container restart keeps its GPUs).
  const podStart = new Map(pods.map((p) => [`${p.target.namespace}/${p.target.pod}`, p.starts[0] ?? 0]));
  for (const node of store.list(kinds.nodes)) {
    const devices = gpuDevices(store, node.metadata.name ?? "");
    if (!devices) continue;
    const nodeLabels = nodeTargetLabels(node);
    for (const device of devices) {
      if (!device.user) continue;
      const traffic = podTraffic(device.user, seed);
      const since = podStart.get(`${device.user.namespace}/${device.user.pod}`) ?? device.userSince ?? 0;
      for (const t of times) {
        if (t < since) continue;
        for (const reading of gpuReadings(device, minuteTraffic(traffic, Math.floor(t / minuteMs)), device.user.runtime)) {
          // Whole GPUs keep DCGM_FI_DEV_GPU_UTIL; MIG instances, which have none, the engine activity.
          if (keep && (!keep.has(reading.family.name) || (!device.mig && reading.family === dcgmFamilies.grActive))) continue;
          add(reading.family, reading.family.name, { ...device.labels, ...nodeLabels }, t, reading.value);
        }
      }
    }
  }

  const dropped = prunableBuckets([...series.values()]);
  const out = createWriteStream(opts.file);
  let bytes = 0;
  let samples = 0;
  const write = async (text: string): Promise<void> => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, "drain");
  };
  for (const list of byFamily.values()) {
    const family = list[0]?.family;
    if (!family) continue;
    const { name, type } = familyName(family);
    await write(`# TYPE ${name} ${type}\n`);
    for (const s of list) {
      if (dropped.has(s)) continue;
      let chunk = "";
      for (let i = 0; i < s.times.length; i++) {
        chunk += `${s.name}${s.labels} ${s.values[i] ?? 0} ${Math.floor((s.times[i] ?? 0) / 1000)}\n`;
        if (chunk.length > 1 << 16) {
          await write(chunk);
          chunk = "";
        }
      }
      samples += s.times.length;
      await write(chunk);
    }
  }
  await write("# EOF\n");
  out.end();
  await once(out, "finish");
  return { series: series.size - dropped.size, samples, bytes };
}
