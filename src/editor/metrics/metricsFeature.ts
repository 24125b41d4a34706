import type * as vscode from "vscode";
import type { ClusterConnection } from "../clusterConnection";
import type { CommandRunner } from "../commands/commandRunner";
import { CommandId } from "../contributionIds";
import type { KubeContextModel } from "../kubeContextModel";
import type { ClusterViews } from "../views/clusterViews";
import { DeploymentsSloStatus } from "./deploymentsSloStatus";
import { MetricsConnection } from "./metricsConnection";

/**
 * Metrics in the editor: the selected context's source (shared with the latency dashboard), the
 * SLO status on the Deployments rows, and Connect Metrics…, whose module loads on first use.
 * Nothing here queries or builds a source until the Deployments view is visible or a command runs.
 */
export function createMetricsFeature(deps: {
  readonly secrets: vscode.SecretStorage;
  readonly model: KubeContextModel;
  readonly connection: ClusterConnection;
  readonly views: ClusterViews;
  readonly runner: CommandRunner;
  readonly log: vscode.LogOutputChannel;
}): { readonly metrics: MetricsConnection; readonly disposables: readonly vscode.Disposable[] } {
  const metrics = new MetricsConnection(deps.model, deps.connection, deps.secrets, deps.log);
  const status = new DeploymentsSloStatus({ model: deps.model, connection: deps.connection, metrics, provider: deps.views.deployments, view: deps.views.deploymentsView, log: deps.log });
  return {
    metrics,
    disposables: [
      status,
      metrics,
      ...deps.runner.registerLazily([CommandId.connectMetrics], async (r) =>
        (await import("../commands/metricsCommands")).registerMetricsCommands(r, { connection: deps.connection, metrics, secrets: deps.secrets, log: deps.log }),
      ),
    ],
  };
}
