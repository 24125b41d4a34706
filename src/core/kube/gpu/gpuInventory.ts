import type { CoreV1Event, V1Node, V1Pod } from "@kubernetes/client-node";
import { isGpuNode, nodeGpuAllocation, podGpuRequests, type NodeGpuAllocation } from "./gpuAllocation";
import { nodePoolOf, poolTotals, type NodePool, type PoolKey } from "./nodePools";
import { pendingGpuPods, type PendingGpuPod } from "./pendingGpuPods";

/** What one batch changed in the inventory, so the GPU view refreshes only those rows. */
export interface GpuInventoryChange {
  /** GPU nodes whose allocation, status or pods changed (including ones that went). */
  readonly nodes: Set<string>;
  /** Pools whose totals or member nodes changed. */
  readonly pools: Set<string>;
  /** A pool appeared or went. */
  poolList: boolean;
  /** The pending GPU pods changed. */
  pending: boolean;
}

export function emptyGpuInventoryChange(): GpuInventoryChange {
  return { nodes: new Set(), pools: new Set(), poolList: false, pending: false };
}

type ObjectChange<T> = { readonly type: "added" | "modified" | "deleted"; readonly object: T };

const keyOf = (o: { metadata?: { namespace?: string; name?: string } }): string => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;

function addTo<K, V>(map: Map<K, Map<string, V>>, key: K, id: string, value: V): void {
  const inner = map.get(key);
  if (inner) inner.set(id, value);
  else map.set(key, new Map([[id, value]]));
}

function removeFrom<K, V>(map: Map<K, Map<string, V>>, key: K, id: string): void {
  const inner = map.get(key);
  if (!inner) return;
  inner.delete(id);
  if (inner.size === 0) map.delete(key);
}

/** A pod waiting for GPUs: the scheduler has not placed it, and it is not being deleted. */
function waitsForGpus(pod: V1Pod, gpus: number): boolean {
  return gpus > 0 && pod.status?.phase === "Pending" && !pod.metadata?.deletionTimestamp && !pod.spec?.nodeName;
}

/**
 * GPU nodes grouped into pools, their allocation from the GPU requests of the pods bound to
 * them, and the pods pending for GPUs. Kept per change: a pod change recomputes only its node
 * and pool. Pods without GPU requests are not kept; they change no allocation. Pools are keyed
 * by name, which is also the view's row id (`nodePoolOf` decides it from the node's labels).
 */
export class GpuInventory {
  private readonly gpuNodes = new Map<string, V1Node>();
  private readonly poolOfNode = new Map<string, PoolKey>();
  /** pool name → its node names. */
  private readonly poolMembers = new Map<string, Map<string, PoolKey>>();
  /** node name → the GPU pods bound to it (by namespace/name). */
  private readonly gpuPodsByNode = new Map<string, Map<string, V1Pod>>();
  /** namespace/name → the node a kept GPU pod is bound to. */
  private readonly nodeOfPod = new Map<string, string>();
  private readonly waiting = new Map<string, V1Pod>();

  private readonly allocations = new Map<string, NodeGpuAllocation>();
  private readonly poolCache = new Map<string, NodePool>();
  private sortedPools: readonly NodePool[] | undefined;
  private pendingList: readonly PendingGpuPod[] | undefined;

  /** `eventsAbout` gives the events about one pod, for the scheduler's FailedScheduling reason. */
  constructor(private readonly eventsAbout: (namespace: string, kind: string, name: string) => readonly CoreV1Event[]) {}

  /** Sorted by name, `(no pool)` last, as `groupNodePools` sorts. */
  pools(): readonly NodePool[] {
    this.sortedPools ??= [...this.poolMembers.keys()]
      .flatMap((name) => this.pool(name) ?? [])
      .sort((a, b) => Number(a.source === "none") - Number(b.source === "none") || a.name.localeCompare(b.name, "en") || a.source.localeCompare(b.source, "en"));
    return this.sortedPools;
  }

  pool(name: string): NodePool | undefined {
    const cached = this.poolCache.get(name);
    if (cached) return cached;
    const members = this.poolMembers.get(name);
    const first = members?.values().next().value;
    if (!members || !first) return undefined;
    const nodes = [...members.keys()].flatMap((n) => this.node(n) ?? []).sort((a, b) => a.node.localeCompare(b.node, "en"));
    const pool: NodePool = { name, source: first.source, nodes, totals: poolTotals(nodes) };
    this.poolCache.set(name, pool);
    return pool;
  }

  /** The pool a GPU node is in, for revealing it. */
  poolOf(nodeName: string): string | undefined {
    return this.poolOfNode.get(nodeName)?.name;
  }

  node(name: string): NodeGpuAllocation | undefined {
    const cached = this.allocations.get(name);
    if (cached) return cached;
    const node = this.gpuNodes.get(name);
    if (!node) return undefined;
    const allocation = nodeGpuAllocation(node, [...(this.gpuPodsByNode.get(name)?.values() ?? [])]);
    this.allocations.set(name, allocation);
    return allocation;
  }

  /** Pods that request GPUs and wait for the scheduler, with its reason; sorted by namespace and name. */
  pending(): readonly PendingGpuPod[] {
    this.pendingList ??= [...this.waiting.values()]
      .flatMap((pod) => pendingGpuPods([pod], this.eventsAbout(pod.metadata?.namespace ?? "", "Pod", pod.metadata?.name ?? "")))
      .sort((a, b) => a.namespace.localeCompare(b.namespace, "en") || a.name.localeCompare(b.name, "en"));
    return this.pendingList;
  }

  /** How many objects each internal index holds, for the memory tests. */
  sizes(): Record<string, number> {
    const innerTotal = (m: Map<string, Map<string, unknown>>): number => [...m.values()].reduce((n, s) => n + s.size, 0);
    return {
      gpuNodes: this.gpuNodes.size,
      poolMembers: innerTotal(this.poolMembers),
      gpuPods: innerTotal(this.gpuPodsByNode),
      nodeOfPod: this.nodeOfPod.size,
      waiting: this.waiting.size,
      allocations: this.allocations.size,
      pools: this.poolCache.size,
    };
  }

  applyNodes(changes: readonly ObjectChange<V1Node>[], into: GpuInventoryChange = emptyGpuInventoryChange()): GpuInventoryChange {
    for (const { type, object } of changes) {
      const name = object.metadata?.name ?? "";
      const oldPool = this.poolOfNode.get(name);
      if (oldPool) {
        this.gpuNodes.delete(name);
        this.poolOfNode.delete(name);
        removeFrom(this.poolMembers, oldPool.name, name);
        if (!this.poolMembers.has(oldPool.name)) into.poolList = true;
        this.touchPool(oldPool.name, into);
      }
      if (type !== "deleted" && isGpuNode(object)) {
        const pool = nodePoolOf(object);
        this.gpuNodes.set(name, object);
        this.poolOfNode.set(name, pool);
        if (!this.poolMembers.has(pool.name)) into.poolList = true;
        addTo(this.poolMembers, pool.name, name, pool);
        this.touchPool(pool.name, into);
      }
      if (oldPool || this.gpuNodes.has(name)) {
        this.allocations.delete(name);
        into.nodes.add(name);
      }
    }
    return into;
  }

  applyPods(changes: readonly ObjectChange<V1Pod>[], into: GpuInventoryChange = emptyGpuInventoryChange()): GpuInventoryChange {
    for (const { type, object } of changes) {
      const key = keyOf(object);
      const oldNode = this.nodeOfPod.get(key);
      if (oldNode !== undefined) {
        this.nodeOfPod.delete(key);
        removeFrom(this.gpuPodsByNode, oldNode, key);
        this.touchNode(oldNode, into);
      }
      if (this.waiting.delete(key)) this.touchPending(into);
      if (type === "deleted") continue;
      const gpus = [...podGpuRequests(object).values()].reduce((a, b) => a + b, 0);
      if (gpus === 0) continue;
      const nodeName = object.spec?.nodeName;
      if (nodeName) {
        this.nodeOfPod.set(key, nodeName);
        addTo(this.gpuPodsByNode, nodeName, key, object);
        this.touchNode(nodeName, into);
      }
      if (waitsForGpus(object, gpus)) {
        this.waiting.set(key, object);
        this.touchPending(into);
      }
    }
    return into;
  }

  /** A FailedScheduling event changes the reason a pending pod shows. */
  applyEvents(changes: readonly ObjectChange<CoreV1Event>[], into: GpuInventoryChange = emptyGpuInventoryChange()): GpuInventoryChange {
    for (const { object } of changes) {
      const io = object.involvedObject;
      if (io?.kind === "Pod" && this.waiting.has(`${object.metadata?.namespace ?? ""}/${io.name ?? ""}`)) this.touchPending(into);
    }
    return into;
  }

  private touchNode(name: string, into: GpuInventoryChange): void {
    this.allocations.delete(name);
    // Pods on nodes that are not GPU nodes change no row.
    const pool = this.poolOfNode.get(name);
    if (!pool) return;
    this.touchPool(pool.name, into);
    into.nodes.add(name);
  }

  private touchPool(name: string, into: GpuInventoryChange): void {
    this.poolCache.delete(name);
    this.sortedPools = undefined;
    into.pools.add(name);
  }

  private touchPending(into: GpuInventoryChange): void {
    this.pendingList = undefined;
    into.pending = true;
  }
}
