import type { ClusterConnection } from "../clusterConnection";
import { explainNotConnected } from "../explain";
import { showUserMessage } from "./commandRunner";
import type { ClusterTarget } from "./rolloutFollower";

/** The connected cluster a command acts on, or undefined after saying that no context is connected. */
export function connectedTarget(connection: ClusterConnection): ClusterTarget | undefined {
  const state = connection.state;
  const kc = connection.kubeConfig;
  if (state.kind === "none" || !kc) {
    void showUserMessage(explainNotConnected());
    return undefined;
  }
  return { kc, context: state.context };
}
