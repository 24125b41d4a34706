import * as vscode from "vscode";
import * as z from "zod";
import type { ContextSummary } from "../../core/kube/kubeconfig";
import { CommandId, SettingKey } from "../contributionIds";
import { explainKubeconfigError, type UserMessage } from "../explain";
import type { KubeContextModel } from "../kubeContextModel";

/** A context name passed by another extension, a test or a keybinding's args. */
const SelectContextArg = z.string().trim().min(1).max(253).optional();

interface ContextItem extends vscode.QuickPickItem {
  readonly context: ContextSummary;
}

export function registerKubeContextCommands(model: KubeContextModel, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandId.selectContext, async (arg?: unknown) => {
      const parsed = SelectContextArg.safeParse(arg);
      if (!parsed.success) {
        log.warn(`${CommandId.selectContext} ignored an argument that is not a context name.`);
        return undefined;
      }
      return selectContext(model, parsed.data);
    }),
    vscode.commands.registerCommand(CommandId.openKubeconfigSettings, () =>
      vscode.commands.executeCommand("workbench.action.openSettings", SettingKey.kubeconfigPaths),
    ),
  ];
}

async function selectContext(model: KubeContextModel, requested: string | undefined): Promise<string | undefined> {
  const state = model.state.kind === "loading" ? await model.reload() : model.state;
  if (state.kind === "error") {
    await showMessage(explainKubeconfigError(state.error));
    return undefined;
  }
  if (state.kind !== "ready") return undefined;

  if (requested !== undefined) {
    if (await model.select(requested)) return requested;
    void vscode.window.showErrorMessage(`There is no context named "${requested}" in the kubeconfig.`);
    return undefined;
  }

  const items: ContextItem[] = state.loaded.contexts.map((c) => ({
    context: c,
    label: c.name,
    description: [c.name === state.selected?.name ? "$(check) selected" : undefined, c.name === state.loaded.currentContext ? "current-context" : undefined]
      .filter(Boolean)
      .join(" · "),
    detail: contextDetail(c),
  }));
  const pick = vscode.window.createQuickPick<ContextItem>();
  try {
    pick.title = "Select Kubernetes Context";
    pick.placeholder = `${items.length} contexts from ${state.search.source === "default" ? "~/.kube/config" : state.search.source === "KUBECONFIG" ? "KUBECONFIG" : "the aiPlatform.kubeconfigPaths setting"}; type to filter`;
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    pick.items = items;
    pick.activeItems = items.filter((i) => i.context.name === state.selected?.name);
    const chosen = await new Promise<ContextItem | undefined>((resolve) => {
      pick.onDidAccept(() => resolve(pick.selectedItems[0]));
      pick.onDidHide(() => resolve(undefined));
      pick.show();
    });
    if (!chosen) return undefined;
    await model.select(chosen.context.name);
    return chosen.context.name;
  } finally {
    pick.dispose();
  }
}

function contextDetail(c: ContextSummary): string {
  const auth = c.auth === "exec" && c.execCommand ? `exec: ${c.execCommand}` : c.auth;
  return [
    `cluster ${c.cluster}`,
    c.server,
    `namespace ${c.namespace ?? "default"}`,
    `user ${c.user} (${auth})`,
  ]
    .filter(Boolean)
    .join(" · ");
}

async function showMessage(message: UserMessage): Promise<void> {
  const chosen = await vscode.window.showErrorMessage(message.text, ...message.actions.map((a) => a.title));
  const action = message.actions.find((a) => a.title === chosen);
  if (action) await vscode.commands.executeCommand(action.command);
}
