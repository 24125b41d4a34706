import { performance } from "node:perf_hooks";
import * as vscode from "vscode";
import * as path from "node:path";
import { AuditTrail, setAuditSigningKey, useSecretStorageAuditKey } from "./editor/auditTrail";
import { ClusterConnection } from "./editor/clusterConnection";
import { registerClusterActions } from "./editor/commands/clusterActions";
import { CommandRunner } from "./editor/commands/commandRunner";
import { registerContextLockCommands } from "./editor/commands/contextLockCommands";
import { RolloutFollower } from "./editor/commands/rolloutFollower";
import { DeployPreviewDocuments, previewScheme } from "./editor/documents/deployPreviewDocuments";
import { ManifestCodeLensProvider } from "./editor/manifest/manifestCodeLens";
import { ManifestDiagnostics } from "./editor/manifest/manifestDiagnostics";
import { registerDiagnosticsCommands } from "./editor/commands/diagnostics";
import { registerInspectCommands } from "./editor/commands/inspectCommands";
import { KubeYamlDocuments, yamlScheme } from "./editor/documents/kubeYamlDocuments";
import { describeScheme, WorkloadDescribeDocuments } from "./editor/documents/workloadDescribeDocuments";
import { logScheme, WorkloadLogDocuments } from "./editor/documents/workloadLogDocuments";
import { registerKubeContextCommands } from "./editor/commands/kubeContext";
import { createContextStatusBar } from "./editor/contextStatusBar";
import { CommandId } from "./editor/contributionIds";
import { KubeContextModel } from "./editor/kubeContextModel";
import { ReadOnlyContexts } from "./editor/readOnlyContexts";
import { createLog } from "./editor/log";
import { SelectedContextStore } from "./editor/selectedContextStore";
import { createClusterViews } from "./editor/views/clusterViews";
import { createMetricsFeature } from "./editor/metrics/metricsFeature";
import { registerLatencyDashboard } from "./editor/panels/latencyDashboard";
import { registerLatencyCommands, revealRevision } from "./editor/commands/latencyCommands";
import { registerCliOnTerminalPath } from "./editor/terminal/cliOnTerminalPath";
import { registerCostFeature } from "./editor/cost/costFeature";
import type { ModelsFeature } from "./editor/models/modelsFeature";
import { registerCostDashboard } from "./editor/panels/costDashboard";
import { openServiceLatency, registerCostCommands } from "./editor/commands/costCommands";
import { registerDriftFeature } from "./editor/drift/driftFeature";

/** What activate() returns: figures the bench reads in the extension host. */
export interface AiPlatformApi {
  readonly activationMs: number;
  readonly bench: {
    /** ms from connecting to the Deployments tree's root rows being available. */
    deploymentsTreeReadyMs(): Promise<number>;
    /** Watch event → tree refresh latencies since the last call, in ms. */
    takeRefreshLatencies(): number[];
  };
}

/** Composition root: build the services, hand them to the features, nothing else. */
export function activate(context: vscode.ExtensionContext): AiPlatformApi {
  const started = performance.now();
  const log = createLog();
  const model = new KubeContextModel(new SelectedContextStore(context.globalStorageUri.fsPath), log);
  const readOnly = new ReadOnlyContexts(model, log);
  const runner = new CommandRunner({ log, readOnly });
  const connection = new ClusterConnection(model, log);
  const views = createClusterViews(model, connection);
  const yamlDocuments = new KubeYamlDocuments(connection);
  const logDocuments = new WorkloadLogDocuments(connection, log);
  const describeDocuments = new WorkloadDescribeDocuments(connection);
  const trail = new AuditTrail(log, context.globalStorageUri.fsPath);
  const rollouts = new RolloutFollower(trail, log);
  const previews = new DeployPreviewDocuments();
  const diagnostics = new ManifestDiagnostics();
  const codeLenses = new ManifestCodeLensProvider();
  const templatesDir = path.join(context.extensionPath, "templates");
  const metrics = createMetricsFeature({ secrets: context.secrets, model, connection, views, runner, log });
  const treeRows = { connection, deployments: views.deployments, deploymentsView: views.deploymentsView };
  const lastPanelProblems = new Map<string, string>();
  const dashboard = registerLatencyDashboard({
    extensionUri: context.extensionUri,
    log,
    // The data side (core metrics, the audit log) loads with the first dashboard.
    data: async (service, range, widthPx, signal) =>
      (await import("./editor/metrics/latencyData")).loadLatencyData({ metrics: metrics.metrics, connection, auditFile: () => trail.file, log, lastPanelProblems }, service, range, widthPx, signal),
    // Delivery metrics for the shown service: the audit log and the cluster cache, no extra requests.
    delivery: async (service) => (await import("./editor/metrics/latencyData")).loadDeliveryData({ connection, auditFile: () => trail.file, log }, service),
    openRevision: (service, revision) => revealRevision(treeRows, service, revision),
    connectMetricsCommand: CommandId.connectMetrics,
  });
  const cost = registerCostFeature({ connection, metrics: metrics.metrics, views, log, auditFile: () => trail.file });
  const drift = registerDriftFeature({ extension: context, runner, connection, log, auditFile: () => trail.file });
  // The Models view (its tree, the registry connection, served-by) loads right after activation,
  // out of the host bundle: nothing on screen waits for it, and activation stays short.
  let modelsLoaded: (feature: ModelsFeature) => void = () => undefined;
  const modelsFeature = new Promise<ModelsFeature>((resolve) => (modelsLoaded = resolve));
  const registryFor = async (ctx: string) => {
    const state = await (await modelsFeature).registryFor(ctx);
    return state.kind === "ready" ? state.registry : undefined;
  };
  const costDashboard = registerCostDashboard(context, {
    load: (ctx, window, aggregate, signal) => cost.cost.load(ctx, window, aggregate, signal),
    openService: (ctx, service) => openServiceLatency({ connection, latency: dashboard }, ctx, service),
    connectMetrics: () => vscode.commands.executeCommand(CommandId.connectMetrics),
    log,
  });
  context.subscriptions.push(
    log,
    model,
    readOnly,
    connection,
    ...views.disposables,
    ...createContextStatusBar(model, readOnly),
    // Before anything appends: a signing key in SecretStorage keys the audit chain (HMAC).
    useSecretStorageAuditKey(context.secrets),
    runner.register(CommandId.setAuditSigningKey, () => setAuditSigningKey(context.secrets, log)),
    ...registerDiagnosticsCommands(runner, log),
    ...registerKubeContextCommands(runner, model, connection, log),
    ...registerContextLockCommands(runner, model, readOnly),
    ...registerClusterActions(runner, connection, trail, log),
    ...registerInspectCommands(runner, connection, views.gpuNodes, views.gpuNodesView),
    ...metrics.disposables,
    dashboard,
    ...registerLatencyCommands(runner, { ...treeRows, dashboard }),
    ...cost.disposables,
    costDashboard,
    ...registerCostCommands(runner, { connection, dashboard: costDashboard }),
    ...drift.disposables,
    ...runner.registerInBackground([CommandId.connectModelRegistry, CommandId.filterModels, CommandId.clearModelFilter, CommandId.loadMoreModels], async (r) => {
      const models = (await import("./editor/models/modelsFeature")).registerModelsFeature({ extension: context, model, connection, runner: r, log });
      modelsLoaded(models.models);
      return models.disposables;
    }),
    ...runner.registerLazily(
      [CommandId.deployModelVersion, CommandId.compareModelVersionWithServing, CommandId.setModelAlias, CommandId.openModelInMlflow, CommandId.copyModelUri],
      async (r) => (await import("./editor/models/modelActions")).registerModelActions(r, { models: await modelsFeature, connection, trail, log }),
    ),
    // Deploy, rollback, scaffold and audit load on their first command, not with the extension.
    ...runner.registerLazily([CommandId.deployService, CommandId.checkManifest, CommandId.approveDeployment], async (r) =>
      (await import("./editor/commands/deployCommand")).registerDeployCommands(r, { model, trail, previews, diagnostics, rollouts, readOnly, log, registryFor, metrics: metrics.metrics }),
    ),
    // Triage (its core, the report writer) and the canary commands load on their first use, in Roll Back's bundle.
    ...runner.registerLazily([CommandId.triageService, CommandId.openRunbook], async (r) =>
      (await import("./editor/commands/rollbackCommand")).registerTriageCommands(r, { connection, metrics: metrics.metrics, trail, log, extensionPath: context.extensionPath }),
    ),
    ...runner.registerLazily([CommandId.resumeCanary, CommandId.abortCanary], async (r) =>
      (await import("./editor/commands/rollbackCommand")).registerCanaryCommands(r, { connection, metrics: metrics.metrics, trail, readOnly, log }),
    ),
    ...runner.registerLazily([CommandId.rollbackWorkload, CommandId.promoteCanary], async (r) =>
      (await import("./editor/commands/rollbackCommand")).registerRollbackCommands(r, { connection, rollouts, trail, log }),
    ),
    ...runner.registerLazily([CommandId.scaffoldService], async (r) => (await import("./editor/commands/scaffoldCommand")).registerScaffoldCommand(r, connection, templatesDir, log, trail)),
    ...runner.registerLazily([CommandId.verifyAuditLog, CommandId.exportAuditLog, CommandId.openAuditLog], async (r) =>
      (await import("./editor/commands/auditCommands")).registerAuditCommands(r, trail, log),
    ),
    vscode.workspace.registerTextDocumentContentProvider(previewScheme, previews),
    previews,
    diagnostics,
    vscode.languages.registerCodeLensProvider({ scheme: "file", pattern: "**/aiplatform.{yaml,yml}" }, codeLenses),
    codeLenses,
    vscode.workspace.registerTextDocumentContentProvider(yamlScheme, yamlDocuments),
    yamlDocuments,
    vscode.workspace.registerTextDocumentContentProvider(describeScheme, describeDocuments),
    describeDocuments,
    vscode.workspace.registerTextDocumentContentProvider(logScheme, logDocuments),
    logDocuments,
    registerCliOnTerminalPath(context, log),
  );
  // Reading the kubeconfig is I/O and loads client-node: it starts once activation has returned.
  const startup = setTimeout(() => model.reloadInBackground(), 0);
  context.subscriptions.push({ dispose: () => clearTimeout(startup) });
  const activationMs = performance.now() - started;
  log.info(`Activated in ${activationMs.toFixed(1)} ms.`);
  return {
    activationMs,
    bench: {
      deploymentsTreeReadyMs: () => views.deployments.whenRootReady(),
      takeRefreshLatencies: () => views.deployments.refreshLatencies.splice(0),
    },
  };
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
