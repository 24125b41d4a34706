/**
 * OpenCost in the cluster: found by its Service, read through the API server's service proxy,
 * its allocation response parsed against the documented shape (opencost-website
 * static/allocation-example-output.json; domain.md §4.1 field list) and turned into report rows.
 * Both `/allocation` and `/allocation/compute` exist in the wild (opencost#2845, headlamp
 * plugins#481): `/allocation` is probed first, then `/allocation/compute`, and the one that worked
 * is remembered per service so the next read goes straight to it.
 */
import type { KubeConfig, V1Service } from "@kubernetes/client-node";
import * as z from "zod";
import type { CostAggregate, CostRow, DailyCost, EstimateCode } from "../../shared/protocol/cost";
import { KubeApiError, getJson } from "../kube/client/kubeRequest";
import type { CostWindow, NodeRecord } from "./costInputs";

/** OpenCost writes NaN and ±Inf as null (its jsonEncodeFloat64); older builds leave fields out. */
const num = z.number().nullable().optional();

export const OpenCostAllocation = z.looseObject({
  name: z.string(),
  properties: z
    .looseObject({
      cluster: z.string().optional(),
      node: z.string().optional(),
      namespace: z.string().optional(),
      controller: z.string().optional(),
      controllerKind: z.string().optional(),
      pod: z.string().optional(),
      container: z.string().optional(),
      providerID: z.string().optional(),
      labels: z.record(z.string(), z.string()).nullable().optional(),
      namespaceLabels: z.record(z.string(), z.string()).nullable().optional(),
    })
    .nullable()
    .optional(),
  window: z.object({ start: z.string().nullable(), end: z.string().nullable() }).optional(),
  start: z.string().optional(),
  end: z.string().optional(),
  minutes: num,
  cpuCores: num,
  cpuCoreRequestAverage: num,
  cpuCoreUsageAverage: num,
  cpuCoreHours: num,
  cpuCost: num,
  cpuEfficiency: num,
  gpuCount: num,
  gpuHours: num,
  gpuCost: num,
  gpuEfficiency: num,
  ramBytes: num,
  ramByteRequestAverage: num,
  ramByteUsageAverage: num,
  ramByteHours: num,
  ramCost: num,
  ramEfficiency: num,
  pvCost: num,
  networkCost: num,
  loadBalancerCost: num,
  sharedCost: num,
  externalCost: num,
  totalCost: z.number().nullable(),
  totalEfficiency: num,
});
export type OpenCostAllocation = z.infer<typeof OpenCostAllocation>;

/** `{"code":200,"status":"success","data":[{ "<key>": Allocation, … } per step]}`; an error has a code and a message. */
export const OpenCostAllocationResponse = z.looseObject({
  code: z.number(),
  status: z.string().optional(),
  message: z.string().optional(),
  data: z.array(z.record(z.string(), OpenCostAllocation).nullable()).nullable().optional(),
});
export type OpenCostAllocationResponse = z.infer<typeof OpenCostAllocationResponse>;

export const idleKey = "__idle__";
export const unallocatedKey = "__unallocated__";

export type OpenCostPath = "/allocation" | "/allocation/compute";

export interface OpenCostService {
  readonly namespace: string;
  readonly service: string;
  readonly port: number | string;
  /** "/model" when reached through the UI's port (9090), which proxies BASE_URL=/model to the API. */
  readonly pathPrefix?: string;
}

export type OpenCostError =
  /** The service proxy or OpenCost could not be reached (no endpoints, connection refused, timeout). */
  | { readonly kind: "opencost-unreachable"; readonly service: string; readonly status?: number; readonly detail: string }
  | { readonly kind: "opencost-forbidden"; readonly service: string; readonly detail: string }
  /** Neither path exists (404 on both), or the Service is gone. */
  | { readonly kind: "opencost-not-found"; readonly service: string; readonly tried: readonly string[] }
  /** Not OpenCost's JSON, a shape that fails validation, or OpenCost's own error (code ≠ 200). */
  | { readonly kind: "opencost-bad-response"; readonly service: string; readonly path: string; readonly detail: string }
  | { readonly kind: "cancelled" };

export interface OpenCostAllocationSet {
  /** One map per step (accumulate=day gives one per day). */
  readonly steps: readonly Readonly<Record<string, OpenCostAllocation>>[];
  /** Which path answered, with its prefix: "/allocation/compute", "/model/allocation". */
  readonly path: string;
  readonly description: string;
}

/** Which path worked, per cluster and service (the probe's memory). */
const workingPaths = new Map<string, OpenCostPath>();

function serviceLabel(s: OpenCostService): string {
  return `${s.namespace}/${s.service}:${s.port}`;
}

/** What to ask OpenCost for our aggregations: pools and GPU products are node labels, so they come per node. */
export function openCostAggregateOf(aggregate: CostAggregate, teamLabel: string): string {
  switch (aggregate) {
    case "service":
      return "namespace,controller";
    case "namespace":
      return "namespace";
    case "team":
      return `label:${teamLabel}`;
    case "pool":
    case "gpu":
      return "node";
  }
}

function proxyPath(s: OpenCostService, path: OpenCostPath, query: URLSearchParams): string {
  const prefix = (s.pathPrefix ?? "").replace(/\/+$/, "");
  return `/api/v1/namespaces/${encodeURIComponent(s.namespace)}/services/${encodeURIComponent(`${s.service}:${s.port}`)}/proxy${prefix}${path}?${query.toString()}`;
}

function failure(err: unknown, s: OpenCostService, path: string, signal: AbortSignal | undefined): OpenCostError | "not-found" {
  if (signal?.aborted || (err instanceof Error && err.name === "AbortError")) return { kind: "cancelled" };
  const service = serviceLabel(s);
  if (err instanceof KubeApiError) {
    if (err.statusCode === 404) return "not-found";
    if (err.statusCode === 403 || err.statusCode === 401) return { kind: "opencost-forbidden", service, detail: err.message };
    if (err.reason === "BadResponse") return { kind: "opencost-bad-response", service, path, detail: err.message };
    return { kind: "opencost-unreachable", service, status: err.statusCode, detail: err.message };
  }
  return { kind: "opencost-unreachable", service, detail: err instanceof Error ? err.message : String(err) };
}

/**
 * The allocations of the window from OpenCost, per day, with idle (`__idle__`) included. The
 * window is sent as a unix pair so OpenCost's and ours are the same span.
 */
export async function readOpenCostAllocation(
  kc: KubeConfig,
  service: OpenCostService,
  window: CostWindow,
  aggregate: string,
  signal?: AbortSignal,
  opts: { readonly namespace?: string } = {},
): Promise<{ readonly ok: true; readonly value: OpenCostAllocationSet } | { readonly ok: false; readonly error: OpenCostError }> {
  const query = new URLSearchParams({
    window: `${Math.floor(window.start)},${Math.floor(window.end)}`,
    aggregate,
    accumulate: "day",
    includeIdle: "true",
  });
  // OpenCost's v2 filter language (opencost-website docs/integrations/api.md).
  if (opts.namespace !== undefined) query.set("filter", `namespace:${JSON.stringify(opts.namespace)}`);
  const label = serviceLabel(service);
  const memoKey = `${kc.getCurrentCluster()?.server ?? ""}|${label}|${service.pathPrefix ?? ""}`;
  const remembered = workingPaths.get(memoKey);
  const order: OpenCostPath[] = remembered ? [remembered, ...(["/allocation", "/allocation/compute"] as const).filter((p) => p !== remembered)] : ["/allocation", "/allocation/compute"];
  const tried: string[] = [];
  for (const path of order) {
    const shown = `${(service.pathPrefix ?? "").replace(/\/+$/, "")}${path}`;
    tried.push(shown);
    let body: unknown;
    try {
      body = await getJson(kc, proxyPath(service, path, query), signal);
    } catch (err) {
      const f = failure(err, service, shown, signal);
      if (f === "not-found") continue;
      return { ok: false, error: f };
    }
    const parsed = OpenCostAllocationResponse.safeParse(body);
    if (!parsed.success) {
      return { ok: false, error: { kind: "opencost-bad-response", service: label, path: shown, detail: z.prettifyError(parsed.error).slice(0, 1000) } };
    }
    if (parsed.data.code !== 200) {
      return { ok: false, error: { kind: "opencost-bad-response", service: label, path: shown, detail: `code ${parsed.data.code}: ${parsed.data.message ?? ""}`.slice(0, 1000) } };
    }
    workingPaths.set(memoKey, path);
    const steps = (parsed.data.data ?? []).flatMap((s) => (s ? [s] : []));
    return { ok: true, value: { steps, path: shown, description: `OpenCost ${label} ${shown}` } };
  }
  return { ok: false, error: { kind: "opencost-not-found", service: label, tried } };
}

/** Forget which path worked (tests; a reinstalled OpenCost). */
export function forgetOpenCostPaths(): void {
  workingPaths.clear();
}

const value = (x: number | null | undefined): number => (typeof x === "number" && Number.isFinite(x) ? x : 0);

interface RowAcc {
  cost: number;
  cpuCost: number;
  ramCost: number;
  gpuCost: number;
  gpuHours: number;
  /** Cost-weighted efficiencies, as OpenCost's totalEfficiency weighs them. */
  cpuEff: { sum: number; weight: number };
  ramEff: { sum: number; weight: number };
  gpuEff: { sum: number; weight: number };
}

export interface OpenCostTotals {
  readonly total: number;
  readonly allocated: number;
  readonly idle: number;
  readonly gpuIdle: number;
  readonly daily: DailyCost[];
}

/**
 * Our row name for an OpenCost allocation: "namespace/controller" for a service (OpenCost keys a
 * controller as "kind:name"; KServe's predictor Deployment is charged to its InferenceService
 * when the labels say so), the pool or GPU product of the node for those aggregations.
 */
function rowName(key: string, a: OpenCostAllocation, aggregate: CostAggregate, nodes: ReadonlyMap<string, NodeRecord>): string {
  if (key.includes(unallocatedKey)) return unallocatedKey;
  const p = a.properties ?? {};
  switch (aggregate) {
    case "service": {
      const [nsPart = "", ctrlPart = ""] = key.split("/");
      const namespace = p.namespace ?? nsPart;
      const isvc = p.labels?.serving_kserve_io_inferenceservice;
      const controller = isvc ?? p.controller ?? ctrlPart.replace(/^[a-zA-Z]+:/, "");
      return controller ? `${namespace}/${controller}` : unallocatedKey;
    }
    case "pool":
    case "gpu": {
      const node = nodes.get(p.node ?? key);
      if (!node) return unallocatedKey;
      return aggregate === "pool" ? node.pool : (node.gpuProduct ?? unallocatedKey);
    }
    default:
      return key;
  }
}

/**
 * OpenCost's allocations as report rows (summed over the steps, sorted by cost) and the
 * window's totals: idle is the `__idle__` allocation, allocated everything else. Request counts
 * and cost per 1K are not OpenCost's: `requests` (per row name) adds them where we measured them.
 */
export function openCostRows(
  set: OpenCostAllocationSet,
  aggregate: CostAggregate,
  opts: { readonly nodes: readonly NodeRecord[]; readonly requests?: ReadonlyMap<string, number>; readonly budgets?: ReadonlyMap<string, number> },
): { rows: CostRow[]; totals: OpenCostTotals } {
  const nodes = new Map(opts.nodes.map((n) => [n.name, n]));
  const rows = new Map<string, RowAcc>();
  let total = 0;
  let idle = 0;
  let gpuIdle = 0;
  const daily: DailyCost[] = [];
  for (const step of set.steps) {
    let stepTotal = 0;
    let stepIdle = 0;
    let stepStart: number | undefined;
    for (const [key, a] of Object.entries(step)) {
      const cost = value(a.totalCost);
      const started = Date.parse(a.window?.start ?? a.start ?? "");
      if (Number.isFinite(started)) stepStart = Math.min(stepStart ?? Infinity, started / 1000);
      stepTotal += cost;
      if (key === idleKey || key.endsWith(`/${idleKey}`) || a.name === idleKey) {
        stepIdle += cost;
        gpuIdle += value(a.gpuCost);
        continue;
      }
      const name = rowName(key, a, aggregate, nodes);
      const r = rows.get(name) ?? { cost: 0, cpuCost: 0, ramCost: 0, gpuCost: 0, gpuHours: 0, cpuEff: { sum: 0, weight: 0 }, ramEff: { sum: 0, weight: 0 }, gpuEff: { sum: 0, weight: 0 } };
      r.cost += cost;
      r.cpuCost += value(a.cpuCost);
      r.ramCost += value(a.ramCost);
      r.gpuCost += value(a.gpuCost);
      r.gpuHours += value(a.gpuHours);
      const weigh = (acc: { sum: number; weight: number }, eff: number | null | undefined, weight: number) => {
        if (typeof eff === "number" && Number.isFinite(eff) && eff >= 0 && weight > 0) {
          acc.sum += eff * weight;
          acc.weight += weight;
        }
      };
      weigh(r.cpuEff, a.cpuEfficiency, value(a.cpuCost));
      weigh(r.ramEff, a.ramEfficiency, value(a.ramCost));
      weigh(r.gpuEff, a.gpuEfficiency, value(a.gpuCost));
      rows.set(name, r);
    }
    total += stepTotal;
    idle += stepIdle;
    if (stepStart !== undefined) daily.push({ day: stepStart, total: stepTotal, allocated: stepTotal - stepIdle, idle: stepIdle });
  }
  const eff = (a: { sum: number; weight: number }) => (a.weight > 0 ? a.sum / a.weight : null);
  const out: CostRow[] = [...rows].map(([name, r]) => {
    const requests = opts.requests?.get(name);
    const estimates: EstimateCode[] = [];
    if (aggregate === "service" && requests === undefined && name !== unallocatedKey) estimates.push("no-request-counts");
    const budget = opts.budgets?.get(name);
    return {
      name: name.slice(0, 500),
      cost: r.cost,
      cpuCost: r.cpuCost,
      ramCost: r.ramCost,
      gpuCost: r.gpuCost,
      gpuHours: r.gpuHours,
      requests: requests ?? null,
      costPer1k: requests !== undefined && requests > 0 ? Math.max(0, r.cost) / (requests / 1000) : null,
      cpuEfficiency: eff(r.cpuEff),
      ramEfficiency: eff(r.ramEff),
      gpuEfficiency: eff(r.gpuEff),
      ...(budget !== undefined && budget > 0 ? { budgetPer1k: budget } : {}),
      estimates,
    };
  });
  out.sort((a, b) => b.cost - a.cost || a.name.localeCompare(b.name, "en"));
  daily.sort((a, b) => a.day - b.day);
  return { rows: out, totals: { total, allocated: total - idle, idle, gpuIdle, daily } };
}

export interface DetectedOpenCost extends OpenCostService {
  /** How it was recognised. */
  readonly by: "name" | "label";
}

const usualOpenCostNamespaces = ["opencost", "kubecost", "monitoring", "default"] as const;

/** Whether a Service is OpenCost's, and the port and prefix to reach its API. Pure; exported for tests. */
export function classifyOpenCostService(s: V1Service): DetectedOpenCost | undefined {
  const name = s.metadata?.name;
  const namespace = s.metadata?.namespace;
  if (!name || !namespace) return undefined;
  const labels = s.metadata?.labels ?? {};
  const by = name === "opencost" ? "name" : labels["app.kubernetes.io/name"] === "opencost" || labels.app === "opencost" ? "label" : undefined;
  if (!by) return undefined;
  const ports = s.spec?.ports ?? [];
  const api = ports.find((p) => p.port === 9003 || p.targetPort === 9003);
  if (api) return { namespace, service: name, port: api.name || api.port, by };
  const ui = ports.find((p) => p.port === 9090 || p.targetPort === 9090);
  if (ui) return { namespace, service: name, port: ui.name || ui.port, pathPrefix: "/model", by };
  return undefined;
}

/**
 * OpenCost Services in the cluster, by name (`opencost`, the Helm chart's default) or label
 * (app.kubernetes.io/name=opencost). Listing Services cluster-wide may be forbidden; then the
 * namespaces OpenCost is usually installed in are tried one by one.
 */
export async function detectOpenCost(kc: KubeConfig, signal?: AbortSignal): Promise<DetectedOpenCost[]> {
  const itemsOf = (list: unknown): V1Service[] => {
    const items = (list as { items?: unknown } | null)?.items;
    return Array.isArray(items) ? (items as V1Service[]) : [];
  };
  let services: V1Service[];
  try {
    services = itemsOf(await getJson(kc, "/api/v1/services", signal));
  } catch (err) {
    if (!(err instanceof KubeApiError && err.statusCode === 403)) throw err;
    const lists = await Promise.all(
      usualOpenCostNamespaces.map(async (ns) => {
        try {
          return itemsOf(await getJson(kc, `/api/v1/namespaces/${ns}/services`, signal));
        } catch (e) {
          if (e instanceof KubeApiError && (e.statusCode === 403 || e.statusCode === 404)) return [];
          throw e;
        }
      }),
    );
    services = lists.flat();
  }
  return services.flatMap((s) => {
    const c = classifyOpenCostService(s);
    return c ? [c] : [];
  }).sort((a, b) => Number(a.by === "label") - Number(b.by === "label") || Number(a.pathPrefix !== undefined) - Number(b.pathPrefix !== undefined));
}
