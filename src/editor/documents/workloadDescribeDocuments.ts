import * as vscode from "vscode";
import type { ClusterConnection } from "../clusterConnection";
import { describeWorkload } from "../../core/kube/workloads/describeWorkload";

export const describeScheme = "aiplatform-describe";
const refreshDebounceMs = 500;

export function describeUri(workloadId: string): vscode.Uri {
  return vscode.Uri.from({ scheme: describeScheme, path: `/${workloadId}.describe` });
}

/** `kubectl describe` for a workload, with our health verdict on top; follows the cluster live. */
export class WorkloadDescribeDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private timer: NodeJS.Timeout | undefined;
  /** Workloads changed since the last refresh; only their open documents re-render. */
  private readonly changedIds = new Set<string>();

  constructor(private readonly connection: ClusterConnection) {
    this.subscription = connection.onDidChangeModelData((change) => {
      for (const id of change.workloads) this.changedIds.add(id);
      if (change.workloads.size === 0) return;
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        for (const doc of vscode.workspace.textDocuments) if (doc.uri.scheme === describeScheme && this.changedIds.has(idOf(doc.uri))) this.changed.fire(doc.uri);
        this.changedIds.clear();
      }, refreshDebounceMs);
    });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const id = idOf(uri);
    const index = this.connection.model?.workloads;
    const w = index?.workload(id);
    if (!index || !w) return `${id} no longer exists, or the cluster is not connected.\n`;
    return describeWorkload({ workload: w, health: index.healthOf(w), pods: index.podsOf(w), replicaSets: index.replicaSetsOf(w), events: index.eventsOf(w), now: Date.now() });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function idOf(uri: vscode.Uri): string {
  return uri.path.replace(/^\//, "").replace(/\.describe$/, "");
}
