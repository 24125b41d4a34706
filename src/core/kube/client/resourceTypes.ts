/** The API resources the extension watches, and how their collection paths are built. */
export interface ResourceType {
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

export const ResourceTypes = {
  namespaces: { apiVersion: "v1", kind: "Namespace", plural: "namespaces", namespaced: false },
  nodes: { apiVersion: "v1", kind: "Node", plural: "nodes", namespaced: false },
  pods: { apiVersion: "v1", kind: "Pod", plural: "pods", namespaced: true },
  events: { apiVersion: "v1", kind: "Event", plural: "events", namespaced: true },
  services: { apiVersion: "v1", kind: "Service", plural: "services", namespaced: true },
  deployments: { apiVersion: "apps/v1", kind: "Deployment", plural: "deployments", namespaced: true },
  replicaSets: { apiVersion: "apps/v1", kind: "ReplicaSet", plural: "replicasets", namespaced: true },
  inferenceServices: { apiVersion: "serving.kserve.io/v1beta1", kind: "InferenceService", plural: "inferenceservices", namespaced: true },
} as const satisfies Record<string, ResourceType>;

/** `/api/v1/pods`, `/apis/apps/v1/namespaces/ml/deployments`: all namespaces when none is given. */
export function collectionPath(type: ResourceType, namespace?: string): string {
  const base = type.apiVersion.includes("/") ? `/apis/${type.apiVersion}` : `/api/${type.apiVersion}`;
  const ns = type.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${base}${ns}/${type.plural}`;
}
