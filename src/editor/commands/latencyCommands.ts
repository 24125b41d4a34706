import * as vscode from "vscode";
import * as z from "zod";
import { workloadId } from "../../core/kube/workloads/workloadIndex";
import type { ServiceRef } from "../../shared/protocol/latency";
import type { ClusterConnection } from "../clusterConnection";
import { CommandId, ViewId } from "../contributionIds";
import { loadManifestParser } from "../manifest/manifestParser";
import type { LatencyDashboard } from "../panels/latencyDashboard";
import type { DeploymentsTreeProvider } from "../views/deployments/deploymentsTreeProvider";
import { DeploymentsNode, workloadOfNode } from "../views/deployments/deploymentsTree";
import type { CommandRunner } from "./commandRunner";

/** A Deployments row, or a manifest environment's CodeLens ({uri, env}). */
const LatencyTarget = z.union([DeploymentsNode, z.object({ uri: z.custom<vscode.Uri>((v) => v instanceof vscode.Uri, "a file URI"), env: z.string().min(1) })]);
type LatencyTarget = z.infer<typeof LatencyTarget>;

interface WorkloadPick extends vscode.QuickPickItem {
  readonly ref: ServiceRef;
}

/**
 * Open Latency Dashboard: from a Deployments row, a manifest environment's CodeLens, or the
 * palette (a pick of the selected context's services). Read-only, so Restricted Mode allows it.
 */
export function registerLatencyCommands(
  runner: CommandRunner,
  deps: { readonly connection: ClusterConnection; readonly dashboard: LatencyDashboard; readonly deployments: DeploymentsTreeProvider; readonly deploymentsView: vscode.TreeView<DeploymentsNode> },
): vscode.Disposable[] {
  const contextName = (): string | undefined => (deps.connection.state.kind === "none" ? undefined : deps.connection.state.context.name);

  const fromRow = (node: DeploymentsNode): ServiceRef | undefined => {
    const w = workloadOfNode(deps.connection.model, node);
    const context = contextName();
    return w && context ? { context, namespace: w.namespace, kind: w.kind, name: w.name } : undefined;
  };

  const fromManifest = async (target: { uri: vscode.Uri; env: string }): Promise<ServiceRef | undefined> => {
    const { parseManifest } = await loadManifestParser();
    const parsed = parseManifest(new TextDecoder().decode(await vscode.workspace.fs.readFile(target.uri)));
    const env = parsed.ok ? parsed.manifest.environments[target.env] : undefined;
    if (!parsed.ok || !env) {
      void vscode.window.showWarningMessage(`${vscode.workspace.asRelativePath(target.uri)} has no valid environment "${target.env}": fix the manifest's problems first.`);
      return undefined;
    }
    return { context: env.context, namespace: env.namespace, kind: parsed.manifest.runtime === "kserve" ? "InferenceService" : "Deployment", name: parsed.manifest.name };
  };

  const pick = async (): Promise<ServiceRef | undefined> => {
    const context = contextName();
    const all = deps.connection.model?.workloads.all() ?? [];
    if (!context || all.length === 0) {
      void vscode.window.showInformationMessage("Select a cluster context with inference services first (AI Platform: Select Context).");
      return undefined;
    }
    const items: WorkloadPick[] = all.map(({ workload: w, health }) => ({
      label: `$(graph-line) ${w.name}`,
      description: `${w.namespace} · ${w.kind}`,
      detail: health.health,
      ref: { context, namespace: w.namespace, kind: w.kind, name: w.name },
    }));
    return (await vscode.window.showQuickPick(items, { title: "Open Latency Dashboard", placeHolder: `A service in ${context}`, matchOnDescription: true }))?.ref;
  };

  return [
    runner.registerRowCommand(CommandId.openLatencyDashboard, LatencyTarget, async (target: LatencyTarget | undefined) => {
      const ref = target === undefined ? await pick() : "uri" in target ? await fromManifest(target) : fromRow(target);
      if (!ref) return undefined;
      await deps.dashboard.open(ref);
      return ref;
    }),
  ];
}

/** A chart's change marker was clicked: reveal that revision's row in the Deployments view. */
export async function revealRevision(
  deps: { readonly connection: ClusterConnection; readonly deployments: DeploymentsTreeProvider; readonly deploymentsView: vscode.TreeView<DeploymentsNode> },
  service: ServiceRef,
  revision: number,
): Promise<void> {
  const index = deps.connection.model?.workloads;
  const w = index?.workload(workloadId(service.kind, service.namespace, service.name));
  const rs = w ? index?.replicaSetsOf(w).find((r) => index.revisionOf(w, r.metadata?.name ?? "") === revision) : undefined;
  const node = w && rs?.metadata?.name ? deps.deployments.revisionNodeFor(w.id, rs.metadata.name) : undefined;
  if (!node) {
    void vscode.window.showInformationMessage(`Revision ${revision} of ${service.namespace}/${service.name} is no longer in the rollout history.`);
    return;
  }
  await vscode.commands.executeCommand(`${ViewId.deployments}.focus`);
  await deps.deploymentsView.reveal(node, { select: true, focus: true, expand: true });
}
