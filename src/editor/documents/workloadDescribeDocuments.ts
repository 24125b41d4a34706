import * as vscode from "vscode";
import type { ClusterConnection } from "../clusterConnection";
import type { DeploymentsTreeProvider } from "../views/deployments/deploymentsTreeProvider";

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

  constructor(
    connection: ClusterConnection,
    private readonly deployments: DeploymentsTreeProvider,
  ) {
    this.subscription = connection.onDidChangeObjects(() => {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        for (const doc of vscode.workspace.textDocuments) if (doc.uri.scheme === describeScheme) this.changed.fire(doc.uri);
      }, refreshDebounceMs);
    });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const id = uri.path.replace(/^\//, "").replace(/\.describe$/, "");
    return this.deployments.describe(id) ?? `${id} no longer exists, or the cluster is not connected.\n`;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscription.dispose();
    this.changed.dispose();
  }
}
