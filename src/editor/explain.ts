import { describeKubeconfigError, type KubeconfigError } from "../core/kube/client/kubeconfig";
import type { ConnectionState } from "./clusterConnection";
import type { ReadOnlyRefusal } from "../core/access/readOnlyContexts";
import { CommandId, SettingKey } from "./contributionIds";

export interface UserMessage {
  readonly text: string;
  /** Buttons: our commands, or a workbench command (e.g. workbench.trust.manage), with their arguments. */
  readonly actions: readonly { readonly title: string; readonly command: CommandId | `workbench.${string}`; readonly args?: readonly unknown[] }[];
}

/** The one place that decides how an expected failure looks to a person. */
export function explainKubeconfigError(error: KubeconfigError): UserMessage {
  const showLog = { title: "Show Log", command: CommandId.showLog } as const;
  const settings = { title: "Open Settings", command: CommandId.openKubeconfigSettings } as const;
  switch (error.kind) {
    case "none-found":
    case "no-contexts":
      return { text: describeKubeconfigError(error), actions: [settings] };
    case "unreadable":
    case "invalid":
      return { text: describeKubeconfigError(error), actions: [showLog, settings] };
  }
}

/** The line above a tree while it is not live; undefined when it is. */
export function describeConnection(state: ConnectionState): string | undefined {
  switch (state.kind) {
    case "none":
    case "synced":
      return undefined;
    case "connecting":
      return `Connecting to ${state.context.name}…`;
    case "disconnected":
      return `Cannot reach ${state.context.name} (${state.reason}). Retrying in ${Math.max(1, Math.round(state.retryInMs / 1000))} s; the view updates by itself.`;
    case "forbidden":
      return describeForbidden(state.context.name, state);
  }
}

/** 401 and 403 in words that say what is missing. */
export function describeForbidden(
  context: string,
  s: { readonly statusCode: 401 | 403; readonly resource: string; readonly namespace: string | undefined; readonly clusterScoped: boolean },
): string {
  if (s.statusCode === 401) return `${context} did not accept your credentials (401): log in again (for AKS: az aks get-credentials, or kubelogin).`;
  if (s.clusterScoped) return `Cannot list ${s.resource} at the cluster scope: forbidden; ask for a cluster-wide role that can read ${s.resource} (for example 'view' bound with a ClusterRoleBinding).`;
  return `Cannot list ${s.resource} in ${s.namespace ? `namespace ${s.namespace}` : "all namespaces"}: forbidden; ask for the 'view' role.`;
}

/** A change refused because the workspace is not trusted. */
export function explainUntrusted(action: string): UserMessage {
  return {
    text: `${action} is disabled in Restricted Mode: it changes a cluster or writes files, and this workspace is not trusted. The views keep working.`,
    actions: [{ title: "Manage Workspace Trust", command: "workbench.trust.manage" }],
  };
}

/** A change refused because its context is read-only (aiPlatform.readOnlyContexts). */
export function explainReadOnly(action: string, refusal: ReadOnlyRefusal): UserMessage {
  return {
    text: `${action} refused: context ${refusal.context} is read-only (it matches "${refusal.pattern}" in ${SettingKey.readOnlyContexts}). Unlock it for this session to change it.`,
    actions: [
      { title: "Unlock for This Session…", command: CommandId.unlockContext, args: [refusal.context] },
      { title: "Open Settings", command: "workbench.action.openSettings", args: [SettingKey.readOnlyContexts] },
    ],
  };
}
