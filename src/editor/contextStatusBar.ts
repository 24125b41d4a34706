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
    const shown = state.namespace ?? "all namespaces";
    item.text = s ? `$(server-environment) ${s.name} · ${shown}` : "$(server-environment) Select context";
    if (s) {
      const md = new vscode.MarkdownString(
        `**Kubernetes context** \`${s.name}\`\n\ncluster \`${s.cluster}\`${s.server ? ` at ${s.server}` : ""}\n\nshowing ${state.namespace ? `namespace \`${state.namespace}\`` : "all namespaces"}\n\n[Switch context](command:${CommandId.selectContext}) · [Switch namespace](command:${CommandId.selectNamespace})`,
      );
      md.isTrusted = { enabledCommands: [CommandId.selectContext, CommandId.selectNamespace] };
      item.tooltip = md;
    } else item.tooltip = "Select the Kubernetes context AI Platform works in";
    item.show();
  };
  render(model.state);
  return [item, model.onDidChange(render)];
}
