/**
 * dcgm-exporter on each GPU node (NVIDIA/dcgm-exporter etc/default-counters.csv): one series per
 * GPU, or per MIG instance, labelled as the exporter's template does (gpu, UUID, pci_bus_id, device,
 * modelName, Hostname, DCGM_FI_DRIVER_VERSION, and the pod mapping's pod/namespace/container of the
 * pod holding it). Utilisation and memory follow the traffic of that pod.
 */
import { type KubeObject } from "../kubeObject";
import { type ObjectStore } from "../objectStore";
import { findResource, type ResourceType } from "../resourceTypes";
import { type FamilyDef, type Labels } from "./runtimeMetrics";
import { type ModelServerTarget, liveTarget } from "./runtimeMetricsTarget";
import { type MinuteTraffic, hashKey, uniform } from "./trafficModel";

const kinds = {
  nodes: findResource("", "v1", "nodes") as ResourceType,
  pods: findResource("", "v1", "pods") as ResourceType,
};

export const dcgmFamilies = {
  gpuUtil: { name: "DCGM_FI_DEV_GPU_UTIL", type: "gauge", help: "GPU utilization (in %).", labelNames: [] },
  fbUsed: { name: "DCGM_FI_DEV_FB_USED", type: "gauge", help: "Framebuffer memory used (in MiB).", labelNames: [] },
  fbFree: { name: "DCGM_FI_DEV_FB_FREE", type: "gauge", help: "Framebuffer memory free (in MiB).", labelNames: [] },
  power: { name: "DCGM_FI_DEV_POWER_USAGE", type: "gauge", help: "Power draw (in W).", labelNames: [] },
  temp: { name: "DCGM_FI_DEV_GPU_TEMP", type: "gauge", help: "GPU temperature (in C).", labelNames: [] },
  grActive: { name: "DCGM_FI_PROF_GR_ENGINE_ACTIVE", type: "gauge", help: "Ratio of time the graphics engine is active.", labelNames: [] },
} satisfies Record<string, FamilyDef>;

const driverVersion = "550.54.15";

interface GpuModel {
  idleW: number;
  maxW: number;
}
function gpuModel(modelName: string): GpuModel {
  if (modelName.includes("A100")) return { idleW: 58, maxW: 400 };
  if (modelName.includes("A10")) return { idleW: 18, maxW: 150 };
  if (modelName.includes("T4")) return { idleW: 10, maxW: 70 };
  return { idleW: 40, maxW: 300 };
}

/** One GPU or MIG instance as the exporter reports it. */
export interface GpuDevice {
  labels: Labels;
  /** MiB of frame buffer on this GPU or MIG instance. */
  memoryMiB: number;
  mig: boolean;
  model: GpuModel;
  /** The serving pod using it, if any. */
  user?: ModelServerTarget;
  userSince?: number;
}

function hex(key: number, n: number, salt: number): string {
  let s = "";
  while (s.length < n) s += Math.floor(uniform(key, 3, salt, s.length) * 16).toString(16);
  return s;
}

function gpuUuid(node: string, index: number): string {
  const key = hashKey(`${node}/${index}`);
  return `GPU-${hex(key, 8, 1)}-${hex(key, 4, 2)}-${hex(key, 4, 3)}-${hex(key, 4, 4)}-${hex(key, 12, 5)}`;
}

const quantity = (v: unknown): number => (typeof v === "string" || typeof v === "number" ? Number.parseInt(String(v), 10) || 0 : 0);

function podGpus(pod: KubeObject): { resource: string; count: number } | undefined {
  for (const c of (pod.spec as { containers?: { resources?: { limits?: Record<string, string> } }[] } | undefined)?.containers ?? []) {
    for (const [resource, value] of Object.entries(c.resources?.limits ?? {})) {
      if (resource === "nvidia.com/gpu" || resource.startsWith("nvidia.com/mig-")) return { resource, count: quantity(value) };
    }
  }
  return undefined;
}

function isReady(node: KubeObject): boolean {
  const conditions = (node.status as { conditions?: { type?: string; status?: string }[] } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === "Ready" && c.status === "True");
}

/**
 * The GPUs a Ready node's dcgm-exporter reports, with the running pods mapped onto them in name
 * order (the device plugin's allocation is not recorded in the pod, so any stable order will do).
 * Undefined for nodes that are unknown, not Ready or have no GPUs: there is no exporter to scrape.
 */
export function gpuDevices(store: ObjectStore, nodeName: string, podsOnNode?: readonly KubeObject[]): GpuDevice[] | undefined {
  const node = store.get(kinds.nodes, undefined, nodeName);
  if (!node || !isReady(node)) return undefined;
  const status = node.status as { capacity?: Record<string, string> } | undefined;
  const labels = node.metadata.labels ?? {};
  const fullGpus = quantity(status?.capacity?.["nvidia.com/gpu"]);
  const migResource = Object.keys(status?.capacity ?? {}).find((r) => r.startsWith("nvidia.com/mig-") && quantity(status?.capacity?.[r]) > 0);
  const migSlices = migResource ? quantity(status?.capacity?.[migResource]) : 0;
  if (fullGpus === 0 && migSlices === 0) return undefined;
  const product = (labels["nvidia.com/gpu.product"] ?? "NVIDIA-GPU").replace(/-MIG-.*$/, "");
  const modelName = product.replace("-", " ");
  const memory = quantity(labels["nvidia.com/gpu.memory"]) || 81920;
  const hostname = labels["kubernetes.io/hostname"] ?? nodeName;
  const base = (index: number): Labels => ({
    gpu: String(index), UUID: gpuUuid(nodeName, index), pci_bus_id: `00000001:${(index + 1).toString(16).padStart(2, "0").toUpperCase()}:00.0`,
    device: `nvidia${index}`, modelName, Hostname: hostname, DCGM_FI_DRIVER_VERSION: driverVersion,
  });
  const devices: GpuDevice[] = [];
  if (fullGpus > 0) {
    for (let i = 0; i < fullGpus; i++) devices.push({ labels: base(i), memoryMiB: memory, mig: false, model: gpuModel(modelName) });
  } else {
    // A100 1g.10gb: seven GPU instances per GPU, with the instance ids nvidia-smi shows (7..13).
    const profile = (migResource ?? "").replace("nvidia.com/mig-", "");
    for (let s = 0; s < migSlices; s++) {
      const gpu = Math.floor(s / 7);
      devices.push({ labels: { ...base(gpu), GPU_I_PROFILE: profile, GPU_I_ID: String(7 + (s % 7)) }, memoryMiB: memory, mig: true, model: gpuModel(modelName) });
    }
  }
  let next = 0;
  // In pod name order, as the backfill assigns the GPUs of the past (devicesOf in backfill.ts).
  const pods = [...(podsOnNode ?? store.list(kinds.pods).filter((p) => (p.spec as { nodeName?: string } | undefined)?.nodeName === nodeName))].sort((a, b) => ((a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : 1));
  for (const pod of pods) {
    const want = podGpus(pod);
    if (!want || want.count === 0 || (want.resource === "nvidia.com/gpu") === (fullGpus === 0)) continue;
    const live = liveTarget(store, pod.metadata.namespace ?? "default", pod.metadata.name ?? "");
    for (let k = 0; k < want.count && next < devices.length; k++, next++) {
      const device = devices[next];
      if (!device || !live) continue;
      device.labels = { ...device.labels, pod: live.target.pod, namespace: live.target.namespace, container: live.target.container };
      device.user = live.target;
      device.userSince = live.since;
    }
  }
  return devices;
}

/** Whether a pod's GPU resource is what the device is: a whole GPU, or a MIG instance. */
export function deviceFits(device: GpuDevice, resource: string): boolean {
  return (resource === "nvidia.com/gpu") === !device.mig;
}

/** A device's readings in one minute of its pod's traffic (idle when no pod serves on it). */
export function gpuReadings(device: GpuDevice, m: MinuteTraffic | undefined, runtime?: ModelServerTarget["runtime"]): { family: FamilyDef; value: number }[] {
  const busy = m ? m.gpuBusy : 0;
  const util = Math.round(busy * 100);
  // vLLM preallocates 90% of the GPU for weights and KV cache; other servers hold their model plus buffers.
  const usedShare = !m ? 0 : runtime === "vllm" ? 0.9 : 0.3 + 0.1 * busy;
  const used = m ? Math.round(device.memoryMiB * usedShare) : 0;
  const readings = [
    { family: dcgmFamilies.fbUsed, value: used },
    { family: dcgmFamilies.fbFree, value: device.memoryMiB - used },
    { family: dcgmFamilies.grActive, value: Math.round(busy * 0.93 * 1e6) / 1e6 },
  ];
  if (device.mig) return readings;
  return [
    { family: dcgmFamilies.gpuUtil, value: util },
    ...readings,
    { family: dcgmFamilies.power, value: Math.round((device.model.idleW + (device.model.maxW - device.model.idleW) * busy * 0.85) * 1000) / 1000 },
    { family: dcgmFamilies.temp, value: Math.round(33 + 40 * busy) },
  ];
}
