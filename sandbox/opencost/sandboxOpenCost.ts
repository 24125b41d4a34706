/**
 * A fake OpenCost for the sandbox (opt-in: startSandbox({ opencost: true })): the Service
 * opencost/opencost (API port 9003, UI port 9090 whose /model prefix proxies to the API) behind the
 * API server's service proxy, answering GET /allocation and /allocation/compute with OpenCost's
 * documented response (protocols.md §6.1, domain.md §4.1):
 *   {"code":200,"status":"success","data":[{ "<key>": Allocation, … }, …one map per step]}
 * computed from the store's pods with OpenCost's maths (allocationModel.ts). Both paths exist in
 * the wild and some versions 404 on one of them (opencost#2845, headlamp plugins#481), so either
 * can be switched off to exercise a client's probe and fallback.
 *
 * Parameters: window (7d, 24h, 30m, today, yesterday, week, month, lastweek, lastmonth, "a,b" in
 * unix seconds or RFC3339), aggregate (cluster, node, namespace, controllerKind, controller,
 * deployment, service, pod, container, label:<k>, annotation:<k>, comma-separated for several),
 * step, accumulate, includeIdle. Not modelled: shareIdle, idleByNode, filter, resolution (ignored).
 */
import { randomUUID } from "node:crypto";
import * as http from "node:http";
import { type AddressInfo } from "node:net";
import { type SandboxApiServer } from "../apiServer";
import { type KubeObject } from "../kubeObject";
import { type ObjectStore } from "../objectStore";
import { findResource, type ResourceType } from "../resourceTypes";
import { type ContainerAllocation, type NodeAsset, clusterId, computeAllocations, sanitiseLabel } from "./allocationModel";

const kinds = {
  namespaces: findResource("", "v1", "namespaces") as ResourceType,
  services: findResource("", "v1", "services") as ResourceType,
};

export const openCostService = { namespace: "opencost", name: "opencost", port: 9003, uiPort: 9090 } as const;

export interface SandboxOpenCostOptions {
  /** Hourly node prices by instance type, split by OpenCost's ratios; other nodes get its custom-pricing defaults. */
  nodePrices?: Readonly<Record<string, number>>;
  /** Which allocation paths answer (default both); a path switched off answers 404 as Go's mux does. */
  paths?: { allocation?: boolean; compute?: boolean };
  /** The clock, ms since the epoch (default Date.now). */
  now?: () => number;
}

export interface SandboxOpenCost {
  /** http://127.0.0.1:<port>: the backend the service proxy forwards to. */
  readonly url: string;
  /** "opencost/opencost:9003". */
  readonly serviceProxy: string;
  /** The requests it answered, newest last: method and path with query. */
  readonly requests: readonly string[];
  setPaths(paths: { allocation: boolean; compute: boolean }): void;
  stop(): Promise<void>;
}

class BadRequest extends Error {}

const units: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
const day = 86_400_000;

function duration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([mhdw])$/.exec(text);
  return m ? Number(m[1]) * (units[m[2] ?? ""] ?? 0) : undefined;
}

function instant(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const t = Date.parse(text);
  return Number.isFinite(t) ? t : undefined;
}

/** OpenCost's window parameter as [start, end) in ms; days start at midnight UTC, weeks on Sunday. */
export function parseWindow(text: string, now: number): { start: number; end: number } {
  const midnight = Math.floor(now / day) * day;
  const weekStart = midnight - new Date(midnight).getUTCDay() * day;
  const d = new Date(now);
  const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const named: Record<string, { start: number; end: number }> = {
    today: { start: midnight, end: now },
    yesterday: { start: midnight - day, end: midnight },
    week: { start: weekStart, end: now },
    lastweek: { start: weekStart - 7 * day, end: weekStart },
    month: { start: monthStart, end: now },
    lastmonth: { start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1), end: monthStart },
  };
  const byName = named[text];
  if (byName) return byName;
  const span = duration(text);
  if (span !== undefined) return { start: now - span, end: now };
  const [a, b, ...rest] = text.split(",");
  const start = a === undefined ? undefined : instant(a);
  const end = b === undefined ? undefined : instant(b);
  if (rest.length === 0 && start !== undefined && end !== undefined && end > start) return { start, end };
  throw new BadRequest(`Invalid 'window' parameter: illegal window: ${text}`);
}

const iso = (t: number): string => new Date(t).toISOString().replace(/\.000Z$/, "Z");

/** The service names whose selector matches a pod, as OpenCost's service aggregation sees them. */
function servicesOf(store: ObjectStore, namespace: string, labels: Record<string, string>): string[] {
  return store
    .list(kinds.services, namespace)
    .filter((s) => {
      const selector = (s.spec as { selector?: Record<string, string> } | undefined)?.selector;
      return selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
    })
    .map((s) => s.metadata.name ?? "");
}

const properties = new Set(["cluster", "node", "namespace", "controllerKind", "controller", "deployment", "service", "pod", "container"]);

function aggregateKey(store: ObjectStore, a: ContainerAllocation, podLabels: Record<string, string>, by: readonly string[]): string {
  const p = a.properties;
  return by
    .map((what) => {
      let value: string | undefined;
      if (what === "cluster") value = p.cluster;
      else if (what === "node") value = p.node;
      else if (what === "namespace") value = p.namespace;
      else if (what === "controllerKind") value = p.controllerKind;
      else if (what === "controller") value = p.controller && p.controllerKind ? `${p.controllerKind}:${p.controller}` : undefined;
      else if (what === "deployment") value = p.controllerKind === "deployment" ? p.controller : undefined;
      else if (what === "service") value = servicesOf(store, p.namespace, podLabels)[0];
      else if (what === "pod") value = p.pod;
      else if (what === "container") value = p.container;
      else if (what.startsWith("label:")) value = p.labels[sanitiseLabel(what.slice("label:".length))];
      else if (what.startsWith("annotation:")) value = p.annotations[sanitiseLabel(what.slice("annotation:".length))];
      return value ?? "__unallocated__";
    })
    .join("/");
}

function parseAggregate(text: string | null): string[] {
  if (!text) return ["cluster"];
  const by = text.split(",").map((s) => s.trim());
  for (const what of by) {
    if (!properties.has(what) && !/^(label|annotation):.+/.test(what)) throw new BadRequest(`Invalid 'aggregate' parameter: unknown property: ${what}`);
  }
  return by;
}

const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);

/** CPUEfficiency and RAMEfficiency in allocation.go: usage ÷ request; 1 when used without a request and costed. */
function efficiency(usage: number, request: number, cost: number): number {
  if (request > 0) return usage / request;
  return usage > 0 && cost > 0 ? 1 : 0;
}

/** One Allocation JSON object, summing the members and averaging their rates over the entry's minutes. */
function allocationJson(name: string, members: readonly ContainerAllocation[], window: { start: number; end: number }): Record<string, unknown> {
  const start = Math.min(...members.map((m) => m.start));
  const end = Math.max(...members.map((m) => m.end));
  const minutes = (end - start) / 60_000;
  const hours = minutes / 60;
  const sum = (f: (m: ContainerAllocation) => number): number => members.reduce((s, m) => s + f(m), 0);
  // Averages over the entry's span: each member's rate weighted by how long it ran.
  const avg = (f: (m: ContainerAllocation) => number): number => ratio(sum((m) => f(m) * (m.end - m.start)), end - start);
  const cpuCost = sum((m) => m.cpuCost);
  const ramCost = sum((m) => m.ramCost);
  const gpuCost = sum((m) => m.gpuCost);
  const cpuCoreRequestAverage = avg((m) => m.cpuCoreRequestAverage);
  const cpuCoreUsageAverage = avg((m) => m.cpuCoreUsageAverage);
  const ramByteRequestAverage = avg((m) => m.ramByteRequestAverage);
  const ramByteUsageAverage = avg((m) => m.ramByteUsageAverage);
  const gpuRequestAverage = avg((m) => m.gpuRequestAverage);
  const gpuUsageAverage = avg((m) => m.gpuUsageAverage);
  const cpuEfficiency = efficiency(cpuCoreUsageAverage, cpuCoreRequestAverage, cpuCost);
  const ramEfficiency = efficiency(ramByteUsageAverage, ramByteRequestAverage, ramCost);
  // Properties every member shares, as OpenCost keeps them through aggregation.
  const first = members[0]?.properties;
  const shared: Record<string, unknown> = {};
  if (first) {
    for (const key of ["cluster", "node", "namespace", "controller", "controllerKind", "pod", "container", "providerID"] as const) {
      if (members.every((m) => m.properties[key] === first[key]) && first[key] !== undefined) shared[key] = first[key];
    }
    const common = (pick: (m: ContainerAllocation) => Record<string, string>): Record<string, string> =>
      Object.fromEntries(Object.entries(pick(members[0]!)).filter(([k, v]) => members.every((m) => pick(m)[k] === v)));
    shared.namespaceLabels = common((m) => m.properties.namespaceLabels);
    shared.labels = common((m) => m.properties.labels);
  }
  return {
    name,
    properties: shared,
    window: { start: iso(window.start), end: iso(window.end) },
    start: iso(start),
    end: iso(end),
    minutes,
    cpuCores: ratio(sum((m) => m.cpuCoreHours), hours),
    cpuCoreRequestAverage,
    cpuCoreUsageAverage,
    cpuCoreHours: sum((m) => m.cpuCoreHours),
    cpuCost,
    cpuCostAdjustment: 0,
    cpuCostIdle: 0,
    cpuEfficiency,
    gpuCount: ratio(sum((m) => m.gpuHours), hours),
    gpuRequestAverage,
    gpuUsageAverage,
    gpuHours: sum((m) => m.gpuHours),
    gpuCost,
    gpuCostAdjustment: 0,
    gpuCostIdle: 0,
    gpuEfficiency: gpuUsageAverage > 0 ? ratio(gpuUsageAverage, gpuRequestAverage) : 0,
    networkTransferBytes: 0,
    networkReceiveBytes: 0,
    networkCost: 0,
    networkCrossZoneCost: 0,
    networkCrossRegionCost: 0,
    networkInternetCost: 0,
    networkCostAdjustment: 0,
    loadBalancerCost: 0,
    loadBalancerCostAdjustment: 0,
    pvBytes: 0,
    pvByteHours: 0,
    pvCost: 0,
    pvs: null,
    pvCostAdjustment: 0,
    ramBytes: ratio(sum((m) => m.ramByteHours), hours),
    ramByteRequestAverage,
    ramByteUsageAverage,
    ramByteHours: sum((m) => m.ramByteHours),
    ramCost,
    ramCostAdjustment: 0,
    ramCostIdle: 0,
    ramEfficiency,
    externalCost: 0,
    sharedCost: 0,
    totalCost: cpuCost + gpuCost + ramCost,
    totalEfficiency: cpuCost + ramCost > 0 ? (cpuEfficiency * cpuCost + ramEfficiency * ramCost) / (cpuCost + ramCost) : 0,
    proportionalAssetResourceCosts: {},
    lbAllocations: null,
    sharedCostBreakdown: {},
  };
}

/** The __idle__ allocation: what the nodes cost beyond what is allocated, per resource. */
function idleJson(allocations: readonly ContainerAllocation[], nodes: readonly NodeAsset[], window: { start: number; end: number }): Record<string, unknown> {
  const idle = (asset: (n: NodeAsset) => number, allocated: (a: ContainerAllocation) => number): number =>
    Math.max(0, nodes.reduce((s, n) => s + asset(n), 0) - allocations.reduce((s, a) => s + allocated(a), 0));
  const cpuCost = idle((n) => n.cpuCost, (a) => a.cpuCost);
  const ramCost = idle((n) => n.ramCost, (a) => a.ramCost);
  const gpuCost = idle((n) => n.gpuCost, (a) => a.gpuCost);
  const zeroed = allocationJson("__idle__", [{ properties: { cluster: clusterId, node: "", namespace: "", pod: "", container: "", namespaceLabels: {}, labels: {}, annotations: {} }, start: window.start, end: window.end, cpuCoreRequestAverage: 0, cpuCoreUsageAverage: 0, ramByteRequestAverage: 0, ramByteUsageAverage: 0, gpuRequestAverage: 0, gpuUsageAverage: 0, cpuCoreHours: 0, ramByteHours: 0, gpuHours: 0, cpuCost, ramCost, gpuCost }], window);
  return { ...zeroed, properties: { cluster: clusterId } };
}

function allocationSets(store: ObjectStore, query: URLSearchParams, now: number, opts: SandboxOpenCostOptions): Record<string, unknown>[] {
  const windowText = query.get("window");
  if (!windowText) throw new BadRequest("Missing 'window' parameter");
  const window = parseWindow(windowText, now);
  const by = parseAggregate(query.get("aggregate"));
  const accumulate = query.get("accumulate") ?? "false";
  const stepText = query.get("step");
  let step = window.end - window.start;
  if (["hour", "day", "week"].includes(accumulate)) step = { hour: 3_600_000, day, week: 7 * day }[accumulate as "hour" | "day" | "week"];
  else if (stepText && !["true", "all"].includes(accumulate)) {
    const parsed = duration(stepText);
    if (parsed === undefined || parsed <= 0) throw new BadRequest(`Invalid 'step' parameter: ${stepText}`);
    step = parsed;
  }
  const includeIdle = query.get("includeIdle") === "true";
  const sets: Record<string, unknown>[] = [];
  // The API goes backwards from the end: the first step may be shorter.
  const starts: number[] = [];
  for (let s = window.end - step; s > window.start - step; s -= step) starts.unshift(Math.max(window.start, s));
  for (const start of starts) {
    const w = { start, end: Math.min(window.end, start + step) };
    const { allocations, nodes } = computeAllocations(store, w, { ...(opts.nodePrices ? { nodePrices: opts.nodePrices } : {}) });
    const groups = new Map<string, ContainerAllocation[]>();
    for (const a of allocations) {
      const key = aggregateKey(store, a, podLabelsOf(store, a), by);
      groups.set(key, [...(groups.get(key) ?? []), a]);
    }
    const set: Record<string, unknown> = {};
    for (const [key, members] of [...groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) set[key] = allocationJson(key, members, w);
    if (includeIdle) set.__idle__ = idleJson(allocations, nodes, w);
    sets.push(set);
  }
  return sets;
}

const podsType = findResource("", "v1", "pods") as ResourceType;
function podLabelsOf(store: ObjectStore, a: ContainerAllocation): Record<string, string> {
  return store.get(podsType, a.properties.namespace, a.properties.pod)?.metadata.labels ?? {};
}

function serviceObject(): KubeObject {
  const labels = { "app.kubernetes.io/name": "opencost", "app.kubernetes.io/instance": "opencost" };
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: openCostService.name, namespace: openCostService.namespace, uid: randomUUID(), labels, creationTimestamp: new Date().toISOString() },
    spec: {
      type: "ClusterIP",
      clusterIP: "10.0.210.3",
      clusterIPs: ["10.0.210.3"],
      selector: labels,
      ports: [
        { name: "http", port: openCostService.port, protocol: "TCP", targetPort: openCostService.port },
        { name: "http-ui", port: openCostService.uiPort, protocol: "TCP", targetPort: openCostService.uiPort },
      ],
    },
  };
}

/** Puts the opencost namespace and Service in the store, serves them, and routes the service proxy there; stop() undoes it all. */
export async function startSandboxOpenCost(server: Pick<SandboxApiServer, "store" | "registerServiceBackend" | "unregisterServiceBackend">, opts: SandboxOpenCostOptions = {}): Promise<SandboxOpenCost> {
  const store = server.store;
  const now = opts.now ?? Date.now;
  let paths = { allocation: opts.paths?.allocation ?? true, compute: opts.paths?.compute ?? true };
  const requests: string[] = [];
  const http_ = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    requests.push(`${req.method ?? "GET"} ${url.pathname}${url.search}`);
    // The UI's nginx proxies /model/* to the API.
    const path = url.pathname.replace(/^\/model(?=\/)/, "").replace(/\/$/, "");
    const known = (path === "/allocation" && paths.allocation) || (path === "/allocation/compute" && paths.compute);
    if (!known) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("404 page not found\n");
      return;
    }
    if (req.method !== "GET") {
      res.writeHead(405, { "content-type": "text/plain; charset=utf-8" }).end("Method Not Allowed\n");
      return;
    }
    try {
      const data = allocationSets(store, url.searchParams, now(), opts);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ code: 200, status: "success", data }));
    } catch (e) {
      const status = e instanceof BadRequest ? 400 : 500;
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ code: status, status: "error", message: (e as Error).message }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    http_.once("error", reject);
    http_.listen(0, "127.0.0.1", () => resolve());
  });
  const url = `http://127.0.0.1:${(http_.address() as AddressInfo).port}`;
  const createdNamespace = !store.get(kinds.namespaces, undefined, openCostService.namespace);
  if (createdNamespace) store.put(kinds.namespaces, { apiVersion: "v1", kind: "Namespace", metadata: { name: openCostService.namespace, uid: randomUUID(), labels: { "kubernetes.io/metadata.name": openCostService.namespace }, creationTimestamp: new Date().toISOString() } });
  store.put(kinds.services, serviceObject());
  server.registerServiceBackend(openCostService.namespace, openCostService.name, url);
  return {
    url,
    serviceProxy: `${openCostService.namespace}/${openCostService.name}:${openCostService.port}`,
    requests,
    setPaths(next) {
      paths = { ...next };
    },
    async stop() {
      server.unregisterServiceBackend(openCostService.namespace, openCostService.name);
      store.remove(kinds.services, openCostService.namespace, openCostService.name);
      if (createdNamespace) store.remove(kinds.namespaces, undefined, openCostService.namespace);
      http_.closeAllConnections();
      await new Promise<void>((resolve) => http_.close(() => resolve()));
    },
  };
}
