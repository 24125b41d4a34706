import { promises as fs } from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { exportAuditLog } from "../../core/audit/auditExport";
import { describeVerification } from "../../core/audit/auditVerify";
import { verifyAuditLog } from "../../core/audit/auditVerify";
import type { AuditTrail } from "../auditTrail";
import { CommandId } from "../contributionIds";
import { explainFailure } from "../explain";
import { showUserMessage, type CommandRunner } from "./commandRunner";

/** Verify Audit Log, Export Audit Log… and Open Audit Log. */
export function registerAuditCommands(runner: CommandRunner, trail: AuditTrail, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    runner.register(CommandId.verifyAuditLog, async () => {
      const file = trail.file;
      const result = await verifyAuditLog({ file });
      if (result.ok) {
        const text = `Audit log intact: ${result.records} records, chain verified${result.lastHash ? ` (last hash ${result.lastHash.slice(0, 12)}…)` : ""}.`;
        log.info(`${text} ${file}`);
        void vscode.window.showInformationMessage(text);
        return result;
      }
      const broken = result.firstBroken;
      const text = describeVerification(result);
      log.error(`${text} ${file}`);
      if (result.behindAnchor) {
        // The chain verifies but is shorter than what was appended: records were removed from the end.
        void vscode.window.showErrorMessage(`Audit log lost records: ${text}.`, "Open Audit Log").then((choice) => choice && openAt(file, Math.max(1, result.behindAnchor?.records ?? 1)));
        return result;
      }
      if (!broken) {
        void vscode.window.showWarningMessage(text);
        return result;
      }
      void vscode.window.showErrorMessage(text, "Open Audit Log").then((choice) => choice && openAt(file, broken.line));
      return result;
    }),
    runner.register(CommandId.exportAuditLog, async () => {
      const file = trail.file;
      const format = await vscode.window.showQuickPick(
        [
          { label: "CSV", description: "one row per change, for spreadsheets", format: "csv" as const },
          { label: "JSON", description: "records and the chain verification, for tools", format: "json" as const },
        ],
        { title: "Export Audit Log", placeHolder: "Format" },
      );
      if (!format) return undefined;
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const target = await vscode.window.showSaveDialog({
        title: "Export the audit log as compliance evidence",
        filters: format.format === "csv" ? { CSV: ["csv"] } : { JSON: ["json"] },
        ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, `audit-export.${format.format}`) } : {}),
      });
      if (!target) return undefined;
      const exported = await exportAuditLog(file, format.format);
      if (!exported.ok) {
        log.error(`Export Audit Log: ${exported.error.message}`);
        void showUserMessage(explainFailure(`Nothing exported: ${exported.error.message}`));
        return undefined;
      }
      // The save dialog already asked before replacing an existing file.
      await fs.writeFile(target.fsPath, exported.text);
      if (!exported.verification.ok) void vscode.window.showWarningMessage(`Exported, but the chain does not verify: ${describeVerification(exported.verification)}`);
      log.info(`Exported ${file} to ${target.fsPath}.`);
      void vscode.window.showInformationMessage(`Exported the audit log to ${path.basename(target.fsPath)}.`);
      return target.fsPath;
    }),
    runner.register(CommandId.openAuditLog, () => openAt(trail.file, 1)),
  ];
}

async function openAt(file: string, line: number): Promise<void> {
  try {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const at = new vscode.Position(Math.max(0, line - 1), 0);
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(at, at) });
  } catch {
    void vscode.window.showInformationMessage(`No audit log yet at ${file}: it is created by the first change.`);
  }
}
