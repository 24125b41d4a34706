import * as vscode from "vscode";
import { CommandId } from "./contributionIds";
import type { KubeContextModel, KubeContextState } from "./kubeContextModel";

/** Shows the selected Kubernetes context; a click opens the picker. */
export function createContextStatusBar(model: KubeContextModel): vscode.Disposable[] {
  const item = vscode.window.createStatusBarItem("aiPlatform.context", vscode.StatusBarAlignment.Left, 10);
  item.name = "AI Platform: Kubernetes Context";
  item.command = CommandId.selectContext;
  const render = (state: KubeContextState): void => {
    if (state.kind !== "ready") {
      item.hide();
      return;
    }
    const s = state.selected;
    item.text = s ? `$(server-environment) ${s.name}` : "$(server-environment) Select context";
    item.tooltip = s
      ? new vscode.MarkdownString(
          `**Kubernetes context** \`${s.name}\`\n\ncluster \`${s.cluster}\`${s.server ? ` at ${s.server}` : ""}\n\nnamespace \`${s.namespace ?? "default"}\`\n\nClick to switch.`,
        )
      : "Select the Kubernetes context AI Platform works in";
    item.show();
  };
  render(model.state);
  return [item, model.onDidChange(render)];
}
