/** The autoscaling/v1 Scale view of a deployment or replica set, which kubectl scale reads and patches. */
import { type KubeObject } from "./kubeObject";

export interface Scale {
  kind: "Scale";
  apiVersion: "autoscaling/v1";
  metadata: { name?: string; namespace?: string; uid?: string; resourceVersion?: string; creationTimestamp?: string };
  spec: { replicas: number };
  status: { replicas: number; selector: string };
}

function numberAt(value: unknown, key: string): number | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const n = (value as Record<string, unknown>)[key];
  return typeof n === "number" ? n : undefined;
}

/** The label selector as a string, the form Scale.status.selector has. */
function selectorString(spec: unknown): string {
  const selector = typeof spec === "object" && spec !== null ? (spec as Record<string, unknown>).selector : undefined;
  if (typeof selector !== "object" || selector === null) return "";
  const { matchLabels, matchExpressions } = selector as { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
  const parts = Object.entries(matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of matchExpressions ?? []) {
    if (e.operator === "In" || e.operator === "NotIn") parts.push(`${e.key} ${e.operator.toLowerCase()} (${(e.values ?? []).join(",")})`);
    else if (e.operator === "Exists") parts.push(e.key);
    else if (e.operator === "DoesNotExist") parts.push(`!${e.key}`);
  }
  return parts.join(",");
}

export function scaleOf(workload: KubeObject): Scale {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = workload.metadata;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: numberAt(workload.spec, "replicas") ?? 1 },
    status: { replicas: numberAt(workload.status, "replicas") ?? 0, selector: selectorString(workload.spec) },
  };
}

/** The workload with the replica count of a written Scale; everything else is kept. */
export function withReplicas(workload: KubeObject, replicas: number): KubeObject {
  const spec = typeof workload.spec === "object" && workload.spec !== null ? workload.spec : {};
  return { ...workload, spec: { ...spec, replicas } };
}
