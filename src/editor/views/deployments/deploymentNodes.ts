import type { CoreV1Event, V1Pod, V1ReplicaSet } from "@kubernetes/client-node";
import * as vscode from "vscode";
import { canaryState } from "../../../core/kube/rollout/inferenceServiceRollout";
import { describeQualification, modelVersionAnnotation, servedVersion } from "../../../core/kube/workloads/inferenceWorkload";
import { eventTime, formatDuration, timeOf } from "../../../core/kube/objects/kubeTime";
import { podGpuRequests } from "../../../core/kube/gpu/gpuAllocation";
import type { WorkloadHealth } from "../../../core/kube/workloads/workloadHealth";
import type { Workload } from "../../../core/kube/workloads/workloadIndex";
import { ViewItem } from "../../contributionIds";
import { escapeMarkdown, healthIcon } from "../healthIcons";
import type { DeploymentsNode } from "./deploymentsTree";
import { revisionAnnotation } from "../../../core/kube/objects/wellKnownAnnotations";
import type { RowMetrics } from "../../metrics/sloStatusBoard";
import { sloRowText, sloTooltipMarkdown } from "../../metrics/sloRowText";
import type { RowCostText } from "../../cost/costTreeText";
import { canaryRow } from "../../canary/canaryRowText";

const changeCauseAnnotation = "kubernetes.io/change-cause";

export function workloadItem(w: Workload, health: WorkloadHealth, pods: readonly V1Pod[], metrics?: RowMetrics, cost?: RowCostText): vscode.TreeItem {
  const item = new vscode.TreeItem(w.name, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = w.id;
  const desired = w.deployment?.spec?.replicas ?? 1;
  const ready = w.deployment?.status?.readyReplicas ?? 0;
  const version = servedVersion(w.inferenceService ?? w.deployment ?? {});
  const canary = w.inferenceService ? canaryState(w.inferenceService) : undefined;
  // Our canary's state lives on the InferenceService, or on the stable Deployment of a pair.
  const canaryText = canaryRow((w.inferenceService ?? w.deployment)?.metadata?.annotations, canary);
  item.description = [`${ready}/${desired}`, version?.version, w.kind === "InferenceService" ? "KServe" : undefined, canaryText?.text, metrics ? sloRowText(metrics) : undefined].filter(Boolean).join(" · ");
  item.iconPath = healthIcon(health.health);
  item.contextValue = ViewItem.workload(w.kind, health.health, canaryText?.active === true);
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escapeMarkdown(w.name)}** · ${w.kind} in \`${w.namespace}\`\n\n`);
  md.appendMarkdown(`$(${healthIcon(health.health).id}) **${health.health}** · ${ready}/${desired} ready · ${pods.length} pods\n\n`);
  for (const r of health.reasons.slice(0, 8)) md.appendMarkdown(`- ${escapeMarkdown(r.message)}\n`);
  if (health.reasons.length > 8) md.appendMarkdown(`- and ${health.reasons.length - 8} more\n`);
  if (version) md.appendMarkdown(`\nVersion ${escapeMarkdown(version.version)} (from ${version.source})\n`);
  if (canary && canary.traffic.length > 0) {
    md.appendMarkdown(`\nTraffic: ${canary.traffic.map((t) => `${escapeMarkdown(t.revision)} ${t.percent}%${t.latest ? " (latest)" : ""}`).join(", ")}\n`);
  }
  if (canaryText && canaryText.details.length > 0) md.appendMarkdown(`\n${canaryText.details.map((l) => escapeMarkdown(l)).join("\n\n")}\n`);
  if (w.qualifications.length > 0) md.appendMarkdown(`\nListed because: ${w.qualifications.map((q) => escapeMarkdown(describeQualification(q))).join("; ")}\n`);
  if (metrics) md.appendMarkdown(`\n---\n\n${sloTooltipMarkdown(metrics, escapeMarkdown)}\n`);
  if (cost && cost.tooltip.length > 0) md.appendMarkdown(`\n---\n\n${cost.tooltip.join("\n\n")}\n`);
  item.tooltip = md;
  item.accessibilityInformation = { label: `${w.name}, ${health.health}, ${ready} of ${desired} ready${health.reasons[0] ? `, ${health.reasons[0].message}` : ""}${canaryText ? `, ${canaryText.text}` : ""}${metrics ? `, ${sloRowText(metrics)}` : ""}` };
  return item;
}

export function groupItem(node: Extract<DeploymentsNode, { type: "pods" | "revisions" | "events" }>, count: number, warnings = 0): vscode.TreeItem {
  const label = node.type === "pods" ? "Pods" : node.type === "revisions" ? "Revisions" : "Events";
  const item = new vscode.TreeItem(label, count > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.description = warnings > 0 ? `${count} · ${warnings} warnings` : String(count);
  item.iconPath = new vscode.ThemeIcon(node.type === "pods" ? "symbol-namespace" : node.type === "revisions" ? "history" : "bell");
  item.contextValue = ViewItem.group(node.type);
  return item;
}

function restarts(pod: V1Pod): number {
  return (pod.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
}

/** The state a person looks for: the waiting or last-termination reason, else the phase. */
export function podState(pod: V1Pod): string {
  for (const c of pod.status?.containerStatuses ?? []) {
    if (c.state?.waiting?.reason) return c.state.waiting.reason;
    if (c.state?.terminated?.reason) return c.state.terminated.reason;
  }
  const unschedulable = pod.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False");
  if (unschedulable?.reason) return unschedulable.reason;
  return pod.status?.phase ?? "Unknown";
}

export function podItem(node: Extract<DeploymentsNode, { type: "pod" }>, pod: V1Pod, now: number): vscode.TreeItem {
  const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  const gpus = [...podGpuRequests(pod).values()].reduce((a, b) => a + b, 0);
  const state = podState(pod);
  const ready = pod.status?.containerStatuses?.every((c) => c.ready) ?? false;
  const created = timeOf(pod.metadata?.creationTimestamp);
  item.description = [state, `${restarts(pod)} restarts`, pod.spec?.nodeName, gpus > 0 ? `${gpus} GPU` : undefined, created ? formatDuration(now - created) : undefined]
    .filter(Boolean)
    .join(" · ");
  const bad = ["CrashLoopBackOff", "OOMKilled", "ImagePullBackOff", "ErrImagePull", "Unschedulable", "Error", "CreateContainerConfigError"].includes(state);
  item.iconPath = bad
    ? new vscode.ThemeIcon("error", new vscode.ThemeColor("problemsErrorIcon.foreground"))
    : ready && pod.status?.phase === "Running"
      ? new vscode.ThemeIcon("circle-filled", new vscode.ThemeColor("testing.iconPassed"))
      : new vscode.ThemeIcon("circle-outline", new vscode.ThemeColor("charts.yellow"));
  item.contextValue = ViewItem.pod(Boolean(pod.spec?.nodeName));
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${escapeMarkdown(node.name)}** · ${escapeMarkdown(pod.status?.phase ?? "Unknown")}\n\n`);
  for (const c of pod.status?.containerStatuses ?? []) {
    const last = c.lastState?.terminated;
    md.appendMarkdown(`- \`${c.name}\`: ${c.ready ? "ready" : "not ready"}, ${c.restartCount} restarts${c.state?.waiting?.reason ? `, ${escapeMarkdown(c.state.waiting.reason)}` : ""}${last?.reason ? `, last exit ${escapeMarkdown(last.reason)} (${last.exitCode})` : ""}\n`);
  }
  item.tooltip = md;
  return item;
}

export function revisionItem(node: Extract<DeploymentsNode, { type: "revision" }>, rs: V1ReplicaSet, current: boolean, now: number): vscode.TreeItem {
  const rev = rs.metadata?.annotations?.[revisionAnnotation] ?? "?";
  const item = new vscode.TreeItem(`#${rev}`, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  const image = rs.spec?.template?.spec?.containers?.[0]?.image ?? "";
  const model = rs.spec?.template?.metadata?.annotations?.[modelVersionAnnotation];
  const created = timeOf(rs.metadata?.creationTimestamp);
  const cause = rs.metadata?.annotations?.[changeCauseAnnotation];
  item.description = [current ? "current" : undefined, image.split("/").pop(), model ? `model ${model}` : undefined, created ? formatDuration(now - created) : undefined, cause]
    .filter(Boolean)
    .join(" · ");
  item.iconPath = new vscode.ThemeIcon(current ? "git-commit" : "circle-small");
  item.contextValue = ViewItem.revision(current);
  item.tooltip = new vscode.MarkdownString(
    `**Revision ${escapeMarkdown(rev)}**${current ? " (current)" : ""}\n\nimage \`${image}\`${model ? `\n\nmodel version \`${model}\`` : ""}${cause ? `\n\nchange-cause: ${escapeMarkdown(cause)}` : ""}`,
  );
  return item;
}

export function eventItem(node: Extract<DeploymentsNode, { type: "event" }>, e: CoreV1Event, now: number): vscode.TreeItem {
  const item = new vscode.TreeItem(e.reason ?? "Event", vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  const at = eventTime(e);
  item.description = [`${e.involvedObject?.kind ?? ""}/${e.involvedObject?.name ?? ""}`, at ? formatDuration(now - at) : undefined, e.message].filter(Boolean).join(" · ");
  item.iconPath = e.type === "Warning" ? new vscode.ThemeIcon("warning", new vscode.ThemeColor("problemsWarningIcon.foreground")) : new vscode.ThemeIcon("info");
  item.tooltip = e.message ?? "";
  item.contextValue = ViewItem.event(e.type === "Warning" ? "warning" : "normal");
  return item;
}
