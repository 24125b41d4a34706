import { performance } from "node:perf_hooks";
import * as vscode from "vscode";
import type { ClusterModelChange } from "../../core/kube/cache/clusterModel";
import type { ClusterConnection } from "../clusterConnection";
import type { ModelTree } from "./modelTree";

/** Refreshes wait this long to gather a burst of watch events into one. */
const refreshDebounceMs = 40;
/** Latencies kept for the bench between two reads. */
const maxLatencies = 50_000;

/**
 * A tree view over the ClusterModel: debounces the model's changes, prunes and relists through
 * the tree's registry, then fires onDidChangeTreeData with only the rows that changed. A new
 * model (another context) starts the tree afresh. Subclasses only render a node.
 */
export abstract class ModelTreeProvider<N extends { readonly id: string }, T extends ModelTree<N> = ModelTree<N>> implements vscode.TreeDataProvider<N>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<N | N[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private pending: ClusterModelChange[] = [];
  /** performance.now() of each change behind the pending refresh. */
  private pendingSince: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly subscriptions: vscode.Disposable[];
  /** Model change → refresh fired, in ms, for the bench; bounded. */
  readonly refreshLatencies: number[] = [];

  constructor(
    protected readonly connection: ClusterConnection,
    protected readonly tree: T,
  ) {
    let shownState = connection.state.kind;
    this.subscriptions = [
      this.changed,
      connection.onDidChangeModel(() => this.reset()),
      connection.onDidChangeModelData((c) => this.onModel(c)),
      // The trees list nothing while connecting; once synced, the root is read again.
      connection.onDidChangeState((state) => {
        if (state.kind === shownState) return;
        shownState = state.kind;
        this.changed.fire(undefined);
      }),
    ];
  }

  abstract getTreeItem(node: N): vscode.TreeItem;

  getChildren(node?: N): N[] {
    return this.tree.getChildren(node);
  }

  getParent(node: N): N | undefined {
    return this.tree.getParent(node);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
  }

  /** Something outside the model changed what the root shows (the namespace filter). */
  refreshRoot(): void {
    this.changed.fire(undefined);
  }

  /** Rows whose rendering changed for a reason outside the model (their metrics). */
  protected refreshRows(nodes: N[]): void {
    if (nodes.length > 0) this.changed.fire(nodes);
  }

  /** Everything afresh: another model, or none. */
  reset(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
    this.pendingSince = [];
    this.tree.reset();
    this.changed.fire(undefined);
  }

  /** Applies what is pending now rather than after the debounce. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const result = this.tree.refresh(this.pending.splice(0));
    const now = performance.now();
    for (const since of this.pendingSince.splice(0)) this.refreshLatencies.push(now - since);
    if (this.refreshLatencies.length > maxLatencies) this.refreshLatencies.splice(0, this.refreshLatencies.length - maxLatencies);
    if (result === "root") this.changed.fire(undefined);
    else if (result.length > 0) this.changed.fire(result);
  }

  private onModel(change: ClusterModelChange): void {
    if (!this.tree.touches(change)) return;
    this.pending.push(change);
    this.pendingSince.push(performance.now());
    this.timer ??= setTimeout(() => this.flush(), refreshDebounceMs);
  }
}
