import { describeKubeconfigError, type KubeconfigError } from "../core/kube/kubeconfig";
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
