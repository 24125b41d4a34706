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
} as const;
export type CommandId = (typeof CommandId)[keyof typeof CommandId];

/**
 * What a command changes, declared once; the command wrapper (commands/commandRunner.ts) refuses
 * on that basis, so no handler wires the refusal by hand:
 * - "selected-cluster": the selected context's cluster; refused in Restricted Mode and on a read-only context;
 * - "cluster": a cluster the command resolves itself (a manifest environment's); refused in
 *   Restricted Mode, and the command checks its own target against the read-only contexts;
 * - "files": files in the workspace; refused in Restricted Mode.
 */
export const CommandChanges: Partial<Readonly<Record<CommandId, { readonly action: string; readonly changes: "selected-cluster" | "cluster" | "files" }>>> = {
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
} as const;

export const SettingKey = {
  kubeconfigPaths: "aiPlatform.kubeconfigPaths",
  showAllDeployments: "aiPlatform.deployments.showAll",
  auditPath: "aiPlatform.audit.path",
  readOnlyContexts: "aiPlatform.readOnlyContexts",
} as const;
