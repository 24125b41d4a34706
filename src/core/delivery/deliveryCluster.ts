/**
 * What delivery metrics read from a cluster: the rollout history of each Deployment (its
 * ReplicaSets, the way `kubectl rollout history` reads them) and the namespaces' team labels.
 * Whatever cannot be read becomes a blind spot of the report, never a failure of it.
 */
import type { KubeConfig, V1Namespace } from "@kubernetes/client-node";
import { KubeApiError } from "../kube/client/kubeRequest";
import { collectionPath, ResourceTypes } from "../kube/client/resourceTypes";
import type { ActionError } from "../kube/rollout/clusterActions";
import { deploymentRevisions, readDeploymentHistory } from "../kube/rollout/rolloutUndo";
import { listAll } from "../policy/clusterCapacity";
import type { DeliveryBlindSpot, DeliveryServiceRef } from "../../shared/protocol/delivery";
import type { ServiceHistory } from "./deliveryTimeline";
import type { TeamSources } from "./serviceTeam";

export interface DeliveryClusterData {
  readonly histories: readonly ServiceHistory[];
  readonly namespaceLabels: TeamSources["namespaceLabels"];
  readonly blindSpots: readonly DeliveryBlindSpot[];
}

function reasonOf(e: ActionError): { reason: "forbidden" | "not-found" | "unreachable" | "other"; detail?: string } {
  switch (e.kind) {
    case "forbidden":
      return { reason: "forbidden", detail: e.message };
    case "not-found":
      return { reason: "not-found" };
    case "unreachable":
      return { reason: "unreachable", detail: e.message };
    default:
      return { reason: "other", detail: e.message };
  }
}

/** Reads the histories of the Deployments among `services` (all in `context`) and every namespace's labels. */
export async function readDeliveryCluster(kc: KubeConfig, context: string, services: readonly DeliveryServiceRef[], signal?: AbortSignal): Promise<DeliveryClusterData> {
  const blindSpots: DeliveryBlindSpot[] = [];
  const deployments = services.filter((s) => s.context === context && s.kind === "Deployment");
  const read = await Promise.all(deployments.map(async (service) => ({ service, history: await readDeploymentHistory(kc, service.namespace, service.name, signal) })));
  const histories: ServiceHistory[] = [];
  for (const { service, history } of read) {
    if (history.ok) histories.push({ service, revisions: deploymentRevisions(history.deployment, history.replicaSets) });
    else blindSpots.push({ kind: "history-unreadable", service, ...reasonOf(history.error) });
  }
  let namespaceLabels: TeamSources["namespaceLabels"] = [];
  try {
    const namespaces = await listAll<V1Namespace>(kc, collectionPath(ResourceTypes.namespaces), signal);
    namespaceLabels = namespaces.map((ns) => ({ context, namespace: ns.metadata?.name ?? "", labels: ns.metadata?.labels ?? {} }));
  } catch (err) {
    if (signal?.aborted) throw err;
    const forbidden = err instanceof KubeApiError && (err.statusCode === 401 || err.statusCode === 403);
    blindSpots.push({ kind: "namespaces-unreadable", reason: forbidden ? "forbidden" : err instanceof KubeApiError ? "other" : "unreachable", detail: err instanceof Error ? err.message : String(err) });
  }
  return { histories, namespaceLabels, blindSpots };
}
