import * as vscode from "vscode";
import { ViewId } from "../contributionIds";
import type { KubeContextModel, KubeContextState } from "../kubeContextModel";

/**
 * The three views of the AI Platform container. Until the live data layer lands they hold no
 * rows, so VS Code shows each view's welcome content, which says what the view needs; the
 * title bar shows which context the view is about.
 */
class NoRowsYet implements vscode.TreeDataProvider<never> {
  getTreeItem(element: never): vscode.TreeItem {
    return element;
  }
  getChildren(): never[] {
    return [];
  }
}

export function createClusterViews(model: KubeContextModel): vscode.Disposable[] {
  const provider = new NoRowsYet();
  const views = Object.values(ViewId).map((id) => vscode.window.createTreeView(id, { treeDataProvider: provider, showCollapseAll: true }));
  const describe = (state: KubeContextState): void => {
    const description = state.kind === "ready" && state.selected ? state.selected.name : undefined;
    for (const view of views) view.description = description;
  };
  describe(model.state);
  return [...views, model.onDidChange(describe)];
}
