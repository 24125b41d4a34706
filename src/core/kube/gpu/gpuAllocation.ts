import type { V1Node, V1Pod } from "@kubernetes/client-node";
import { isGpuResourceName, migProfile } from "../objects/gpuResource";
import { effectivePodRequests } from "../objects/podEffectiveRequests";
import { parseDeviceCount } from "../objects/resourceQuantity";

/** One GPU resource on a node: whole GPUs (`nvidia.com/gpu`) or one MIG profile. */
export interface GpuResourceAllocation {
  readonly resource: string;
  /** `1g.5gb` for `nvidia.com/mig-1g.5gb`; undefined for whole GPUs. */
  readonly migProfile: string | undefined;
  /** What the scheduler may hand out (status.allocatable), 0 when the device plugin is not reporting. */
  readonly allocatable: number;
  /** Sum of the effective requests of the node's non-terminated pods. Can exceed allocatable after a device-plugin restart. */
  readonly allocated: number;
  readonly pods: readonly { readonly namespace: string; readonly name: string; readonly count: number }[];
}

/**
 * GPU utilisation from DCGM (dcgm-exporter through Prometheus), filled in later by the metrics
 * layer; allocation alone says what is reserved, not what is used.
 */
export interface GpuUtilisation {
  /** Milliseconds since the epoch of the sample. */
  readonly sampledAt: number;
  readonly devices: readonly {
    /** The `gpu` label of dcgm-exporter: the device index on the node. */
    readonly index: number;
    readonly uuid?: string;
    /** DCGM_FI_DEV_GPU_UTIL, percent. */
    readonly utilisationPercent?: number;
    /** DCGM_FI_DEV_FB_USED and DCGM_FI_DEV_FB_FREE, MiB. */
    readonly memoryUsedMiB?: number;
    readonly memoryFreeMiB?: number;
    /** The pod the device is attributed to, when dcgm-exporter's pod mapping is on. */
    readonly pod?: { readonly namespace: string; readonly name: string };
  }[];
}

export interface NodeGpuAllocation {
  readonly node: string;
  readonly uid: string | undefined;
  /** GPU-feature-discovery: `nvidia.com/gpu.product`, e.g. NVIDIA-A100-SXM4-80GB. */
  readonly product: string | undefined;
  /** GPU-feature-discovery: `nvidia.com/gpu.memory`, per GPU, in MiB. */
  readonly memoryMiB: number | undefined;
  /** GPU-feature-discovery: `nvidia.com/gpu.count`, physical GPUs (allocatable can differ with time-slicing). */
  readonly physicalGpus: number | undefined;
  /** Time-slicing replicas per GPU (`nvidia.com/gpu.replicas`), when more than 1. */
  readonly sharedReplicas: number | undefined;
  /** `nvidia.com/mig.strategy`: "single" advertises slices as nvidia.com/gpu, "mixed" per profile. */
  readonly migStrategy: string | undefined;
  /** Whole-GPU resources (nvidia.com/gpu, amd.com/gpu). */
  readonly gpus: readonly GpuResourceAllocation[];
  /** MIG profiles, each its own resource, sorted by name. */
  readonly mig: readonly GpuResourceAllocation[];
  /** The Ready condition's status; Unknown when the kubelet stopped reporting. */
  readonly ready: "True" | "False" | "Unknown";
  /** Conditions that are True and mean trouble: MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable. */
  readonly pressures: readonly { readonly type: string; readonly reason?: string; readonly message?: string }[];
  readonly taints: readonly { readonly key: string; readonly value?: string; readonly effect: string }[];
  /** spec.unschedulable (kubectl cordon). */
  readonly cordoned: boolean;
  readonly utilisation?: GpuUtilisation;
}

const pressureTypes = ["MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable"];

function label(node: V1Node, key: string): string | undefined {
  return node.metadata?.labels?.[key];
}

function labelNumber(node: V1Node, key: string): number | undefined {
  const raw = label(node, key);
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

/** GPU resources the node advertises, in capacity or allocatable (a broken plugin can zero one of them). */
function gpuResourceNames(node: V1Node): string[] {
  const names = Object.keys({ ...node.status?.capacity, ...node.status?.allocatable }).filter(isGpuResourceName);
  return [...new Set(names)];
}

/** A node with GPUs: it advertises a GPU resource, or GPU-feature-discovery found one. */
export function isGpuNode(node: V1Node): boolean {
  return gpuResourceNames(node).length > 0 || label(node, "nvidia.com/gpu.present") === "true";
}

/** A pod holds its devices until it reaches Succeeded or Failed, as kubectl describe node counts. */
export function holdsNodeResources(pod: V1Pod): boolean {
  return pod.status?.phase !== "Succeeded" && pod.status?.phase !== "Failed";
}

/** The pod's effective GPU requests per resource (requests, else limits; init containers per the scheduler's rule). */
export function podGpuRequests(pod: V1Pod): Map<string, number> {
  if (!pod.spec) return new Map();
  const requests = effectivePodRequests(pod.spec, isGpuResourceName);
  for (const [name, n] of requests) if (n <= 0) requests.delete(name);
  return requests;
}

/** Allocation on one node. `pods` may be every pod in the cluster; only those bound to this node count. */
export function nodeGpuAllocation(node: V1Node, pods: readonly V1Pod[], utilisation?: GpuUtilisation): NodeGpuAllocation {
  const name = node.metadata?.name ?? "";
  const bound = pods.filter((p) => p.spec?.nodeName === name && holdsNodeResources(p));
  const perPod = bound.map((pod) => ({ pod, requests: podGpuRequests(pod) }));
  const resources = new Set(gpuResourceNames(node));
  for (const { requests } of perPod) for (const r of requests.keys()) resources.add(r);

  const allocations = [...resources].sort().map((resource): GpuResourceAllocation => {
    const holders = perPod
      .filter(({ requests }) => (requests.get(resource) ?? 0) > 0)
      .map(({ pod, requests }) => ({ namespace: pod.metadata?.namespace ?? "", name: pod.metadata?.name ?? "", count: requests.get(resource) ?? 0 }))
      .sort((a, b) => a.namespace.localeCompare(b.namespace, "en") || a.name.localeCompare(b.name, "en"));
    return {
      resource,
      migProfile: migProfile(resource),
      allocatable: parseDeviceCount(node.status?.allocatable?.[resource]) ?? 0,
      allocated: holders.reduce((sum, h) => sum + h.count, 0),
      pods: holders,
    };
  });

  const conditions = node.status?.conditions ?? [];
  const readyStatus = conditions.find((c) => c.type === "Ready")?.status;
  const replicas = labelNumber(node, "nvidia.com/gpu.replicas");
  return {
    node: name,
    uid: node.metadata?.uid,
    product: label(node, "nvidia.com/gpu.product"),
    memoryMiB: labelNumber(node, "nvidia.com/gpu.memory"),
    physicalGpus: labelNumber(node, "nvidia.com/gpu.count"),
    sharedReplicas: replicas !== undefined && replicas > 1 ? replicas : undefined,
    migStrategy: label(node, "nvidia.com/mig.strategy"),
    gpus: allocations.filter((a) => a.migProfile === undefined),
    mig: allocations.filter((a) => a.migProfile !== undefined),
    ready: readyStatus === "True" || readyStatus === "False" ? readyStatus : "Unknown",
    pressures: conditions
      .filter((c) => pressureTypes.includes(c.type) && c.status === "True")
      .map((c) => ({ type: c.type, reason: c.reason, message: c.message })),
    taints: (node.spec?.taints ?? []).map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
    cordoned: node.spec?.unschedulable === true,
    ...(utilisation ? { utilisation } : {}),
  };
}

/** Allocation for many nodes, indexing pods by node once. Utilisation is keyed by node name. */
export function gpuAllocations(
  nodes: readonly V1Node[],
  pods: readonly V1Pod[],
  utilisation: ReadonlyMap<string, GpuUtilisation> = new Map(),
): NodeGpuAllocation[] {
  const byNode = new Map<string, V1Pod[]>();
  for (const pod of pods) {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) continue;
    const list = byNode.get(nodeName);
    if (list) list.push(pod);
    else byNode.set(nodeName, [pod]);
  }
  return nodes.map((node) => {
    const name = node.metadata?.name ?? "";
    return nodeGpuAllocation(node, byNode.get(name) ?? [], utilisation.get(name));
  });
}
