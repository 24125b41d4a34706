/**
 * The cost model's nodes and pods, built from what the cluster holds now: the informer cache's
 * Nodes, Pods and Namespaces. The cluster keeps no history, so a pod deleted before now is
 * unknown to it; that is said as a "history-unknown" mark rather than hidden.
 */
import type { V1Namespace, V1Node, V1Pod } from "@kubernetes/client-node";
import type { EstimateMark } from "../../shared/protocol/cost";
import { amdGpu, migProfile, nvidiaGpu } from "../kube/objects/gpuResource";
import { timeOf } from "../kube/objects/kubeTime";
import { effectivePodRequests } from "../kube/objects/podEffectiveRequests";
import { parseDeviceCount, parseQuantity } from "../kube/objects/resourceQuantity";
import { gpuProductLabel, nodePoolOf } from "../kube/gpu/nodePools";
import { runtimeOfImages, type RuntimeId } from "../metrics/metricsTarget";
import type { CostWindow, Interval, NodeRecord, PodRecord } from "./costInputs";
import { serviceOfPod, type PodService } from "./serviceOfPod";

export const instanceTypeLabel = "node.kubernetes.io/instance-type";
export const betaInstanceTypeLabel = "beta.kubernetes.io/instance-type";

/** A service of the window, with the runtime that decides which counters hold its requests. */
export interface CostService extends PodService {
  readonly runtime: RuntimeId;
}

export interface ClusterCostInputs {
  readonly nodes: NodeRecord[];
  readonly pods: PodRecord[];
  readonly services: CostService[];
  readonly estimates: EstimateMark[];
}

function clip(start: number, end: number, window: Interval): Interval[] {
  const s = Math.max(start, window.start);
  const e = Math.min(end, window.end);
  return e > s ? [{ start: s, end: e }] : [];
}

const seconds = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : ms / 1000);

/** Physical GPUs: GPU feature discovery's count, else whole GPUs advertised (time-slicing replicas divided out). */
function nodeGpus(node: V1Node): number {
  const labels = node.metadata?.labels ?? {};
  const counted = Number(labels["nvidia.com/gpu.count"]);
  if (labels["nvidia.com/gpu.count"] !== undefined && Number.isFinite(counted) && counted >= 0) return counted;
  const capacity = node.status?.capacity ?? {};
  const whole = (parseDeviceCount(capacity[nvidiaGpu]) ?? 0) / replicasOf(node) + (parseDeviceCount(capacity[amdGpu]) ?? 0);
  const slices = Object.entries(capacity).reduce((sum, [name, q]) => sum + (parseDeviceCount(q) ?? 0) * migShare(name, node), 0);
  return whole + Math.ceil(slices - 1e-9);
}

function replicasOf(node: V1Node | undefined): number {
  const r = Number(node?.metadata?.labels?.["nvidia.com/gpu.replicas"]);
  return Number.isFinite(r) && r > 1 ? r : 1;
}

/**
 * The share of a physical GPU one MIG slice is: `<g>g.<mem>gb` takes g of the GPU's 7 compute
 * slices (A100, H100), of 4 on an A30 (NVIDIA MIG user guide, supported profiles).
 */
function migShare(resourceName: string, node: V1Node | undefined): number {
  const profile = migProfile(resourceName);
  if (!profile) return 0;
  const g = Number(/^(\d+)g\./.exec(profile)?.[1]);
  if (!Number.isFinite(g) || g <= 0) return 0;
  const product = node?.metadata?.labels?.[gpuProductLabel] ?? "";
  return g / (product.includes("A30") ? 4 : 7);
}

function nodeRecord(node: V1Node, window: CostWindow, estimates: EstimateMark[]): NodeRecord | undefined {
  const name = node.metadata?.name ?? "";
  const labels = node.metadata?.labels ?? {};
  const created = seconds(timeOf(node.metadata?.creationTimestamp)) ?? window.start;
  const deleted = seconds(timeOf(node.metadata?.deletionTimestamp)) ?? window.end;
  const intervals = clip(created, deleted, window);
  if (intervals.length === 0) return undefined;
  if (created > window.start) estimates.push({ code: "partial-window", subject: `node ${name}`, detail: `created ${new Date(created * 1000).toISOString()}, inside the window` });
  const capacity = node.status?.capacity ?? {};
  return {
    name,
    labels,
    instanceType: labels[instanceTypeLabel] ?? labels[betaInstanceTypeLabel],
    pool: nodePoolOf(node).name,
    gpuProduct: labels[gpuProductLabel],
    capacity: { cpuCores: parseQuantity(capacity.cpu) ?? 0, ramBytes: parseQuantity(capacity.memory) ?? 0, gpus: nodeGpus(node) },
    intervals,
  };
}

/** When the pod started running on its node: status.startTime, else its earliest container start. */
function podStart(pod: V1Pod): number | undefined {
  const started = seconds(timeOf(pod.status?.startTime));
  if (started !== undefined) return started;
  const starts = (pod.status?.containerStatuses ?? []).flatMap((c) => {
    const t = seconds(timeOf(c.state?.running?.startedAt ?? c.state?.terminated?.startedAt ?? c.lastState?.terminated?.startedAt));
    return t === undefined ? [] : [t];
  });
  return starts.length > 0 ? Math.min(...starts) : undefined;
}

/** A finished pod ends with its last container; a running one (terminating or not) runs till now. */
function podEnd(pod: V1Pod, now: number): number | undefined {
  const phase = pod.status?.phase;
  if (phase !== "Succeeded" && phase !== "Failed") return now;
  const finishes = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].flatMap((c) => {
    const t = seconds(timeOf(c.state?.terminated?.finishedAt));
    return t === undefined ? [] : [t];
  });
  if (finishes.length > 0) return Math.max(...finishes);
  // An evicted or failed-to-start pod has no container times; its last condition change is when it stopped.
  const changes = (pod.status?.conditions ?? []).flatMap((c) => {
    const t = seconds(timeOf(c.lastTransitionTime));
    return t === undefined ? [] : [t];
  });
  return changes.length > 0 ? Math.max(...changes) : undefined;
}

/** Physical GPUs the pod holds: time-sliced replicas divided by the node's replicas, MIG slices as their share. */
function podGpus(requests: ReadonlyMap<string, number>, node: V1Node | undefined): number {
  let gpus = 0;
  for (const [name, count] of requests) {
    if (name === nvidiaGpu) gpus += count / replicasOf(node);
    else if (name === amdGpu) gpus += count;
    else gpus += count * migShare(name, node);
  }
  return gpus;
}

/**
 * Nodes and pods of the window from the objects the cluster holds at `window.end` (now).
 * Pods not yet on a node cost nothing and are left out (pendingGpuPods shows them). Every
 * Deployment or InferenceService whose pods all started inside the window gets a
 * "history-unknown" mark: the pods it ran before them are gone from the API.
 */
export function costInputsFromObjects(
  nodes: readonly V1Node[],
  pods: readonly V1Pod[],
  namespaces: readonly V1Namespace[],
  window: CostWindow,
  opts: { teamLabel: string },
): ClusterCostInputs {
  const estimates: EstimateMark[] = [];
  const nodeRecords: NodeRecord[] = [];
  const nodesByName = new Map<string, V1Node>();
  for (const node of nodes) {
    nodesByName.set(node.metadata?.name ?? "", node);
    const record = nodeRecord(node, window, estimates);
    if (record) nodeRecords.push(record);
  }
  const teams = new Map(namespaces.map((ns) => [ns.metadata?.name ?? "", ns.metadata?.labels?.[opts.teamLabel]]));

  const podRecords: PodRecord[] = [];
  const services = new Map<string, { service: PodService; images: Set<string>; earliest: number }>();
  for (const pod of pods) {
    const nodeName = pod.spec?.nodeName;
    if (!pod.spec || !nodeName) continue;
    const start = podStart(pod);
    const end = podEnd(pod, window.end);
    const namespace = pod.metadata?.namespace ?? "default";
    const name = pod.metadata?.name ?? "";
    if (start === undefined || end === undefined) {
      if (pod.status?.phase !== "Pending") estimates.push({ code: "history-unknown", subject: `pod ${namespace}/${name}`, detail: "no start or end time in its status: it is left out" });
      continue;
    }
    const intervals = clip(start, end, window);
    if (intervals.length === 0) continue;
    const requests = effectivePodRequests(pod.spec);
    const service = serviceOfPod(pod);
    const labels = pod.metadata?.labels ?? {};
    podRecords.push({
      namespace,
      name,
      node: nodeName,
      labels,
      service: service?.key,
      team: labels[opts.teamLabel] ?? teams.get(namespace),
      intervals,
      requests: { cpuCores: requests.get("cpu") ?? 0, ramBytes: requests.get("memory") ?? 0, gpus: podGpus(requests, nodesByName.get(nodeName)) },
    });
    if (service) {
      const seen = services.get(service.key) ?? { service, images: new Set<string>(), earliest: Infinity };
      for (const c of pod.spec.containers) if (c.image) seen.images.add(c.image);
      seen.earliest = Math.min(seen.earliest, start);
      services.set(service.key, seen);
    }
  }

  const costServices: CostService[] = [];
  for (const { service, images, earliest } of services.values()) {
    const byImage = runtimeOfImages([...images]);
    // A predictor we cannot place by image runs KServe's model server.
    const runtime = service.kind === "InferenceService" && byImage === "fastapi" ? "kserve" : byImage;
    costServices.push({ ...service, runtime });
    if (earliest > window.start) {
      estimates.push({
        code: "history-unknown",
        subject: `service ${service.key}`,
        detail: `its oldest pod started ${new Date(earliest * 1000).toISOString()}, inside the window: pods it may have run before are gone from the cluster`,
      });
    }
  }
  costServices.sort((a, b) => a.key.localeCompare(b.key, "en"));
  return { nodes: nodeRecords, pods: podRecords, services: costServices, estimates };
}
