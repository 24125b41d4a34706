/**
 * The kubelet's cAdvisor series (/metrics/cadvisor) for the containers of serving pods:
 * container_cpu_usage_seconds_total (a counter of CPU seconds since the container started) and
 * container_memory_working_set_bytes, labelled container, image, namespace and pod, plus the pod's
 * own cgroup (container="" and image="", the sum of its containers and the pause container), which
 * is why queries filter on container!="". kube-prometheus-stack scrapes it with the job "kubelet",
 * metrics_path "/metrics/cadvisor", instance <node IP>:10250 and a node label.
 *
 * Usage follows the traffic model's load, so live scrapes and the backfill agree: each runtime uses
 * a typical share of what its containers request (vLLM asks for far more CPU and memory than it
 * uses; FastAPI apps use most of theirs), never above a limit.
 */
import { type KubeObject } from "../kubeObject";
import { type FamilyDef, type Labels, type SeriesDef } from "./runtimeMetrics";
import { ProcessCounters, podTraffic } from "./runtimeMetricsCounters";
import { type ModelServerTarget, type PodContainer } from "./runtimeMetricsTarget";
import { type MinuteTraffic, type RuntimeId, minuteTraffic } from "./trafficModel";

export const kubeletJob = "kubelet";
export const kubeletPort = 10250;
export const cadvisorMetricsPath = "/metrics/cadvisor";

const labelNames = ["container", "image", "namespace", "pod"] as const;
export const cadvisorFamilies = {
  cpu: { name: "container_cpu_usage_seconds_total", type: "counter", help: "Cumulative cpu time consumed in seconds.", labelNames },
  memory: { name: "container_memory_working_set_bytes", type: "gauge", help: "Current working set in bytes.", labelNames },
} satisfies Record<string, FamilyDef>;

/** The kubelet target's labels as kube-prometheus-stack's ServiceMonitor relabels them. */
export function kubeletTargetLabels(node: KubeObject): Labels {
  const addresses = (node.status as { addresses?: { type?: string; address?: string }[] } | undefined)?.addresses ?? [];
  const ip = addresses.find((a) => a.type === "InternalIP")?.address ?? node.metadata.name ?? "";
  return { job: kubeletJob, metrics_path: cadvisorMetricsPath, instance: `${ip}:${kubeletPort}`, node: node.metadata.name ?? "" };
}

/** What a runtime's serving container uses at mean load, as a share of its requests. */
const servingShare: Record<RuntimeId, { cpu: number; memory: number }> = {
  vllm: { cpu: 0.12, memory: 0.06 },
  triton: { cpu: 0.5, memory: 0.3 },
  kserve: { cpu: 0.35, memory: 0.6 },
  fastapi: { cpu: 0.55, memory: 0.7 },
};
const sidecarShare = { cpu: 0.05, memory: 0.3 };
/** The pause container's working set: its cgroup is the pod's, outside every container's. */
const pauseBytes = 700 * 1024;
const page = 4096;

interface Usage {
  /** CPU seconds used in the minute (whole seconds, dithered so the mean is right). */
  cpuSeconds: (m: MinuteTraffic) => number;
  bytes: (m: MinuteTraffic) => number;
}

function containerUsage(runtime: RuntimeId, c: PodContainer): Usage {
  const share = c.serving ? servingShare[runtime] : sidecarShare;
  const cpuBase = c.cpuRequest ?? c.cpuLimit ?? 0.1;
  const memoryBase = c.memoryRequest ?? c.memoryLimit ?? 256 * 2 ** 20;
  return {
    cpuSeconds: (m) => {
      const cores = Math.min(c.cpuLimit ?? Infinity, cpuBase * share.cpu * (0.35 + 0.65 * m.load) * (0.92 + 0.16 * m.dither));
      return Math.floor(cores * 60 + m.dither);
    },
    bytes: (m) => {
      const bytes = Math.min((c.memoryLimit ?? Infinity) * 0.98, memoryBase * share.memory * (0.97 + 0.06 * m.dither));
      return Math.round(bytes / page) * page;
    },
  };
}

/** The cAdvisor series of a pod: each container's, then the pod cgroup's. */
export function cadvisorSeries(target: ModelServerTarget): SeriesDef[] {
  const usages = target.containers.map((c) => ({ c, usage: containerUsage(target.runtime, c) }));
  const defs: SeriesDef[] = [];
  for (const { c, usage } of usages) {
    const labels = { container: c.name, image: c.image, namespace: target.namespace, pod: target.pod };
    defs.push({ kind: "counter", family: cadvisorFamilies.cpu, labels, inc: usage.cpuSeconds });
    defs.push({ kind: "gauge", family: cadvisorFamilies.memory, labels, value: usage.bytes });
  }
  const podLabels = { container: "", image: "", namespace: target.namespace, pod: target.pod };
  defs.push({ kind: "counter", family: cadvisorFamilies.cpu, labels: podLabels, inc: (m) => usages.reduce((sum, u) => sum + u.usage.cpuSeconds(m), 0) });
  defs.push({ kind: "gauge", family: cadvisorFamilies.memory, labels: podLabels, value: (m) => usages.reduce((sum, u) => sum + u.usage.bytes(m), pauseBytes) });
  return defs;
}

/** A pod's cgroups since its containers started at `startMs` (a restart starts the CPU counters again). */
export function cadvisorCounters(target: ModelServerTarget, seed: number, startMs: number): ProcessCounters {
  return new ProcessCounters(cadvisorSeries(target), podTraffic(target, seed), startMs);
}

/**
 * Each container's mean CPU cores and working-set bytes, and the mean GPU busy fraction, over
 * minutes [fromMinute, toMinute) sampled every `stepMinutes`: what Prometheus would average.
 */
export function meanUsage(target: ModelServerTarget, seed: number, fromMinute: number, toMinute: number, stepMinutes = 60): { containers: Map<string, { cpuCores: number; ramBytes: number }>; gpuBusy: number } {
  const traffic = podTraffic(target, seed);
  const usages = target.containers.map((c) => ({ name: c.name, usage: containerUsage(target.runtime, c), cpu: 0, ram: 0 }));
  let busy = 0;
  let n = 0;
  for (let minute = fromMinute; minute < toMinute; minute += stepMinutes) {
    const m = minuteTraffic(traffic, minute);
    for (const u of usages) {
      u.cpu += u.usage.cpuSeconds(m) / 60;
      u.ram += u.usage.bytes(m);
    }
    busy += m.gpuBusy;
    n++;
  }
  const mean = (x: number): number => (n === 0 ? 0 : x / n);
  return { containers: new Map(usages.map((u) => [u.name, { cpuCores: mean(u.cpu), ramBytes: mean(u.ram) }])), gpuBusy: mean(busy) };
}
