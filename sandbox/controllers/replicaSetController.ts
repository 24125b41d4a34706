/**
 * The ReplicaSet controller: creates pods <replicaset>-<5 random chars> from the template and
 * deletes the least valuable ones (unscheduled, pending, not ready, most restarts, newest first)
 * to match spec.replicas, and reports replicas, fullyLabeled, ready and available counts.
 */
import { type StoreEvent } from "../objectStore";
import { type Controller, type ControllerContext, isKind, kinds, writeObject } from "./controllerContext";
import { type Pod, type ReplicaSet, type ReplicaSetStatus, conditionOf, controllerUid } from "./kubeShapes";
import { selectorMatches } from "./labelSelector";

const source = { component: "replicaset-controller" };
const phaseRank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

export function isActivePod(pod: Pod): boolean {
  return !pod.metadata.deletionTimestamp && pod.status?.phase !== "Succeeded" && pod.status?.phase !== "Failed";
}

export function isPodReady(pod: Pod): boolean {
  return conditionOf(pod.status?.conditions, "Ready")?.status === "True";
}

/** Ready for at least minReadySeconds, as podutil.IsPodAvailable. */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: Date): boolean {
  const ready = conditionOf(pod.status?.conditions, "Ready");
  if (ready?.status !== "True") return false;
  if (minReadySeconds <= 0) return true;
  return Date.parse(ready.lastTransitionTime ?? "") + minReadySeconds * 1000 <= now.getTime();
}

const restarts = (pod: Pod): number => (pod.status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0);

/** controller.ActivePods ordering: the first pods in this order are deleted first. */
export function deletionOrder(a: Pod, b: Pod): number {
  const assigned = (p: Pod): number => (p.spec.nodeName ? 1 : 0);
  if (assigned(a) !== assigned(b)) return assigned(a) - assigned(b);
  const phase = (p: Pod): number => phaseRank[p.status?.phase ?? "Pending"] ?? 0;
  if (phase(a) !== phase(b)) return phase(a) - phase(b);
  const ready = (p: Pod): number => (isPodReady(p) ? 1 : 0);
  if (ready(a) !== ready(b)) return ready(a) - ready(b);
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  return (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? "");
}

export class ReplicaSetController implements Controller {
  constructor(private readonly ctx: ControllerContext) {}

  handle(event: StoreEvent): void {
    if (isKind(event, kinds.replicaSets)) {
      if (event.type !== "DELETED") this.enqueue(event.object.metadata.namespace ?? "", event.object.metadata.name ?? "");
    } else if (isKind(event, kinds.pods)) {
      const owner = event.object.metadata.ownerReferences?.find((r) => r.controller === true && r.kind === "ReplicaSet");
      if (owner) this.enqueue(event.object.metadata.namespace ?? "", owner.name);
    }
  }

  resync(): void {
    for (const rs of this.ctx.store.list(kinds.replicaSets)) this.enqueue(rs.metadata.namespace ?? "", rs.metadata.name ?? "");
  }

  private enqueue(namespace: string, name: string, afterMs?: number): void {
    const key = `replicaset:${namespace}/${name}`;
    if (afterMs === undefined) this.ctx.queue.add(key, () => this.sync(namespace, name));
    else this.ctx.queue.after(afterMs, key, () => this.sync(namespace, name));
  }

  private pods(rs: ReplicaSet): Pod[] {
    return (this.ctx.store.list(kinds.pods, rs.metadata.namespace) as Pod[]).filter((p) => controllerUid(p) === rs.metadata.uid && isActivePod(p));
  }

  sync(namespace: string, name: string): void {
    const rs = this.ctx.store.get(kinds.replicaSets, namespace, name) as ReplicaSet | undefined;
    if (!rs || rs.metadata.deletionTimestamp) return;
    const pods = this.pods(rs);
    const wanted = rs.spec.replicas ?? 1;
    if (pods.length < wanted) {
      for (let i = pods.length; i < wanted; i++) this.createPod(rs);
    } else if (pods.length > wanted) {
      for (const pod of [...pods].sort(deletionOrder).slice(0, pods.length - wanted)) {
        this.ctx.verbs.delete(kinds.pods, namespace, pod.metadata.name ?? "", { dryRun: false });
        this.ctx.events.record(kinds.replicaSets, rs, { type: "Normal", reason: "SuccessfulDelete", message: `Deleted pod: ${pod.metadata.name ?? ""}`, source });
      }
    }
    this.writeStatus(rs);
  }

  private createPod(rs: ReplicaSet): void {
    const template = rs.spec.template;
    const pod = this.ctx.verbs.create(
      kinds.pods,
      rs.metadata.namespace,
      {
        metadata: {
          generateName: `${rs.metadata.name ?? ""}-`,
          namespace: rs.metadata.namespace,
          labels: { ...template.metadata?.labels },
          ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
          ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: rs.metadata.name ?? "", uid: rs.metadata.uid ?? "", controller: true, blockOwnerDeletion: true }],
        },
        spec: structuredClone(template.spec),
      },
      { dryRun: false },
    );
    this.ctx.events.record(kinds.replicaSets, rs, { type: "Normal", reason: "SuccessfulCreate", message: `Created pod: ${pod.metadata.name ?? ""}`, source });
  }

  private writeStatus(rs0: ReplicaSet): void {
    const rs = (this.ctx.store.get(kinds.replicaSets, rs0.metadata.namespace, rs0.metadata.name ?? "") as ReplicaSet | undefined) ?? rs0;
    const pods = this.pods(rs);
    const now = this.ctx.now();
    const minReady = rs.spec.minReadySeconds ?? 0;
    const counts = {
      fullyLabeledReplicas: pods.filter((p) => selectorMatches({ matchLabels: rs.spec.template.metadata?.labels ?? {} }, p.metadata.labels) || !rs.spec.template.metadata?.labels).length,
      readyReplicas: pods.filter(isPodReady).length,
      availableReplicas: pods.filter((p) => isPodAvailable(p, minReady, now)).length,
      observedGeneration: rs.metadata.generation ?? 0,
    };
    const status: ReplicaSetStatus = { replicas: pods.length };
    for (const [k, v] of Object.entries(counts)) if (v !== 0) (status as unknown as Record<string, number>)[k] = v;
    if (counts.readyReplicas > counts.availableReplicas) this.enqueue(rs.metadata.namespace ?? "", rs.metadata.name ?? "", 1000);
    if (JSON.stringify(status) === JSON.stringify(rs.status ?? {})) return;
    writeObject(this.ctx, kinds.replicaSets, { ...rs, status }, "status");
  }
}
