/**
 * The scheduler's Filter plugins in their default order (NodeUnschedulable, TaintToleration,
 * NodeAffinity, NodeResourcesFit), and the FitError message a pod that fits nowhere gets:
 * "0/12 nodes are available: <count> <reason>, ... preemption: 0/12 nodes are available: ...".
 */
import { type Node, type Pod, type Taint, type Toleration, conditionOf } from "./kubeShapes";
import { parseQuantity } from "./quantity";

export interface NodeVerdict {
  node: string;
  reasons: string[];
  /** UnschedulableAndUnresolvable: preemption cannot help on this node. */
  unresolvable: boolean;
}

/** The requests the scheduler counts: the larger of the sum of containers and any init container. */
export function podRequests(pod: Pod): Map<string, number> {
  const total = new Map<string, number>();
  for (const c of pod.spec.containers) {
    // A resource given only as a limit is requested at the limit, as API defaulting does.
    const requests = { ...c.resources?.limits, ...c.resources?.requests };
    for (const [k, v] of Object.entries(requests)) total.set(k, (total.get(k) ?? 0) + parseQuantity(v));
  }
  for (const c of pod.spec.initContainers ?? []) {
    for (const [k, v] of Object.entries(c.resources?.requests ?? {})) total.set(k, Math.max(total.get(k) ?? 0, parseQuantity(v)));
  }
  return total;
}

export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.operator === "Exists") return !toleration.key || toleration.key === taint.key;
  return toleration.key === taint.key && (toleration.value ?? "") === (taint.value ?? "");
}

/** The node's taints, plus the ones the node lifecycle controller adds to a node that is not Ready. */
export function effectiveTaints(node: Node): Taint[] {
  const taints = [...(node.spec?.taints ?? [])];
  const ready = conditionOf(node.status?.conditions, "Ready");
  const implied = ready?.status === "False" ? "node.kubernetes.io/not-ready" : ready?.status === "True" ? undefined : "node.kubernetes.io/unreachable";
  if (implied && !taints.some((t) => t.key === implied && t.effect === "NoSchedule")) taints.push({ key: implied, effect: "NoSchedule" });
  return taints;
}

function matchesExpression(labels: Record<string, string>, e: { key: string; operator: string; values?: string[] }): boolean {
  const value = labels[e.key];
  switch (e.operator) {
    case "In":
      return value !== undefined && (e.values ?? []).includes(value);
    case "NotIn":
      return value === undefined || !(e.values ?? []).includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    case "Gt":
      return value !== undefined && Number(value) > Number(e.values?.[0]);
    case "Lt":
      return value !== undefined && Number(value) < Number(e.values?.[0]);
    default:
      return false;
  }
}

export function matchesNodeSelector(pod: Pod, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  if (!Object.entries(pod.spec.nodeSelector ?? {}).every(([k, v]) => labels[k] === v)) return false;
  const terms = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms || terms.length === 0) return true;
  return terms.some((t) => (t.matchExpressions ?? []).every((e) => matchesExpression(labels, e)));
}

/** Runs the filters on one node; stops at the first plugin that fails, as the framework does. */
export function evaluateNode(pod: Pod, node: Node, podsOnNode: readonly Pod[]): NodeVerdict {
  const name = node.metadata.name ?? "";
  const tolerations = pod.spec.tolerations ?? [];
  if (node.spec?.unschedulable && !tolerations.some((t) => tolerates(t, { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }))) {
    return { node: name, reasons: ["node(s) were unschedulable"], unresolvable: true };
  }
  const untolerated = effectiveTaints(node).find((taint) => (taint.effect === "NoSchedule" || taint.effect === "NoExecute") && !tolerations.some((t) => tolerates(t, taint)));
  if (untolerated) return { node: name, reasons: [`node(s) had untolerated taint {${untolerated.key}: ${untolerated.value ?? ""}}`], unresolvable: true };
  if (!matchesNodeSelector(pod, node)) return { node: name, reasons: ["node(s) didn't match Pod's node affinity/selector"], unresolvable: true };

  const allocatable = node.status?.allocatable ?? {};
  const used = new Map<string, number>();
  for (const p of podsOnNode) for (const [k, v] of podRequests(p)) used.set(k, (used.get(k) ?? 0) + v);
  const reasons: string[] = [];
  let unresolvable = false;
  if (podsOnNode.length + 1 > parseQuantity(allocatable.pods ?? "110")) reasons.push("Too many pods");
  for (const [resource, wanted] of podRequests(pod)) {
    if (wanted <= 0) continue;
    const capacity = parseQuantity(allocatable[resource]);
    if (wanted > capacity - (used.get(resource) ?? 0)) {
      reasons.push(`Insufficient ${resource}`);
      if (wanted > capacity) unresolvable = true;
    }
  }
  return { node: name, reasons, unresolvable };
}

function histogram(counts: Map<string, number>): string {
  return [...counts].map(([reason, n]) => `${n} ${reason}`).sort().join(", ");
}

/** framework.FitError.Error() with the DefaultPreemption plugin's post-filter message. */
export function fitErrorMessage(verdicts: readonly NodeVerdict[]): string {
  if (verdicts.length === 0) return "no nodes available to schedule pods";
  const reasons = new Map<string, number>();
  const preemption = new Map<string, number>();
  for (const v of verdicts) {
    for (const r of v.reasons) reasons.set(r, (reasons.get(r) ?? 0) + 1);
    const why = v.unresolvable ? "Preemption is not helpful for scheduling" : "No preemption victims found for incoming pod";
    preemption.set(why, (preemption.get(why) ?? 0) + 1);
  }
  const n = verdicts.length;
  return `0/${n} nodes are available: ${histogram(reasons)}. preemption: 0/${n} nodes are available: ${histogram(preemption)}.`;
}

/** Among nodes that fit, the least allocated (the default NodeResourcesFit score), then by name. */
export function pickNode(pod: Pod, fits: readonly { node: Node; podsOnNode: readonly Pod[] }[]): Node | undefined {
  const score = ({ node, podsOnNode }: { node: Node; podsOnNode: readonly Pod[] }): number => {
    const allocatable = node.status?.allocatable ?? {};
    const used = new Map<string, number>();
    for (const p of [...podsOnNode, pod]) for (const [k, v] of podRequests(p)) used.set(k, (used.get(k) ?? 0) + v);
    const free = ["cpu", "memory"].map((r) => {
      const cap = parseQuantity(allocatable[r]);
      return cap > 0 ? (cap - (used.get(r) ?? 0)) / cap : 0;
    });
    return free.reduce((a, b) => a + b, 0) / free.length;
  };
  return [...fits].sort((a, b) => score(b) - score(a) || (a.node.metadata.name ?? "").localeCompare(b.node.metadata.name ?? ""))[0]?.node;
}
