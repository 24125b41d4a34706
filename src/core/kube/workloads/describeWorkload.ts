import type { CoreV1Event, V1Pod, V1ReplicaSet } from "@kubernetes/client-node";
import { eventCount, eventTime, formatDuration, timeOf } from "../objects/kubeTime";
import type { WorkloadHealth } from "./workloadHealth";
import type { Workload } from "./workloadIndex";
import { revisionAnnotation } from "../objects/wellKnownAnnotations";

export interface DescribeInput {
  readonly workload: Workload;
  readonly health: WorkloadHealth;
  readonly pods: readonly V1Pod[];
  readonly replicaSets: readonly V1ReplicaSet[];
  readonly events: readonly CoreV1Event[];
  readonly now: number;
}

const table = (rows: readonly (readonly string[])[]): string[] => {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((r) => `  ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("   ").trimEnd()}`);
};

/**
 * A `kubectl describe`-style summary of a workload, with our health verdict and its reasons on
 * top: status, conditions, pods, revisions and events (warnings first), as plain text.
 */
export function describeWorkload(input: DescribeInput): string {
  const { workload: w, health, pods, replicaSets, events, now } = input;
  const d = w.deployment;
  const age = (t: Date | string | undefined): string => {
    const at = timeOf(t);
    return at === undefined ? "" : formatDuration(now - at);
  };
  const lines: string[] = [
    `Name:        ${w.name}`,
    `Namespace:   ${w.namespace}`,
    `Kind:        ${w.kind}${d && w.kind === "InferenceService" ? ` (predictor Deployment ${d.metadata?.name ?? ""})` : ""}`,
    `Health:      ${health.health}`,
  ];
  for (const r of health.reasons) lines.push(`  - ${r.message}`);
  if (d) {
    const s = d.status;
    lines.push(
      `Replicas:    ${d.spec?.replicas ?? 1} desired | ${s?.updatedReplicas ?? 0} updated | ${s?.replicas ?? 0} total | ${s?.availableReplicas ?? 0} available | ${s?.unavailableReplicas ?? 0} unavailable`,
      `Strategy:    ${d.spec?.strategy?.type ?? "RollingUpdate"}${d.spec?.paused ? " (paused)" : ""}`,
      "Conditions:",
      ...table([["Type", "Status", "Reason", "Message"], ...(s?.conditions ?? []).map((c) => [c.type, c.status, c.reason ?? "", c.message ?? ""])]),
    );
  }
  const isvcConditions = w.inferenceService?.status?.conditions ?? [];
  if (isvcConditions.length > 0) {
    lines.push("InferenceService conditions:", ...table([["Type", "Status", "Reason"], ...isvcConditions.map((c) => [c.type, c.status, c.reason ?? ""])]));
  }
  lines.push(
    "Pods:",
    ...table([
      ["Name", "Phase", "Ready", "Restarts", "Node", "Age"],
      ...pods.map((p) => [
        p.metadata?.name ?? "",
        p.status?.phase ?? "",
        `${(p.status?.containerStatuses ?? []).filter((c) => c.ready).length}/${p.spec?.containers.length ?? 0}`,
        String((p.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0)),
        p.spec?.nodeName ?? "<none>",
        age(p.metadata?.creationTimestamp),
      ]),
    ]),
    "Revisions:",
    ...table([
      ["Revision", "ReplicaSet", "Ready", "Image", "Age"],
      ...[...replicaSets]
        .sort((a, b) => Number(b.metadata?.annotations?.[revisionAnnotation] ?? 0) - Number(a.metadata?.annotations?.[revisionAnnotation] ?? 0))
        .map((rs) => [
          rs.metadata?.annotations?.[revisionAnnotation] ?? "?",
          rs.metadata?.name ?? "",
          `${rs.status?.readyReplicas ?? 0}/${rs.spec?.replicas ?? 0}`,
          rs.spec?.template?.spec?.containers[0]?.image ?? "",
          age(rs.metadata?.creationTimestamp),
        ]),
    ]),
    "Events:",
  );
  const sorted = [...events].sort((a, b) => (a.type === "Warning" ? 0 : 1) - (b.type === "Warning" ? 0 : 1) || (eventTime(b) ?? 0) - (eventTime(a) ?? 0));
  if (sorted.length === 0) lines.push("  <none>");
  else
    lines.push(
      ...table([
        ["Type", "Reason", "Age", "Count", "Object", "Message"],
        ...sorted.map((e) => {
          const at = eventTime(e);
          return [e.type ?? "", e.reason ?? "", at === undefined ? "" : formatDuration(now - at), String(eventCount(e)), `${e.involvedObject?.kind ?? ""}/${e.involvedObject?.name ?? ""}`, e.message ?? ""];
        }),
      ]),
    );
  return `${lines.join("\n")}\n`;
}
