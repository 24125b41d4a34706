import { describeKubeconfigError, type KubeconfigError } from "../core/kube/kubeconfig";
import type { ConnectionState } from "./clusterConnection";
import { CommandId } from "./contributionIds";

export interface UserMessage {
  readonly text: string;
  readonly actions: readonly { readonly title: string; readonly command: CommandId }[];
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
    case "forbidden": {
      const where = state.namespace ? `in namespace ${state.namespace}` : "in all namespaces";
      return state.statusCode === 401
        ? `${state.context.name} did not accept your credentials (401): log in again (for AKS: az aks get-credentials, or kubelogin).`
        : `Cannot list ${state.resource} ${where}: forbidden; ask for the 'view' role.`;
    }
  }
}
