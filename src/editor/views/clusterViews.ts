import * as vscode from "vscode";
import type { ClusterConnection } from "../clusterConnection";
import { ViewId } from "../contributionIds";
import { describeConnection, describeForbidden } from "../explain";
import type { KubeContextModel, KubeContextState } from "../kubeContextModel";
import { DeploymentsTreeProvider } from "./deployments/deploymentsTreeProvider";
import { GpuNodesTreeProvider } from "./gpuNodes/gpuNodesTreeProvider";
import type { GpuNodesNode } from "./gpuNodes/gpuNodesTree";
import type { DeploymentsNode } from "./deployments/deploymentsTree";

export interface ClusterViews {
  readonly deployments: DeploymentsTreeProvider;
  readonly gpuNodes: GpuNodesTreeProvider;
  readonly gpuNodesView: vscode.TreeView<GpuNodesNode>;
  /** For the rows' metrics, which refresh only while the view is visible. */
  readonly deploymentsView: vscode.TreeView<DeploymentsNode>;
  readonly disposables: readonly vscode.Disposable[];
}

export function createClusterViews(model: KubeContextModel, connection: ClusterConnection): ClusterViews {
  const namespace = (): string | undefined => (model.state.kind === "ready" ? model.state.namespace : undefined);
  const deployments = new DeploymentsTreeProvider(connection, namespace);
  let shownNamespace = namespace();
  const gpuNodes = new GpuNodesTreeProvider(connection);
  const deploymentsView = vscode.window.createTreeView(ViewId.deployments, { treeDataProvider: deployments, showCollapseAll: true });
  const gpuNodesView = vscode.window.createTreeView(ViewId.gpuNodes, { treeDataProvider: gpuNodes, showCollapseAll: true });
  // Models (models/modelsFeature.ts) names the context itself.
  const views = [deploymentsView, gpuNodesView];

  const describe = (state: KubeContextState): void => {
    const description = state.kind === "ready" && state.selected ? state.selected.name : undefined;
    for (const view of views) view.description = description;
    if (state.kind === "ready" && state.selected && state.namespace) deploymentsView.description = `${state.selected.name} · ${state.namespace}`;
    if (namespace() !== shownNamespace) {
      shownNamespace = namespace();
      deployments.refreshRoot();
    }
  };
  const showConnection = (): void => {
    const message = describeConnection(connection.state);
    deploymentsView.message = message;
    // The GPU view needs nodes, which a namespace-scoped user may not list.
    const state = connection.state;
    const nodes = state.kind === "synced" ? connection.current?.refused().find((r) => r.resource === "nodes") : undefined;
    gpuNodesView.message = nodes && state.kind !== "none" ? describeForbidden(state.context.name, nodes) : message;
  };
  describe(model.state);
  showConnection();
  return {
    deployments,
    gpuNodes,
    gpuNodesView,
    deploymentsView,
    disposables: [
      deployments,
      gpuNodes,
      ...views,
      model.onDidChange(describe),
      connection.onDidChangeState(showConnection),
    ],
  };
}
