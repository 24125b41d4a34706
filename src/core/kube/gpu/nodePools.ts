import type { V1Node, V1Pod } from "@kubernetes/client-node";
import { gpuAllocations, type GpuUtilisation, type NodeGpuAllocation } from "./gpuAllocation";

/** Node-pool labels set by the managed Kubernetes services: AKS, GKE, EKS managed node groups. */
export const poolLabels = ["kubernetes.azure.com/agentpool", "cloud.google.com/gke-nodepool", "eks.amazonaws.com/nodegroup"] as const;
export const gpuProductLabel = "nvidia.com/gpu.product";
export const noPool = "(no pool)";

export interface PoolKey {
  readonly name: string;
  /** The label the name came from, or "none" for the `(no pool)` bucket. */
  readonly source: (typeof poolLabels)[number] | typeof gpuProductLabel | "none";
}

export interface GpuTotals {
  readonly allocatable: number;
  readonly allocated: number;
}

export interface NodePool extends PoolKey {
  /** Sorted by node name. */
  readonly nodes: readonly NodeGpuAllocation[];
  readonly totals: {
    readonly nodes: number;
    readonly readyNodes: number;
    readonly cordonedNodes: number;
    /** Whole GPUs over every whole-GPU resource (nvidia.com/gpu, amd.com/gpu). */
    readonly gpus: GpuTotals;
    /** Per MIG profile, e.g. { "1g.5gb": { allocatable: 14, allocated: 3 } }. */
    readonly mig: Readonly<Record<string, GpuTotals>>;
  };
}

/** The pool a node belongs to: the cloud's pool label, else its GPU product, else `(no pool)`. */
export function nodePoolOf(node: V1Node): PoolKey {
  const labels = node.metadata?.labels ?? {};
  for (const key of poolLabels) {
    const value = labels[key];
    if (value) return { name: value, source: key };
  }
  const product = labels[gpuProductLabel];
  return product ? { name: product, source: gpuProductLabel } : { name: noPool, source: "none" };
}

function add(a: GpuTotals, b: GpuTotals): GpuTotals {
  return { allocatable: a.allocatable + b.allocatable, allocated: a.allocated + b.allocated };
}

/** Per-pool totals over its nodes' allocations. */
export function poolTotals(nodes: readonly NodeGpuAllocation[]): NodePool["totals"] {
  let gpus: GpuTotals = { allocatable: 0, allocated: 0 };
  const mig: Record<string, GpuTotals> = {};
  for (const n of nodes) {
    for (const g of n.gpus) gpus = add(gpus, g);
    for (const m of n.mig) {
      const profile = m.migProfile ?? m.resource;
      mig[profile] = add(mig[profile] ?? { allocatable: 0, allocated: 0 }, m);
    }
  }
  return {
    nodes: nodes.length,
    readyNodes: nodes.filter((n) => n.ready === "True").length,
    cordonedNodes: nodes.filter((n) => n.cordoned).length,
    gpus,
    mig,
  };
}

/**
 * Nodes grouped into pools with per-pool totals. Pools are sorted by name with `(no pool)`
 * last; pools named by a GPU product sort with the rest. Pass only the nodes to show (for the
 * GPU Nodes view, those for which `isGpuNode` holds); `pods` may be every pod in the cluster.
 */
export function groupNodePools(
  nodes: readonly V1Node[],
  pods: readonly V1Pod[],
  utilisation?: ReadonlyMap<string, GpuUtilisation>,
): NodePool[] {
  const allocations = gpuAllocations(nodes, pods, utilisation);
  const pools = new Map<string, { key: PoolKey; nodes: NodeGpuAllocation[] }>();
  nodes.forEach((node, i) => {
    const key = nodePoolOf(node);
    const id = `${key.source}\u0000${key.name}`;
    const allocation = allocations[i];
    if (!allocation) return;
    const pool = pools.get(id);
    if (pool) pool.nodes.push(allocation);
    else pools.set(id, { key, nodes: [allocation] });
  });
  return [...pools.values()]
    .map(({ key, nodes: members }) => {
      const sorted = [...members].sort((a, b) => a.node.localeCompare(b.node, "en"));
      return { ...key, nodes: sorted, totals: poolTotals(sorted) };
    })
    .sort((a, b) => Number(a.source === "none") - Number(b.source === "none") || a.name.localeCompare(b.name, "en") || a.source.localeCompare(b.source, "en"));
}
