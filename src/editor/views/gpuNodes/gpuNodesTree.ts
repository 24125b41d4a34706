import * as z from "zod";
import type { ClusterModel, ClusterModelChange } from "../../../core/kube/cache/clusterModel";
import type { NodeGpuAllocation } from "../../../core/kube/gpu/gpuAllocation";
import { ModelTree, type AffectedRows } from "../modelTree";

const Id = z.string().min(1).max(1024);

/** A GPU Nodes row, by id; the schema is what a command checks a row argument against. */
export const GpuNodesNode = z.discriminatedUnion("type", [
  z.object({ type: z.literal("pool"), id: Id, pool: Id }),
  z.object({ type: z.literal("node"), id: Id, pool: Id, node: Id }),
  z.object({ type: z.literal("nodePod"), id: Id, node: Id, namespace: Id, name: Id }),
  z.object({ type: z.literal("pending"), id: Id }),
  z.object({ type: z.literal("pendingPod"), id: Id, namespace: Id, name: Id }),
]);
export type GpuNodesNode = Readonly<z.infer<typeof GpuNodesNode>>;

/** The pods holding a node's GPUs, each once even when it holds several resources. */
export function podsOnNode(a: NodeGpuAllocation | undefined): { namespace: string; name: string }[] {
  const pods = new Map<string, { namespace: string; name: string }>();
  for (const r of [...(a?.gpus ?? []), ...(a?.mig ?? [])]) for (const p of r.pods) pods.set(`${p.namespace}/${p.name}`, { namespace: p.namespace, name: p.name });
  return [...pods.values()];
}

/** Node pools → GPU nodes → the pods using their GPUs, and the pods pending for GPUs. */
export class GpuNodesTree extends ModelTree<GpuNodesNode> {
  constructor(private readonly model: () => ClusterModel | undefined) {
    super();
  }

  /** The row of a Kubernetes node, for "reveal related" from a pod. */
  nodeFor(nodeName: string): GpuNodesNode | undefined {
    const pool = this.model()?.gpu.poolOf(nodeName);
    return pool === undefined ? undefined : this.internWithAncestors({ type: "node", id: `node/${nodeName}`, pool, node: nodeName });
  }

  protected listChildren(node: GpuNodesNode | undefined): GpuNodesNode[] {
    const gpu = this.model()?.gpu;
    if (!gpu) return [];
    if (!node) {
      const pools: GpuNodesNode[] = gpu.pools().map((p) => ({ type: "pool", id: `pool/${p.name}`, pool: p.name }));
      return gpu.pending().length > 0 ? [{ type: "pending", id: "pending" }, ...pools] : pools;
    }
    switch (node.type) {
      case "pool":
        return (gpu.pool(node.pool)?.nodes ?? []).map((n) => ({ type: "node", id: `node/${n.node}`, pool: node.pool, node: n.node }));
      case "node":
        return podsOnNode(gpu.node(node.node)).map((p) => ({ type: "nodePod", id: `node/${node.node}/pod/${p.namespace}/${p.name}`, node: node.node, namespace: p.namespace, name: p.name }));
      case "pending":
        return gpu.pending().map((p) => ({ type: "pendingPod", id: `pending/${p.namespace}/${p.name}`, namespace: p.namespace, name: p.name }));
      default:
        return [];
    }
  }

  protected parentRecord(node: GpuNodesNode): GpuNodesNode | undefined {
    switch (node.type) {
      case "node":
        return { type: "pool", id: `pool/${node.pool}`, pool: node.pool };
      case "nodePod": {
        const pool = this.model()?.gpu.poolOf(node.node);
        return pool === undefined ? undefined : { type: "node", id: `node/${node.node}`, pool, node: node.node };
      }
      case "pendingPod":
        return { type: "pending", id: "pending" };
      default:
        return undefined;
    }
  }

  protected exists(node: GpuNodesNode): boolean {
    const gpu = this.model()?.gpu;
    if (!gpu) return false;
    switch (node.type) {
      case "pool":
        return gpu.pool(node.pool) !== undefined;
      case "node":
        return gpu.poolOf(node.node) === node.pool;
      case "nodePod":
        return podsOnNode(gpu.node(node.node)).some((p) => p.namespace === node.namespace && p.name === node.name);
      case "pending":
        return gpu.pending().length > 0;
      case "pendingPod":
        return gpu.pending().some((p) => p.namespace === node.namespace && p.name === node.name);
    }
  }

  protected affected(change: ClusterModelChange): AffectedRows {
    const ids = [...[...change.pools].map((p) => `pool/${p}`), ...[...change.nodes].map((n) => `node/${n}`)];
    // The pending group is a root row that comes and goes with its first and last pod.
    const pendingRowChanged = change.pending && (this.registry.get("pending") !== undefined) !== ((this.model()?.gpu.pending().length ?? 0) > 0);
    if (change.pending) ids.push("pending");
    return { root: change.poolList || pendingRowChanged, ids };
  }
}
