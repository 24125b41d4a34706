import * as vscode from "vscode";
import { CommandId } from "./contributionIds";
import type { KubeContextModel } from "./kubeContextModel";
import type { ReadOnlyContexts } from "./readOnlyContexts";

/** Shows the selected Kubernetes context, with a lock while it is read-only; a click opens the picker. */
export function createContextStatusBar(model: KubeContextModel, readOnly: ReadOnlyContexts): vscode.Disposable[] {
  const item = vscode.window.createStatusBarItem("aiPlatform.context", vscode.StatusBarAlignment.Left, 10);
  item.name = "AI Platform: Kubernetes Context";
  item.command = CommandId.selectContext;
  const render = (): void => {
    const state = model.state;
    if (state.kind !== "ready") {
      item.hide();
      return;
    }
    const s = state.selected;
    const shown = state.namespace ?? "all namespaces";
    const locked = s ? readOnly.refusal(s.name) : undefined;
    const unlocked = s !== undefined && readOnly.isUnlocked(s.name);
    item.text = s ? `$(${locked ? "lock" : unlocked ? "unlock" : "server-environment"}) ${s.name} · ${shown}` : "$(server-environment) Select context";
    if (s) {
      const lockLine = locked
        ? `\n\n$(lock) read-only (matches \`${locked.pattern}\`): nothing here changes the cluster. [Unlock for this session](command:${CommandId.unlockContext})`
        : unlocked
          ? `\n\n$(unlock) read-only context, unlocked for this session. [Lock again](command:${CommandId.lockContext})`
          : "";
      const md = new vscode.MarkdownString(
        `**Kubernetes context** \`${s.name}\`\n\ncluster \`${s.cluster}\`${s.server ? ` at ${s.server}` : ""}\n\nshowing ${state.namespace ? `namespace \`${state.namespace}\`` : "all namespaces"}${lockLine}\n\n[Switch context](command:${CommandId.selectContext}) · [Switch namespace](command:${CommandId.selectNamespace})`,
        true,
      );
      md.isTrusted = { enabledCommands: [CommandId.selectContext, CommandId.selectNamespace, CommandId.unlockContext, CommandId.lockContext] };
      item.tooltip = md;
    } else item.tooltip = "Select the Kubernetes context AI Platform works in";
    item.show();
  };
  render();
  return [item, model.onDidChange(render), readOnly.onDidChange(render)];
}
