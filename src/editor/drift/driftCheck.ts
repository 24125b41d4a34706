/**
 * One drift check from the editor: the manifest's monitoring.drift through core's runDriftCheck
 * (a worker thread, so the extension host never blocks), under a cancellable notification with a
 * percentage; the result is kept in the workspace folder's drift history and summed up in a
 * message. Loaded on the first check.
 */
import * as path from "node:path";
import * as vscode from "vscode";
import { driftCheckRequest } from "../../core/drift/driftCheckRequest";
import { writeDriftHistory } from "../../core/drift/driftHistory";
import { DriftResult } from "../../shared/protocol/drift";
import { CommandId } from "../contributionIds";
import { withAbortSignal } from "../lifecycle";
import { describeDriftCheckError, describeDriftHistoryError } from "./driftErrorText";
import { driftServiceOf, type WorkspaceManifest } from "./driftServiceOf";

export interface DriftCheckServices {
  readonly log: vscode.LogOutputChannel;
}

/** A one-line verdict for the notification. */
export function driftSummary(result: DriftResult): string {
  const judged = result.features.length;
  const verdict = result.datasetDrift ? `dataset drift (${Math.round(result.driftShare * 100)} % of features ≥ ${Math.round(result.driftShareThreshold * 100)} %)` : "no dataset drift";
  const partial = result.partial ? ` Partial result: ${result.partial.reason}` : "";
  return `${result.service ?? "Drift check"}: ${result.driftedFeatures} of ${judged} features drifted, ${verdict}.${partial}`;
}

const shownPath = (file: string): string => vscode.workspace.asRelativePath(file, true);

/**
 * Runs the check of one manifest, reporting to the notification and to `onProgress` (the
 * dashboard's progress line). Settles when the check has ended, with the result when there is
 * one; cancelling is quiet; every other failure is shown here.
 */
export async function runDriftCheckInEditor(deps: DriftCheckServices, target: WorkspaceManifest, onProgress?: (percent: number, message: string) => void): Promise<DriftResult | undefined> {
  const drift = target.manifest.monitoring?.drift;
  const service = driftServiceOf(target.manifest);
  if (!drift) {
    const open = "Open Manifest";
    void vscode.window.showWarningMessage(`${shownPath(target.file)} has no monitoring.drift: add the reference and current data (paths or globs) to check ${service} for drift.`, open).then((chosen) => {
      if (chosen === open) void vscode.window.showTextDocument(vscode.Uri.file(target.file));
    });
    return undefined;
  }
  const { runDriftCheck } = await import("../../core/drift/driftRunner");
  const ran = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Drift check of ${service}`, cancellable: true },
    (progress, token) =>
      withAbortSignal(token, (signal) => {
        let shown = 0;
        return runDriftCheck(driftCheckRequest(path.dirname(target.file), drift), {
          signal,
          onProgress: (percent: number, message: string) => {
            const p = Math.max(0, Math.min(100, percent));
            // withProgress adds increments; a percentage that went back (a new phase) adds nothing.
            progress.report({ increment: Math.max(0, p - shown), message: `${Math.round(p)} % ${message}` });
            shown = Math.max(shown, p);
            onProgress?.(p, message);
          },
        });
      }),
  );
  if (!ran.ok) {
    if (ran.error.kind === "cancelled") return undefined;
    const text = describeDriftCheckError(ran.error, shownPath);
    deps.log.warn(`Drift check of ${service} (${shownPath(target.file)}): ${ran.error.kind === "worker-failed" ? ran.error.detail : text}`);
    const open = "Open Manifest";
    const showLog = "Show Log";
    void vscode.window.showErrorMessage(`Drift check of ${service} failed: ${text}`, ran.error.kind === "worker-failed" ? showLog : open).then((chosen) => {
      if (chosen === open) void vscode.window.showTextDocument(vscode.Uri.file(target.file));
      if (chosen === showLog) void vscode.commands.executeCommand(CommandId.showLog);
    });
    return undefined;
  }
  const result = DriftResult.parse({ ...ran.result, service, modelVersion: target.manifest.model.version ?? null });
  await keep(deps, target, result);
  const summary = driftSummary(result);
  deps.log.info(`Drift check: ${summary}`);
  const show = result.partial || result.datasetDrift ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const dashboard = "Open Drift Dashboard";
  void show(summary, dashboard).then((chosen) => {
    if (chosen === dashboard) void vscode.commands.executeCommand(CommandId.openDriftDashboard, { service, manifest: target.file });
  });
  return result;
}

/** The history lives in the manifest's workspace folder; a manifest outside every folder keeps none. */
async function keep(deps: DriftCheckServices, target: WorkspaceManifest, result: DriftResult): Promise<void> {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(target.file));
  if (!folder) {
    deps.log.warn(`Drift check of ${result.service ?? "?"}: ${target.file} is outside the workspace folders, so the result was not kept as history.`);
    return;
  }
  const saved = await writeDriftHistory(folder.uri.fsPath, driftServiceOf(target.manifest), result);
  if (saved.ok) {
    deps.log.info(`Drift result kept in ${shownPath(saved.file)}.`);
    return;
  }
  const text = describeDriftHistoryError(saved.error, shownPath);
  deps.log.warn(`Drift check of ${result.service ?? "?"}: the result was not kept: ${text}`);
  void vscode.window.showWarningMessage(`The drift result was not kept as history: ${text}`);
}
