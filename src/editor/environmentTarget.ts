import * as path from "node:path";
import * as vscode from "vscode";
import type { DeployError } from "../core/deploy/deployError";
import { planDeploy, type DeployDiff, type DeployPlan, type PlanStage } from "../core/deploy/planDeploy";
import type { LoadedKubeconfig } from "../core/kube/client/kubeconfig";
import type { PolicyFinding } from "../core/policy/policyEvaluator";
import type { AuditTrail } from "./auditTrail";
import { showUserMessage } from "./commands/commandRunner";
import type { DeployPreviewDocuments } from "./documents/deployPreviewDocuments";
import { explainDeployError } from "./explain";
import { withAbortSignal } from "./lifecycle";
import type { ReadOnlyContexts } from "./readOnlyContexts";
import { parseManifest, type ManifestProblem } from "../core/manifest/parseManifest";
import type { ServiceManifest } from "../core/manifest/serviceManifest";
import { CommandId } from "./contributionIds";
import type { ModelRegistry } from "../core/registry/modelRegistry";
import type { KubeContextModel } from "./kubeContextModel";
import type { ManifestTarget } from "./manifest/manifestCodeLens";
import { isManifestDocument, type ManifestDiagnostics } from "./manifest/manifestDiagnostics";

/** What choosing and planning a deploy needs from the editor. */
export interface PlanningDeps {
  readonly model: KubeContextModel;
  readonly trail: AuditTrail;
  readonly previews: DeployPreviewDocuments;
  readonly diagnostics: ManifestDiagnostics;
  readonly readOnly: ReadOnlyContexts;
  readonly log: vscode.LogOutputChannel;
  /** The model registry serving a context, for the model-approved gate (the Models view's connection). */
  readonly registryFor?: (context: string) => Promise<ModelRegistry | undefined>;
}

/**
 * The registry of the environment's context, when one is configured; a registry that is
 * configured but unusable is logged, and the gate then says it did not check.
 */
export async function environmentRegistry(deps: PlanningDeps, c: ChosenTarget): Promise<{ registry?: ModelRegistry }> {
  const context = Object.hasOwn(c.manifest.environments, c.env) ? c.manifest.environments[c.env]?.context : undefined;
  const registry = context === undefined ? undefined : await deps.registryFor?.(context);
  return registry ? { registry } : {};
}

/** What a deploy, check or approval acts on: the manifest, its environment and the loaded kubeconfig. */
export interface ChosenTarget {
  readonly doc: vscode.TextDocument;
  readonly manifest: ServiceManifest;
  readonly env: string;
  readonly kubeconfig: LoadedKubeconfig;
}

export type ChooseResult = { readonly ok: true; readonly chosen: ChosenTarget } | { readonly ok: false; readonly doc?: vscode.TextDocument; readonly problems?: readonly ManifestProblem[] };

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

/**
 * The manifest (the one given, the active one, or a pick), parsed, and its environment. A
 * manifest that does not parse comes back with its problems, for the caller to show.
 */
export async function chooseTarget(model: KubeContextModel, arg: ManifestTarget | vscode.Uri | undefined, verb: string): Promise<ChooseResult> {
  const doc = await findManifest(arg instanceof vscode.Uri ? arg : arg?.uri);
  if (!doc) return { ok: false };
  const parsed = parseManifest(doc.getText());
  if (!parsed.ok) return { ok: false, doc, problems: parsed.problems };
  const env = await pickEnvironment(parsed.manifest, arg instanceof vscode.Uri ? undefined : arg?.env, verb);
  if (!env) return { ok: false };
  const state = model.state;
  if (state.kind !== "ready") {
    void offerContextHelp("No kubeconfig is loaded: open the AI Platform view to see why, or set aiPlatform.kubeconfigPaths.");
    return { ok: false };
  }
  return { ok: true, chosen: { doc, manifest: parsed.manifest, env, kubeconfig: state.loaded } };
}

async function findManifest(uri: vscode.Uri | undefined): Promise<vscode.TextDocument | undefined> {
  if (uri) return vscode.workspace.openTextDocument(uri);
  const active = vscode.window.activeTextEditor?.document;
  if (active && isManifestDocument(active)) return active;
  const found = await vscode.workspace.findFiles("**/aiplatform.{yaml,yml}", "**/node_modules/**", 50);
  if (found.length === 0) {
    const choice = await vscode.window.showInformationMessage("No aiplatform.yaml in this workspace. Scaffold a service first?", "New Inference Service…");
    if (choice) await vscode.commands.executeCommand(CommandId.scaffoldService);
    return undefined;
  }
  const only = found.length === 1 ? found[0] : undefined;
  const picked = only ?? (await vscode.window.showQuickPick(found.map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f })), { placeHolder: "Which service?" }))?.uri;
  return picked ? vscode.workspace.openTextDocument(picked) : undefined;
}

export const stageText = (stage: PlanStage, c: ChosenTarget): string =>
  ({ rendering: `rendering for ${c.env}…`, "checking-policies": "checking policies…", "reading-live": "reading live objects and running a server-side dry run…", "checking-approval": "checking the approval…" })[stage];

export function feedFindings(deps: PlanningDeps, c: ChosenTarget, env: string, findings: readonly PolicyFinding[]): void {
  void deps.diagnostics.setPolicyFindings(c.doc, env, findings);
  for (const f of findings) deps.log.info(`Policy ${f.severity} ${f.ruleId} (${env}): ${f.message}`);
}

/** Chooses the manifest and environment; says why when it cannot. */
export async function choose(deps: PlanningDeps, arg: ManifestTarget | vscode.Uri | undefined, verb: string): Promise<ChosenTarget | undefined> {
  const result = await chooseTarget(deps.model, arg, verb);
  if (result.ok) return result.chosen;
  if (result.doc && result.problems) {
    void deps.diagnostics.validate(result.doc);
    report(deps, verb, { kind: "invalid-manifest", problems: result.problems }, { service: "", file: path.basename(result.doc.uri.fsPath) });
  }
  return undefined;
}

export function report(deps: PlanningDeps, verb: string, error: DeployError, where: { service: string; file: string }): void {
  const message = explainDeployError(verb, error, where);
  if (!message) return;
  deps.log.warn(`${verb}: ${message.text}`);
  void showUserMessage(message, error.kind === "read-only-context" ? "warning" : "error");
}

/** planDeploy in a cancellable notification; the live ↔ desired diff opens whenever it was computed, even when a refusal follows. */
export async function planTarget(deps: PlanningDeps, c: ChosenTarget, verb: string, purpose: "deploy" | "approve"): Promise<{ plan: DeployPlan } | { error: DeployError }> {
  let diff: DeployDiff | undefined;
  const title = purpose === "approve" ? "Preparing approval" : "Preparing deploy";
  const registry = await environmentRegistry(deps, c);
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) =>
    withAbortSignal(token, (signal) =>
      planDeploy(
        {
          ...registry,
          manifest: c.manifest,
          env: c.env,
          kubeconfig: c.kubeconfig,
          readOnly: deps.readOnly.policy,
          auditFile: deps.trail.file,
          actorFor: (context) => deps.trail.actor(context),
          purpose,
          onStage: (stage) => progress.report({ message: stageText(stage, c) }),
          onFindings: (env, findings) => feedFindings(deps, c, env, findings),
          onDiff: (d) => (diff = d),
        },
        signal,
      ),
    ),
  );
  if (diff) await deps.previews.show(c.manifest.name, c.env, diff, purpose === "approve" ? "to approve" : "to apply");
  if (result.ok) {
    const unread = result.plan.capacityUnread;
    if (unread) deps.log.warn(`GPU capacity of ${result.plan.context.name} not read (${unread.message}); the gpu-capacity rule is skipped.`);
    return { plan: result.plan };
  }
  report(deps, verb, result.error, { service: c.manifest.name, file: path.basename(c.doc.uri.fsPath) });
  return { error: result.error };
}

export async function offerContextHelp(problem: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(problem, "Select Kubernetes Context", "Open Kubeconfig Settings");
  if (choice === "Select Kubernetes Context") await vscode.commands.executeCommand(CommandId.selectContext);
  if (choice === "Open Kubeconfig Settings") await vscode.commands.executeCommand(CommandId.openKubeconfigSettings);
}
