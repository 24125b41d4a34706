import type { CoreV1Event, V1Pod, V1ReplicaSet } from "@kubernetes/client-node";
import * as vscode from "vscode";
import type { CacheChange } from "../../../core/kube/cache/clusterCache";
import { describeWorkload } from "../../../core/kube/workloads/describeWorkload";
import type { KubeObject } from "../../../core/kube/cache/informer";
import { classifyWorkloadHealth, type WorkloadHealth } from "../../../core/kube/workloads/workloadHealth";
import { WorkloadIndex, type Workload } from "../../../core/kube/workloads/workloadIndex";
import type { ClusterConnection } from "../../clusterConnection";
import { eventItem, groupItem, podItem, revisionItem, sortedEvents, sortedRevisions, workloadItem, type DeploymentsNode } from "./deploymentNodes";

/** Refreshes wait this long to gather a burst of watch events into one. */
const refreshDebounceMs = 40;

/**
 * Namespaces → inference workloads → pods, revisions and events, read from the live cache.
 * Nodes are small id records kept in one registry, so the same object is handed back to VS
 * Code and a change refreshes just the rows it touches.
 */
export class DeploymentsTreeProvider implements vscode.TreeDataProvider<DeploymentsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DeploymentsNode | DeploymentsNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private index: WorkloadIndex | undefined;
  private readonly nodes = new Map<string, DeploymentsNode>();
  private readonly healthCache = new Map<string, WorkloadHealth>();
  private pendingIds = new Set<string>();
  private pendingRoot = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly subscriptions: vscode.Disposable[];
  /** performance.now() of the first watch event behind each pending refresh. */
  private readonly pendingSince = new Map<string, number>();
  /** Watch event → refresh fired, in ms, for the bench; bounded. */
  readonly refreshLatencies: number[] = [];

  constructor(
    private readonly connection: ClusterConnection,
    private readonly showAllDeployments: () => boolean,
    /** The namespace the user chose to see; undefined for all. */
    private readonly namespaceFilter: () => string | undefined,
  ) {
    this.subscriptions = [
      this.changed,
      connection.onDidChangeCache(() => this.reset()),
      connection.onDidChangeObjects((c) => this.onObjects(c)),
    ];
    this.reset();
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
  }

  /** The namespace filter changed: only the root rows change. */
  refreshRoot(): void {
    this.changed.fire(undefined);
  }

  /** Re-reads everything: a new context, or the "show all Deployments" setting changed. */
  reset(): void {
    const cache = this.connection.current;
    this.index = cache ? new WorkloadIndex(cache, { showAllDeployments: this.showAllDeployments }) : undefined;
    this.nodes.clear();
    this.healthCache.clear();
    this.changed.fire(undefined);
  }

  getTreeItem(node: DeploymentsNode): vscode.TreeItem {
    const now = Date.now();
    const index = this.index;
    const workload = "workloadId" in node ? index?.workload(node.workloadId) : node.type === "workload" ? index?.workload(node.id) : undefined;
    switch (node.type) {
      case "namespace": {
        const item = new vscode.TreeItem(node.namespace, vscode.TreeItemCollapsibleState.Expanded);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon("symbol-namespace");
        const count = index?.workloads(node.namespace).length ?? 0;
        item.description = `${count} ${count === 1 ? "service" : "services"}`;
        item.contextValue = "namespace";
        return item;
      }
      case "workload":
        return workload ? workloadItem(workload, this.health(workload), index?.podsOf(workload) ?? []) : gone(node.id);
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

  getChildren(node?: DeploymentsNode): DeploymentsNode[] {
    const index = this.index;
    const cache = this.connection.current;
    if (!index || !cache || cache.state.kind === "connecting") return [];
    if (!node) {
      const only = this.namespaceFilter();
      return index
        .namespaces()
        .filter((namespace) => only === undefined || namespace === only)
        .map((namespace) => this.node({ type: "namespace", id: `namespace/${namespace}`, namespace }));
    }
    switch (node.type) {
      case "namespace":
        return index.workloads(node.namespace).map((w) => this.node({ type: "workload", id: w.id }));
      case "workload":
        return (["pods", "revisions", "events"] as const).map((type) => this.node({ type, id: `${node.id}/${type}`, workloadId: node.id }));
      case "pods": {
        const w = index.workload(node.workloadId);
        return (w ? index.podsOf(w) : []).map((p) => this.podNode(node.workloadId, p));
      }
      case "revisions": {
        const w = index.workload(node.workloadId);
        return sortedRevisions(w ? index.replicaSetsOf(w) : []).map((rs) =>
          this.node({ type: "revision", id: `${node.workloadId}/revision/${rs.metadata?.name ?? ""}`, workloadId: node.workloadId, key: rs.metadata?.name ?? "" }),
        );
      }
      case "events": {
        const w = index.workload(node.workloadId);
        return sortedEvents(w ? index.eventsOf(w) : []).map((e) =>
          this.node({ type: "event", id: `${node.workloadId}/event/${eventKey(e)}`, workloadId: node.workloadId, key: eventKey(e) }),
        );
      }
      default:
        return [];
    }
  }

  getParent(node: DeploymentsNode): DeploymentsNode | undefined {
    if (node.type === "namespace") return undefined;
    if (node.type === "workload") {
      const w = this.index?.workload(node.id);
      return w ? this.node({ type: "namespace", id: `namespace/${w.namespace}`, namespace: w.namespace }) : undefined;
    }
    if (node.type === "pods" || node.type === "revisions" || node.type === "events") return this.node({ type: "workload", id: node.workloadId });
    const group = node.type === "pod" ? "pods" : node.type === "revision" ? "revisions" : "events";
    return this.node({ type: group, id: `${node.workloadId}/${group}`, workloadId: node.workloadId });
  }

  /** The workload a pod belongs to, for "reveal related". */
  podNodeFor(namespace: string, name: string): DeploymentsNode | undefined {
    const id = this.index?.workloadIdOf("Pod", namespace, name);
    return id ? this.node({ type: "pod", id: `${id}/pod/${name}`, workloadId: id, namespace, name }) : undefined;
  }

  /** A `kubectl describe`-style text of a workload, or undefined when it is gone. */
  describe(id: string): string | undefined {
    const w = this.index?.workload(id);
    if (!w || !this.index) return undefined;
    return describeWorkload({ workload: w, health: this.health(w), pods: this.index.podsOf(w), replicaSets: this.index.replicaSetsOf(w), events: this.index.eventsOf(w), now: Date.now() });
  }

  podsOf(w: Workload): readonly V1Pod[] {
    return this.index?.podsOf(w) ?? [];
  }

  replicaSetsOf(w: Workload): readonly V1ReplicaSet[] {
    return this.index?.replicaSetsOf(w) ?? [];
  }

  /** Every workload the view lists, with its health: what the Roll Back palette command offers. */
  allWorkloads(): { readonly workload: Workload; readonly health: WorkloadHealth }[] {
    const index = this.index;
    if (!index) return [];
    return index.namespaces().flatMap((ns) => index.workloads(ns).map((workload) => ({ workload, health: this.health(workload) })));
  }

  /** The revision number a revision row stands for. */
  revisionOf(node: DeploymentsNode): number | undefined {
    if (node.type !== "revision") return undefined;
    const w = this.workloadOf(node);
    const rs = w ? this.index?.replicaSetsOf(w).find((r) => r.metadata?.name === node.key) : undefined;
    const n = Number(rs?.metadata?.annotations?.["deployment.kubernetes.io/revision"]);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  }

  workloadOf(node: DeploymentsNode): Workload | undefined {
    const id = node.type === "workload" ? node.id : "workloadId" in node ? node.workloadId : undefined;
    return id ? this.index?.workload(id) : undefined;
  }

  private podNode(workloadId: string, p: V1Pod): DeploymentsNode {
    const name = p.metadata?.name ?? "";
    return this.node({ type: "pod", id: `${workloadId}/pod/${name}`, workloadId, namespace: p.metadata?.namespace ?? "", name });
  }

  private node<T extends DeploymentsNode>(fresh: T): T {
    const existing = this.nodes.get(fresh.id);
    if (existing) return existing as T;
    this.nodes.set(fresh.id, fresh);
    return fresh;
  }

  private health(w: Workload): WorkloadHealth {
    const cached = this.healthCache.get(w.id);
    if (cached) return cached;
    const index = this.index;
    const health = classifyWorkloadHealth({
      deployment: w.deployment,
      inferenceService: w.inferenceService,
      replicaSets: index?.replicaSetsOf(w) ?? [],
      pods: index?.podsOf(w) ?? [],
      events: index?.eventsOf(w) ?? [],
      now: Date.now(),
    });
    this.healthCache.set(w.id, health);
    return health;
  }

  private onObjects(change: CacheChange): void {
    const index = this.index;
    if (!index) return;
    const arrived = performance.now();
    for (const { type, object } of change.changes) {
      const ids = this.affectedWorkloads(change.type.kind, object, type);
      if (ids === "structure") this.pendingRoot = true;
      else
        for (const id of ids) {
          this.pendingIds.add(id);
          if (!this.pendingSince.has(id)) this.pendingSince.set(id, arrived);
        }
    }
    index.invalidate();
    this.timer ??= setTimeout(() => this.flush(), refreshDebounceMs);
  }

  /** Which rows an object change touches; "structure" when rows appear or disappear. */
  private affectedWorkloads(kind: string, object: KubeObject, change: "added" | "modified" | "deleted"): string[] | "structure" {
    const index = this.index;
    if (!index) return [];
    const ns = object.metadata?.namespace ?? "";
    const name = object.metadata?.name ?? "";
    switch (kind) {
      case "Deployment":
      case "InferenceService": {
        // A status update refreshes its own row; rows that appear or disappear refresh the tree.
        const id = index.workloadIdOf(kind, ns, name);
        return change === "modified" && id !== undefined && index.workload(id) ? [id] : "structure";
      }
      case "Pod": {
        const rs = (object as V1Pod).metadata?.ownerReferences?.find((o) => o.kind === "ReplicaSet");
        const id = rs ? index.workloadIdOf("ReplicaSet", ns, rs.name) : index.workloadIdOf("Pod", ns, name);
        return id ? [id] : [];
      }
      case "ReplicaSet": {
        const id = index.workloadIdOf("ReplicaSet", ns, name);
        return id ? [id] : [];
      }
      case "Event": {
        const io = (object as CoreV1Event).involvedObject;
        const id = io?.kind && io.name ? index.workloadIdOf(io.kind, io.namespace ?? ns, io.name) : undefined;
        return id ? [id] : [];
      }
      default:
        return [];
    }
  }

  private flush(): void {
    this.timer = undefined;
    const ids = [...this.pendingIds];
    this.pendingIds.clear();
    for (const id of ids) this.healthCache.delete(id);
    this.recordLatencies();
    if (this.pendingRoot) {
      this.pendingRoot = false;
      this.healthCache.clear();
      this.changed.fire(undefined);
      return;
    }
    const nodes: DeploymentsNode[] = [];
    for (const id of ids) {
      for (const suffix of ["", "/pods", "/revisions", "/events"]) {
        const node = this.nodes.get(id + suffix);
        if (node) nodes.push(node);
      }
    }
    if (nodes.length > 0) this.changed.fire(nodes);
  }

  private recordLatencies(): void {
    const now = performance.now();
    for (const since of this.pendingSince.values()) this.refreshLatencies.push(now - since);
    this.pendingSince.clear();
    if (this.refreshLatencies.length > 50_000) this.refreshLatencies.splice(0, this.refreshLatencies.length - 50_000);
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

function eventKey(e: CoreV1Event): string {
  return e.metadata?.uid ?? `${e.metadata?.namespace ?? ""}/${e.metadata?.name ?? ""}`;
}

function gone(id: string): vscode.TreeItem {
  const item = new vscode.TreeItem("(gone)", vscode.TreeItemCollapsibleState.None);
  item.id = id;
  return item;
}
