/**
 * The resources the sandbox serves: one table drives routing, discovery, validation, field
 * selectors and generation handling, so adding a kind is one entry here.
 */

export type Subresource = "status" | "scale" | "log";

export interface ResourceType {
  /** "" for the core (legacy) group. */
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  subresources: Subresource[];
  /** metadata.generation is kept and bumped when spec changes. */
  hasGeneration: boolean;
  /** Namespaces and services need DNS-1123 labels; most others accept subdomains. */
  nameRule: "subdomain" | "label";
  /** Field selector keys beyond metadata.name and metadata.namespace, as the real server registers them. */
  selectableFields: string[];
}

const allVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

export const resourceTypes: readonly ResourceType[] = [
  {
    group: "", version: "v1", plural: "namespaces", singular: "namespace", kind: "Namespace", namespaced: false,
    shortNames: ["ns"], categories: [], subresources: ["status"], hasGeneration: false, nameRule: "label", selectableFields: ["status.phase"],
  },
  {
    group: "", version: "v1", plural: "nodes", singular: "node", kind: "Node", namespaced: false,
    shortNames: ["no"], categories: [], subresources: ["status"], hasGeneration: false, nameRule: "subdomain", selectableFields: ["spec.unschedulable"],
  },
  {
    group: "", version: "v1", plural: "pods", singular: "pod", kind: "Pod", namespaced: true,
    shortNames: ["po"], categories: ["all"], subresources: ["status", "log"], hasGeneration: false, nameRule: "subdomain",
    selectableFields: [
      "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork",
      "status.phase", "status.podIP", "status.nominatedNodeName",
    ],
  },
  {
    group: "", version: "v1", plural: "events", singular: "event", kind: "Event", namespaced: true,
    shortNames: ["ev"], categories: [], subresources: [], hasGeneration: false, nameRule: "subdomain",
    selectableFields: [
      "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion",
      "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type",
    ],
  },
  {
    group: "", version: "v1", plural: "services", singular: "service", kind: "Service", namespaced: true,
    shortNames: ["svc"], categories: ["all"], subresources: ["status"], hasGeneration: false, nameRule: "label", selectableFields: [],
  },
  {
    group: "apps", version: "v1", plural: "deployments", singular: "deployment", kind: "Deployment", namespaced: true,
    shortNames: ["deploy"], categories: ["all"], subresources: ["status", "scale"], hasGeneration: true, nameRule: "subdomain", selectableFields: [],
  },
  {
    group: "apps", version: "v1", plural: "replicasets", singular: "replicaset", kind: "ReplicaSet", namespaced: true,
    shortNames: ["rs"], categories: ["all"], subresources: ["status", "scale"], hasGeneration: true, nameRule: "subdomain", selectableFields: ["status.replicas"],
  },
  {
    group: "autoscaling", version: "v2", plural: "horizontalpodautoscalers", singular: "horizontalpodautoscaler", kind: "HorizontalPodAutoscaler", namespaced: true,
    shortNames: ["hpa"], categories: ["all"], subresources: ["status"], hasGeneration: false, nameRule: "subdomain", selectableFields: [],
  },
  {
    group: "policy", version: "v1", plural: "poddisruptionbudgets", singular: "poddisruptionbudget", kind: "PodDisruptionBudget", namespaced: true,
    shortNames: ["pdb"], categories: [], subresources: ["status"], hasGeneration: true, nameRule: "subdomain", selectableFields: [],
  },
  {
    group: "networking.k8s.io", version: "v1", plural: "networkpolicies", singular: "networkpolicy", kind: "NetworkPolicy", namespaced: true,
    shortNames: ["netpol"], categories: [], subresources: [], hasGeneration: true, nameRule: "subdomain", selectableFields: [],
  },
  // The Prometheus Operator's CRD, as its bundle installs it.
  {
    group: "monitoring.coreos.com", version: "v1", plural: "servicemonitors", singular: "servicemonitor", kind: "ServiceMonitor", namespaced: true,
    shortNames: ["smon"], categories: ["prometheus-operator"], subresources: [], hasGeneration: true, nameRule: "subdomain", selectableFields: [],
  },
  {
    group: "serving.kserve.io", version: "v1beta1", plural: "inferenceservices", singular: "inferenceservice", kind: "InferenceService", namespaced: true,
    shortNames: ["isvc"], categories: ["all"], subresources: ["status"], hasGeneration: true, nameRule: "label", selectableFields: [],
  },
];

export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/**
 * Served by a CustomResourceDefinition rather than built in: built-in groups are the core
 * group, dotless names (apps, policy) and *.k8s.io, which Kubernetes reserves for itself.
 */
export function isCustomResource(type: ResourceType): boolean {
  return type.group.includes(".") && !type.group.endsWith(".k8s.io");
}

/** A stable key for a resource across the store, the watch hub and the table printer. */
export function resourceKey(type: ResourceType): string {
  return `${type.group}/${type.plural}`;
}

export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return resourceTypes.find((t) => t.group === group && t.version === version && t.plural === plural);
}

export function findResourceByKind(apiVersion: string, kind: string): ResourceType | undefined {
  return resourceTypes.find((t) => apiVersionOf(t) === apiVersion && t.kind === kind);
}

export function verbsOf(_type: ResourceType): string[] {
  return allVerbs;
}

export function subresourceVerbs(subresource: Subresource): string[] {
  return subresource === "log" ? ["get"] : ["get", "patch", "update"];
}
