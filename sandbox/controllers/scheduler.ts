/**
 * The default scheduler: binds pending pods without a node to the least allocated node that
 * passes the filters, or marks them PodScheduled=False (Unschedulable) with a FailedScheduling
 * event, and tries them again when nodes change or bound pods go away.
 */
import { type StoreEvent } from "../objectStore";
import { type Controller, type ControllerContext, isKind, kinds, writeObject } from "./controllerContext";
import { type Condition, type Node, type Pod, timestamp } from "./kubeShapes";
import { isActivePod } from "./replicaSetController";
import { evaluateNode, fitErrorMessage, pickNode } from "./schedulingFit";

const source = { component: "default-scheduler" };

export function needsScheduling(pod: Pod): boolean {
  return !pod.spec.nodeName && !pod.metadata.deletionTimestamp && (pod.spec.schedulerName ?? "default-scheduler") === "default-scheduler" && (pod.status?.phase ?? "Pending") === "Pending";
}

function withCondition(conditions: readonly Condition[] | undefined, condition: Condition): Condition[] {
  const current = conditions?.find((c) => c.type === condition.type);
  const next = current && current.status === condition.status ? { ...condition, lastTransitionTime: current.lastTransitionTime } : condition;
  return current ? (conditions ?? []).map((c) => (c.type === condition.type ? next : c)) : [...(conditions ?? []), next];
}

export class Scheduler implements Controller {
  private readonly unschedulable = new Set<string>();

  constructor(private readonly ctx: ControllerContext) {}

  handle(event: StoreEvent): void {
    if (isKind(event, kinds.nodes)) {
      if (event.type !== "DELETED") this.retryUnschedulable();
      return;
    }
    if (!isKind(event, kinds.pods)) return;
    const pod = event.object as Pod;
    const key = `${pod.metadata.namespace ?? ""}/${pod.metadata.name ?? ""}`;
    if (event.type === "DELETED") {
      this.unschedulable.delete(key);
      if (pod.spec.nodeName) this.retryUnschedulable();
      return;
    }
    if (needsScheduling(pod)) this.enqueue(pod.metadata.namespace ?? "", pod.metadata.name ?? "");
    else if (event.previous && isActivePod(event.previous as Pod) && !isActivePod(pod)) this.retryUnschedulable();
  }

  resync(): void {
    for (const pod of this.ctx.store.list(kinds.pods) as Pod[]) if (needsScheduling(pod)) this.enqueue(pod.metadata.namespace ?? "", pod.metadata.name ?? "");
  }

  private retryUnschedulable(): void {
    for (const key of this.unschedulable) {
      const [namespace = "", name = ""] = key.split("/");
      this.enqueue(namespace, name);
    }
  }

  private enqueue(namespace: string, name: string): void {
    this.ctx.queue.add(`schedule:${namespace}/${name}`, () => this.schedule(namespace, name));
  }

  schedule(namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    const pod = this.ctx.store.get(kinds.pods, namespace, name) as Pod | undefined;
    if (!pod || !needsScheduling(pod)) {
      this.unschedulable.delete(key);
      return;
    }
    const nodes = this.ctx.store.list(kinds.nodes) as Node[];
    const byNode = new Map<string, Pod[]>();
    for (const p of this.ctx.store.list(kinds.pods) as Pod[]) {
      if (!p.spec.nodeName || !isActivePod(p)) continue;
      byNode.set(p.spec.nodeName, [...(byNode.get(p.spec.nodeName) ?? []), p]);
    }
    const candidates = nodes.map((node) => ({ node, podsOnNode: byNode.get(node.metadata.name ?? "") ?? [] }));
    const verdicts = candidates.map((c) => evaluateNode(pod, c.node, c.podsOnNode));
    const chosen = pickNode(pod, candidates.filter((_, i) => verdicts[i]?.reasons.length === 0));
    const now = timestamp(this.ctx.now());
    if (!chosen) {
      this.unschedulable.add(key);
      const message = fitErrorMessage(verdicts);
      const condition: Condition = { type: "PodScheduled", status: "False", lastProbeTime: null, lastTransitionTime: now, reason: "Unschedulable", message };
      const written = writeObject(this.ctx, kinds.pods, { ...pod, status: { ...pod.status, conditions: withCondition(pod.status?.conditions, condition) } }, "status");
      this.ctx.events.record(kinds.pods, written, { type: "Warning", reason: "FailedScheduling", message, source });
      return;
    }
    this.unschedulable.delete(key);
    const nodeName = chosen.metadata.name ?? "";
    const bound = writeObject(this.ctx, kinds.pods, { ...pod, spec: { ...pod.spec, nodeName } });
    const condition: Condition = { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: now };
    const scheduled = writeObject(this.ctx, kinds.pods, { ...bound, status: { ...bound.status, conditions: withCondition(bound.status?.conditions, condition) } }, "status");
    this.ctx.events.record(kinds.pods, scheduled, { type: "Normal", reason: "Scheduled", message: `Successfully assigned ${namespace}/${name} to ${nodeName}`, source });
  }
}
