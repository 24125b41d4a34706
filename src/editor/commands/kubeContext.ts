import * as vscode from "vscode";
import * as z from "zod";
import type { ContextSummary } from "../../core/kube/client/kubeconfig";
import { isDns1123Label } from "../../core/kube/objects/dns1123";
import { CommandId, SettingKey } from "../contributionIds";
import { explainKubeconfigError } from "../explain";
import { showUserMessage, type CommandRunner } from "./commandRunner";
import type { ClusterConnection } from "../clusterConnection";
import type { KubeContextModel } from "../kubeContextModel";

/** A context name passed by another extension, a test or a keybinding's args. */
const SelectContextArg = z.string().trim().min(1).max(253).optional();

interface ContextItem extends vscode.QuickPickItem {
  readonly context: ContextSummary;
}

const SelectNamespaceArg = z.union([z.string().trim().refine(isDns1123Label), z.literal("*")]).optional();

export function registerKubeContextCommands(runner: CommandRunner, model: KubeContextModel, connection: ClusterConnection, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    runner.register(CommandId.selectNamespace, async (arg?: unknown) => {
      const parsed = SelectNamespaceArg.safeParse(arg);
      if (!parsed.success) {
        log.warn(`${CommandId.selectNamespace} ignored an argument that is not a namespace name.`);
        return undefined;
      }
      if (parsed.data !== undefined) return (await model.selectNamespace(parsed.data === "*" ? undefined : parsed.data)) ? parsed.data : undefined;
      const state = model.state;
      if (state.kind !== "ready" || !state.selected) {
        void vscode.window.showInformationMessage("Select a Kubernetes context first.");
        return undefined;
      }
      const names = (connection.current?.namespaces.list() ?? []).map((n) => n.metadata?.name ?? "").filter(Boolean).sort();
      const all = { label: "$(globe) All namespaces", value: undefined as string | undefined };
      const items = [all, ...names.map((n) => ({ label: n, value: n, description: n === state.namespace ? "$(check) shown" : undefined }))];
      const pick = await vscode.window.showQuickPick(items, { title: `Namespace in ${state.selected.name}`, placeHolder: "The Deployments view shows this namespace" });
      if (!pick) return undefined;
      await model.selectNamespace(pick.value);
      return pick.value ?? "*";
    }),
    runner.register(CommandId.selectContext, async (arg?: unknown) => {
      const parsed = SelectContextArg.safeParse(arg);
      if (!parsed.success) {
        log.warn(`${CommandId.selectContext} ignored an argument that is not a context name.`);
        return undefined;
      }
      return selectContext(model, parsed.data);
    }),
    runner.register(CommandId.openKubeconfigSettings, () =>
      vscode.commands.executeCommand("workbench.action.openSettings", SettingKey.kubeconfigPaths),
    ),
  ];
}

async function selectContext(model: KubeContextModel, requested: string | undefined): Promise<string | undefined> {
  const state = model.state.kind === "loading" ? await model.reload() : model.state;
  if (state.kind === "error") {
    await showUserMessage(explainKubeconfigError(state.error));
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

