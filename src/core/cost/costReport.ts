/**
 * The cost report, one function behind `aiplat cost` and the cost dashboard: the cluster's
 * objects and the metrics source's usage through our model (price book + OpenCost's allocation
 * maths), or OpenCost's own allocations when it runs in the cluster; request counts and cost per
 * 1K inferences from the metrics source either way. Without a metrics source the report is still
 * made, from requests, and says so in its marks.
 */
import type { KubeConfig, V1Namespace, V1Node, V1Pod } from "@kubernetes/client-node";
import type { CostAggregate, CostReport, EstimateMark } from "../../shared/protocol/cost";
import type { ChangeMarker } from "../../shared/protocol/latency";
import { gpuProductLabel, poolLabels } from "../kube/gpu/nodePools";
import type { PendingGpuPod } from "../kube/gpu/pendingGpuPods";
import type { MetricsError, MetricsSource } from "../metrics/metricsSource";
import { niceStep } from "../metrics/queryStep";
import { aggregateCost, poolCosts } from "./costAggregation";
import type { CostInputs, CostWindow } from "./costInputs";
import { costInputsFromObjects } from "./costInputsFromCluster";
import { computeCost, type ModelledCost } from "./costModel";
import { readCostUsage, type CostUsage } from "./costQueries";
import { EstimateMarks } from "./estimateMarks";
import { openCostAggregateOf, openCostRows, readOpenCostAllocation, type OpenCostError } from "./openCostAllocation";
import { per1kSeries } from "./per1kSeries";
import type { PriceBook } from "./priceBook";

export type CostError = Exclude<OpenCostError, { kind: "cancelled" }> | { readonly kind: "metrics"; readonly error: MetricsError } | { readonly kind: "cancelled" };

export interface CostReportRequest {
  readonly context: string;
  readonly window: CostWindow;
  readonly aggregate: CostAggregate;
  /** Rows of this namespace only; the totals stay the cluster's (idle belongs to no namespace). */
  readonly namespace?: string;
  readonly teamLabel: string;
  readonly nodes: readonly V1Node[];
  readonly pods: readonly V1Pod[];
  readonly namespaces: readonly V1Namespace[];
  readonly metrics?: MetricsSource;
  readonly openCost?: { readonly kubeConfig: KubeConfig; readonly namespace: string; readonly service: string; readonly port: number | string; readonly pathPrefix?: string };
  readonly book: PriceBook;
  /** Per service "namespace/name": the manifest's cost.budgetPer1k. */
  readonly budgets?: ReadonlyMap<string, number>;
  readonly markers?: (service: string) => ChangeMarker[];
  readonly pending?: readonly PendingGpuPod[];
  /** Unix seconds. */
  readonly now: number;
  readonly signal?: AbortSignal;
}

export type CostReportResult = { readonly ok: true; readonly report: CostReport } | { readonly ok: false; readonly error: CostError };

/** The per-1K chart's step (and the usage subqueries' resolution): about 250 points over the window, never under 5 minutes. */
export function costStepSeconds(window: CostWindow): number {
  return niceStep(Math.max(300, (window.end - window.start) / 250));
}

const iso = (t: number) => new Date(t * 1000).toISOString();

/** The report's limits (CostReport's schema): long lists are cut, marks and names shortened. */
function bounded(marks: readonly EstimateMark[]): EstimateMark[] {
  return marks.slice(0, 5000).map((m) => ({
    code: m.code,
    subject: m.subject.slice(0, 500),
    ...(m.detail !== undefined ? { detail: m.detail.slice(0, 2000) } : {}),
  }));
}

/** Where a pending pod wants to run: the pool or GPU product its nodeSelector names. */
function pendingOf(req: CostReportRequest): { pool?: string; product?: string; waitingSeconds: number }[] {
  const byKey = new Map(req.pods.map((p) => [`${p.metadata?.namespace ?? ""}/${p.metadata?.name ?? ""}`, p]));
  return (req.pending ?? [])
    .filter((p) => p.boundTo === undefined)
    .map((p) => {
      const selector = byKey.get(`${p.namespace}/${p.name}`)?.spec?.nodeSelector ?? {};
      const pool = poolLabels.map((l) => selector[l]).find((v) => v !== undefined);
      const product = selector[gpuProductLabel];
      const waitingSeconds = p.createdAt !== undefined ? Math.max(0, req.now - p.createdAt / 1000) : 0;
      return { ...(pool !== undefined ? { pool } : {}), ...(product !== undefined ? { product } : {}), waitingSeconds };
    });
}

export async function computeCostReport(req: CostReportRequest): Promise<CostReportResult> {
  if (req.signal?.aborted) return { ok: false, error: { kind: "cancelled" } };
  const { window } = req;
  const cluster = costInputsFromObjects(req.nodes, req.pods, req.namespaces, window, { teamLabel: req.teamLabel });
  const step = costStepSeconds(window);

  let usage: CostUsage | undefined;
  const gathered: EstimateMark[] = [...cluster.estimates];
  if (req.metrics) {
    const read = await readCostUsage(req.metrics, { ...cluster, window }, { stepSeconds: step, ...(req.signal ? { signal: req.signal } : {}) });
    if (!read.ok) return { ok: false, error: read.error.kind === "cancelled" ? { kind: "cancelled" } : { kind: "metrics", error: read.error } };
    usage = read.value;
    gathered.push(...usage.estimates);
    for (const w of read.warnings) {
      gathered.push({ code: w.startsWith("requests of ") ? "no-request-counts" : "no-usage", subject: req.metrics.description, detail: `a query failed, its figures were not measured: ${w}` });
    }
  } else {
    gathered.push(
      { code: "no-usage", subject: "every pod", detail: "no metrics source: pods are charged for their requests, and efficiency is unknown" },
      { code: "no-request-counts", subject: "every service", detail: "no metrics source: no request counts, so no cost per 1K inferences" },
      { code: "no-gpu-utilisation", subject: "every GPU node", detail: "no metrics source: no dcgm-exporter utilisation" },
    );
  }
  const inputs: CostInputs = {
    window,
    nodes: cluster.nodes,
    pods: cluster.pods,
    usage: usage?.usage ?? new Map(),
    requests: usage?.requests ?? new Map(),
    gpuUtilisation: usage?.gpuUtilisation ?? new Map(),
    estimates: gathered,
  };
  if (req.signal?.aborted) return { ok: false, error: { kind: "cancelled" } };
  // The model runs in both cases: it gives pools, nodes and the per-1K chart, which OpenCost's allocations do not.
  const m = computeCost(inputs, req.book);
  const windowFields = { duration: window.duration, start: iso(window.start), end: iso(window.end) };
  const pools = poolCosts(m, inputs, pendingOf(req));
  const per1k = per1kSeries(m, inputs, req.markers ? { markers: req.markers } : {}).slice(0, 200);

  if (req.openCost) {
    const oc = req.openCost;
    const read = await readOpenCostAllocation(oc.kubeConfig, oc, window, openCostAggregateOf(req.aggregate, req.teamLabel), req.signal, req.namespace !== undefined ? { namespace: req.namespace } : {});
    if (!read.ok) return { ok: false, error: read.error };
    const requests = new Map([...inputs.requests].map(([service, counts]) => [service, counts.total]));
    const { rows, totals } = openCostRows(read.value, req.aggregate, {
      nodes: inputs.nodes,
      ...(req.aggregate === "service" ? { requests } : {}),
      ...(req.budgets ? { budgets: req.budgets } : {}),
    });
    const marks = new EstimateMarks();
    marks.addAll(gathered);
    return {
      ok: true,
      report: {
        window: windowFields,
        currency: "USD",
        source: {
          kind: "opencost",
          description: `${read.value.description}; pools, nodes and the per-1K chart from the price book${req.metrics ? `; request counts from ${req.metrics.description}` : ""}`.slice(0, 1000),
        },
        aggregate: req.aggregate,
        total: totals.total,
        allocated: totals.allocated,
        idle: totals.idle,
        gpuIdle: totals.gpuIdle,
        rows: rows.slice(0, 20_000),
        pools: pools.slice(0, 1000),
        nodes: m.nodes.slice(0, 20_000),
        daily: totals.daily.slice(0, 400),
        per1k,
        // OpenCost priced the allocations with its own prices, which its allocation API does not return.
        prices: [],
        estimates: bounded(marks.list()),
        computedAt: req.now,
      },
    };
  }

  const rows = aggregateCost(namespaceOnly(m, req.namespace), inputs, req.aggregate, req.budgets ? { budgets: req.budgets } : {});
  return {
    ok: true,
    report: {
      window: windowFields,
      currency: req.book.currency,
      source: { kind: "model", description: `price book + ${req.metrics ? req.metrics.description : "no metrics source (requests only)"}`.slice(0, 1000) },
      aggregate: req.aggregate,
      total: m.total,
      allocated: m.allocated,
      idle: m.idle,
      gpuIdle: m.gpuIdle,
      rows: rows.slice(0, 20_000),
      pools: pools.slice(0, 1000),
      nodes: m.nodes.slice(0, 20_000),
      daily: m.daily.slice(0, 400),
      per1k,
      prices: m.prices.slice(0, 1000),
      estimates: bounded(m.estimates),
      computedAt: req.now,
    },
  };
}

function namespaceOnly(m: ModelledCost, namespace: string | undefined): ModelledCost {
  return namespace === undefined ? m : { ...m, pods: m.pods.filter((p) => p.namespace === namespace) };
}
