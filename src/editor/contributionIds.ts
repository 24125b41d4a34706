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
} as const;
export type CommandId = (typeof CommandId)[keyof typeof CommandId];

/** Commands that change a cluster or a file; they are disabled in Restricted Mode. */
export const MutatingCommandIds: readonly CommandId[] = [
  CommandId.restartWorkload,
  CommandId.scaleWorkload,
  CommandId.cordonNode,
  CommandId.uncordonNode,
  CommandId.scaffoldService,
  CommandId.deployService,
  CommandId.rollbackWorkload,
  CommandId.promoteCanary,
  CommandId.approveDeployment,
  CommandId.exportAuditLog,
];

export const ContextKey = {
  /** "loading" | "missing" | "invalid" | "ready" */
  kubeconfigState: "aiPlatform.kubeconfigState",
  contextSelected: "aiPlatform.contextSelected",
  /** "none" | "connecting" | "synced" | "disconnected" | "forbidden" */
  clusterState: "aiPlatform.clusterState",
  /** The active editor holds a service manifest (aiplatform.yaml). */
  manifestActive: "aiPlatform.manifestActive",
} as const;

export const SettingKey = {
  kubeconfigPaths: "aiPlatform.kubeconfigPaths",
  showAllDeployments: "aiPlatform.deployments.showAll",
  auditPath: "aiPlatform.audit.path",
} as const;
