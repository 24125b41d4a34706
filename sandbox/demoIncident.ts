/**
 * When the demo's incident began: revision 2 of llm-serving/vllm-llama3-70b, whose pod template
 * doubles p95 and raises errors (sandbox/metrics/trafficModel.ts). The Azure fakes turn their
 * online endpoint slow at the same moment, so every source tells one story.
 */
import { type ObjectStore } from "./objectStore";
import { findResource, type ResourceType } from "./resourceTypes";

export const demoIncidentRevision = { namespace: "llm-serving", deployment: "vllm-llama3-70b", revision: "2" } as const;

const replicaSets = findResource("apps", "v1", "replicasets") as ResourceType;

/** Unix ms of the incident revision's ReplicaSet creation; undefined when the scenario has no such ReplicaSet. */
export function demoIncidentAtMs(store: ObjectStore): number | undefined {
  const { namespace, deployment, revision } = demoIncidentRevision;
  const rs = store
    .list(replicaSets, namespace)
    .find(
      (r) =>
        r.metadata.annotations?.["deployment.kubernetes.io/revision"] === revision &&
        (r.metadata.ownerReferences ?? []).some((o) => o.kind === "Deployment" && o.name === deployment && o.controller === true),
    );
  const created = rs?.metadata.creationTimestamp ? Date.parse(rs.metadata.creationTimestamp) : Number.NaN;
  return Number.isFinite(created) ? created : undefined;
}
