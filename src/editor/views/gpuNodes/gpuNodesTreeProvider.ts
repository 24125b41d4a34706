import * as vscode from "vscode";
import type { GpuResourceAllocation, NodeGpuAllocation } from "../../../core/kube/gpu/gpuAllocation";
import type { ClusterConnection } from "../../clusterConnection";
import { ViewItem } from "../../contributionIds";
import { escapeMarkdown } from "../healthIcons";
import { ModelTreeProvider } from "../modelTreeProvider";
import type { CostReport } from "../../../shared/protocol/cost";
import { nodeCostText, poolCostText, type RowCostText } from "../../cost/costTreeText";
import { GpuNodesTree, type GpuNodesNode } from "./gpuNodesTree";

/**
 * Node pools → GPU nodes → the pods using their GPUs, and a group of pods pending for lack of
 * GPUs with the scheduler's reason, rendered from the ClusterModel's GPU inventory. A place
 * for DCGM utilisation is in the allocation model (NodeGpuAllocation.utilisation). Utilisation,
 * idle GPUs and cost per hour come from the latest cost report, when there is one.
 */
export class GpuNodesTreeProvider extends ModelTreeProvider<GpuNodesNode, GpuNodesTree> {
  /** The shown context's latest cost report, once the cost feature has one; a map lookup. */
  costOf: () => CostReport | undefined = () => undefined;

  constructor(connection: ClusterConnection) {
    super(connection, new GpuNodesTree(() => (connection.state.kind === "connecting" ? undefined : connection.model)));
  }

  /** The tree node of a Kubernetes node, for "reveal related" from a pod. */
  nodeFor(nodeName: string): GpuNodesNode | undefined {
    return this.tree.nodeFor(nodeName);
  }

  /** The pool and node rows among `ids` VS Code was given (their cost figures changed); others are not fired. */
  refreshCostRows(ids: readonly string[]): void {
    this.refreshRows(ids.flatMap((id) => this.tree.registry.get(id) ?? []));
  }

  /** What a pool or node row shows of the cost report, keyed by row id; for firing only rows that changed. */
  costKeys(): Map<string, string> {
    const report = this.costOf();
    const keys = new Map<string, string>();
    for (const p of report?.pools ?? []) keys.set(`pool/${p.pool}`, poolCostText(report, p.pool, escapeMarkdown).key);
    for (const n of report?.nodes ?? []) keys.set(`node/${n.node}`, nodeCostText(report, n.node, escapeMarkdown).key);
    return keys;
  }

  getTreeItem(node: GpuNodesNode): vscode.TreeItem {
    const gpu = this.connection.model?.gpu;
    switch (node.type) {
      case "pool": {
        const pool = gpu?.pool(node.pool);
        const cost = poolCostText(this.costOf(), node.pool, escapeMarkdown);
        const item = new vscode.TreeItem(node.pool, vscode.TreeItemCollapsibleState.Expanded);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon("server-environment");
        if (pool) {
          const t = pool.totals;
          const mig = Object.entries(t.mig).map(([profile, m]) => `${m.allocated}/${m.allocatable} MIG ${profile}`);
          item.description = [`${t.gpus.allocated}/${t.gpus.allocatable} GPUs`, idleText(t.gpus), ...mig, `${t.readyNodes}/${t.nodes} nodes ready`, t.cordonedNodes ? `${t.cordonedNodes} cordoned` : undefined]
            .concat(cost.description)
            .filter(Boolean)
            .join(" · ");
        }
        if (cost.tooltip.length > 0) item.tooltip = new vscode.MarkdownString(`**${escapeMarkdown(node.pool)}**\n\n${cost.tooltip.join("\n\n")}`);
        item.contextValue = ViewItem.nodePool;
        return item;
      }
      case "node": {
        const a = gpu?.node(node.node);
        return a ? nodeItem(node, a, nodeCostText(this.costOf(), node.node, escapeMarkdown)) : gone(node.id);
      }
      case "nodePod": {
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        const a = gpu?.node(node.node);
        const uses = [...(a?.gpus ?? []), ...(a?.mig ?? [])].flatMap((r) => r.pods.filter((p) => p.namespace === node.namespace && p.name === node.name).map((p) => `${p.count} ${label(r)}`));
        item.description = [node.namespace, ...uses].join(" · ");
        item.iconPath = new vscode.ThemeIcon("symbol-event");
        item.contextValue = ViewItem.pod(true);
        return item;
      }
      case "pending": {
        const count = gpu?.pending().length ?? 0;
        const item = new vscode.TreeItem("Pending GPU pods", count > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.description = String(count);
        item.iconPath = new vscode.ThemeIcon("watch", new vscode.ThemeColor(count > 0 ? "problemsWarningIcon.foreground" : "disabledForeground"));
        item.contextValue = ViewItem.pendingGpuPods;
        return item;
      }
      case "pendingPod": {
        const p = gpu?.pending().find((x) => x.namespace === node.namespace && x.name === node.name);
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        const why = p?.scheduling?.message ?? p?.scheduling?.reason ?? "waiting to be scheduled";
        const wants = p ? Object.entries(p.gpus).map(([resource, n]) => `${n} ${resource.replace(/^nvidia\.com\//, "")}`).join(", ") : "";
        item.description = `${node.namespace} · ${wants} · ${why}`;
        item.tooltip = new vscode.MarkdownString(`**${escapeMarkdown(node.name)}** wants ${escapeMarkdown(wants)}\n\n${escapeMarkdown(why)}`);
        item.iconPath = new vscode.ThemeIcon("warning", new vscode.ThemeColor("problemsWarningIcon.foreground"));
        item.contextValue = ViewItem.pod(false);
        return item;
      }
    }
  }
}

/** GPUs paid for and requested by no pod, flagged on the row: "2 idle". */
function idleText(g: { readonly allocated: number; readonly allocatable: number }): string | undefined {
  const idle = g.allocatable - g.allocated;
  return idle > 0 ? `${idle} idle` : undefined;
}

function label(r: GpuResourceAllocation): string {
  return r.migProfile ? `MIG ${r.migProfile}` : r.resource === "nvidia.com/gpu" ? "GPU" : r.resource;
}

function nodeItem(node: Extract<GpuNodesNode, { type: "node" }>, a: NodeGpuAllocation, cost: RowCostText): vscode.TreeItem {
  const hasPods = [...a.gpus, ...a.mig].some((r) => r.pods.length > 0);
  const item = new vscode.TreeItem(node.node, hasPods ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  const whole = a.gpus.reduce((acc, r) => ({ allocated: acc.allocated + r.allocated, allocatable: acc.allocatable + r.allocatable }), { allocated: 0, allocatable: 0 });
  const product = a.product?.replace(/^NVIDIA-/, "");
  item.description = [
    a.gpus.length > 0 ? `${whole.allocated}/${whole.allocatable} GPU` : undefined,
    idleText(whole),
    ...a.mig.map((m) => `${m.allocated}/${m.allocatable} MIG ${m.migProfile ?? ""}`),
    product,
    a.memoryMiB ? `${Math.round(a.memoryMiB / 1024)} GiB` : undefined,
    a.ready !== "True" ? "NotReady" : undefined,
    a.cordoned ? "cordoned" : undefined,
    ...cost.description,
  ]
    .filter(Boolean)
    .join(" · ");
  item.iconPath =
    a.ready !== "True"
      ? new vscode.ThemeIcon("vm-outline", new vscode.ThemeColor("problemsErrorIcon.foreground"))
      : a.cordoned
        ? new vscode.ThemeIcon("debug-pause", new vscode.ThemeColor("problemsWarningIcon.foreground"))
        : new vscode.ThemeIcon("vm-active", new vscode.ThemeColor("testing.iconPassed"));
  item.contextValue = ViewItem.node(a.ready === "True", a.cordoned);
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${escapeMarkdown(node.node)}** · pool ${escapeMarkdown(node.pool)}\n\n`);
  md.appendMarkdown(`Ready: ${a.ready}${a.cordoned ? " · cordoned" : ""}\n\n`);
  for (const r of [...a.gpus, ...a.mig]) md.appendMarkdown(`- ${escapeMarkdown(r.resource)}: ${r.allocated}/${r.allocatable} allocated${r.allocatable > r.allocated ? `, ${r.allocatable - r.allocated} idle (requested by no pod)` : ""}\n`);
  for (const p of a.pressures) md.appendMarkdown(`- ${escapeMarkdown(p.type)}: ${escapeMarkdown(p.message ?? p.reason ?? "")}\n`);
  if (a.taints.length > 0) md.appendMarkdown(`\nTaints: ${a.taints.map((t) => `\`${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}\``).join(", ")}\n`);
  if (cost.tooltip.length > 0) md.appendMarkdown(`\n---\n\n${cost.tooltip.join("\n\n")}\n`);
  item.tooltip = md;
  return item;
}

function gone(id: string): vscode.TreeItem {
  const item = new vscode.TreeItem("(gone)", vscode.TreeItemCollapsibleState.None);
  item.id = id;
  return item;
}
