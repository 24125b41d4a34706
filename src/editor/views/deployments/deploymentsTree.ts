import * as z from "zod";
import type { CoreV1Event, V1ReplicaSet } from "@kubernetes/client-node";
import type { ClusterModel, ClusterModelChange } from "../../../core/kube/cache/clusterModel";
import { eventTime } from "../../../core/kube/objects/kubeTime";
import { revisionAnnotation } from "../../../core/kube/objects/wellKnownAnnotations";
import { eventKey, type Workload } from "../../../core/kube/workloads/workloadIndex";
import { ModelTree, type AffectedRows } from "../modelTree";

const Id = z.string().min(1).max(1024);

/**
 * Tree elements are ids: the provider resolves them against the live model on every read. The
 * schema is what a command checks a row argument against before using it.
 */
export const DeploymentsNode = z.discriminatedUnion("type", [
  z.object({ type: z.literal("namespace"), id: Id, namespace: Id }),
  z.object({ type: z.literal("workload"), id: Id }),
  z.object({ type: z.enum(["pods", "revisions", "events"]), id: Id, workloadId: Id }),
  z.object({ type: z.literal("pod"), id: Id, workloadId: Id, namespace: Id, name: Id }),
  z.object({ type: z.literal("revision"), id: Id, workloadId: Id, key: Id }),
  z.object({ type: z.literal("event"), id: Id, workloadId: Id, key: Id }),
]);
export type DeploymentsNode = Readonly<z.infer<typeof DeploymentsNode>>;

const groups = ["pods", "revisions", "events"] as const;

/** The workload a row belongs to: the workload row itself, or one of its groups or members. */
export function workloadIdOfNode(node: DeploymentsNode): string | undefined {
  if (node.type === "workload") return node.id;
  return "workloadId" in node ? node.workloadId : undefined;
}

/** The workload a row belongs to, looked up in the model; undefined when it is gone. */
export function workloadOfNode(model: ClusterModel | undefined, node: DeploymentsNode): Workload | undefined {
  const id = workloadIdOfNode(node);
  return id ? model?.workloads.workload(id) : undefined;
}

/** Newest revision first. */
export function sortedRevisions(replicaSets: readonly V1ReplicaSet[]): V1ReplicaSet[] {
  const rev = (rs: V1ReplicaSet): number => Number(rs.metadata?.annotations?.[revisionAnnotation] ?? 0);
  return [...replicaSets].sort((a, b) => rev(b) - rev(a));
}

/** Warnings first, then newest first. */
export function sortedEvents(events: readonly CoreV1Event[]): CoreV1Event[] {
  return [...events].sort((a, b) => (a.type === "Warning" ? 0 : 1) - (b.type === "Warning" ? 0 : 1) || (eventTime(b) ?? 0) - (eventTime(a) ?? 0));
}

/** Namespaces → workloads → pods, revisions and events, over the model's workload index. */
export class DeploymentsTree extends ModelTree<DeploymentsNode> {
  constructor(
    /** The model, or undefined while there is none or it is still connecting. */
    private readonly model: () => ClusterModel | undefined,
    /** The namespace the user chose to see; undefined for all. */
    private readonly namespaceFilter: () => string | undefined,
  ) {
    super();
  }

  /** The row of a workload's revision held by a ReplicaSet, for reveal (a chart's change marker). */
  revisionNodeFor(workloadId: string, replicaSet: string): DeploymentsNode | undefined {
    return this.model()?.workloads.workload(workloadId) ? this.internWithAncestors({ type: "revision", id: `${workloadId}/revision/${replicaSet}`, workloadId, key: replicaSet }) : undefined;
  }

  workloadOf(node: DeploymentsNode): Workload | undefined {
    return workloadOfNode(this.model(), node);
  }

  protected listChildren(node: DeploymentsNode | undefined): DeploymentsNode[] {
    const index = this.model()?.workloads;
    if (!index) return [];
    if (!node) {
      const only = this.namespaceFilter();
      return index
        .namespaces()
        .filter((namespace) => only === undefined || namespace === only)
        .map((namespace) => ({ type: "namespace", id: `namespace/${namespace}`, namespace }));
    }
    const w = this.workloadOf(node);
    switch (node.type) {
      case "namespace":
        return index.workloads(node.namespace).map((x) => ({ type: "workload", id: x.id }));
      case "workload":
        return w ? groups.map((type) => ({ type, id: `${node.id}/${type}`, workloadId: node.id })) : [];
      case "pods":
        return (w ? index.podsOf(w) : []).map((p) => {
          const name = p.metadata?.name ?? "";
          return { type: "pod", id: `${node.workloadId}/pod/${name}`, workloadId: node.workloadId, namespace: p.metadata?.namespace ?? "", name };
        });
      case "revisions":
        return sortedRevisions(w ? index.replicaSetsOf(w) : []).map((rs) => {
          const key = rs.metadata?.name ?? "";
          return { type: "revision", id: `${node.workloadId}/revision/${key}`, workloadId: node.workloadId, key };
        });
      case "events":
        return sortedEvents(w ? index.eventsOf(w) : []).map((e) => ({ type: "event", id: `${node.workloadId}/event/${eventKey(e)}`, workloadId: node.workloadId, key: eventKey(e) }));
      default:
        return [];
    }
  }

  protected parentRecord(node: DeploymentsNode): DeploymentsNode | undefined {
    switch (node.type) {
      case "namespace":
        return undefined;
      case "workload": {
        const w = this.model()?.workloads.workload(node.id);
        return w ? { type: "namespace", id: `namespace/${w.namespace}`, namespace: w.namespace } : undefined;
      }
      case "pods":
      case "revisions":
      case "events":
        return { type: "workload", id: node.workloadId };
      default: {
        const group = node.type === "pod" ? "pods" : node.type === "revision" ? "revisions" : "events";
        return { type: group, id: `${node.workloadId}/${group}`, workloadId: node.workloadId };
      }
    }
  }

  protected exists(node: DeploymentsNode): boolean {
    const index = this.model()?.workloads;
    if (!index) return false;
    if (node.type === "namespace") return index.workloads(node.namespace).length > 0;
    const w = this.workloadOf(node);
    if (!w) return false;
    switch (node.type) {
      case "pod":
        return index.podsOf(w).some((p) => p.metadata?.name === node.name);
      case "revision":
        return index.replicaSetsOf(w).some((rs) => rs.metadata?.name === node.key);
      case "event":
        return index.eventsOf(w).some((e) => eventKey(e) === node.key);
      default:
        return true;
    }
  }

  protected affected(change: ClusterModelChange): AffectedRows {
    const ids: string[] = [];
    for (const ns of change.namespaces) ids.push(`namespace/${ns}`);
    for (const id of change.workloads) ids.push(id, ...groups.map((g) => `${id}/${g}`));
    return { root: change.namespaceList, ids };
  }
}
