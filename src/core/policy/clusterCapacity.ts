import type { KubeConfig, V1Node, V1Pod, V1Taint } from "@kubernetes/client-node";
import { holdsNodeResources, isGpuNode } from "../kube/gpu/gpuAllocation";
import { getJson, KubeApiError } from "../kube/client/kubeRequest";
import { groupNodePools } from "../kube/gpu/nodePools";
import { effectivePodRequests } from "../kube/objects/podEffectiveRequests";
import { parseQuantity } from "../kube/objects/resourceQuantity";
import { collectionPath, ResourceTypes } from "../kube/client/resourceTypes";

/**
 * Free GPUs per node, and per pool and GPU product or MIG profile, on the nodes a new pod could
 * land on: Ready and not cordoned. Allocation is what bound, unfinished pods request (as the
 * scheduler counts), not utilisation.
 */

export interface GpuHolder {
  readonly namespace: string;
  readonly pod: string;
  readonly resource: string;
  readonly count: number;
}

export interface GpuNodeCapacity {
  readonly name: string;
  readonly pool: string;
  /** nvidia.com/gpu.product, from GPU feature discovery. */
  readonly product: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly V1Taint[];
  /** GPU resource (nvidia.com/gpu, nvidia.com/mig-1g.10gb…) → devices allocatable. */
  readonly allocatable: Readonly<Record<string, number>>;
  /** GPU resource → devices not requested by any pod. */
  readonly free: Readonly<Record<string, number>>;
  /** Who holds the devices, so an update can count its own pods' GPUs as coming back. */
  readonly holders: readonly GpuHolder[];
  /** CPU cores and memory bytes not requested by any pod: a GPU is no use to a pod that does not fit beside it. */
  readonly freeCpu: number;
  readonly freeMemory: number;
  /** The CPU and memory each pod on the node requests, so an update can count its own pods' as coming back. */
  readonly podRequests: readonly { readonly namespace: string; readonly pod: string; readonly cpu: number; readonly memory: number }[];
}

export interface GpuPoolCapacity {
  readonly pool: string;
  readonly product: string | undefined;
  readonly resource: string;
  /** `1g.10gb` for nvidia.com/mig-1g.10gb; undefined for whole GPUs. */
  readonly migProfile: string | undefined;
  readonly nodes: number;
  readonly allocatable: number;
  readonly free: number;
  /** The most free on any one node: what a single pod can get. */
  readonly largestFreeOnNode: number;
}

export interface ClusterCapacity {
  /** Ready, schedulable GPU nodes, by name. */
  readonly nodes: readonly GpuNodeCapacity[];
  /** Sorted by pool, product and resource. */
  readonly pools: readonly GpuPoolCapacity[];
}

export type CapacityError = { readonly kind: "forbidden" | "unreachable"; readonly message: string };
export type CapacityResult = { readonly ok: true; readonly capacity: ClusterCapacity } | { readonly ok: false; readonly error: CapacityError };

function schedulable(node: V1Node): boolean {
  const ready = node.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
  return ready && node.spec?.unschedulable !== true;
}

/** Per node: the CPU and memory its pods request (effective requests, as the scheduler reserves them). */
function podRequestsByNode(pods: readonly V1Pod[]): Map<string, GpuNodeCapacity["podRequests"][number][]> {
  const byNode = new Map<string, GpuNodeCapacity["podRequests"][number][]>();
  for (const pod of pods) {
    const node = pod.spec?.nodeName;
    if (!node || !pod.spec || !holdsNodeResources(pod)) continue;
    const requests = effectivePodRequests(pod.spec, (r) => r === "cpu" || r === "memory");
    const list = byNode.get(node) ?? [];
    list.push({ namespace: pod.metadata?.namespace ?? "", pod: pod.metadata?.name ?? "", cpu: requests.get("cpu") ?? 0, memory: requests.get("memory") ?? 0 });
    byNode.set(node, list);
  }
  return byNode;
}

export function computeClusterCapacity(nodes: readonly V1Node[], pods: readonly V1Pod[]): ClusterCapacity {
  const eligible = nodes.filter((n) => schedulable(n) && isGpuNode(n));
  const requestsByNode = podRequestsByNode(pods);
  const allocatableOf = new Map(eligible.map((n) => [n.metadata?.name ?? "", n.status?.allocatable ?? {}]));
  const labels = new Map(eligible.map((n) => [n.metadata?.name ?? "", n.metadata?.labels ?? {}]));
  const result: GpuNodeCapacity[] = [];
  const pools = new Map<string, { pool: string; product: string | undefined; resource: string; migProfile: string | undefined; nodes: number; allocatable: number; free: number; largest: number }>();
  for (const pool of groupNodePools(eligible, pods)) {
    for (const node of pool.nodes) {
      const allocatable: Record<string, number> = {};
      const free: Record<string, number> = {};
      const holders: GpuHolder[] = [];
      for (const g of [...node.gpus, ...node.mig]) {
        allocatable[g.resource] = g.allocatable;
        free[g.resource] = Math.max(0, g.allocatable - g.allocated);
        for (const p of g.pods) holders.push({ namespace: p.namespace, pod: p.name, resource: g.resource, count: p.count });
        const key = `${pool.name}\u0000${node.product ?? ""}\u0000${g.resource}`;
        const entry = pools.get(key) ?? { pool: pool.name, product: node.product, resource: g.resource, migProfile: g.migProfile, nodes: 0, allocatable: 0, free: 0, largest: 0 };
        entry.nodes += 1;
        entry.allocatable += g.allocatable;
        entry.free += free[g.resource] ?? 0;
        entry.largest = Math.max(entry.largest, free[g.resource] ?? 0);
        pools.set(key, entry);
      }
      const podRequests = requestsByNode.get(node.node) ?? [];
      const nodeAllocatable = allocatableOf.get(node.node) ?? {};
      const freeCpu = (parseQuantity(nodeAllocatable["cpu"]) ?? 0) - podRequests.reduce((sum, p) => sum + p.cpu, 0);
      const freeMemory = (parseQuantity(nodeAllocatable["memory"]) ?? 0) - podRequests.reduce((sum, p) => sum + p.memory, 0);
      result.push({ name: node.node, pool: pool.name, product: node.product, labels: labels.get(node.node) ?? {}, taints: node.taints, allocatable, free, holders, freeCpu, freeMemory, podRequests });
    }
  }
  return {
    nodes: result.sort((a, b) => a.name.localeCompare(b.name, "en")),
    pools: [...pools.values()]
      .map(({ largest, ...p }) => ({ ...p, largestFreeOnNode: largest }))
      .sort((a, b) => a.pool.localeCompare(b.pool, "en") || (a.product ?? "").localeCompare(b.product ?? "", "en") || a.resource.localeCompare(b.resource, "en")),
  };
}

/** Every item of a collection, a page of 500 at a time (the API server's continue tokens). */
export async function listAll<T>(kc: KubeConfig, path: string, signal: AbortSignal | undefined): Promise<T[]> {
  const items: T[] = [];
  let continueToken: string | undefined;
  do {
    const query = new URLSearchParams({ limit: "500", ...(continueToken ? { continue: continueToken } : {}) });
    const page = (await getJson(kc, `${path}?${query.toString()}`, signal)) as { items?: T[]; metadata?: { continue?: string } };
    items.push(...(page.items ?? []));
    continueToken = page.metadata?.continue || undefined;
  } while (continueToken);
  return items;
}

/** Lists nodes and pods (all namespaces; needs cluster-wide list rights) and computes free GPUs. */
export async function fetchClusterCapacity(kc: KubeConfig, signal?: AbortSignal): Promise<CapacityResult> {
  try {
    const [nodes, pods] = await Promise.all([
      listAll<V1Node>(kc, collectionPath(ResourceTypes.nodes), signal),
      listAll<V1Pod>(kc, collectionPath(ResourceTypes.pods), signal),
    ]);
    return { ok: true, capacity: computeClusterCapacity(nodes, pods) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof KubeApiError && (err.statusCode === 401 || err.statusCode === 403)) return { ok: false, error: { kind: "forbidden", message } };
    return { ok: false, error: { kind: "unreachable", message } };
  }
}
