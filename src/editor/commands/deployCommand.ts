import * as path from "node:path";
import * as vscode from "vscode";
import type { RecordedChange } from "../../core/audit/recordChange";
import { applyDeploy, type ApplyDeployResult, type ApplyProgress } from "../../core/deploy/applyDeploy";
import { checkDeployReason, defaultDeployReason } from "../../core/deploy/deployReason";
import { prepareDeploy, type DeployPlan } from "../../core/deploy/planDeploy";
import type { PolicyFinding } from "../../core/policy/policyEvaluator";
import type { CanaryResult } from "../../core/deploy/canary/canaryRun";
import { CommandId } from "../contributionIds";
import { choose, environmentRegistry, feedFindings, planTarget, report, stageText, type ChosenTarget, type PlanningDeps } from "../environmentTarget";
import { explainApplyFailure, explainAuditWriteFailure, explainReasonProblem } from "../explain";
import { withAbortSignal } from "../lifecycle";
import type { ManifestTarget } from "../manifest/manifestCodeLens";
import { showUserMessage, type CommandRunner } from "./commandRunner";
import type { RolloutFollower } from "./rolloutFollower";
import type { MetricsConnection } from "../metrics/metricsConnection";
import { deployCanaryPlan, runDeployCanary, type DeployCanaryPlan } from "../canary/deployCanary";

export interface DeployDeps extends PlanningDeps {
  readonly rollouts: RolloutFollower;
  /** The selected context's metrics source: a metric-gated canary's analysis reads it. */
  readonly metrics: MetricsConnection;
}

type Arg = ManifestTarget | vscode.Uri | undefined;
/** "held": a canary stopped on inconclusive analysis, waiting for Resume Canary. */
type Outcome = "deployed" | "failed" | "blocked" | "cancelled" | "held";
type CanaryToRun = Extract<DeployCanaryPlan, { kind: "canary" }>;

/** Deploy, Check and Approve: the surface over core/deploy (planDeploy, applyDeploy); the pipeline itself lives there. */
export function registerDeployCommands(runner: CommandRunner, deps: DeployDeps): vscode.Disposable[] {
  return [
    runner.register(CommandId.deployService, (arg?: Arg) => deploy(deps, arg)),
    runner.register(CommandId.checkManifest, (arg?: Arg) => check(deps, arg)),
    runner.register(CommandId.approveDeployment, (arg?: Arg) => approve(deps, arg)),
  ];
}

async function check(deps: DeployDeps, arg: Arg): Promise<readonly PolicyFinding[] | undefined> {
  const c = await choose(deps, arg, "Check");
  if (!c) return undefined;
  const registry = await environmentRegistry(deps, c);
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: "Checking policies", cancellable: true }, (progress, token) =>
    withAbortSignal(token, (signal) => prepareDeploy({ ...registry, manifest: c.manifest, env: c.env, kubeconfig: c.kubeconfig, onStage: (s) => progress.report({ message: stageText(s, c) }), onFindings: (env, f) => feedFindings(deps, c, env, f) }, signal)),
  );
  if (!result.ok) return void report(deps, "Check", result.error, { service: c.manifest.name, file: path.basename(c.doc.uri.fsPath) });
  const { findings, capacityUnread, context } = result.prepared;
  if (capacityUnread) deps.log.warn(`GPU capacity of ${context.name} not read (${capacityUnread.message}); the gpu-capacity rule is skipped.`);
  const errors = findings.filter((f) => f.severity === "error").length;
  const warnings = findings.filter((f) => f.severity === "warning").length;
  const text = `${c.manifest.name} → ${c.env}: ${errors} errors, ${warnings} warnings.`;
  if (errors > 0) void showUserMessage({ text: `${text} A deploy would be blocked.`, actions: [{ title: "Show Problems", command: "workbench.actions.view.problems" }] });
  else void vscode.window.showInformationMessage(`${text} The policy gates pass.`);
  return findings;
}

/** Plan (gates, approval, dry run, diff) → confirm → reason → apply and follow → offer a rollback if it fails. */
async function deploy(deps: DeployDeps, arg: Arg): Promise<Outcome> {
  const c = await choose(deps, arg, "Deploy");
  if (!c) return "cancelled";
  const planned = await planTarget(deps, c, "Deploy", "deploy");
  if ("error" in planned) return planned.error.kind === "cancelled" ? "cancelled" : ["blocked", "approval-missing", "audit-log-broken", "read-only-context"].includes(planned.error.kind) ? "blocked" : "failed";
  const p = planned.plan;
  const { manifest, environment, context } = p;
  if (p.approval.kind === "approved") deps.log.info(`Deploy of ${manifest.name} to ${c.env}: approved by ${p.approval.by.actor.gitUser?.email ?? p.approval.by.actor.osUser} at ${p.approval.by.ts} (${p.approval.by.reason ?? "no reason given"}).`);
  if (p.diff.unchanged) {
    void vscode.window.showInformationMessage(`Nothing to deploy: ${manifest.name} in ${c.env} already matches aiplatform.yaml.`);
    return "deployed";
  }
  // A canary's analysis needs the service's metrics: without them it could only hold, so say it before anything changes.
  const canary = await deployCanaryPlan(deps, p);
  if (canary.kind === "no-metrics") {
    void showUserMessage({ text: `${manifest.name} rolls out as a metric-gated canary, and its analysis needs the service's metrics: ${canary.why}. Nothing was deployed.`, actions: [{ title: "Connect Metrics…", command: CommandId.connectMetrics }] }, "warning");
    return "blocked";
  }
  if (canary.kind === "whole") deps.log.info(`Deploy of ${manifest.name} to ${c.env}: ${canary.why}.`);
  const created = p.liveObjects.filter((o) => !o).length;
  const summary = `${p.objects.length} objects in ${environment.namespace} on ${context.name}: ${created} new, ${p.objects.length - created} updated if changed.`;
  const warnings = p.findings.filter((f) => f.severity === "warning").length;
  const confirm = await vscode.window.showWarningMessage(
    `Deploy ${manifest.name} to ${c.env}?`,
    { modal: true, detail: `${summary}${warnings ? ` ${warnings} policy warnings (see Problems).` : ""}${canaryStepsText(p, canary)} The diff shows what changes.` },
    "Deploy",
  );
  if (confirm !== "Deploy") return "cancelled";
  if (environment.production) {
    const typed = await vscode.window.showInputBox({
      title: `Deploy ${manifest.name} to production (${c.env})`,
      prompt: `Type the service name, ${manifest.name}, to confirm`,
      validateInput: (v) => (v === manifest.name ? undefined : `Type ${manifest.name} exactly`),
      ignoreFocusOut: true,
    });
    if (typed !== manifest.name) return "cancelled";
  }
  const production = environment.production === true;
  const given = await vscode.window.showInputBox({
    title: `Why deploy ${manifest.name}?`,
    prompt: `The change cause, recorded in the audit log and on the Deployment (${production ? "required in production" : "optional"})`,
    placeHolder: "e.g. model v4: better recall on fraud cases",
    validateInput: (v) => explainReasonProblem(checkDeployReason(v, production), "A reason is required in production"),
    ignoreFocusOut: true,
  });
  if (given === undefined) return "cancelled";
  const reason = given.trim() || defaultDeployReason(manifest);
  const appliedAt = new Date();
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deploying ${manifest.name} to ${c.env}`, cancellable: true }, (progress, token) =>
    withAbortSignal(token, (signal) =>
      // A canary's stable Deployment keeps its pods (core's handover plan), and its step loop follows it, not the rollout follower.
      applyDeploy(canary.kind === "canary" ? canary.handover.plan : p, {
        reason,
        readOnly: deps.readOnly.policy,
        auditFile: deps.trail.file,
        signal,
        wait: canary.kind !== "canary",
        onProgress: (s) => progress.report({ message: progressText(deps, p, s) }),
      }),
    ),
  );
  return settle(deps, p, c, result, canary.kind === "canary" ? { canary, reason, appliedAt } : undefined);
}

/** The confirmation's word on a canary: its steps, each gated on the service's metrics, or why it goes out whole. */
function canaryStepsText(p: DeployPlan, canary: DeployCanaryPlan): string {
  const r = p.manifest.rollout;
  if (canary.kind === "whole") return ` No canary: ${canary.why}.`;
  if (canary.kind !== "canary" || r.strategy !== "canary") return "";
  const approx = canary.handover.workload.kind === "Deployment" ? ` (${p.manifest.name}-canary next to ${p.manifest.name}, weighted by replicas: the split is approximate)` : "";
  return ` Then a canary${approx}: ${r.steps.map((s) => `${s.traffic}%`).join(" → ")}, each step gated on p95 and errors; a failed analysis rolls it back.`;
}

function progressText(deps: DeployDeps, p: DeployPlan, s: ApplyProgress): string {
  if (s.stage !== "rolling-out") return { "dry-run": "server-side dry run…", applying: "applying…", recording: "recording the change…" }[s.stage];
  deps.log.info(`${p.workload?.namespace}/${p.workload?.name}: ${s.status.message}`);
  return s.status.message;
}

async function settle(deps: DeployDeps, p: DeployPlan, c: ChosenTarget, result: ApplyDeployResult, canary?: { canary: CanaryToRun; reason: string; appliedAt: Date }): Promise<Outcome> {
  const { workload, manifest: { name } } = p;
  if (result.kind === "refused") {
    report(deps, "Deploy", result.error, { service: name, file: path.basename(c.doc.uri.fsPath) });
    return result.error.kind === "cancelled" ? "cancelled" : "blocked";
  }
  recorded(deps, result.audit);
  if (result.kind === "apply-failed") {
    deps.log.error(`Deploy of ${name} to ${c.env} failed at the ${result.stage}.`);
    void showUserMessage(explainApplyFailure(name, result.stage, result.failures));
    return "failed";
  }
  deps.log.info(`Applied ${name} to ${c.env} (${p.context.name}): ${result.objects.map((o) => `${o.ref.kind}/${o.ref.name} ${o.ok ? o.action : "failed"}`).join(", ")}.`);
  if (canary) return canaryOutcome(await runDeployCanary(deps, canary.canary, canary.reason, canary.appliedAt));
  if (result.kind === "applied" || !workload) return "deployed";
  const rollout = result.rollout;
  switch (rollout.outcome) {
    case "complete":
      void vscode.window.showInformationMessage(`${name} is rolled out to ${c.env}${result.revisionAfter ? ` (revision ${result.revisionAfter})` : ""}.`);
      return "deployed";
    case "cancelled":
      void vscode.window.showWarningMessage(`Stopped following the rollout of ${name}; it continues in the cluster. The Deployments view shows its health.`);
      return "cancelled";
    case "failed":
    case "failing":
    case "timedOut":
      await deps.rollouts.offerRollback({ kc: p.kc, context: p.context }, workload, rollout.message, p.environment.production === true);
      return "failed";
  }
}

function canaryOutcome(r: CanaryResult): Outcome {
  const outcomes: Readonly<Record<CanaryResult["kind"], Outcome>> = { promoted: "deployed", "rolled-back": "failed", held: "held", conflict: "failed", cancelled: "cancelled", error: "failed" };
  return outcomes[r.kind];
}

/** The audit record's fate, in the log; a record that could not be written is shown, because compliance depends on it. */
function recorded(deps: DeployDeps, audit: RecordedChange): void {
  if (audit.audit.ok) deps.log.info(`Audit: deploy recorded (record ${audit.audit.seq} in ${deps.trail.file}).`);
  else {
    deps.log.error(`Audit: could not write ${deps.trail.file}: ${audit.audit.error}`);
    void showUserMessage(explainAuditWriteFailure(audit.audit.error));
  }
  for (const w of [...(audit.audit.ok ? audit.audit.notes : []), ...audit.warnings]) deps.log.warn(`Audit: ${w}`);
}

/** Approve Deployment…: a teammate records, in the audit log, that exactly this change may go to this environment. */
async function approve(deps: DeployDeps, arg: Arg): Promise<boolean> {
  const c = await choose(deps, arg, "Approve");
  if (!c) return false;
  const planned = await planTarget(deps, c, "Approve", "approve");
  if ("error" in planned) return false;
  const p = planned.plan;
  const confirm = await vscode.window.showWarningMessage(
    `Approve deploying ${p.manifest.name} to ${c.env}?`,
    { modal: true, detail: `You approve exactly the change in the diff (${p.diff.desiredDigest.slice(0, 19)}…), for 7 days. The approval is a record in the audit log: commit it so the deployer sees it.` },
    "Approve",
  );
  if (confirm !== "Approve") return false;
  const reason = await vscode.window.showInputBox({
    title: `Approve ${p.manifest.name} for ${c.env}`,
    prompt: "Why, or the change ticket (required)",
    validateInput: (v) => explainReasonProblem(checkDeployReason(v, true), "A reason or ticket is required"),
    ignoreFocusOut: true,
  });
  if (!reason) return false;
  // An approval changes nothing on the object; the Event says who approved.
  await deps.trail.record({ kc: p.kc, context: p.context, object: p.auditObject, action: "approve", reason: reason.trim(), diffDigest: p.diff.desiredDigest, outcome: "succeeded", annotated: true });
  void vscode.window.showInformationMessage(`Approved ${p.manifest.name} for ${c.env}. Commit ${vscode.workspace.asRelativePath(deps.trail.file)} so the deployer has it.`);
  return true;
}
