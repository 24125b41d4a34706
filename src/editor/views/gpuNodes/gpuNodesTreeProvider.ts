import type { V1Node, V1Pod } from "@kubernetes/client-node";
import * as vscode from "vscode";
import type { CacheChange } from "../../../core/kube/cache/clusterCache";
import { isGpuNode, type GpuResourceAllocation, type NodeGpuAllocation } from "../../../core/kube/gpu/gpuAllocation";
import { groupNodePools, nodePoolOf, type NodePool } from "../../../core/kube/gpu/nodePools";
import { pendingGpuPods, type PendingGpuPod } from "../../../core/kube/gpu/pendingGpuPods";
import type { ClusterConnection } from "../../clusterConnection";
import { escapeMarkdown } from "../healthIcons";

export type GpuNodesNode =
  | { readonly type: "pool"; readonly id: string; readonly pool: string }
  | { readonly type: "node"; readonly id: string; readonly pool: string; readonly node: string }
  | { readonly type: "nodePod"; readonly id: string; readonly node: string; readonly namespace: string; readonly name: string }
  | { readonly type: "pending"; readonly id: string }
  | { readonly type: "pendingPod"; readonly id: string; readonly namespace: string; readonly name: string };

const refreshDebounceMs = 40;

interface Snapshot {
  readonly pools: readonly NodePool[];
  readonly poolByName: ReadonlyMap<string, NodePool>;
  readonly nodeByName: ReadonlyMap<string, NodeGpuAllocation>;
  readonly pending: readonly PendingGpuPod[];
}

/**
 * Node pools → GPU nodes → the pods using their GPUs, and a group of pods pending for lack of
 * GPUs with the scheduler's reason. Allocation is summed from pod requests; a place for DCGM
 * utilisation is in the allocation model (NodeGpuAllocation.utilisation).
 */
export class GpuNodesTreeProvider implements vscode.TreeDataProvider<GpuNodesNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<GpuNodesNode | GpuNodesNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private snapshot: Snapshot | undefined;
  private readonly nodes = new Map<string, GpuNodesNode>();
  private pendingIds = new Set<string>();
  private pendingRoot = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly connection: ClusterConnection) {
    this.subscriptions = [
      this.changed,
      connection.onDidChangeCache(() => {
        this.snapshot = undefined;
        this.nodes.clear();
        this.changed.fire(undefined);
      }),
      connection.onDidChangeObjects((c) => this.onObjects(c)),
    ];
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
  }

  getTreeItem(node: GpuNodesNode): vscode.TreeItem {
    const snap = this.read();
    switch (node.type) {
      case "pool": {
        const pool = snap?.poolByName.get(node.pool);
        const item = new vscode.TreeItem(node.pool, vscode.TreeItemCollapsibleState.Expanded);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon("server-environment");
        if (pool) {
          const t = pool.totals;
          const mig = Object.entries(t.mig).map(([profile, m]) => `${m.allocated}/${m.allocatable} MIG ${profile}`);
          item.description = [`${t.gpus.allocated}/${t.gpus.allocatable} GPUs`, ...mig, `${t.readyNodes}/${t.nodes} nodes ready`, t.cordonedNodes ? `${t.cordonedNodes} cordoned` : undefined]
            .filter(Boolean)
            .join(" · ");
        }
        item.contextValue = "nodePool";
        return item;
      }
      case "node": {
        const a = snap?.nodeByName.get(node.node);
        return a ? nodeItem(node, a) : gone(node.id);
      }
      case "nodePod": {
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        const a = snap?.nodeByName.get(node.node);
        const uses = [...(a?.gpus ?? []), ...(a?.mig ?? [])].flatMap((r) => r.pods.filter((p) => p.namespace === node.namespace && p.name === node.name).map((p) => `${p.count} ${label(r)}`));
        item.description = [node.namespace, ...uses].join(" · ");
        item.iconPath = new vscode.ThemeIcon("symbol-event");
        item.contextValue = "pod.scheduled";
        return item;
      }
      case "pending": {
        const count = snap?.pending.length ?? 0;
        const item = new vscode.TreeItem("Pending GPU pods", count > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.description = String(count);
        item.iconPath = new vscode.ThemeIcon("watch", new vscode.ThemeColor(count > 0 ? "problemsWarningIcon.foreground" : "disabledForeground"));
        item.contextValue = "pendingGpuPods";
        return item;
      }
      case "pendingPod": {
        const p = snap?.pending.find((x) => x.namespace === node.namespace && x.name === node.name);
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        const why = p?.scheduling?.message ?? p?.scheduling?.reason ?? "waiting to be scheduled";
        const wants = p ? Object.entries(p.gpus).map(([resource, n]) => `${n} ${resource.replace(/^nvidia\.com\//, "")}`).join(", ") : "";
        item.description = `${node.namespace} · ${wants} · ${why}`;
        item.tooltip = new vscode.MarkdownString(`**${escapeMarkdown(node.name)}** wants ${escapeMarkdown(wants)}\n\n${escapeMarkdown(why)}`);
        item.iconPath = new vscode.ThemeIcon("warning", new vscode.ThemeColor("problemsWarningIcon.foreground"));
        item.contextValue = "pod.pending";
        return item;
      }
    }
  }

  getChildren(node?: GpuNodesNode): GpuNodesNode[] {
    const snap = this.read();
    if (!snap) return [];
    if (!node) {
      const pools = snap.pools.map((p) => this.node({ type: "pool", id: `pool/${p.name}`, pool: p.name }));
      return snap.pending.length > 0 ? [this.node({ type: "pending", id: "pending" }), ...pools] : pools;
    }
    switch (node.type) {
      case "pool":
        return (snap.poolByName.get(node.pool)?.nodes ?? []).map((n) => this.node({ type: "node", id: `node/${n.node}`, pool: node.pool, node: n.node }));
      case "node": {
        const a = snap.nodeByName.get(node.node);
        const pods = new Map<string, { namespace: string; name: string }>();
        for (const r of [...(a?.gpus ?? []), ...(a?.mig ?? [])]) for (const p of r.pods) pods.set(`${p.namespace}/${p.name}`, p);
        return [...pods.values()].map((p) => this.node({ type: "nodePod", id: `node/${node.node}/pod/${p.namespace}/${p.name}`, node: node.node, namespace: p.namespace, name: p.name }));
      }
      case "pending":
        return snap.pending.map((p) => this.node({ type: "pendingPod", id: `pending/${p.namespace}/${p.name}`, namespace: p.namespace, name: p.name }));
      default:
        return [];
    }
  }

  getParent(node: GpuNodesNode): GpuNodesNode | undefined {
    switch (node.type) {
      case "node":
        return this.nodes.get(`pool/${node.pool}`);
      case "nodePod":
        return [...this.nodes.values()].find((n) => n.type === "node" && n.node === node.node);
      case "pendingPod":
        return this.nodes.get("pending");
      default:
        return undefined;
    }
  }

  /** The tree node of a Kubernetes node, for "reveal related" from a pod. */
  nodeFor(nodeName: string): GpuNodesNode | undefined {
    const snap = this.read();
    const a = snap?.nodeByName.get(nodeName);
    if (!snap || !a) return undefined;
    const pool = snap.pools.find((p) => p.nodes.includes(a));
    return pool ? this.node({ type: "node", id: `node/${nodeName}`, pool: pool.name, node: nodeName }) : undefined;
  }

  private node<T extends GpuNodesNode>(fresh: T): T {
    const existing = this.nodes.get(fresh.id);
    if (existing) return existing as T;
    this.nodes.set(fresh.id, fresh);
    return fresh;
  }

  private read(): Snapshot | undefined {
    const cache = this.connection.current;
    if (!cache || cache.state.kind === "connecting") return undefined;
    if (this.snapshot) return this.snapshot;
    const nodes = cache.nodes.list().filter(isGpuNode);
    const pods = cache.pods.list();
    const pools = groupNodePools(nodes, pods);
    const nodeByName = new Map<string, NodeGpuAllocation>();
    for (const p of pools) for (const n of p.nodes) nodeByName.set(n.node, n);
    this.snapshot = { pools, poolByName: new Map(pools.map((p) => [p.name, p])), nodeByName, pending: pendingGpuPods(pods, cache.events.list()).filter((p) => !p.boundTo) };
    return this.snapshot;
  }

  private onObjects(change: CacheChange): void {
    const kind = change.type.kind;
    if (kind !== "Node" && kind !== "Pod" && kind !== "Event") return;
    for (const { object } of change.changes) {
      if (kind === "Node") {
        const n = object as V1Node;
        if (!isGpuNode(n)) continue;
        // A node's pool is fixed by its labels; a new or removed node changes the pool list.
        this.pendingRoot ||= !this.nodes.has(`node/${n.metadata?.name ?? ""}`) || change.changes.some((c) => c.type !== "modified");
        this.pendingIds.add(`node/${n.metadata?.name ?? ""}`);
        this.pendingIds.add(`pool/${nodePoolOf(n).name}`);
      } else if (kind === "Pod") {
        const p = object as V1Pod;
        if (p.spec?.nodeName) {
          const node = this.nodes.get(`node/${p.spec.nodeName}`);
          if (node?.type === "node") {
            this.pendingIds.add(node.id);
            this.pendingIds.add(`pool/${node.pool}`);
          }
        }
        if (p.status?.phase === "Pending" || this.nodes.has(`pending/${p.metadata?.namespace ?? ""}/${p.metadata?.name ?? ""}`)) this.pendingRoot = true;
      } else if ((object as { reason?: string }).reason === "FailedScheduling") {
        this.pendingIds.add("pending");
      }
    }
    this.snapshot = undefined;
    this.timer ??= setTimeout(() => this.flush(), refreshDebounceMs);
  }

  private flush(): void {
    this.timer = undefined;
    const ids = [...this.pendingIds];
    this.pendingIds.clear();
    if (this.pendingRoot) {
      this.pendingRoot = false;
      this.changed.fire(undefined);
      return;
    }
    const nodes = ids.map((id) => this.nodes.get(id)).filter((n): n is GpuNodesNode => n !== undefined);
    if (nodes.length > 0) this.changed.fire(nodes);
  }
}

function label(r: GpuResourceAllocation): string {
  return r.migProfile ? `MIG ${r.migProfile}` : r.resource === "nvidia.com/gpu" ? "GPU" : r.resource;
}

function nodeItem(node: Extract<GpuNodesNode, { type: "node" }>, a: NodeGpuAllocation): vscode.TreeItem {
  const hasPods = [...a.gpus, ...a.mig].some((r) => r.pods.length > 0);
  const item = new vscode.TreeItem(node.node, hasPods ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  const whole = a.gpus.reduce((acc, r) => ({ allocated: acc.allocated + r.allocated, allocatable: acc.allocatable + r.allocatable }), { allocated: 0, allocatable: 0 });
  const product = a.product?.replace(/^NVIDIA-/, "");
  item.description = [
    a.gpus.length > 0 ? `${whole.allocated}/${whole.allocatable} GPU` : undefined,
    ...a.mig.map((m) => `${m.allocated}/${m.allocatable} MIG ${m.migProfile ?? ""}`),
    product,
    a.memoryMiB ? `${Math.round(a.memoryMiB / 1024)} GiB` : undefined,
    a.ready !== "True" ? "NotReady" : undefined,
    a.cordoned ? "cordoned" : undefined,
  ]
    .filter(Boolean)
    .join(" · ");
  item.iconPath =
    a.ready !== "True"
      ? new vscode.ThemeIcon("vm-outline", new vscode.ThemeColor("problemsErrorIcon.foreground"))
      : a.cordoned
        ? new vscode.ThemeIcon("debug-pause", new vscode.ThemeColor("problemsWarningIcon.foreground"))
        : new vscode.ThemeIcon("vm-active", new vscode.ThemeColor("testing.iconPassed"));
  item.contextValue = `node.${a.ready === "True" ? "ready" : "notReady"}.${a.cordoned ? "cordoned" : "schedulable"}`;
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${escapeMarkdown(node.node)}** · pool ${escapeMarkdown(node.pool)}\n\n`);
  md.appendMarkdown(`Ready: ${a.ready}${a.cordoned ? " · cordoned" : ""}\n\n`);
  for (const r of [...a.gpus, ...a.mig]) md.appendMarkdown(`- ${escapeMarkdown(r.resource)}: ${r.allocated}/${r.allocatable} allocated\n`);
  for (const p of a.pressures) md.appendMarkdown(`- ${escapeMarkdown(p.type)}: ${escapeMarkdown(p.message ?? p.reason ?? "")}\n`);
  if (a.taints.length > 0) md.appendMarkdown(`\nTaints: ${a.taints.map((t) => `\`${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}\``).join(", ")}\n`);
  item.tooltip = md;
  return item;
}

function gone(id: string): vscode.TreeItem {
  const item = new vscode.TreeItem("(gone)", vscode.TreeItemCollapsibleState.None);
  item.id = id;
  return item;
}
