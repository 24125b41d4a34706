import * as vscode from "vscode";
import type { Workload } from "../../core/kube/workloads/workloadIndex";
import { builtInRunbookPath } from "../../core/triage/runbookLinks";
import type { ClusterConnection } from "../clusterConnection";
import { findWorkspaceManifests } from "../drift/workspaceManifests";
import { serviceRunbookOf } from "./serviceRunbook";

/** The service's runbook.md beside the workspace manifest that deploys the workload, if it has one. */
export async function serviceRunbookOfWorkload(connection: ClusterConnection, w: Workload): Promise<string | undefined> {
  const { manifests } = await findWorkspaceManifests();
  const context = connection.state.kind === "none" ? undefined : connection.state.context.name;
  const labels = (w.inferenceService ?? w.deployment)?.metadata?.labels;
  return serviceRunbookOf(manifests, { context, namespace: w.namespace, name: w.name, labels }, async (file) => {
    try {
      await vscode.workspace.fs.stat(vscode.Uri.file(file));
      return true;
    } catch {
      return false;
    }
  });
}

/** Open Runbook: the service's runbook.md, else the built-in one shipped with the extension, as a preview (read during an incident). */
export async function openRunbook(deps: { readonly connection: ClusterConnection; readonly log: vscode.LogOutputChannel; readonly extensionPath: string }, w: Workload): Promise<string> {
  const own = await serviceRunbookOfWorkload(deps.connection, w);
  const file = own ?? builtInRunbookPath(deps.extensionPath);
  if (!own) deps.log.info(`${w.namespace}/${w.name} has no runbook.md beside a workspace manifest; opening the built-in runbook.`);
  await vscode.commands.executeCommand("markdown.showPreview", vscode.Uri.file(file));
  return file;
}
