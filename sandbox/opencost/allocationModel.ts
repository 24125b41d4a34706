/**
 * OpenCost's allocation maths over the sandbox's store, per container, as its cost model computes
 * them (opencost pkg/costmodel/allocation_helpers.go, core/pkg/opencost/allocation.go):
 * - hours a container ran inside the window (Running pods, from status.startTime, on a node that existed);
 * - CPU core-hours and RAM byte-hours are max(request, usage) × hours; GPU hours are requested
 *   nvidia.com/gpu × hours (MIG resources are not nvidia.com/gpu, so OpenCost gives them no GPU);
 * - costs are those × the node's price per resource: OpenCost's custom-pricing defaults
 *   (configs/default.json), or, for an instance type given a node price, that price split by the
 *   default ratios the way GetNodeCost does (protocols.md §6.2);
 * - efficiency is usage ÷ request, total efficiency cost-weighted over CPU and RAM;
 * - idle is the nodes' cost minus what is allocated, per resource, never below zero.
 * Usage comes from the same traffic model as the sandbox's cAdvisor and dcgm series, so it agrees
 * with what the sandbox's Prometheus holds.
 */
import { type KubeObject } from "../kubeObject";
import { meanUsage } from "../metrics/cadvisorMetrics";
import { liveTarget, parseQuantity } from "../metrics/runtimeMetricsTarget";
import { type ObjectStore } from "../objectStore";
import { findResource, type ResourceType } from "../resourceTypes";

const kinds = {
  pods: findResource("", "v1", "pods") as ResourceType,
  nodes: findResource("", "v1", "nodes") as ResourceType,
  namespaces: findResource("", "v1", "namespaces") as ResourceType,
  replicaSets: findResource("apps", "v1", "replicasets") as ResourceType,
};

/** OpenCost's configs/default.json, per hour. */
export const openCostDefaultPrices = { cpu: 0.031611, ramGiB: 0.004237, gpu: 0.95 } as const;

export interface ResourcePrices {
  cpu: number;
  ramGiB: number;
  gpu: number;
}

/** The per-resource hourly prices of a node: the defaults, or its node price split by the default ratios. */
export function nodeResourcePrices(capacity: { cpu: number; ramGiB: number; gpus: number }, nodeHourly: number | undefined): ResourcePrices {
  const d = openCostDefaultPrices;
  if (nodeHourly === undefined) return { ...d };
  const cpuToRam = d.cpu / d.ramGiB;
  const gpuToRam = d.gpu / d.ramGiB;
  const ramMultiple = capacity.gpus * gpuToRam + capacity.cpu * cpuToRam + capacity.ramGiB;
  const ramGiB = ramMultiple > 0 ? nodeHourly / ramMultiple : 0;
  return { cpu: ramGiB * cpuToRam, ramGiB, gpu: capacity.gpus > 0 ? ramGiB * gpuToRam : 0 };
}

export interface ContainerAllocation {
  properties: {
    cluster: string;
    node: string;
    namespace: string;
    controller?: string;
    controllerKind?: string;
    pod: string;
    container: string;
    providerID?: string;
    namespaceLabels: Record<string, string>;
    /** Pod labels with the namespace's merged in underneath, keys sanitised as kube-state-metrics does. */
    labels: Record<string, string>;
    annotations: Record<string, string>;
  };
  start: number;
  end: number;
  cpuCoreRequestAverage: number;
  cpuCoreUsageAverage: number;
  ramByteRequestAverage: number;
  ramByteUsageAverage: number;
  gpuRequestAverage: number;
  gpuUsageAverage: number;
  cpuCoreHours: number;
  ramByteHours: number;
  gpuHours: number;
  cpuCost: number;
  ramCost: number;
  gpuCost: number;
}

export interface NodeAsset {
  name: string;
  start: number;
  end: number;
  cpuCost: number;
  ramCost: number;
  gpuCost: number;
}

export const clusterId = "default-cluster";

/** Label keys as kube-state-metrics turns them into Prometheus label names (OpenCost reads them from there). */
export const sanitiseLabel = (key: string): string => key.replace(/[^a-zA-Z0-9_]/g, "_");
const sanitised = (labels: Record<string, string> | undefined): Record<string, string> => Object.fromEntries(Object.entries(labels ?? {}).map(([k, v]) => [sanitiseLabel(k), v]));

const ms = (timestamp: unknown): number | undefined => (typeof timestamp === "string" && Number.isFinite(Date.parse(timestamp)) ? Date.parse(timestamp) : undefined);

interface NodeInfo {
  start: number;
  prices: ResourcePrices;
  capacity: { cpu: number; ramGiB: number; gpus: number };
  providerID?: string;
}

function nodeInfo(node: KubeObject, nodePrices: Readonly<Record<string, number>>): NodeInfo {
  const capacity = (node.status as { capacity?: Record<string, string> } | undefined)?.capacity ?? {};
  const c = { cpu: parseQuantity(capacity.cpu) ?? 0, ramGiB: (parseQuantity(capacity.memory) ?? 0) / 2 ** 30, gpus: parseQuantity(capacity["nvidia.com/gpu"]) ?? 0 };
  const type = node.metadata.labels?.["node.kubernetes.io/instance-type"];
  const providerID = (node.spec as { providerID?: string } | undefined)?.providerID;
  return { start: ms(node.metadata.creationTimestamp) ?? 0, prices: nodeResourcePrices(c, type ? nodePrices[type] : undefined), capacity: c, ...(providerID ? { providerID } : {}) };
}

interface PodSpecLike {
  nodeName?: string;
  containers?: { name?: string; resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }[];
}

/** The allocations of every container that ran in [start, end) ms, and the nodes' costs over the same time. */
export function computeAllocations(store: ObjectStore, window: { start: number; end: number }, opts: { nodePrices?: Readonly<Record<string, number>>; seed?: number } = {}): { allocations: ContainerAllocation[]; nodes: NodeAsset[] } {
  const nodePrices = opts.nodePrices ?? {};
  const seed = opts.seed ?? 1;
  const nodes = new Map(store.list(kinds.nodes).map((n) => [n.metadata.name ?? "", { object: n, info: nodeInfo(n, nodePrices) }]));
  const namespaceLabels = new Map(store.list(kinds.namespaces).map((n) => [n.metadata.name ?? "", n.metadata.labels ?? {}]));
  const hours = (a: number, b: number): number => Math.max(0, b - a) / 3_600_000;

  const assets: NodeAsset[] = [];
  for (const [name, { info }] of nodes) {
    const start = Math.max(window.start, info.start);
    const h = hours(start, window.end);
    if (h <= 0) continue;
    assets.push({ name, start, end: window.end, cpuCost: info.capacity.cpu * info.prices.cpu * h, ramCost: info.capacity.ramGiB * info.prices.ramGiB * h, gpuCost: info.capacity.gpus * info.prices.gpu * h });
  }

  const allocations: ContainerAllocation[] = [];
  for (const pod of store.list(kinds.pods)) {
    const status = pod.status as { phase?: string; startTime?: string } | undefined;
    const spec = pod.spec as PodSpecLike | undefined;
    const node = nodes.get(spec?.nodeName ?? "");
    if (status?.phase !== "Running" || !node) continue;
    const start = Math.max(window.start, node.info.start, ms(status.startTime) ?? ms(pod.metadata.creationTimestamp) ?? window.start);
    const end = window.end;
    const h = hours(start, end);
    if (h <= 0) continue;
    const namespace = pod.metadata.namespace ?? "default";
    const live = liveTarget(store, namespace, pod.metadata.name ?? "");
    const usage = live ? meanUsage(live.target, seed, Math.floor(start / 60_000), Math.ceil(end / 60_000)) : undefined;
    const rsName = pod.metadata.ownerReferences?.find((o) => o.kind === "ReplicaSet")?.name;
    const rs = rsName ? store.get(kinds.replicaSets, namespace, rsName) : undefined;
    const deployment = rs?.metadata.ownerReferences?.find((o) => o.kind === "Deployment")?.name;
    const owner = pod.metadata.ownerReferences?.find((o) => o.controller);
    const controller = deployment ? { controller: deployment, controllerKind: "deployment" } : owner ? { controller: owner.name, controllerKind: owner.kind.toLowerCase() } : {};
    const nsLabels = sanitised(namespaceLabels.get(namespace));
    for (const c of spec?.containers ?? []) {
      const requests = c.resources?.requests ?? {};
      const limits = c.resources?.limits ?? {};
      const cpuReq = parseQuantity(requests.cpu) ?? 0;
      const ramReq = parseQuantity(requests.memory) ?? 0;
      // A GPU request defaults to its limit, as the API server does.
      const gpuReq = parseQuantity(requests["nvidia.com/gpu"] ?? limits["nvidia.com/gpu"]) ?? 0;
      const used = usage?.containers.get(c.name ?? "");
      const cpuUse = used?.cpuCores ?? 0;
      const ramUse = used?.ramBytes ?? 0;
      const cpuCoreHours = Math.max(cpuReq, cpuUse) * h;
      const ramByteHours = Math.max(ramReq, ramUse) * h;
      const gpuHours = gpuReq * h;
      allocations.push({
        properties: {
          cluster: clusterId,
          node: spec?.nodeName ?? "",
          namespace,
          ...controller,
          pod: pod.metadata.name ?? "",
          container: c.name ?? "",
          ...(node.info.providerID ? { providerID: node.info.providerID } : {}),
          namespaceLabels: nsLabels,
          labels: { ...nsLabels, ...sanitised(pod.metadata.labels) },
          annotations: sanitised(pod.metadata.annotations),
        },
        start,
        end,
        cpuCoreRequestAverage: cpuReq,
        cpuCoreUsageAverage: cpuUse,
        ramByteRequestAverage: ramReq,
        ramByteUsageAverage: ramUse,
        gpuRequestAverage: gpuReq,
        gpuUsageAverage: gpuReq * (usage?.gpuBusy ?? 0),
        cpuCoreHours,
        ramByteHours,
        gpuHours,
        cpuCost: cpuCoreHours * node.info.prices.cpu,
        ramCost: (ramByteHours / 2 ** 30) * node.info.prices.ramGiB,
        gpuCost: gpuHours * node.info.prices.gpu,
      });
    }
  }
  return { allocations, nodes: assets };
}
