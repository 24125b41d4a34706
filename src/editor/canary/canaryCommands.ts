import * as vscode from "vscode";
import { abortCanary } from "../../core/deploy/canary/abortCanary";
import { resumeCanary } from "../../core/deploy/canary/resumeCanary";
import { readCanaryState } from "../../core/deploy/canary/canaryState";
import type { Workload } from "../../core/kube/workloads/workloadIndex";
import type { AuditTrail } from "../auditTrail";
import type { ClusterConnection } from "../clusterConnection";
import { CommandId } from "../contributionIds";
import { showUserMessage, type CommandRunner } from "../commands/commandRunner";
import { connectedTarget } from "../commands/connectedTarget";
import { askReason } from "../commands/rolloutFollower";
import { withAbortSignal } from "../lifecycle";
import { isProductionTarget } from "../manifest/workspaceEnvironments";
import type { MetricsConnection } from "../metrics/metricsConnection";
import { workloadMetricsOf } from "../metrics/workloadMetrics";
import type { ReadOnlyContexts } from "../readOnlyContexts";
import { DeploymentsNode, workloadOfNode } from "../views/deployments/deploymentsTree";
import { followCanary } from "./canaryFollow";
import { canaryNotice, describeCanaryError, type CanaryService } from "./canaryNotice";

export interface CanaryDeps {
  readonly connection: ClusterConnection;
  readonly metrics: MetricsConnection;
  readonly trail: AuditTrail;
  readonly readOnly: ReadOnlyContexts;
  readonly log: vscode.LogOutputChannel;
}

/** Resume Canary and Abort Canary… on a Deployments row whose canary state is on the object. */
export function registerCanaryCommands(runner: CommandRunner, deps: CanaryDeps): vscode.Disposable[] {
  return [
    runner.registerRowCommand(CommandId.resumeCanary, DeploymentsNode, async (node) => {
      const w = node ? workloadOfNode(deps.connection.model, node) : await pickCanary(deps, "Resume Canary");
      return w ? resume(deps, w) : undefined;
    }),
    runner.registerRowCommand(CommandId.abortCanary, DeploymentsNode, async (node) => {
      const w = node ? workloadOfNode(deps.connection.model, node) : await pickCanary(deps, "Abort Canary");
      return w ? abort(deps, w) : undefined;
    }),
  ];
}

function serviceOf(w: Workload): CanaryService {
  return { namespace: w.namespace, name: w.name, workloadId: w.id };
}

/** From the palette: the workloads whose object carries a canary state. */
async function pickCanary(deps: CanaryDeps, title: string): Promise<Workload | undefined> {
  const items = (deps.connection.model?.workloads.all() ?? [])
    .map(({ workload }) => ({ workload, read: readCanaryState((workload.inferenceService ?? workload.deployment)?.metadata?.annotations) }))
    .filter((x) => x.read.kind === "ok")
    .map(({ workload, read }) => ({ label: workload.name, description: `${workload.namespace} · ${read.kind === "ok" ? read.state.phase : ""}`, workload }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage("No workload in the connected cluster has a metric-gated canary.");
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { title, placeHolder: "Which canary?" }))?.workload;
}

async function resume(deps: CanaryDeps, w: Workload): Promise<string | undefined> {
  const t = connectedTarget(deps.connection);
  if (!t) return undefined;
  const metrics = workloadMetricsOf(await deps.metrics.state(), t.context.name, w);
  if ("unavailable" in metrics) {
    // Without measurements every analysis would be inconclusive: say so now rather than hold again.
    void showUserMessage({ text: `Cannot resume the canary of ${w.name}: ${metrics.unavailable}. Its analysis needs the service's metrics.`, actions: [{ title: "Connect Metrics…", command: CommandId.connectMetrics }] }, "warning");
    return undefined;
  }
  const actor = await deps.trail.actor(t.context);
  const result = await followCanary(serviceOf(w), "Resume Canary", deps.log, (signal, onProgress) =>
    resumeCanary({ ...t, actor, workload: { kind: w.kind, namespace: w.namespace, name: w.name }, metrics, auditFile: deps.trail.file, readOnly: deps.readOnly.policy, signal, onProgress }),
  );
  return result.kind;
}

async function abort(deps: CanaryDeps, w: Workload): Promise<string | undefined> {
  const t = connectedTarget(deps.connection);
  if (!t) return undefined;
  const split = w.kind === "InferenceService" ? "canaryTrafficPercent goes to 0" : `the ${w.name}-canary Deployment goes and ${w.name} gets its replicas back`;
  const confirm = await vscode.window.showWarningMessage(
    `Abort the canary of ${w.name}?`,
    { modal: true, detail: `All traffic goes back to the stable version (${split}). The canary is marked aborted, so a client running it (aiplat deploy in CI, another window) stops.` },
    "Abort Canary",
  );
  if (confirm !== "Abort Canary") return undefined;
  const ref = { kind: w.kind, namespace: w.namespace, name: w.name } as const;
  const reason = await askReason(ref, await isProductionTarget(t.context.name, w.namespace), "abort canary");
  if (reason === undefined) return undefined;
  const actor = await deps.trail.actor(t.context);
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Aborting the canary of ${w.name}`, cancellable: true }, (_p, token) =>
    withAbortSignal(token, (signal) => abortCanary({ ...t, actor, workload: ref, auditFile: deps.trail.file, readOnly: deps.readOnly.policy, reason, signal })),
  );
  for (const r of result.audit) if (!r.audit.ok) deps.log.error(`Audit: ${r.audit.error}`);
  if (result.kind === "aborted") {
    deps.log.info(`${w.namespace}/${w.name}: canary ${result.state.id} aborted.`);
    void vscode.window.showInformationMessage(`The canary of ${w.name} is aborted: all traffic is back on the stable version.`);
    return "aborted";
  }
  const notice = canaryNotice({ kind: "error", error: result.error, audit: result.audit }, serviceOf(w), "Abort Canary");
  deps.log.warn(`Abort canary ${w.namespace}/${w.name}: ${describeCanaryError(result.error, serviceOf(w))}`);
  void showUserMessage(notice.message, notice.severity);
  return "error";
}
