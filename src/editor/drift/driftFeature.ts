import * as vscode from "vscode";
import type { DriftPanelState } from "../../shared/protocol/drift";
import type { ClusterConnection } from "../clusterConnection";
import { showUserMessage, type CommandRunner } from "../commands/commandRunner";
import { CommandId } from "../contributionIds";
import { explainUntrusted } from "../explain";
import { registerDriftDashboard, type DriftDashboard } from "../panels/driftDashboard";
import { driftServiceOf, type WorkspaceManifest } from "./driftServiceOf";
import { readWorkspaceManifest } from "./workspaceManifests";

/**
 * Drift in the editor: the drift dashboard with its data (kept results, deploy markers, coverage),
 * Run Drift Check and Open Drift Dashboard. Checks run one per service at a time: a second
 * request for a service joins the running check. The commands, the check and the dashboard's
 * data load on first use; activation pays only for this file and the dashboard's registration.
 */
export function registerDriftFeature(deps: {
  readonly extension: Pick<vscode.ExtensionContext, "extensionUri">;
  readonly runner: CommandRunner;
  readonly connection: ClusterConnection;
  readonly log: vscode.LogOutputChannel;
  /** The audit log file, for deploy markers on the history chart. */
  readonly auditFile: () => string;
}): { readonly dashboard: DriftDashboard; readonly disposables: readonly vscode.Disposable[] } {
  const running = new Map<string, Promise<unknown>>();
  const logged = new Set<string>();
  let checkModule: Promise<typeof import("./driftCheck")> | undefined;
  let dataModule: Promise<typeof import("./driftData")> | undefined;

  const check = (target: WorkspaceManifest, onProgress?: (percent: number, message: string) => void): Promise<unknown> => {
    const service = driftServiceOf(target.manifest);
    const already = running.get(service);
    if (already) return already;
    const run = (async () => {
      const { runDriftCheckInEditor } = await (checkModule ??= import("./driftCheck"));
      const result = await runDriftCheckInEditor({ log: deps.log }, target, onProgress);
      // Started elsewhere than its dashboard: an open dashboard shows the new result.
      if (result && !onProgress) dashboard.refresh(service);
      return result;
    })().finally(() => running.delete(service));
    running.set(service, run);
    return run;
  };

  const dashboard = registerDriftDashboard(deps.extension, {
    load: async (state, signal) => (await (dataModule ??= import("./driftData"))).loadDriftView({ connection: deps.connection, auditFile: deps.auditFile, log: deps.log, logged }, state, signal),
    runCheck: async (state: DriftPanelState, onProgress) => {
      // The panel's button bypasses the command runner, so it refuses here as the command would.
      if (!vscode.workspace.isTrusted) {
        void showUserMessage(explainUntrusted("Run Drift Check"), "warning");
        return undefined;
      }
      const target = await readWorkspaceManifest(vscode.Uri.file(state.manifest));
      if (!target) {
        void vscode.window.showWarningMessage(`${vscode.workspace.asRelativePath(state.manifest, true)} is gone or no longer a valid service manifest: fix it to check ${state.service} for drift.`);
        return undefined;
      }
      return check(target, onProgress);
    },
    openManifest: (state) => vscode.window.showTextDocument(vscode.Uri.file(state.manifest)),
    log: deps.log,
  });

  // A result kept by `aiplat drift --save` in a terminal (or a teammate's, pulled with git) shows in
  // an open dashboard as it lands; the folder under .aiplatform/drift/ is the service.
  const kept = vscode.workspace.createFileSystemWatcher("**/.aiplatform/drift/*/*.json", false, true, true);
  kept.onDidCreate((uri) => {
    const service = uri.path.split("/").at(-2);
    if (service && !running.has(service)) dashboard.refresh(service);
  });

  return {
    dashboard,
    disposables: [
      dashboard,
      kept,
      ...deps.runner.registerLazily([CommandId.runDriftCheck, CommandId.openDriftDashboard], async (r) =>
        (await import("./driftCommands")).registerDriftCommands(r, { connection: deps.connection, runCheck: (target) => check(target), openDashboard: (state) => dashboard.open(state) }),
      ),
    ],
  };
}
