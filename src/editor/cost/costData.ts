/**
 * The cost report of the selected context, as the trees and the cost dashboard get it: nodes,
 * pods and namespaces from the live cache, usage and request counts from the context's metrics
 * source, prices from the shipped book and the user's settings, all through core's
 * computeCostReport. Loaded on the first report, so activation does not pay for the cost model.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import type * as vscode from "vscode";
import { readAuditLog } from "../../core/audit/auditLog";
import { computeCostReport, type CostReportRequest } from "../../core/cost/costReport";
import { detectOpenCost, type DetectedOpenCost } from "../../core/cost/openCostAllocation";
import { createPriceBook } from "../../core/cost/priceBook";
import { deploymentRevisions } from "../../core/kube/rollout/rolloutUndo";
import { changeMarkers } from "../../core/metrics/changeMarkers";
import type { MetricsSource } from "../../core/metrics/metricsSource";
import type { CostAggregate, CostWindowPreset } from "../../shared/protocol/cost";
import type { ChangeMarker } from "../../shared/protocol/latency";
import type { ClusterConnection } from "../clusterConnection";
import type { MetricsConnection } from "../metrics/metricsConnection";
import type { CostLoad } from "./costReportBoard";
import { describeCostError } from "../explain";
import { readCostSettings } from "./costSettings";

export interface CostDataServices {
  readonly connection: ClusterConnection;
  readonly metrics: MetricsConnection;
  /** The audit log file, for deploy markers on the cost-per-1K chart; absent: rollout history only. */
  readonly auditFile?: () => string;
  readonly log: vscode.LogOutputChannel;
}

const windowSeconds: Readonly<Record<CostWindowPreset, number>> = { "1d": 86_400, "7d": 7 * 86_400, "30d": 30 * 86_400 };

/** Settings and OpenCost problems are logged once per wording, not on every refresh. */
const loggedProblems = new Set<string>();

function logOnce(log: vscode.LogOutputChannel, problem: string): void {
  if (loggedProblems.has(problem)) return;
  loggedProblems.add(problem);
  log.warn(problem);
}

/** OpenCost in each connection's cluster, looked for once per connection (a new one has a new KubeConfig). */
const openCostOf = new WeakMap<KubeConfig, Promise<DetectedOpenCost | undefined>>();

function openCostIn(kc: KubeConfig, context: string, log: vscode.LogOutputChannel): Promise<DetectedOpenCost | undefined> {
  let found = openCostOf.get(kc);
  if (!found) {
    found = detectOpenCost(kc).then(
      (all) => all[0],
      (e: unknown) => {
        logOnce(log, `Cost for ${context}: cannot look for OpenCost (${e instanceof Error ? e.message : String(e)}); using the price-book model.`);
        return undefined;
      },
    );
    openCostOf.set(kc, found);
  }
  return found;
}

export async function loadCostReport(deps: CostDataServices, context: string, window: CostWindowPreset, aggregate: CostAggregate, signal: AbortSignal): Promise<CostLoad> {
  const state = deps.connection.state;
  const cache = deps.connection.current;
  const model = deps.connection.model;
  if (state.kind === "none" || state.context.name !== context || !cache || !model) {
    return { ok: false, message: `${context} is not the selected context. Select it to see its cost.` };
  }
  if (state.kind === "connecting") return { ok: false, message: `Still loading ${context}'s nodes and pods.` };
  const refusedNodes = cache.refused().find((r) => r.resource === "nodes");
  if (refusedNodes) return { ok: false, message: `Cost needs the cluster's nodes, which this user may not list in ${context}.`, detail: "Ask for a ClusterRole with list and watch on nodes." };

  const settings = await readCostSettings();
  for (const p of settings.problems) logOnce(deps.log, p);
  const metricsState = await deps.metrics.state();
  // Azure Monitor's platform metrics describe Azure resources, not the cluster's pods.
  const metrics: MetricsSource | undefined = metricsState.kind === "ready" && metricsState.context === context && metricsState.source.kind !== "azure-monitor" ? metricsState.source : undefined;

  const now = Math.floor(Date.now() / 1000);
  const start = now - windowSeconds[window];
  const index = model.workloads;
  const audit = deps.auditFile ? await readAuditLog(deps.auditFile()) : undefined;
  const markers = (service: string): ChangeMarker[] => {
    const [namespace = "", name = ""] = service.split("/");
    const w = index.workloads(namespace).find((x) => x.name === name);
    if (!w) return [];
    return changeMarkers({
      workload: { context, namespace, kind: w.kind, name },
      revisions: w.deployment ? deploymentRevisions(w.deployment, index.replicaSetsOf(w)) : [],
      audit: audit?.ok ? audit.records : [],
      start,
      end: now,
    });
  };
  const kc = deps.connection.kubeConfig;
  const openCost = kc ? await openCostIn(kc, context, deps.log) : undefined;
  const request: CostReportRequest = {
    context,
    window: { start, end: now, duration: window },
    aggregate,
    teamLabel: settings.teamLabel,
    nodes: cache.nodes.list(),
    pods: cache.pods.list(),
    namespaces: cache.namespaces.list(),
    ...(metrics ? { metrics } : {}),
    book: createPriceBook({ ...(settings.prices !== undefined ? { settings: settings.prices } : {}), ...(settings.pricingFile ? { pricingFile: settings.pricingFile } : {}) }),
    markers,
    pending: model.gpu.pending(),
    now,
    signal,
  };
  let result = await computeCostReport(kc && openCost ? { ...request, openCost: { kubeConfig: kc, namespace: openCost.namespace, service: openCost.service, port: openCost.port, ...(openCost.pathPrefix !== undefined ? { pathPrefix: openCost.pathPrefix } : {}) } } : request);
  // OpenCost found but failing: the price-book model still answers; the report's source says which it is.
  if (!result.ok && result.error.kind.startsWith("opencost-")) {
    logOnce(deps.log, `Cost for ${context}: ${describeCostError(result.error).message} Using the price-book model.`);
    result = await computeCostReport(request);
  }
  if (!result.ok) return { ok: false, ...describeCostError(result.error, metrics?.kind) };
  return { ok: true, report: result.report };
}
