/**
 * The sandbox's metric history: OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`,
 * from the same traffic model and process counters the live exporters serve, with the same target
 * labels, so that a chart runs from days ago into the live scrapes without a seam. Pods follow the
 * rollout history: a ReplicaSet scaled to zero served from its creation until the next revision's,
 * under its own pod-template-hash; counters restart with each container start, as real ones do.
 *
 * To keep the file and promtool's passes over it small, history holds what the dashboards read
 * (latency histograms, request and error counters, saturation gauges, GPU utilisation, the
 * kubelet's CPU and memory per container), sampled more finely the closer to now (see sampleTimes).
 * GPUs are written for every device since its node came up, idle ones at zero as dcgm-exporter
 * reports them, held by the pods that ran on the node at each time; pods of past revisions, whose
 * node the store no longer knows, are put on the nodes of the pods that replaced them.
 */
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { type ObjectStore } from "../objectStore";
import { findResource, type ResourceType } from "../resourceTypes";
import { type KubeObject } from "../kubeObject";
import { cadvisorCounters, cadvisorFamilies, kubeletTargetLabels } from "./cadvisorMetrics";
import { type GpuDevice, dcgmFamilies, deviceFits, gpuDevices, gpuReadings } from "./dcgmMetrics";
import { nodeTargetLabels, podTargetLabels } from "./exporters";
import { type FamilyDef, type Labels } from "./runtimeMetrics";
import { type ProcessCounters, podTraffic, processCounters } from "./runtimeMetricsCounters";
import { type HistoricalPod, type ModelServerTarget, historicalPods } from "./runtimeMetricsTarget";
import { type MinuteTraffic, type PodTraffic, minuteMs, minuteTraffic } from "./trafficModel";

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
  // the kubelet's cAdvisor
  cadvisorFamilies.cpu.name, cadvisorFamilies.memory.name,
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

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The node of every pod: its own, or for a pod of a past revision (which the store keeps no node
 * for) the node of the current pod of its service at the same index in name order.
 */
function nodesOfPods(pods: readonly HistoricalPod[]): Map<HistoricalPod, string> {
  const placed = new Map<HistoricalPod, string>();
  const current = new Map<string, string[]>();
  const unplaced = new Map<string, HistoricalPod[]>();
  for (const p of [...pods].sort((a, b) => byName(a.target.pod, b.target.pod))) {
    if (p.target.node) {
      placed.set(p, p.target.node);
      current.set(p.target.serviceKey, [...(current.get(p.target.serviceKey) ?? []), p.target.node]);
    } else {
      unplaced.set(p.target.serviceKey, [...(unplaced.get(p.target.serviceKey) ?? []), p]);
    }
  }
  for (const [service, list] of unplaced) {
    const nodes = current.get(service) ?? [];
    list.forEach((p, i) => {
      const node = nodes[i % Math.max(1, nodes.length)];
      if (node) placed.set(p, node);
    });
  }
  return placed;
}

/** Who holds a node's devices at a time: the pods serving then, in name order, as gpuDevices does live. */
function devicesOf(devices: readonly GpuDevice[], holders: readonly { target: ModelServerTarget }[]): (ModelServerTarget | undefined)[] {
  const owner: (ModelServerTarget | undefined)[] = devices.map(() => undefined);
  let next = 0;
  for (const { target } of [...holders].sort((a, b) => byName(a.target.pod, b.target.pod))) {
    const first = devices[next];
    if (target.gpus.count === 0 || !first || !deviceFits(first, target.gpus.resource)) continue;
    for (let k = 0; k < target.gpus.count && next < devices.length; k++, next++) owner[next] = target;
  }
  return owner;
}

const ms = (timestamp: unknown): number | undefined => (typeof timestamp === "string" && Number.isFinite(Date.parse(timestamp)) ? Date.parse(timestamp) : undefined);

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
  const nodeOf = nodesOfPods(pods);
  const nodesByName = new Map(store.list(kinds.nodes).map((n) => [n.metadata.name ?? "", n]));
  const cadvisorKept = !keep || keep.has(cadvisorFamilies.cpu.name) || keep.has(cadvisorFamilies.memory.name);
  for (const pod of pods) {
    const { target, starts, end, live } = pod;
    const targetLabels = podTargetLabels(target);
    const node: KubeObject | undefined = nodesByName.get(nodeOf.get(pod) ?? "");
    const kubeletLabels = node ? kubeletTargetLabels(node) : undefined;
    starts.forEach((start, i) => {
      const until = Math.min(starts[i + 1] ?? end, end);
      // Counters the live exporter continues must count from the container's start; those of pods
      // that are gone may count from just before the window, which no one can tell apart.
      const origin = live && i === starts.length - 1 ? start : Math.max(start, from - 3_600_000);
      const process = { counters: processCounters(target, seed, origin, (def) => keptFor(target.runtime, def.family.name, keep)), labels: targetLabels };
      // The kubelet's cgroups restart with the container, as the process does.
      const cgroups = kubeletLabels && cadvisorKept ? { counters: cadvisorCounters(target, seed, origin), labels: kubeletLabels } : undefined;
      const sources: { counters: ProcessCounters; labels: Labels }[] = cgroups ? [process, cgroups] : [process];
      for (const t of times) {
        if (t < start || t < from) continue;
        if (t >= until && !(t === opts.now && until === opts.now)) break;
        for (const source of sources) for (const v of source.counters.valuesAt(t)) {
          const family = v.def.family;
          if (source === process ? !keptFor(target.runtime, family.name, keep) : keep && !keep.has(family.name)) continue;
          const labels = { ...v.def.labels, ...source.labels };
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

  // Every GPU since its node came up, held by the pods serving on the node at each time (a
  // container restart keeps its GPUs, so a pod holds them from its first start to its end).
  const holders = new Map<string, { target: ModelServerTarget; from: number; to: number }[]>();
  for (const pod of pods) {
    const node = nodeOf.get(pod);
    if (!node || pod.target.gpus.count === 0) continue;
    const to = pod.end >= opts.now ? Infinity : pod.end;
    holders.set(node, [...(holders.get(node) ?? []), { target: { ...pod.target, node }, from: pod.starts[0] ?? pod.end, to }]);
  }
  const traffic = new Map<ModelServerTarget, PodTraffic>();
  for (const node of store.list(kinds.nodes)) {
    const name = node.metadata.name ?? "";
    const devices = gpuDevices(store, name, []);
    if (!devices) continue;
    const nodeLabels = nodeTargetLabels(node);
    const on = holders.get(name) ?? [];
    const up = Math.max(from, ms(node.metadata.creationTimestamp) ?? from);
    // Who holds which device changes only when a pod starts or ends.
    const cuts = [...new Set([up, ...on.flatMap((h) => [h.from, h.to])])].filter((t) => t >= up && t <= opts.now).sort((a, b) => a - b);
    cuts.forEach((cut, c) => {
      const next = cuts[c + 1] ?? Infinity;
      const owners = devicesOf(devices, on.filter((h) => h.from <= cut && h.to > cut));
      devices.forEach((device, d) => {
        const user = owners[d];
        const labels = { ...device.labels, ...(user ? { pod: user.pod, namespace: user.namespace, container: user.container } : {}), ...nodeLabels };
        let pt = user ? traffic.get(user) : undefined;
        if (user && !pt) {
          pt = podTraffic(user, seed);
          traffic.set(user, pt);
        }
        for (const t of times) {
          if (t < cut) continue;
          if (t >= next) break;
          const m: MinuteTraffic | undefined = pt ? minuteTraffic(pt, Math.floor(t / minuteMs)) : undefined;
          for (const reading of gpuReadings(device, m, user?.runtime)) {
            // Whole GPUs keep DCGM_FI_DEV_GPU_UTIL; MIG instances, which have none, the engine activity.
            if (keep && (!keep.has(reading.family.name) || (!device.mig && reading.family === dcgmFamilies.grActive))) continue;
            add(reading.family, reading.family.name, labels, t, reading.value);
          }
        }
      });
    });
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
