import * as vscode from "vscode";
import type { ClusterConnection } from "../../clusterConnection";
import { ViewItem } from "../../contributionIds";
import { eventKey } from "../../../core/kube/workloads/workloadIndex";
import { ModelTreeProvider } from "../modelTreeProvider";
import { eventItem, groupItem, podItem, revisionItem, workloadItem } from "./deploymentNodes";
import { DeploymentsTree, sortedRevisions, type DeploymentsNode } from "./deploymentsTree";
import type { RowMetrics } from "../../metrics/sloStatusBoard";
import type { CostReport } from "../../../shared/protocol/cost";
import { workloadCostText } from "../../cost/costTreeText";

/**
 * Namespaces → inference workloads → pods, revisions and events, rendered from the
 * connection's ClusterModel. The shape and the node registry live in DeploymentsTree.
 */
export class DeploymentsTreeProvider extends ModelTreeProvider<DeploymentsNode, DeploymentsTree> {
  /** A workload row's metrics (SLO status), once a metrics source is connected; a map lookup. */
  metricsOf: (workloadId: string) => RowMetrics | undefined = () => undefined;
  /** The shown context's latest cost report, once the cost feature has one: cost per 1K and GPU efficiency in the tooltip. */
  costOf: () => CostReport | undefined = () => undefined;

  constructor(
    connection: ClusterConnection,
    /** The namespace the user chose to see; undefined for all. */
    namespaceFilter: () => string | undefined,
  ) {
    // Nothing to list until the first sync, so the welcome content shows while connecting.
    super(connection, new DeploymentsTree(() => (connection.state.kind === "connecting" ? undefined : connection.model), namespaceFilter));
  }

  revisionNodeFor(workloadId: string, replicaSet: string): DeploymentsNode | undefined {
    return this.tree.revisionNodeFor(workloadId, replicaSet);
  }

  getTreeItem(node: DeploymentsNode): vscode.TreeItem {
    const now = Date.now();
    const index = this.connection.model?.workloads;
    const workload = this.tree.workloadOf(node);
    switch (node.type) {
      case "namespace": {
        const item = new vscode.TreeItem(node.namespace, vscode.TreeItemCollapsibleState.Expanded);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon("symbol-namespace");
        const count = index?.workloads(node.namespace).length ?? 0;
        item.description = `${count} ${count === 1 ? "service" : "services"}`;
        item.contextValue = ViewItem.namespace;
        return item;
      }
      case "workload":
        return workload && index ? workloadItem(workload, index.healthOf(workload), index.podsOf(workload), this.metricsOf(node.id), workloadCostText(this.costOf(), workload.namespace, workload.name)) : gone(node.id);
      case "pods":
        return groupItem(node, workload ? (index?.podsOf(workload).length ?? 0) : 0);
      case "revisions":
        return groupItem(node, workload ? (index?.replicaSetsOf(workload).length ?? 0) : 0);
      case "events": {
        const events = workload ? (index?.eventsOf(workload) ?? []) : [];
        return groupItem(node, events.length, events.filter((e) => e.type === "Warning").length);
      }
      case "pod": {
        const pod = workload ? index?.podsOf(workload).find((p) => p.metadata?.name === node.name) : undefined;
        return pod ? podItem(node, pod, now) : gone(node.id);
      }
      case "revision": {
        const replicaSets = workload ? sortedRevisions(index?.replicaSetsOf(workload) ?? []) : [];
        const rs = replicaSets.find((r) => r.metadata?.name === node.key);
        return rs ? revisionItem(node, rs, rs === replicaSets[0], now) : gone(node.id);
      }
      case "event": {
        const e = workload ? index?.eventsOf(workload).find((ev) => eventKey(ev) === node.key) : undefined;
        return e ? eventItem(node, e, now) : gone(node.id);
      }
    }
  }

  /** What each workload row shows of the cost report, keyed by workload id; for firing only rows that changed. */
  costKeys(): Map<string, string> {
    const report = this.costOf();
    const keys = new Map<string, string>();
    const index = this.connection.model?.workloads;
    if (!report || !index) return keys;
    for (const ns of index.namespaces()) for (const w of index.workloads(ns)) {
      const key = workloadCostText(report, w.namespace, w.name).key;
      if (key) keys.set(w.id, key);
    }
    return keys;
  }

  /** Re-renders the workload rows VS Code was given among `ids` (their metrics changed); others are not fired. */
  refreshWorkloadRows(ids: readonly string[]): void {
    const nodes = ids.flatMap((id) => this.tree.registry.get(id) ?? []);
    if (nodes.length > 0) this.refreshRows(nodes);
  }

  /**
   * Resolves with the time from connecting to the root rows being ready to hand to VS Code,
   * whether or not the view is open (the bench runs with it closed).
   */
  async whenRootReady(): Promise<number> {
    for (;;) {
      const cache = this.connection.current;
      if (cache) {
        await cache.whenSynced();
        if (cache === this.connection.current && this.getChildren().length > 0) return performance.now() - this.connection.connectedAt;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

function gone(id: string): vscode.TreeItem {
  const item = new vscode.TreeItem("(gone)", vscode.TreeItemCollapsibleState.None);
  item.id = id;
  return item;
}
