import * as vscode from "vscode";
import { readAuditLog } from "../../core/audit/auditLog";
import type { Workload } from "../../core/kube/workloads/workloadIndex";
import { builtInRunbookPath } from "../../core/triage/runbookLinks";
import { defaultTriageLookback, triageLookbackOrDefault } from "../../core/triage/triageLookback";
import type { TriageReport } from "../../core/triage/triageReport";
import type { AuditTrail } from "../auditTrail";
import type { ClusterConnection } from "../clusterConnection";
import { CommandId, SettingKey } from "../contributionIds";
import { explainFailure } from "../explain";
import { withAbortSignal } from "../lifecycle";
import type { MetricsConnection } from "../metrics/metricsConnection";
import { workloadMetricsOf } from "../metrics/workloadMetrics";
import { healthIcon } from "../views/healthIcons";
import { DeploymentsNode, workloadOfNode } from "../views/deployments/deploymentsTree";
import { showUserMessage, type CommandRunner } from "../commands/commandRunner";
import { connectedTarget } from "../commands/connectedTarget";
import { incidentReportOf, mitigationTakenOf, recordMitigationInReport, type IncidentFile } from "./incidentReport";
import { openRunbook, serviceRunbookOfWorkload } from "./runbookCommand";
import { triageNotice, type NoticeAction } from "./triageNotice";
import { mitigationRecordOf, triageAuditOf } from "./triageSources";

export interface TriageDeps {
  readonly connection: ClusterConnection;
  readonly metrics: MetricsConnection;
  readonly trail: AuditTrail;
  readonly log: vscode.LogOutputChannel;
  /** The extension's root folder: the built-in runbook ships in it. */
  readonly extensionPath: string;
}

/**
 * Triage Service and Open Runbook, from a Deployments or Models workload row or the palette. The
 * module loads on the first of them. Triage: one click, then the mitigation's button, then the
 * Roll Back confirmation: three actions from a regression to a rollback under way.
 */
export function registerTriageCommands(runner: CommandRunner, deps: TriageDeps): vscode.Disposable[] {
  const running = new Map<string, Promise<TriageOutcome | undefined>>();
  return [
    runner.registerRowCommand(CommandId.triageService, DeploymentsNode, async (node) => {
      const w = node ? workloadOfNode(deps.connection.model, node) : await pickWorkload(deps, "Triage Service");
      if (!w) return undefined;
      // Pressing Triage again while it runs joins that run instead of starting a second report.
      const joined = running.get(w.id);
      if (joined) return joined;
      const run = triageService(deps, w).finally(() => running.delete(w.id));
      running.set(w.id, run);
      return run;
    }),
    runner.registerRowCommand(CommandId.openRunbook, DeploymentsNode, async (node) => {
      const w = node ? workloadOfNode(deps.connection.model, node) : await pickWorkload(deps, "Open Runbook");
      return w ? openRunbook(deps, w) : undefined;
    }),
  ];
}

export interface TriageOutcome {
  readonly report: TriageReport;
  /** The saved report, or undefined when it was shown unsaved (no workspace folder, or it could not be written). */
  readonly file: string | undefined;
}

async function pickWorkload(deps: TriageDeps, title: string): Promise<Workload | undefined> {
  const all = deps.connection.model?.workloads.all() ?? [];
  if (all.length === 0) {
    void vscode.window.showInformationMessage("Select a cluster context with inference services first (AI Platform: Select Context).");
    return undefined;
  }
  const items = all.map(({ workload, health }) => ({
    label: `$(${healthIcon(health.health).id}) ${workload.name}`,
    description: `${workload.namespace} · ${workload.kind === "InferenceService" ? "KServe" : "Deployment"} · ${health.health}`,
    detail: health.reasons[0]?.message,
    workload,
    healthy: health.health === "Healthy",
  }));
  // The unhealthy first: those are what people triage.
  items.sort((a, b) => Number(a.healthy) - Number(b.healthy));
  return (await vscode.window.showQuickPick(items, { title, placeHolder: "Which service?", matchOnDescription: true }))?.workload;
}

/**
 * One triage pass over a workload: the report is written under .aiplatform/incidents/ and opened
 * beside, and the mitigation is offered as a notification button. Returns once the report is on
 * screen; the notification does not hold the command open.
 */
export async function triageService(deps: TriageDeps, w: Workload): Promise<TriageOutcome | undefined> {
  const target = connectedTarget(deps.connection);
  if (!target) return undefined;
  const workspaceDir = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const auditFile = deps.trail.file;
  // How far back changes and events count (the latest change before it counts too), as `aiplat triage --since`.
  const setting = vscode.workspace.getConfiguration().get<unknown>(SettingKey.triageLookback);
  const { seconds: sinceSeconds, problem } = triageLookbackOrDefault(setting);
  if (problem) deps.log.warn(`Setting ${SettingKey.triageLookback} ${JSON.stringify(setting)}: ${problem}; looking back ${defaultTriageLookback}.`);
  const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Triaging ${w.name}`, cancellable: true }, (progress, token) =>
    withAbortSignal(token, async (signal) => {
      progress.report({ message: "rollout history, audit log, pods, events and metrics…" });
      const [metricsState, auditRecords] = await Promise.all([deps.metrics.state(), triageAuditOf(auditFile)]);
      const { triageWorkload } = await import("../../core/triage/triageWorkload");
      const report = await triageWorkload({
        kc: target.kc,
        context: target.context,
        workload: { kind: w.kind, namespace: w.namespace, name: w.name },
        sinceSeconds,
        now: new Date(),
        metrics: workloadMetricsOf(metricsState, target.context.name, w),
        auditRecords,
        signal,
      });
      // Cancelled: no report of half a look, and nothing written.
      return signal.aborted ? undefined : report;
    }),
  );
  if (!report) return undefined;
  deps.log.info(`Triage of ${w.namespace}/${w.name}: ${report.classification}${report.suspect ? `, suspect ${String(report.suspect.revision)}` : ""}, mitigation ${report.mitigation.action}.`);
  for (const b of report.blindSpots) deps.log.info(`Triage of ${w.namespace}/${w.name}: could not see ${b.what} (${b.why.kind}).`);

  const incident = await incidentReportOf({ workspaceDir, report, auditFile, serviceRunbook: await serviceRunbookOfWorkload(deps.connection, w), builtInRunbook: builtInRunbookPath(deps.extensionPath) });
  if (incident.kind === "unsaved") deps.log.warn(`The incident report was not saved: ${incident.why}`);
  await showReport(incident);

  const relative = incident.kind === "saved" ? incident.relative : undefined;
  const notice = triageNotice(report, w.id, relative);
  const show = notice.severity === "info" ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  // Not awaited: the notification's button must not hold the command open (nor the next Triage).
  void show(notice.text, ...(notice.action ? [notice.action.title] : [])).then(async (chosen) => {
    if (!notice.action || chosen !== notice.action.title) return;
    try {
      await mitigate(deps, notice.action, report, incident);
    } catch (err) {
      deps.log.error(`Mitigation of ${w.namespace}/${w.name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      void showUserMessage(explainFailure(`The mitigation failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`));
    }
  });
  return { report, file: incident.kind === "saved" ? incident.file : undefined };
}

async function showReport(incident: IncidentFile): Promise<void> {
  if (incident.kind === "saved") {
    await vscode.commands.executeCommand("markdown.showPreviewToSide", vscode.Uri.file(incident.file));
    return;
  }
  const doc = await vscode.workspace.openTextDocument({ language: "markdown", content: incident.markdown });
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
}

/** The notification's button: Roll Back (its confirmation still asks), or the command to copy. */
async function mitigate(deps: TriageDeps, action: NoticeAction, report: TriageReport, incident: IncidentFile): Promise<void> {
  if (action.kind === "copy") {
    await vscode.env.clipboard.writeText(action.command);
    void vscode.window.showInformationMessage(`Copied: ${action.command}`);
    return;
  }
  // Through the command, so Restricted Mode and read-only contexts refuse it as they refuse Roll Back.
  await vscode.commands.executeCommand(CommandId.rollbackWorkload, action.arg);
  if (incident.kind !== "saved") return;
  // What was taken is what the audit log says: the rollback's record names this incident.
  const read = await readAuditLog(deps.trail.file);
  const record = read.ok ? mitigationRecordOf(read.records, incident.relative) : undefined;
  if (!record) return;
  const updated = await recordMitigationInReport(incident.file, mitigationTakenOf(record, report), deps.trail.file);
  if (!updated.ok) {
    deps.log.error(`Could not record the mitigation in ${incident.file}: ${updated.error}`);
    void showUserMessage(explainFailure(`The rollback is in the audit log (record ${record.seq}), but the incident report could not be updated: ${updated.error}`));
  }
}
