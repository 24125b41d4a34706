import * as vscode from "vscode";
import { workloadId } from "../../core/kube/workloads/workloadIndex";
import type { ClusterConnection } from "../clusterConnection";
import { CommandId } from "../contributionIds";
import type { CostDashboard } from "../panels/costDashboard";
import type { LatencyDashboard } from "../panels/latencyDashboard";
import type { CommandRunner } from "./commandRunner";

/**
 * Open Cost Dashboard: the selected context's cost, from the palette or the GPU Nodes and
 * Deployments title bars. Read-only, so Restricted Mode allows it.
 */
export function registerCostCommands(runner: CommandRunner, deps: { readonly connection: ClusterConnection; readonly dashboard: CostDashboard }): vscode.Disposable[] {
  return [
    runner.register(CommandId.openCostDashboard, async () => {
      const state = deps.connection.state;
      if (state.kind === "none") {
        void vscode.window.showInformationMessage("Select a cluster context first (AI Platform: Select Context): the cost dashboard shows one cluster.");
        return undefined;
      }
      await deps.dashboard.open(state.context.name);
      return state.context.name;
    }),
  ];
}

/**
 * A service row of the cost dashboard ("namespace/name") opens its latency dashboard; the kind
 * comes from the cluster model when it is the connected context's.
 */
export function openServiceLatency(deps: { readonly connection: ClusterConnection; readonly latency: LatencyDashboard }, context: string, service: string): Promise<void> | undefined {
  const [namespace, name] = service.split("/");
  if (!namespace || !name) return undefined;
  const index = deps.connection.state.kind !== "none" && deps.connection.state.context.name === context ? deps.connection.model?.workloads : undefined;
  const kind = index?.workload(workloadId("InferenceService", namespace, name)) ? "InferenceService" : "Deployment";
  return deps.latency.open({ context, namespace, kind, name });
}
