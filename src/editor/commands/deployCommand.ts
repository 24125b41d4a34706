import * as path from "node:path";
import * as vscode from "vscode";
import type { KubeObject } from "../../core/kube/objects/kubeObject";
import { previousPredictorAnnotation } from "../../core/kube/rollout/inferenceServiceRollout";
import { describeMissingApproval, findApproval } from "../../core/audit/approvals";
import { readAuditLog } from "../../core/audit/auditLog";
import { auditDiffDigest } from "../../core/audit/auditRecord";
import { describeVerification, verifyAuditLog } from "../../core/audit/auditVerify";
import { applyObjects, describeApplyError, fetchLiveObjects, toComparableYaml, type ApplyResult } from "../../core/kube/rollout/serverSideApply";
import { parseManifest } from "../../core/manifest/parseManifest";
import { renderKubernetesObjects } from "../../core/manifest/renderKubernetes";
import type { ServiceManifest } from "../../core/manifest/serviceManifest";
import { fetchClusterCapacity } from "../../core/policy/clusterCapacity";
import { evaluatePolicies, type PolicyFinding } from "../../core/policy/policyEvaluator";
import type { AuditTrail } from "../auditTrail";
import { CommandId } from "../contributionIds";
import type { DeployPreviewDocuments } from "../documents/deployPreviewDocuments";
import { offerContextHelp, pickEnvironment, refuseUntrusted, resolveEnvironment, type EnvironmentTarget } from "../environmentTarget";
import type { KubeContextModel } from "../kubeContextModel";
import { withAbortSignal } from "../lifecycle";
import type { ManifestTarget } from "../manifest/manifestCodeLens";
import { isManifestDocument, type ManifestDiagnostics } from "../manifest/manifestDiagnostics";
import type { RolloutFollower } from "./rolloutFollower";

export interface DeployDeps {
  readonly model: KubeContextModel;
  readonly trail: AuditTrail;
  readonly previews: DeployPreviewDocuments;
  readonly diagnostics: ManifestDiagnostics;
  readonly rollouts: RolloutFollower;
  readonly log: vscode.LogOutputChannel;
}

/** What the deploy and check commands share: the manifest, rendered and checked for one environment. */
interface Prepared {
  readonly doc: vscode.TextDocument;
  readonly manifest: ServiceManifest;
  readonly target: EnvironmentTarget;
  readonly objects: KubeObject[];
  readonly findings: readonly PolicyFinding[];
}

/** The workload object among the rendered ones: the one whose rollout is followed and rolled back. */
export function workloadObject(objects: readonly KubeObject[]): KubeObject | undefined {
  return objects.find((o) => o.kind === "Deployment" || o.kind === "InferenceService");
}

export function registerDeployCommands(deps: DeployDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandId.deployService, (arg?: ManifestTarget | vscode.Uri) => deploy(deps, arg)),
    vscode.commands.registerCommand(CommandId.checkManifest, (arg?: ManifestTarget | vscode.Uri) => check(deps, arg)),
    vscode.commands.registerCommand(CommandId.approveDeployment, (arg?: ManifestTarget | vscode.Uri) => approve(deps, arg)),
  ];
}

async function check(deps: DeployDeps, arg: ManifestTarget | vscode.Uri | undefined): Promise<readonly PolicyFinding[] | undefined> {
  const prepared = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: "Checking policies", cancellable: true }, (progress, token) =>
    withAbortSignal(token, (signal) => prepare(deps, arg, "Check", progress, signal)),
  );
  if (!prepared) return undefined;
  const errors = prepared.findings.filter((f) => f.severity === "error").length;
  const warnings = prepared.findings.filter((f) => f.severity === "warning").length;
  const text = `${prepared.manifest.name} → ${prepared.target.name}: ${errors} errors, ${warnings} warnings.`;
  if (errors > 0) void vscode.window.showErrorMessage(`${text} A deploy would be blocked.`, "Show Problems").then((c) => c && vscode.commands.executeCommand("workbench.actions.view.problems"));
  else void vscode.window.showInformationMessage(`${text} The policy gates pass.`);
  return prepared.findings;
}

/**
 * Render → policy gates → diff preview → confirm → server-side dry run → apply → follow the
 * rollout, offering a rollback if it fails. Returns the outcome for tests and the bench.
 */
async function deploy(deps: DeployDeps, arg: ManifestTarget | vscode.Uri | undefined): Promise<"deployed" | "failed" | "blocked" | "cancelled"> {
  if (refuseUntrusted("Deploy")) return "blocked";
  const prepared = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: "Preparing deploy", cancellable: true }, (progress, token) =>
    withAbortSignal(token, (signal) => prepare(deps, arg, "Deploy", progress, signal)),
  );
  if (!prepared) return "cancelled";
  const { manifest, target, objects, findings } = prepared;
  const errors = findings.filter((f) => f.severity === "error");
  if (errors.length > 0) {
    deps.log.warn(`Deploy of ${manifest.name} to ${target.name} blocked: ${errors.map((e) => e.ruleId).join(", ")}.`);
    // Not awaited: the command ends now; the button stays on the notification.
    void vscode.window
      .showErrorMessage(`Deploy blocked: ${errors.length} policy ${errors.length === 1 ? "error" : "errors"} for ${target.name}. ${errors[0]?.message ?? ""}`, "Show Problems")
      .then((choice) => choice && vscode.commands.executeCommand("workbench.actions.view.problems"));
    return "blocked";
  }

  const preview = await showPreview(deps, prepared, "to apply");
  if (!preview) return "failed";
  const { liveObjects, liveRevisions, diffDigest, desiredDigest } = preview;
  if (preview.unchanged) {
    void vscode.window.showInformationMessage(`Nothing to deploy: ${manifest.name} in ${target.name} already matches aiplatform.yaml.`);
    return "deployed";
  }
  if (target.environment.approvalRequired) {
    const approval = await checkApproval(deps, prepared, desiredDigest);
    if (!approval) return "blocked";
  }

  const workload = workloadObject(objects);
  const liveWorkload = workload ? liveObjects[objects.indexOf(workload)] : undefined;
  const created = liveObjects.filter((o) => !o).length;
  const summary = `${objects.length} objects in ${target.environment.namespace} on ${target.context.name}: ${created} new, ${objects.length - created} updated if changed.`;
  const warnings = findings.filter((f) => f.severity === "warning").length;
  const confirm = await vscode.window.showWarningMessage(
    `Deploy ${manifest.name} to ${target.name}?`,
    { modal: true, detail: `${summary}${warnings ? ` ${warnings} policy warnings (see Problems).` : ""} The diff shows what changes.` },
    "Deploy",
  );
  if (confirm !== "Deploy") return "cancelled";
  if (target.environment.production) {
    const typed = await vscode.window.showInputBox({
      title: `Deploy ${manifest.name} to production (${target.name})`,
      prompt: `Type the service name, ${manifest.name}, to confirm`,
      validateInput: (v) => (v === manifest.name ? undefined : `Type ${manifest.name} exactly`),
      ignoreFocusOut: true,
    });
    if (typed !== manifest.name) return "cancelled";
  }
  const given = await vscode.window.showInputBox({
    title: `Why deploy ${manifest.name}?`,
    prompt: target.environment.production ? "The change cause, recorded in the audit log and on the Deployment (required in production)" : "The change cause, recorded in the audit log and on the Deployment (optional)",
    placeHolder: "e.g. model v4: better recall on fraud cases",
    validateInput: (v) => (target.environment.production && !v.trim() ? "A reason is required in production" : /[\n\r]/.test(v) ? "One line" : v.length > 300 ? "At most 300 characters" : undefined),
    ignoreFocusOut: true,
  });
  if (given === undefined) return "cancelled";
  const reason = given.trim() || `deploy ${manifest.image ?? manifest.runtime} (${modelLabel(manifest)})`;

  const revisionBefore = workload ? liveRevisions[objects.indexOf(workload)] : undefined;
  const annotated = annotateForDeploy(objects, { annotations: await deps.trail.annotations(target.context, "deploy", reason), livePredictor: liveWorkload?.kind === "InferenceService" ? (liveWorkload as { spec?: { predictor?: unknown } }).spec?.predictor : undefined });
  const applied = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deploying ${manifest.name} to ${target.name}`, cancellable: true }, (progress, token) =>
    withAbortSignal(token, async (signal) => {
      progress.report({ message: "server-side dry run…" });
      const dry = await applyObjects(target.kc, annotated, { dryRun: true, signal });
      if (!dry.ok) return { ok: false as const, stage: "server-side dry run", error: applyFailures(dry) };
      progress.report({ message: "applying…" });
      const real = await applyObjects(target.kc, annotated, { dryRun: false, signal });
      if (!real.ok) return { ok: false as const, stage: "apply", error: applyFailures(real) };
      return { ok: true as const, outcomes: real.outcomes };
    }),
  );
  const objectRef = workload
    ? { apiVersion: workload.apiVersion, kind: workload.kind, namespace: workload.metadata.namespace, name: workload.metadata.name }
    : { apiVersion: "v1", kind: "Service", namespace: target.environment.namespace, name: manifest.name };
  if (!applied.ok) {
    await deps.trail.record({ kc: target.kc, context: target.context, object: objectRef, action: "deploy", reason, revisionBefore, diffDigest, outcome: "failed", detail: `${applied.stage}: ${applied.error}` });
    showFailure(deps, `Deploy of ${manifest.name} failed at the ${applied.stage}: ${applied.error}`);
    return "failed";
  }
  deps.log.info(`Applied ${manifest.name} to ${target.name} (${target.context.name}): ${applied.outcomes.map((o) => `${o.ref.kind}/${o.ref.name} ${o.ok ? o.action : "failed"}`).join(", ")}.`);
  if (!workload) {
    await deps.trail.record({ kc: target.kc, context: target.context, object: objectRef, action: "deploy", reason, diffDigest, outcome: "succeeded", annotated: true });
    return "deployed";
  }
  const result = await deps.rollouts.follow(target, { kind: workload.kind as "Deployment" | "InferenceService", namespace: target.environment.namespace, name: workload.metadata.name }, `Rolling out ${manifest.name}`);
  const outcome = result.outcome === "complete" ? "succeeded" : result.outcome === "cancelled" ? "cancelled" : "failed";
  await deps.trail.record({
    kc: target.kc,
    context: target.context,
    object: objectRef,
    action: "deploy",
    reason,
    revisionBefore,
    revisionAfter: result.revision,
    diffDigest,
    outcome,
    ...(result.outcome === "complete" ? {} : { detail: result.message }),
    annotated: true,
  });
  if (result.outcome === "complete") {
    void vscode.window.showInformationMessage(`${manifest.name} is rolled out to ${target.name}${result.revision ? ` (revision ${result.revision})` : ""}.`);
    return "deployed";
  }
  if (result.outcome === "cancelled") {
    void vscode.window.showWarningMessage(`Stopped following the rollout of ${manifest.name}; it continues in the cluster. The Deployments view shows its health.`);
    return "cancelled";
  }
  await deps.rollouts.offerRollback(target, { kind: workload.kind as "Deployment" | "InferenceService", namespace: target.environment.namespace, name: workload.metadata.name }, result.message, target.environment.production);
  return "failed";
}

interface Preview {
  readonly liveObjects: readonly (KubeObject | undefined)[];
  readonly liveRevisions: readonly (string | undefined)[];
  /** Of live and desired together: what the audit record says was applied. */
  readonly diffDigest: string;
  /** Of the desired objects alone: what an approval approves. */
  readonly desiredDigest: string;
  /** Every object is in the cluster as desired already. */
  readonly unchanged: boolean;
}

/** Reads the live objects and opens the live ↔ desired diff; undefined (after saying why) when the cluster cannot be read. */
async function showPreview(deps: DeployDeps, prepared: Prepared, label: string): Promise<Preview | undefined> {
  const { manifest, target, objects } = prepared;
  // As `kubectl diff` does: the desired side is what a server-side dry run of the apply returns, so
  // API defaults and fields other managers own do not show as changes, and a bad object fails here.
  const [live, dry] = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: "Reading live objects" }, () =>
    Promise.all([fetchLiveObjects(target.kc, objects, {}), applyObjects(target.kc, objects, { dryRun: true })]),
  );
  const unreadable = live.find((l) => !l.ok);
  if (unreadable && !unreadable.ok) {
    showFailure(deps, `Could not read the live objects from ${target.context.name}: ${describeApplyError(unreadable.ref, unreadable.error)}`);
    return undefined;
  }
  if (!dry.ok) {
    showFailure(deps, `The cluster refused ${manifest.name} in a server-side dry run: ${applyFailures(dry)}`);
    return undefined;
  }
  const liveObjects = live.map((l) => (l.ok ? l.live : undefined));
  // The revision annotation is noise in a diff, but the audit record wants it.
  const liveRevisions = live.map((l) => (l.ok ? l.raw?.metadata?.annotations?.["deployment.kubernetes.io/revision"] : undefined));
  const liveText = liveObjects.map((o, i) => (o ? toComparableYaml(o) : `# ${objects[i]?.kind} ${objects[i]?.metadata.name}: not in the cluster yet\n`)).join("---\n");
  const desiredText = dry.outcomes.flatMap((o) => (o.ok ? [toComparableYaml(o.object)] : [])).join("---\n");
  const uris = deps.previews.set(manifest.name, target.name, liveText, desiredText);
  await vscode.commands.executeCommand("vscode.diff", uris.live, uris.desired, `${manifest.name}: live ↔ ${target.name} (${label})`, { preview: true, preserveFocus: true });
  // An approval is of the rendered objects, which do not change from one dry run to the next (a dry-run Service gets a new IP each time).
  const renderedText = objects.map((o) => toComparableYaml(o)).join("---\n");
  return { liveObjects, liveRevisions, diffDigest: auditDiffDigest(`${liveText}\0${desiredText}`), desiredDigest: auditDiffDigest(renderedText), unchanged: liveText === desiredText };
}

const approvalWindowMs = 7 * 24 * 3600 * 1000;

/** Four eyes for environments that need approval: someone else approved exactly this change. */
async function checkApproval(deps: DeployDeps, prepared: Prepared, desiredDigest: string): Promise<boolean> {
  const { target, objects, manifest } = prepared;
  const file = deps.trail.file;
  const verified = await verifyAuditLog({ file });
  const workload = workloadObject(objects);
  if (!verified.ok && verified.firstBroken) {
    void vscode.window.showErrorMessage(`Deploy blocked: ${target.name} needs an approval, and the audit log that holds approvals does not verify (${describeVerification(verified)}).`, "Verify Audit Log").then((c) => c && vscode.commands.executeCommand(CommandId.verifyAuditLog));
    return false;
  }
  const read = verified.ok ? await readAuditLog(file) : undefined;
  const check = findApproval(read?.ok ? read.records : [], {
    context: target.context.name,
    namespace: target.environment.namespace,
    object: { kind: workload?.kind ?? "Service", name: workload?.metadata.name ?? manifest.name },
    desiredDigest,
    deployer: await deps.trail.actor(target.context),
    notBefore: new Date(Date.now() - approvalWindowMs),
  });
  if (check.approved) {
    deps.log.info(`Deploy of ${manifest.name} to ${target.name}: approved by ${check.by.actor.gitUser?.email ?? check.by.actor.osUser} at ${check.by.ts} (${check.by.reason ?? "no reason given"}).`);
    return true;
  }
  const text = `Deploy blocked: ${target.name} requires approval. ${describeMissingApproval(check.why, desiredDigest)}`;
  deps.log.warn(text);
  void vscode.window.showErrorMessage(text);
  return false;
}

/** Approve Deployment…: a teammate records, in the audit log, that exactly this change may go to this environment. */
async function approve(deps: DeployDeps, arg: ManifestTarget | vscode.Uri | undefined): Promise<boolean> {
  if (refuseUntrusted("Approve Deployment")) return false;
  const prepared = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: "Preparing approval", cancellable: true }, (progress, token) =>
    withAbortSignal(token, (signal) => prepare(deps, arg, "Approve", progress, signal)),
  );
  if (!prepared) return false;
  const { manifest, target, objects, findings } = prepared;
  const errors = findings.filter((f) => f.severity === "error").length;
  if (errors > 0) {
    void vscode.window.showErrorMessage(`Not approvable: ${errors} policy errors for ${target.name} (see Problems). Fix them first.`);
    return false;
  }
  const preview = await showPreview(deps, prepared, "to approve");
  if (!preview) return false;
  const confirm = await vscode.window.showWarningMessage(
    `Approve deploying ${manifest.name} to ${target.name}?`,
    { modal: true, detail: `You approve exactly the change in the diff (${preview.desiredDigest.slice(0, 19)}…), for 7 days. The approval is a record in the audit log: commit it so the deployer sees it.` },
    "Approve",
  );
  if (confirm !== "Approve") return false;
  const reason = await vscode.window.showInputBox({
    title: `Approve ${manifest.name} for ${target.name}`,
    prompt: "Why, or the change ticket (required)",
    validateInput: (v) => (!v.trim() ? "A reason or ticket is required" : /[\n\r]/.test(v) ? "One line" : v.length > 300 ? "At most 300 characters" : undefined),
    ignoreFocusOut: true,
  });
  if (!reason) return false;
  const workload = workloadObject(objects);
  await deps.trail.record({
    kc: target.kc,
    context: target.context,
    object: workload
      ? { apiVersion: workload.apiVersion, kind: workload.kind, namespace: target.environment.namespace, name: workload.metadata.name }
      : { apiVersion: "v1", kind: "Service", namespace: target.environment.namespace, name: manifest.name },
    action: "approve",
    reason: reason.trim(),
    diffDigest: preview.desiredDigest,
    outcome: "succeeded",
    // An approval changes nothing on the object; the Event says who approved.
    annotated: true,
  });
  void vscode.window.showInformationMessage(`Approved ${manifest.name} for ${target.name}. Commit ${vscode.workspace.asRelativePath(deps.trail.file)} so the deployer has it.`);
  return true;
}

/** The first failures of an apply, named by object; the rest are in the log. */
function applyFailures(result: ApplyResult): string {
  const failed = result.outcomes.flatMap((o) => (o.ok ? [] : [describeApplyError(o.ref, o.error)]));
  return failed.slice(0, 2).join(" ") + (failed.length > 2 ? ` (and ${failed.length - 2} more)` : "");
}

function modelLabel(m: ServiceManifest): string {
  return "registry" in m.model ? `${m.model.registry}@${m.model.version}` : `${m.model.storageUri}${m.model.version ? `@${m.model.version}` : ""}`;
}

/**
 * Our change annotations go out with the apply itself, so the new revision carries its
 * change-cause (as `kubectl apply` with --record did). A KServe InferenceService also keeps the
 * predictor it replaces, which is what a RawDeployment-mode rollback restores.
 */
function annotateForDeploy(objects: readonly KubeObject[], opts: { annotations: Record<string, string>; livePredictor: unknown }): KubeObject[] {
  return objects.map((o) => {
    if (o.kind !== "Deployment" && o.kind !== "InferenceService") return o;
    const annotations: Record<string, string> = { ...o.metadata.annotations, ...opts.annotations };
    if (o.kind === "InferenceService" && opts.livePredictor && JSON.stringify(opts.livePredictor) !== JSON.stringify(o.spec?.["predictor"])) {
      annotations[previousPredictorAnnotation] = JSON.stringify(opts.livePredictor);
    }
    return { ...o, metadata: { ...o.metadata, annotations } };
  });
}

function showFailure(deps: DeployDeps, text: string): void {
  deps.log.error(text);
  void vscode.window.showErrorMessage(text, "Show Log").then((choice) => choice && deps.log.show(true));
}

/** Finds the manifest, parses it, picks the environment, renders and runs the policy gates. */
async function prepare(
  deps: DeployDeps,
  arg: ManifestTarget | vscode.Uri | undefined,
  verb: string,
  progress: vscode.Progress<{ message?: string }>,
  signal: AbortSignal,
): Promise<Prepared | undefined> {
  const uri = arg instanceof vscode.Uri ? arg : arg?.uri;
  const doc = await findManifest(uri);
  if (!doc) return undefined;
  const parsed = parseManifest(doc.getText());
  if (!parsed.ok) {
    deps.diagnostics.validate(doc);
    void vscode.window
      .showErrorMessage(`${path.basename(doc.uri.fsPath)} has ${parsed.problems.length} problems: ${parsed.problems[0]?.message ?? ""}`, "Show Problems")
      .then((choice) => choice && vscode.commands.executeCommand("workbench.actions.view.problems"));
    return undefined;
  }
  const manifest = parsed.manifest;
  const env = await pickEnvironment(manifest, arg instanceof vscode.Uri ? undefined : arg?.env, verb);
  if (!env) return undefined;
  const target = resolveEnvironment(deps.model, manifest, env);
  if ("problem" in target) {
    deps.log.error(target.problem);
    void offerContextHelp(target.problem);
    return undefined;
  }
  progress.report({ message: `rendering for ${env}…` });
  const rendered = renderKubernetesObjects(manifest, env);
  if (!rendered.ok) {
    void vscode.window.showErrorMessage(rendered.error);
    return undefined;
  }
  progress.report({ message: `checking policies against ${target.context.name}…` });
  const capacity = await fetchClusterCapacity(target.kc, signal);
  if (signal.aborted) return undefined;
  if (!capacity.ok) deps.log.warn(`GPU capacity of ${target.context.name} not read (${capacity.error.message}); the gpu-capacity rule is skipped.`);
  const findings = evaluatePolicies({ manifest, envName: env, environment: target.environment, objects: rendered.objects, ...(capacity.ok ? { cluster: capacity.capacity } : {}) });
  deps.diagnostics.setPolicyFindings(doc, env, findings);
  for (const f of findings) deps.log.info(`Policy ${f.severity} ${f.ruleId} (${env}): ${f.message}`);
  return { doc, manifest, target, objects: [...rendered.objects], findings };
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
  const picked =
    only ??
    (
      await vscode.window.showQuickPick(
        found.map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f })),
        { placeHolder: "Which service?" },
      )
    )?.uri;
  return picked ? vscode.workspace.openTextDocument(picked) : undefined;
}
