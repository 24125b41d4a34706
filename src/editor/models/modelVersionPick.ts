import * as vscode from "vscode";
import type { ModelVersion } from "../../core/registry/modelRegistry";
import { CommandId } from "../contributionIds";
import { withAbortSignal } from "../lifecycle";
import { showUserMessage } from "../commands/commandRunner";
import { explainFailure, type UserMessage } from "../explain";
import type { ModelsFeature, ModelsTarget } from "./modelsFeature";
import type { ModelsNode } from "./modelsTree";
import { describeRegistryFailure } from "./registryFailureText";

/** A row's model and one of its versions: what every model action acts on. */
export interface VersionTarget extends ModelsTarget {
  readonly version: ModelVersion;
}

type VersionItem = vscode.QuickPickItem & { readonly version: ModelVersion };

/** Said once, the same way by every action: no registry, or one that cannot be used. */
function explainNoRegistry(problem: string | undefined): UserMessage {
  return problem
    ? explainFailure(`The model registry cannot be used: ${problem}`)
    : { text: "No model registry is connected for this Kubernetes context.", actions: [{ title: "Connect Model Registry…", command: CommandId.connectModelRegistry }] };
}

/** The row's target; says why when there is none (no registry, nothing selected). */
export async function resolveTarget(models: ModelsFeature, node: ModelsNode | undefined, verb: string): Promise<ModelsTarget | undefined> {
  const target = await models.target(node);
  if (target) return target;
  const state = await models.currentRegistry();
  if (state.kind !== "ready") void showUserMessage(explainNoRegistry(state.kind === "problem" ? state.problem : undefined), "warning");
  else if (node) void showUserMessage(explainFailure(`${verb}: ${state.registry.displayUrl} did not answer for that row's model; the Models view shows what failed.`), "warning");
  else void vscode.window.showInformationMessage(`${verb}: select a model version in the Models view first.`);
  return undefined;
}

/** A registry failure as a notification; a cancellation says nothing. */
export function showRegistryFailure(what: string, target: ModelsTarget, failure: Parameters<typeof describeRegistryFailure>[0]): void {
  const sentence = describeRegistryFailure(failure, target.registry.displayUrl);
  if (sentence) void showUserMessage(explainFailure(`${what}: ${sentence}`));
}

/**
 * The row's version, or, on a model row (or from the palette), the person's pick among the
 * model's versions, newest first.
 */
export async function chooseVersion(target: ModelsTarget, placeHolder: string): Promise<VersionTarget | undefined> {
  if (target.version) return { ...target, version: target.version };
  const listed = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Reading the versions of ${target.model}`, cancellable: true }, (_p, token) =>
    withAbortSignal(token, (signal) => target.registry.listAllVersions(target.model, { signal })),
  );
  if (!listed.ok) {
    showRegistryFailure(`Could not list the versions of ${target.model}`, target, listed.failure);
    return undefined;
  }
  if (listed.value.length === 0) {
    void vscode.window.showInformationMessage(`${target.model} has no versions yet.`);
    return undefined;
  }
  const now = Date.now();
  const items: VersionItem[] = listed.value.map((v) => ({
    label: `Version ${v.version}`,
    description: [v.aliases.map((a) => `@${a}`).join(" "), v.currentStage && v.currentStage !== "None" ? v.currentStage : undefined, v.status && v.status !== "READY" ? v.status : undefined].filter(Boolean).join(" · ") || undefined,
    detail: [v.userId, v.creationTimestamp ? `${Math.max(0, Math.round((now - v.creationTimestamp) / 86_400_000))} days ago` : undefined, v.runId ? `run ${v.runId.slice(0, 8)}` : undefined].filter(Boolean).join(" · ") || undefined,
    version: v,
  }));
  const chosen = await vscode.window.showQuickPick(items, { title: target.model, placeHolder, matchOnDescription: true, matchOnDetail: true });
  return chosen ? { ...target, version: chosen.version } : undefined;
}
