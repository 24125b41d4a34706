/**
 * Every id that package.json also names. A unit test checks the two agree, so a rename
 * cannot leave a dead menu entry or an unreachable command behind.
 */
export const ExtensionId = "aiplatform.ai-platform-ops";

export const ViewContainerId = "aiPlatform";

export const ViewId = {
  models: "aiPlatform.models",
  deployments: "aiPlatform.deployments",
  gpuNodes: "aiPlatform.gpuNodes",
} as const;
export type ViewId = (typeof ViewId)[keyof typeof ViewId];

export const CommandId = {
  selectContext: "aiPlatform.selectContext",
  selectNamespace: "aiPlatform.selectNamespace",
  showLog: "aiPlatform.showLog",
  openKubeconfigSettings: "aiPlatform.openKubeconfigSettings",
  restartWorkload: "aiPlatform.restartWorkload",
  scaleWorkload: "aiPlatform.scaleWorkload",
  cordonNode: "aiPlatform.cordonNode",
  uncordonNode: "aiPlatform.uncordonNode",
  showYaml: "aiPlatform.showYaml",
  describeWorkload: "aiPlatform.describeWorkload",
  showLogs: "aiPlatform.showLogs",
  followLogs: "aiPlatform.followLogs",
  revealNode: "aiPlatform.revealNode",
  scaffoldService: "aiPlatform.scaffoldService",
  deployService: "aiPlatform.deployService",
  checkManifest: "aiPlatform.checkManifest",
  rollbackWorkload: "aiPlatform.rollbackWorkload",
  promoteCanary: "aiPlatform.promoteCanary",
  approveDeployment: "aiPlatform.approveDeployment",
  verifyAuditLog: "aiPlatform.verifyAuditLog",
  exportAuditLog: "aiPlatform.exportAuditLog",
  openAuditLog: "aiPlatform.openAuditLog",
  unlockContext: "aiPlatform.unlockContext",
  lockContext: "aiPlatform.lockContext",
  connectMetrics: "aiPlatform.connectMetrics",
  openLatencyDashboard: "aiPlatform.openLatencyDashboard",
  openCostDashboard: "aiPlatform.openCostDashboard",
  runDriftCheck: "aiPlatform.runDriftCheck",
  openDriftDashboard: "aiPlatform.openDriftDashboard",
  connectModelRegistry: "aiPlatform.connectModelRegistry",
  filterModels: "aiPlatform.filterModels",
  clearModelFilter: "aiPlatform.clearModelFilter",
  loadMoreModels: "aiPlatform.loadMoreModels",
  deployModelVersion: "aiPlatform.deployModelVersion",
  compareModelVersionWithServing: "aiPlatform.compareModelVersionWithServing",
  setModelAlias: "aiPlatform.setModelAlias",
  openModelInMlflow: "aiPlatform.openModelInMlflow",
  copyModelUri: "aiPlatform.copyModelUri",
  triageService: "aiPlatform.triageService",
  openRunbook: "aiPlatform.openRunbook",
  resumeCanary: "aiPlatform.resumeCanary",
  abortCanary: "aiPlatform.abortCanary",
  setAuditSigningKey: "aiPlatform.setAuditSigningKey",
} as const;
export type CommandId = (typeof CommandId)[keyof typeof CommandId];

/**
 * What a command changes, declared once; the command wrapper (commands/commandRunner.ts) refuses
 * on that basis, so no handler wires the refusal by hand:
 * - "selected-cluster": the selected context's cluster; refused in Restricted Mode and on a read-only context;
 * - "cluster": a cluster the command resolves itself (a manifest environment's); refused in
 *   Restricted Mode, and the command checks its own target against the read-only contexts;
 * - "files": files in the workspace; refused in Restricted Mode;
 * - "registry": the model registry (an alias moves); refused in Restricted Mode.
 */
export const CommandChanges: Partial<Readonly<Record<CommandId, { readonly action: string; readonly changes: "selected-cluster" | "cluster" | "files" | "registry" }>>> = {
  [CommandId.restartWorkload]: { action: "Restart", changes: "selected-cluster" },
  [CommandId.scaleWorkload]: { action: "Scale", changes: "selected-cluster" },
  [CommandId.cordonNode]: { action: "Cordon", changes: "selected-cluster" },
  [CommandId.uncordonNode]: { action: "Uncordon", changes: "selected-cluster" },
  [CommandId.rollbackWorkload]: { action: "Roll Back", changes: "selected-cluster" },
  [CommandId.promoteCanary]: { action: "Promote Canary", changes: "selected-cluster" },
  [CommandId.deployService]: { action: "Deploy", changes: "cluster" },
  [CommandId.approveDeployment]: { action: "Approve Deployment", changes: "cluster" },
  [CommandId.scaffoldService]: { action: "New Inference Service", changes: "files" },
  [CommandId.exportAuditLog]: { action: "Export Audit Log", changes: "files" },
  // Reads the workspace's data files and writes the result under .aiplatform/drift/.
  [CommandId.runDriftCheck]: { action: "Run Drift Check", changes: "files" },
  // Writes the model reference into aiplatform.yaml, then hands over to Deploy (which checks its own target).
  [CommandId.deployModelVersion]: { action: "Deploy This Version", changes: "files" },
  [CommandId.setModelAlias]: { action: "Set Alias", changes: "registry" },
  // Writes the incident report under .aiplatform/incidents/; its mitigation is a Roll Back, which checks its own target.
  [CommandId.triageService]: { action: "Triage Service", changes: "files" },
  [CommandId.resumeCanary]: { action: "Resume Canary", changes: "selected-cluster" },
  [CommandId.abortCanary]: { action: "Abort Canary", changes: "selected-cluster" },
};

/** Commands that change a cluster or a file; they are disabled in Restricted Mode. */
export const MutatingCommandIds: readonly CommandId[] = Object.keys(CommandChanges) as CommandId[];

export const ContextKey = {
  /** "loading" | "missing" | "invalid" | "ready" */
  kubeconfigState: "aiPlatform.kubeconfigState",
  contextSelected: "aiPlatform.contextSelected",
  /** "none" | "connecting" | "synced" | "disconnected" | "forbidden" */
  clusterState: "aiPlatform.clusterState",
  /** The active editor holds a service manifest (aiplatform.yaml). */
  manifestActive: "aiPlatform.manifestActive",
  /** The selected context is read-only (aiPlatform.readOnlyContexts) and not unlocked. */
  contextReadOnly: "aiPlatform.contextReadOnly",
  /** The selected context matches a read-only pattern but was unlocked for this session. */
  contextUnlocked: "aiPlatform.contextUnlocked",
  /** A metrics source is configured for the selected context (aiPlatform.metrics.sources). */
  metricsConnected: "aiPlatform.metricsConnected",
  /** A model registry is configured for the selected context (aiPlatform.models.registries). */
  registryConnected: "aiPlatform.registryConnected",
  /** The Models view shows a filtered list. */
  modelsFiltered: "aiPlatform.modelsFiltered",
} as const;

export const SettingKey = {
  kubeconfigPaths: "aiPlatform.kubeconfigPaths",
  showAllDeployments: "aiPlatform.deployments.showAll",
  auditPath: "aiPlatform.audit.path",
  readOnlyContexts: "aiPlatform.readOnlyContexts",
  metricsSources: "aiPlatform.metrics.sources",
  addCliToPath: "aiPlatform.terminal.addCliToPath",
  /** The pod or namespace label naming a team (default "team"). */
  costTeamLabel: "aiPlatform.cost.teamLabel",
  /** Prices by instance type, and defaults; parsed by core's pricingFile.ts (parsePricingSetting). */
  costPrices: "aiPlatform.cost.prices",
  /** A pricing.yaml, relative to the first workspace folder. */
  costPricingFile: "aiPlatform.cost.pricingFile",
  /** Which model registry serves which kube context; parsed by core's registrySettings.ts. */
  modelRegistries: "aiPlatform.models.registries",
  /** How often the Models view asks the registry again while it is visible (MLflow has no watch). */
  modelsPollSeconds: "aiPlatform.models.pollSeconds",
  /** How far back Triage Service looks for changes and events (core's parseTriageLookback). */
  triageLookback: "aiPlatform.triage.lookback",
} as const;

/**
 * Tree rows' contextValues: what a row is, so `viewItem` clauses in package.json's menus pick
 * its actions. A unit test checks every clause against `allViewItems()` and back.
 */
export const ViewItem = {
  namespace: "namespace",
  group: (type: "pods" | "revisions" | "events") => `group.${type}` as const,
  /** `workload.deployment.degraded`, `workload.inferenceService.healthy.canary`. */
  workload: (kind: "Deployment" | "InferenceService", health: "Healthy" | "Progressing" | "Degraded" | "Failed" | "Unknown", canary: boolean) =>
    `workload.${kind === "InferenceService" ? "inferenceService" : "deployment"}.${health.toLowerCase()}${canary ? ".canary" : ""}`,
  /** A pod bound to a node, or one the scheduler has not placed. */
  pod: (scheduled: boolean) => (scheduled ? "pod.scheduled" : "pod.pending"),
  revision: (current: boolean) => (current ? "revision.current" : "revision"),
  event: (type: "normal" | "warning") => `event.${type}` as const,
  nodePool: "nodePool",
  /** `node.ready.schedulable`, `node.notReady.cordoned`. */
  node: (ready: boolean, cordoned: boolean) => `node.${ready ? "ready" : "notReady"}.${cordoned ? "cordoned" : "schedulable"}`,
  pendingGpuPods: "pendingGpuPods",
  registeredModel: "registeredModel",
  /** A version; `.served` when a workload serves it. */
  modelVersion: (served: boolean) => (served ? "modelVersion.served" : "modelVersion"),
  servingWorkload: "servingWorkload",
  unregisteredServing: "unregisteredServing",
  loadMore: "loadMore",
  registryProblem: "registryProblem",
} as const;

/** Every contextValue a row can have. */
export function allViewItems(): string[] {
  const bools = [false, true];
  const healths = ["Healthy", "Progressing", "Degraded", "Failed", "Unknown"] as const;
  return [
    ViewItem.namespace,
    ...(["pods", "revisions", "events"] as const).map(ViewItem.group),
    // An InferenceService (canaryTrafficPercent) and a Deployment pair (stable + <name>-canary) both run canaries.
    ...(["Deployment", "InferenceService"] as const).flatMap((kind) => healths.flatMap((h) => bools.map((c) => ViewItem.workload(kind, h, c)))),
    ...bools.map(ViewItem.pod),
    ...bools.map(ViewItem.revision),
    ...(["normal", "warning"] as const).map(ViewItem.event),
    ViewItem.nodePool,
    ...bools.flatMap((ready) => bools.map((cordoned) => ViewItem.node(ready, cordoned))),
    ViewItem.pendingGpuPods,
    ViewItem.registeredModel,
    ...bools.map(ViewItem.modelVersion),
    ViewItem.servingWorkload,
    ViewItem.unregisteredServing,
    ViewItem.loadMore,
    ViewItem.registryProblem,
  ];
}
