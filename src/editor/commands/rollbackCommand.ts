import * as vscode from "vscode";
import * as z from "zod";
import { RequiredChangeReason } from "../../core/audit/changeReason";
import { formatDuration } from "../../core/kube/objects/kubeTime";
import { canaryState, promoteInferenceServiceCanary } from "../../core/kube/rollout/inferenceServiceRollout";
import { deploymentRevisions } from "../../core/kube/rollout/rolloutUndo";
import type { Workload } from "../../core/kube/workloads/workloadIndex";
import type { AuditTrail } from "../auditTrail";
import type { ClusterConnection } from "../clusterConnection";
import { CommandId } from "../contributionIds";
import { withAbortSignal } from "../lifecycle";
import { isProductionTarget } from "../manifest/workspaceEnvironments";
import { DeploymentsNode, workloadIdOfNode } from "../views/deployments/deploymentsTree";
import { healthIcon } from "../views/healthIcons";
import type { WorkloadRef } from "../../core/kube/objects/workloadRef";
import { showUserMessage, type CommandRunner } from "./commandRunner";
import { connectedTarget } from "./connectedTarget";
import { explainFailure } from "../explain";
import { askReason, type RolloutFollower } from "./rolloutFollower";

interface RollbackDeps {
  readonly connection: ClusterConnection;
  readonly rollouts: RolloutFollower;
  readonly trail: AuditTrail;
  readonly log: vscode.LogOutputChannel;
}

/**
 * Roll Back as an incident's mitigation (Triage Service's button): the workload and revision come
 * preselected, and the audit record carries when the regression was detected and the incident
 * report it answers. The modal confirmation still asks; the reason is the incident's, shown there.
 */
export const RollbackMitigation = z.object({
  type: z.literal("mitigation"),
  workloadId: z.string().min(1).max(1024),
  /** A Deployment's revision; absent for an InferenceService (canary to 0 %, or the previous predictor). */
  toRevision: z.number().int().min(1).optional(),
  detectedAt: z.iso.datetime({ offset: true }),
  /** Workspace-relative path of the incident report; absent when it could not be saved (no workspace folder). */
  incident: z.string().min(1).max(500).optional(),
  reason: RequiredChangeReason,
});
export type RollbackMitigation = z.infer<typeof RollbackMitigation>;

const RollbackArg = z.union([DeploymentsNode, RollbackMitigation]);
type RollbackArg = z.infer<typeof RollbackArg>;

type WorkloadItem = vscode.QuickPickItem & { readonly workload: Workload };
type RevisionItem = vscode.QuickPickItem & { readonly revision: number; readonly current: boolean };

/** Roll Back… (from a workload row, a revision row or the palette) and Promote Canary. */
export function registerRollbackCommands(runner: CommandRunner, deps: RollbackDeps): vscode.Disposable[] {
  return [
    runner.registerRowCommand(CommandId.rollbackWorkload, RollbackArg, (arg) => rollback(deps, arg)),
    runner.registerRowCommand(CommandId.promoteCanary, DeploymentsNode, (node) => promote(deps, node)),
  ];
}

function workloadOfNode(deps: RollbackDeps, node: DeploymentsNode): Workload | undefined {
  const id = workloadIdOfNode(node);
  return id ? deps.connection.model?.workloads.workload(id) : undefined;
}

async function chooseWorkload(deps: RollbackDeps): Promise<Workload | undefined> {
  const items: WorkloadItem[] = (deps.connection.model?.workloads.all() ?? []).map(({ workload, health }) => ({
    label: `$(${healthIcon(health.health).id}) ${workload.name}`,
    description: `${workload.namespace} · ${workload.kind === "InferenceService" ? "KServe" : "Deployment"} · ${health.health}`,
    detail: health.reasons[0]?.message,
    workload,
  }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage("No inference workloads in the connected cluster to roll back.");
    return undefined;
  }
  // Unhealthy first: that is what people roll back.
  items.sort((a, b) => Number(a.description?.endsWith("Healthy")) - Number(b.description?.endsWith("Healthy")));
  return (await vscode.window.showQuickPick(items, { title: "Roll Back", placeHolder: "Which service?", matchOnDescription: true }))?.workload;
}

async function rollback(deps: RollbackDeps, arg: RollbackArg | undefined): Promise<boolean> {
  const target = connectedTarget(deps.connection);
  if (!target) return false;
  const mitigation = arg?.type === "mitigation" ? arg : undefined;
  const node = arg?.type === "mitigation" ? undefined : arg;
  const workload = mitigation ? deps.connection.model?.workloads.workload(mitigation.workloadId) : node ? workloadOfNode(deps, node) : await chooseWorkload(deps);
  if (!workload) {
    if (mitigation) void vscode.window.showWarningMessage(`${mitigation.workloadId.split("/").slice(1).join("/")} is not in the connected cluster (any more): nothing to roll back.`);
    return false;
  }
  const ref: WorkloadRef = { kind: workload.kind, namespace: workload.namespace, name: workload.name };
  const production = await isProductionTarget(target.context.name, workload.namespace);
  // A mitigation's reason is the incident's (shown in the confirmation): no extra prompt, so mitigating stays three actions.
  const reasonFor = (suggestion: string): Promise<string | undefined> => (mitigation ? Promise.resolve(mitigation.reason) : askReason(ref, production, suggestion));
  const recordedAs = mitigation ? `\nRecorded as a mitigation${mitigation.incident ? ` of ${mitigation.incident}` : ""}: "${mitigation.reason}".` : "";
  const incident = mitigation ? { detectedAt: mitigation.detectedAt, ...(mitigation.incident ? { incident: mitigation.incident } : {}) } : {};

  if (workload.kind === "InferenceService" && workload.inferenceService) {
    const canary = canaryState(workload.inferenceService);
    const what =
      canary.canaryPercent !== undefined && canary.canaryPercent > 0
        ? `Send all traffic back to the previous revision (the canary has ${canary.canaryPercent}%)? KServe keeps the canary revision at 0% until you deploy again.`
        : "Restore the predictor this service ran before the last deploy? The InferenceService is edited; KServe regenerates its Deployment.";
    const confirm = await vscode.window.showWarningMessage(`Roll back ${workload.name}?`, { modal: true, detail: `${what}${recordedAs}` }, "Roll Back");
    if (confirm !== "Roll Back") return false;
    const reason = await reasonFor("roll back canary");
    if (reason === undefined) return false;
    return deps.rollouts.rollBack(target, ref, { reason, ...incident });
  }

  const deployment = workload.deployment;
  if (!deployment) return false;
  if (deployment.spec?.paused) {
    void vscode.window.showErrorMessage(`${workload.name} is paused: you cannot roll back a paused deployment; resume it first (kubectl rollout resume) and try again.`);
    return false;
  }
  const revisions = deploymentRevisions(deployment, deps.connection.model?.workloads.replicaSetsOf(workload) ?? []);
  const current = revisions.find((r) => r.current);
  let toRevision = mitigation?.toRevision ?? (node?.type === "revision" ? deps.connection.model?.workloads.revisionOf(workload, node.key) : undefined);
  if (mitigation?.toRevision !== undefined && !revisions.some((r) => r.revision === toRevision && !r.current)) {
    void vscode.window.showWarningMessage(`Revision ${toRevision} of ${workload.name} is ${revisions.some((r) => r.revision === toRevision) ? "what it runs now" : "no longer in its rollout history"}: the recommended rollback no longer applies. Triage it again.`);
    return false;
  }
  if (toRevision === undefined) {
    const now = Date.now();
    const items: RevisionItem[] = revisions.map((r) => ({
      label: `${r.current ? "$(circle-filled)" : "$(history)"} Revision ${r.revision}${r.current ? " (current)" : ""}`,
      description: [r.images.join(", "), r.modelVersion ? `model ${r.modelVersion}` : undefined, r.created ? `${formatDuration(now - r.created.getTime())} ago` : undefined].filter(Boolean).join(" · "),
      detail: r.changeCause ?? "no change-cause recorded",
      revision: r.revision,
      current: r.current,
    }));
    if (items.filter((i) => !i.current).length === 0) {
      void vscode.window.showInformationMessage(`${workload.name} has no earlier revision to roll back to.`);
      return false;
    }
    const previous = items.find((i) => !i.current);
    const chosen = await vscode.window.showQuickPick(items, { title: `Roll back ${workload.name}`, placeHolder: "Roll back to which revision?", matchOnDescription: true, matchOnDetail: true, ...(previous ? {} : {}) });
    if (!chosen) return false;
    if (chosen.current) {
      void vscode.window.showInformationMessage(`Revision ${chosen.revision} is what ${workload.name} runs now; nothing to roll back.`);
      return false;
    }
    toRevision = chosen.revision;
  }
  const to = revisions.find((r) => r.revision === toRevision);
  const confirm = await vscode.window.showWarningMessage(
    `Roll back ${workload.name} to revision ${toRevision}?`,
    {
      modal: true,
      detail: `${current ? `Now: revision ${current.revision}, ${current.images.join(", ")}.\n` : ""}Then: ${to ? to.images.join(", ") : `revision ${toRevision}`}${to?.changeCause ? ` (${to.changeCause})` : ""}.\nThe pod template and annotations of that revision are restored, as kubectl rollout undo does.${recordedAs}`,
    },
    "Roll Back",
  );
  if (confirm !== "Roll Back") return false;
  const reason = await reasonFor(`roll back to revision ${toRevision}`);
  if (reason === undefined) return false;
  return deps.rollouts.rollBack(target, ref, { reason, toRevision, ...incident });
}

async function promote(deps: RollbackDeps, node: DeploymentsNode | undefined): Promise<boolean> {
  const target = connectedTarget(deps.connection);
  if (!target) return false;
  const workload = node ? workloadOfNode(deps, node) : await chooseWorkload(deps);
  if (!workload?.inferenceService) return false;
  const canary = canaryState(workload.inferenceService);
  if (canary.canaryPercent === undefined) {
    void vscode.window.showInformationMessage(`${workload.name} has no canary to promote.`);
    return false;
  }
  const confirm = await vscode.window.showWarningMessage(`Promote the canary of ${workload.name}?`, { modal: true, detail: `The canary (${canary.canaryPercent}% of traffic now) gets 100%.` }, "Promote");
  if (confirm !== "Promote") return false;
  const ref: WorkloadRef = { kind: "InferenceService", namespace: workload.namespace, name: workload.name };
  const reason = await askReason(ref, await isProductionTarget(target.context.name, workload.namespace), "promote canary");
  if (reason === undefined) return false;
  const object = { apiVersion: "serving.kserve.io/v1beta1", kind: "InferenceService", namespace: workload.namespace, name: workload.name };
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Promoting ${workload.name}`, cancellable: true }, (_p, token) =>
    withAbortSignal(token, (signal) => promoteInferenceServiceCanary(target.kc, workload.namespace, workload.name, { signal })),
  );
  await deps.trail.record({ ...target, object, action: "promote", reason, outcome: result.ok ? "succeeded" : "failed", ...(result.ok ? {} : { detail: result.message }) });
  if (!result.ok) {
    deps.log.error(`Promote ${workload.namespace}/${workload.name}: ${result.message}`);
    void showUserMessage(explainFailure(`Promote failed: ${result.message}`));
    return false;
  }
  const followed = await deps.rollouts.follow(target, ref, `Promoting ${workload.name}`);
  return followed.outcome === "complete";
}

// Triage Service and Resume/Abort Canary share this module's lazy bundle (dist/lazy/rollback-commands.js):
// a triage's mitigation and a failed canary end in a rollback, and one copy of the manifest parser,
// the rollout follower and client-side YAML serves all three instead of one per bundle.
export { registerTriageCommands } from "../triage/triageCommand";
export { registerCanaryCommands } from "../canary/canaryCommands";
