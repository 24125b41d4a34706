import type { KubeConfig } from "@kubernetes/client-node";
import * as vscode from "vscode";
import { kubeConfigForContext, type ContextSummary } from "../core/kube/client/kubeconfig";
import type { Environment, ServiceManifest } from "../core/manifest/serviceManifest";
import { CommandId } from "./contributionIds";
import type { KubeContextModel } from "./kubeContextModel";

export interface EnvironmentTarget {
  readonly name: string;
  readonly environment: Environment;
  readonly kc: KubeConfig;
  readonly context: ContextSummary;
}

type EnvItem = vscode.QuickPickItem & { readonly env: string };

/** The environment to act on: the one given, the only one, or the person's pick. */
export async function pickEnvironment(manifest: ServiceManifest, given: string | undefined, verb: string): Promise<string | undefined> {
  const names = Object.keys(manifest.environments);
  if (given !== undefined) return names.includes(given) ? given : undefined;
  if (names.length === 1) return names[0];
  const items: EnvItem[] = Object.entries(manifest.environments).map(([env, e]) => ({
    label: env,
    description: `${e.context} / ${e.namespace}`,
    detail: [e.production ? "$(shield) production: you will type the service name to confirm" : undefined, e.approvalRequired ? "needs an approval" : undefined].filter(Boolean).join(" · ") || undefined,
    env,
  }));
  const chosen = await vscode.window.showQuickPick(items, { title: `${verb} ${manifest.name}`, placeHolder: "Which environment?" });
  return chosen?.env;
}

/** Credentials for the environment's kube context, or a message saying how to get them. */
export function resolveEnvironment(model: KubeContextModel, manifest: ServiceManifest, env: string): EnvironmentTarget | { readonly problem: string } {
  const environment = manifest.environments[env];
  if (!environment) return { problem: `${manifest.name} has no environment "${env}"; it has ${Object.keys(manifest.environments).join(", ")}.` };
  const state = model.state;
  if (state.kind !== "ready") return { problem: "No kubeconfig is loaded: open the AI Platform view to see why, or set aiPlatform.kubeconfigPaths." };
  const found = kubeConfigForContext(state.loaded, environment.context);
  if (!found) {
    return { problem: `Environment ${env} deploys with kube context "${environment.context}", which is not in your kubeconfig (${state.loaded.files.join(", ")}). Add it, or change environments.${env}.context in aiplatform.yaml.` };
  }
  return { name: env, environment, kc: found.kubeConfig, context: found.context };
}

/** Refuses in Restricted Mode, saying why and how to trust the workspace. */
export function refuseUntrusted(action: string): boolean {
  if (vscode.workspace.isTrusted) return false;
  void vscode.window.showWarningMessage(`${action} is disabled in Restricted Mode: it changes a cluster or writes files, and this workspace is not trusted. The views keep working.`, "Manage Workspace Trust").then((c) => {
    if (c) void vscode.commands.executeCommand("workbench.trust.manage");
  });
  return true;
}

export async function offerContextHelp(problem: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(problem, "Select Kubernetes Context", "Open Kubeconfig Settings");
  if (choice === "Select Kubernetes Context") await vscode.commands.executeCommand(CommandId.selectContext);
  if (choice === "Open Kubeconfig Settings") await vscode.commands.executeCommand(CommandId.openKubeconfigSettings);
}
