/**
 * What the latency dashboard shows for a service: the selected context's metrics source, the
 * workload from the cluster model, its rollout history and audit records as change markers, and
 * core's loadLatencyView. Loaded on the first dashboard, so activation does not pay for it.
 */
import { readAuditLog } from "../../core/audit/auditLog";
import { computeDeliveryReport } from "../../core/delivery/deliveryReport";
import type { ServiceHistory } from "../../core/delivery/deliveryTimeline";
import { deploymentRevisions } from "../../core/kube/rollout/rolloutUndo";
import { workloadId } from "../../core/kube/workloads/workloadIndex";
import { changeMarkers } from "../../core/metrics/changeMarkers";
import { loadLatencyView, rangeBounds } from "../../core/metrics/latencyView";
import type * as vscode from "vscode";
import type { DeliveryBlindSpot } from "../../shared/protocol/delivery";
import { deliveryWindowDays, type LatencyToWebview, type LatencyView, type RangeSpec, type ServiceRef } from "../../shared/protocol/latency";
import type { ClusterConnection } from "../clusterConnection";
import { describeMetricsError } from "../explain";
import type { MetricsConnection } from "./metricsConnection";
import { metricsTargetOfWorkload } from "./workloadMetricsTarget";

export interface LatencyDataServices {
  readonly metrics: MetricsConnection;
  readonly connection: ClusterConnection;
  /** The audit log file (the setting's, relative to the workspace). */
  readonly auditFile: () => string;
  readonly log: vscode.LogOutputChannel;
  /** What each panel said last time, so a failing panel is logged once, not every 30 s. */
  readonly lastPanelProblems: Map<string, string>;
}

/** A panel's error or empty state goes to the log too (the chart says it; the log keeps it), once per change. */
function logPanelProblems(deps: LatencyDataServices, view: LatencyView): void {
  const service = `${view.service.context}/${view.service.namespace}/${view.service.name}`;
  for (const panel of view.panels) {
    const key = `${service}/${panel.id}`;
    const problem = panel.status.kind === "ok" ? undefined : `${panel.status.message}${panel.status.kind === "error" && panel.status.detail ? ` (${panel.status.detail})` : ""}`;
    if (deps.lastPanelProblems.get(key) === problem) continue;
    if (problem === undefined) deps.lastPanelProblems.delete(key);
    else {
      deps.lastPanelProblems.set(key, problem);
      const line = `Latency dashboard ${service}, ${panel.title}: ${problem}`;
      if (panel.status.kind === "error") deps.log.warn(line);
      else deps.log.info(line);
    }
  }
}

export async function loadLatencyData(deps: LatencyDataServices, service: ServiceRef, range: RangeSpec, widthPx: number, signal: AbortSignal): Promise<LatencyToWebview> {
  const state = await deps.metrics.state();
  if (state.kind === "none") {
    return {
      type: "unavailable",
      message: `No metrics source is connected for ${service.context}. Connect Metrics… finds the cluster's Prometheus (kube-prometheus-stack, prometheus-operator, the Prometheus chart) or takes a URL or an Azure Monitor workspace.`,
      action: "connectMetrics",
    };
  }
  if (state.kind === "problem") return { type: "unavailable", message: `The metrics source for ${service.context} cannot be used: ${state.problem}`, action: "connectMetrics" };
  if (state.context !== service.context) {
    return { type: "unavailable", message: `This dashboard is for ${service.context}, and the selected context is ${state.context}. Select ${service.context} to see it again.`, action: "none" };
  }
  const index = deps.connection.model?.workloads;
  const workload = index?.workload(workloadId(service.kind, service.namespace, service.name));
  if (!index || !workload) {
    return { type: "unavailable", message: `${service.kind} ${service.namespace}/${service.name} is not in ${service.context} (any more), or the cluster is still loading.`, action: "none" };
  }
  const workloadTarget = metricsTargetOfWorkload(service.context, workload);
  // An Azure Monitor source reads the Azure ML online endpoint its setting names (Kubernetes online endpoints run on AKS).
  const resourceId = state.entry.kind === "azure-monitor" ? state.entry.azure?.resourceId : undefined;
  const target = workloadTarget && resourceId ? { ...workloadTarget, azureResourceUri: resourceId } : workloadTarget;
  if (!target) return { type: "unavailable", message: `${service.namespace}/${service.name} has no pods to read metrics of.`, action: "none" };
  const now = Date.now() / 1000;
  const bounds = rangeBounds(range, now);
  const audit = await readAuditLog(deps.auditFile());
  const markers = changeMarkers({
    workload: { context: service.context, namespace: service.namespace, kind: service.kind, name: service.name },
    revisions: workload.deployment ? deploymentRevisions(workload.deployment, index.replicaSetsOf(workload)) : [],
    audit: audit.ok ? audit.records : [],
    ...bounds,
  });
  const kind = state.source.kind;
  const view = await loadLatencyView(state.source, target, range, { now, widthPx, markers, signal, describeError: (e) => describeMetricsError(e, kind) });
  if (!signal.aborted) logPanelProblems(deps, view);
  return { type: "view", view };
}

/**
 * The Delivery section: the service's delivery metrics over the last deliveryWindowDays, from the
 * workspace's audit log and, when the service's context is the selected one, the rollout history
 * and namespace team label the cluster cache already holds (no extra request). Needs no metrics.
 */
export async function loadDeliveryData(deps: Pick<LatencyDataServices, "connection" | "auditFile" | "log">, service: ServiceRef, now = new Date()): Promise<LatencyToWebview> {
  const blindSpots: DeliveryBlindSpot[] = [];
  const file = deps.auditFile();
  const audit = await readAuditLog(file);
  if (!audit.ok) {
    if (audit.error.kind === "unreadable") deps.log.warn(`Delivery metrics for ${service.namespace}/${service.name}: ${audit.error.message}`);
    blindSpots.push({ kind: "audit-log-missing", file });
  } else if (audit.problems.length > 0) blindSpots.push({ kind: "audit-log-problems", file, lines: audit.problems.length });

  const state = deps.connection.state;
  const index = deps.connection.model?.workloads;
  const histories: ServiceHistory[] = [];
  let labels: Readonly<Record<string, string>> | undefined;
  if (state.kind === "none" || state.context.name !== service.context || !index) blindSpots.push({ kind: "no-rollout-history" });
  else {
    const workload = index.workload(workloadId(service.kind, service.namespace, service.name));
    if (workload?.deployment) histories.push({ service, revisions: deploymentRevisions(workload.deployment, index.replicaSetsOf(workload)) });
    else if (service.kind === "Deployment") blindSpots.push({ kind: "history-unreadable", service, reason: "not-found" });
    labels = deps.connection.current?.namespaces.get(service.namespace)?.metadata?.labels;
  }
  const report = computeDeliveryReport({
    window: { start: new Date(now.getTime() - deliveryWindowDays * 86_400_000), end: now },
    audit: audit.ok ? audit.records : [],
    histories,
    // Manifest owners are not read here: the section is about one service, its team is not shown.
    teams: { namespaceLabels: labels ? [{ context: service.context, namespace: service.namespace, labels }] : [], manifestOwners: [] },
    filter: { context: service.context, service: { namespace: service.namespace, name: service.name } },
    blindSpots,
  });
  // A service the log and history never name still gets its (empty) row, so the section says "no deploys" for it.
  return { type: "delivery", service, report };
}
