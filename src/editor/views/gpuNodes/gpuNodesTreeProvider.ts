import * as vscode from "vscode";
import type { GpuResourceAllocation, NodeGpuAllocation } from "../../../core/kube/gpu/gpuAllocation";
import type { ClusterConnection } from "../../clusterConnection";
import { ViewItem } from "../../contributionIds";
import { escapeMarkdown } from "../healthIcons";
import { ModelTreeProvider } from "../modelTreeProvider";
import { GpuNodesTree, type GpuNodesNode } from "./gpuNodesTree";

/**
 * Node pools → GPU nodes → the pods using their GPUs, and a group of pods pending for lack of
 * GPUs with the scheduler's reason, rendered from the ClusterModel's GPU inventory. A place
 * for DCGM utilisation is in the allocation model (NodeGpuAllocation.utilisation).
 */
export class GpuNodesTreeProvider extends ModelTreeProvider<GpuNodesNode, GpuNodesTree> {
  constructor(connection: ClusterConnection) {
    super(connection, new GpuNodesTree(() => (connection.state.kind === "connecting" ? undefined : connection.model)));
  }

  /** The tree node of a Kubernetes node, for "reveal related" from a pod. */
  nodeFor(nodeName: string): GpuNodesNode | undefined {
    return this.tree.nodeFor(nodeName);
  }

  getTreeItem(node: GpuNodesNode): vscode.TreeItem {
    const gpu = this.connection.model?.gpu;
    switch (node.type) {
      case "pool": {
        const pool = gpu?.pool(node.pool);
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
        item.contextValue = ViewItem.nodePool;
        return item;
      }
      case "node": {
        const a = gpu?.node(node.node);
        return a ? nodeItem(node, a) : gone(node.id);
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
  item.contextValue = ViewItem.node(a.ready === "True", a.cordoned);
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
