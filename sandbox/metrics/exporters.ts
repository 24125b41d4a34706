/**
 * The sandbox's metrics endpoints, one HTTP server on 127.0.0.1 standing in for every exporter:
 *   GET /pods/<namespace>/<pod>/metrics   the model server's own /metrics (vLLM, Triton, KServe, FastAPI)
 *   GET /nodes/<node>/metrics             the node's dcgm-exporter
 *   GET /nodes/<node>/metrics/cadvisor    the node's kubelet cAdvisor series (every Ready node)
 * Each pod gets a prom-client Registry on its first scrape, holding the process's cumulative state
 * from the traffic model since its container started; pods nobody scrapes cost nothing. Pods that
 * are gone or not serving, and nodes without a Ready dcgm-exporter, answer 404 (the target is down).
 */
import * as http from "node:http";
import { type AddressInfo } from "node:net";
import { Counter, Gauge, Histogram, Registry, Summary } from "prom-client";
import { type KubeObject } from "../kubeObject";
import { type ObjectStore } from "../objectStore";
import { findResource, type ResourceType } from "../resourceTypes";
import { cadvisorCounters, cadvisorFamilies } from "./cadvisorMetrics";
import { dcgmFamilies, gpuDevices, gpuReadings } from "./dcgmMetrics";
import { type FamilyDef, type Labels, runtimeFamilies } from "./runtimeMetrics";
import { type ProcessCounters, type SeriesValue, podTraffic, processCounters } from "./runtimeMetricsCounters";
import { type ModelServerTarget, liveTarget } from "./runtimeMetricsTarget";
import { hashKey, minuteMs, minuteTraffic, uniform } from "./trafficModel";

/** The job names the sandbox's Prometheus gives its two kinds of targets (the backfill writes the same). */
export const modelServerJob = "model-servers";
export const dcgmJob = "dcgm-exporter";
export const dcgmPort = 9400;

/**
 * The target labels a scrape of this pod carries, as kubernetes_sd with the usual relabelling
 * gives them: instance is the pod's address (podIP:port), plus namespace and pod. The backfill
 * writes history with the same labels so that series continue across "now".
 */
export function podTargetLabels(target: Pick<ModelServerTarget, "namespace" | "pod" | "podIP" | "port">): Labels {
  const key = hashKey(`${target.namespace}/${target.pod}`);
  // Pods that are gone kept no IP in the store; any stable address in the pod CIDR will do.
  const ip = target.podIP ?? `10.244.${Math.floor(uniform(key, 5, 1) * 250)}.${2 + Math.floor(uniform(key, 5, 2) * 250)}`;
  return { job: modelServerJob, instance: `${ip}:${target.port}`, namespace: target.namespace, pod: target.pod };
}

/** A node's dcgm-exporter target labels: its InternalIP on port 9400, and the node's name. */
export function nodeTargetLabels(node: KubeObject): Labels {
  const addresses = (node.status as { addresses?: { type?: string; address?: string }[] } | undefined)?.addresses ?? [];
  const ip = addresses.find((a) => a.type === "InternalIP")?.address ?? node.metadata.name ?? "";
  return { job: dcgmJob, instance: `${ip}:${dcgmPort}`, node: node.metadata.name ?? "" };
}

const kinds = { pods: findResource("", "v1", "pods") as ResourceType, nodes: findResource("", "v1", "nodes") as ResourceType };

type PromMetric = Counter | Gauge | SnapshotHistogram | SnapshotSummary;

/** A prom-client Histogram whose buckets come from the process state rather than from observe(). */
class SnapshotHistogram extends Histogram {
  private samples: SeriesValue[] = [];
  constructor(private readonly family: FamilyDef, registry: Registry) {
    super({ name: family.name, help: family.help, labelNames: [...family.labelNames], buckets: [...(family.buckets ?? [])], registers: [registry] });
  }
  setSamples(samples: SeriesValue[]): void {
    this.samples = samples;
  }
  override get(): ReturnType<Histogram["get"]> {
    return this.getForPromString();
  }
  /** The Registry prefers this over get() for histograms. */
  getForPromString(): ReturnType<Histogram["get"]> {
    const name = this.family.name;
    const values = this.samples.flatMap((s) => [
      ...(this.family.buckets ?? []).map((le, i) => ({ labels: { ...s.def.labels, le }, sharedLabels: {}, value: s.buckets?.[i] ?? 0, metricName: `${name}_bucket` })),
      { labels: { ...s.def.labels, le: "+Inf" }, sharedLabels: {}, value: s.count ?? 0, metricName: `${name}_bucket` },
      { labels: { ...s.def.labels }, sharedLabels: {}, value: s.sum ?? 0, metricName: `${name}_sum` },
      { labels: { ...s.def.labels }, sharedLabels: {}, value: s.count ?? 0, metricName: `${name}_count` },
    ]);
    return Promise.resolve({ name, help: this.family.help, type: "histogram" as unknown as never, values, aggregator: "sum", collect: () => undefined });
  }
}

/** A prom-client Summary whose quantiles are the server's, as Triton's summaries publish them. */
class SnapshotSummary extends Summary {
  private samples: SeriesValue[] = [];
  constructor(private readonly family: FamilyDef, registry: Registry) {
    super({ name: family.name, help: family.help, labelNames: [...family.labelNames], percentiles: [...(family.quantiles ?? [])], registers: [registry] });
  }
  setSamples(samples: SeriesValue[]): void {
    this.samples = samples;
  }
  override get(): ReturnType<Summary["get"]> {
    const name = this.family.name;
    const values = this.samples.flatMap((s) => [
      ...(this.family.quantiles ?? []).map((quantile, i) => ({ labels: { ...s.def.labels, quantile }, value: s.quantiles?.[i] ?? 0 })),
      { labels: { ...s.def.labels }, value: s.sum ?? 0, metricName: `${name}_sum` },
      { labels: { ...s.def.labels }, value: s.count ?? 0, metricName: `${name}_count` },
    ]);
    return Promise.resolve({ name, help: this.family.help, type: "summary" as unknown as never, values, aggregator: "sum", collect: () => undefined });
  }
}

function createMetric(family: FamilyDef, registry: Registry): PromMetric {
  const config = { name: family.name, help: family.help, labelNames: [...family.labelNames], registers: [registry] };
  switch (family.type) {
    case "counter":
      return new Counter(config);
    case "gauge":
      return new Gauge(config);
    case "histogram":
      return new SnapshotHistogram(family, registry);
    case "summary":
      return new SnapshotSummary(family, registry);
  }
}

function setSamples(metric: PromMetric, samples: SeriesValue[]): void {
  if (metric instanceof SnapshotHistogram || metric instanceof SnapshotSummary) {
    metric.setSamples(samples);
    return;
  }
  metric.reset();
  for (const s of samples) {
    if (metric instanceof Counter) metric.inc(s.def.labels, s.value);
    else metric.set(s.def.labels, s.value);
  }
}

interface PodExporter {
  /** What the registry was built for; a change (a restart, a new mode) is a new process. */
  identity: string;
  /** Replicas and the service's traffic: a change spreads the load anew from now on. */
  load: string;
  counters: ProcessCounters;
  registry: Registry;
  metrics: Map<string, PromMetric>;
  lastScrape: number;
}

/** How long a pod's state is kept after its last scrape. */
const idleMs = 10 * minuteMs;

export class SandboxExporters {
  private readonly pods = new Map<string, PodExporter>();
  /** The kubelet's view of each pod's cgroups, kept like the pods' processes. */
  private readonly cgroups = new Map<string, { identity: string; load: string; counters: ProcessCounters; lastScrape: number }>();
  private lastPrune = 0;
  private podsByNode: { version: number; index: Map<string, KubeObject[]> } | undefined;

  private readonly server: http.Server;
  private urlValue = "";

  private constructor(
    private readonly store: ObjectStore,
    private readonly now: () => number,
    private readonly seed: number,
  ) {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end(`error: ${(e as Error).message}\n`);
      });
    });
  }

  /** http://127.0.0.1:<port>, without a trailing slash. */
  get url(): string {
    return this.urlValue;
  }

  static async start(store: ObjectStore, opts: { port?: number; now?: () => number; seed?: number } = {}): Promise<SandboxExporters> {
    const exporters = new SandboxExporters(store, opts.now ?? Date.now, opts.seed ?? 1);
    const server = exporters.server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
    });
    exporters.urlValue = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return exporters;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.pods.clear();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("method not allowed\n");
      return;
    }
    const podMatch = /^\/pods\/([^/]+)\/([^/]+)\/metrics$/.exec(path);
    const nodeMatch = /^\/nodes\/([^/]+)\/metrics$/.exec(path);
    const cadvisorMatch = /^\/nodes\/([^/]+)\/metrics\/cadvisor$/.exec(path);
    let body: string | undefined;
    let contentType = Registry.PROMETHEUS_CONTENT_TYPE;
    if (podMatch) {
      const registry = this.podRegistry(podMatch[1] ?? "", podMatch[2] ?? "");
      if (registry) {
        body = await registry.metrics();
        contentType = registry.contentType;
      }
    } else if (nodeMatch) {
      body = await this.nodeMetrics(nodeMatch[1] ?? "");
    } else if (cadvisorMatch) {
      body = await this.cadvisorMetrics(cadvisorMatch[1] ?? "");
    }
    if (body === undefined) {
      res.writeHead(404, { "content-type": "text/plain" }).end("no such target\n");
      return;
    }
    res.writeHead(200, { "content-type": contentType });
    res.end(req.method === "HEAD" ? undefined : `${body}\n`);
  }

  /** The pod's registry with values for now, or undefined when the pod is not serving. */
  private podRegistry(namespace: string, name: string): Registry | undefined {
    const key = `${namespace}/${name}`;
    const t = this.now();
    this.prune(t);
    const live = liveTarget(this.store, namespace, name);
    if (!live) {
      this.pods.delete(key);
      return undefined;
    }
    let pod = this.pods.get(key);
    // A restarted container is a new process: its counters start again from zero.
    const identity = JSON.stringify([live.since, live.target.runtime, live.target.modelName, live.target.knative ?? null, live.target.traits]);
    const load = JSON.stringify([live.target.replicas, live.target.traffic]);
    if (!pod || pod.identity !== identity) {
      const registry = new Registry();
      const metrics = new Map(runtimeFamilies(live.target.runtime, Boolean(live.target.knative)).map((family) => [family.name, createMetric(family, registry)]));
      pod = { identity, load, counters: processCounters(live.target, this.seed, live.since), registry, metrics, lastScrape: t };
      this.pods.set(key, pod);
    } else if (pod.load !== load) {
      // Scaling spreads the service's load over more or fewer pods from now on; past minutes stay.
      pod.counters.retarget(podTraffic(live.target, this.seed));
      pod.load = load;
    }
    pod.lastScrape = t;
    const byFamily = new Map<string, SeriesValue[]>();
    for (const value of pod.counters.valuesAt(t)) {
      const list = byFamily.get(value.def.family.name) ?? [];
      list.push(value);
      byFamily.set(value.def.family.name, list);
    }
    for (const [name, metric] of pod.metrics) setSamples(metric, byFamily.get(name) ?? []);
    return pod.registry;
  }

  private prune(t: number): void {
    if (t - this.lastPrune < minuteMs) return;
    this.lastPrune = t;
    for (const [key, pod] of this.pods) if (t - pod.lastScrape > idleMs) this.pods.delete(key);
    for (const [key, cgroup] of this.cgroups) if (t - cgroup.lastScrape > idleMs) this.cgroups.delete(key);
  }

  private podsOn(node: string): KubeObject[] {
    const version = this.store.resourceVersion;
    if (this.podsByNode?.version !== version) {
      const index = new Map<string, KubeObject[]>();
      for (const pod of this.store.list(kinds.pods)) {
        const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
        if (!nodeName) continue;
        const list = index.get(nodeName) ?? [];
        list.push(pod);
        index.set(nodeName, list);
      }
      this.podsByNode = { version, index };
    }
    return this.podsByNode.index.get(node) ?? [];
  }

  private async nodeMetrics(node: string): Promise<string | undefined> {
    const devices = gpuDevices(this.store, node, this.podsOn(node));
    if (!devices) return undefined;
    const registry = new Registry();
    const gauges = new Map(Object.values(dcgmFamilies).map((family) => [family.name, new Gauge({ name: family.name, help: family.help, labelNames: [...new Set(devices.flatMap((d) => Object.keys(d.labels)))], registers: [registry] })]));
    const minute = Math.floor(this.now() / minuteMs);
    for (const device of devices) {
      const m = device.user ? minuteTraffic(podTraffic(device.user, this.seed), minute) : undefined;
      for (const reading of gpuReadings(device, m, device.user?.runtime)) gauges.get(reading.family.name)?.set(device.labels, reading.value);
    }
    return registry.metrics();
  }

  /** The kubelet's /metrics/cadvisor of a Ready node: the cgroups of its serving pods; undefined (404) otherwise. */
  private async cadvisorMetrics(nodeName: string): Promise<string | undefined> {
    const node = this.store.get(kinds.nodes, undefined, nodeName);
    const ready = (node?.status as { conditions?: { type?: string; status?: string }[] } | undefined)?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
    if (!node || !ready) return undefined;
    const t = this.now();
    this.prune(t);
    const registry = new Registry();
    const metrics = new Map(Object.values(cadvisorFamilies).map((family) => [family.name, createMetric(family, registry)]));
    const samples = new Map<string, SeriesValue[]>();
    for (const pod of this.podsOn(nodeName)) {
      const live = liveTarget(this.store, pod.metadata.namespace ?? "default", pod.metadata.name ?? "");
      if (!live) continue;
      const key = `${live.target.namespace}/${live.target.pod}`;
      const identity = JSON.stringify([live.since, live.target.containers]);
      const load = JSON.stringify([live.target.replicas, live.target.traffic]);
      let cgroup = this.cgroups.get(key);
      if (!cgroup || cgroup.identity !== identity) {
        cgroup = { identity, load, counters: cadvisorCounters(live.target, this.seed, live.since), lastScrape: t };
        this.cgroups.set(key, cgroup);
      } else if (cgroup.load !== load) {
        cgroup.counters.retarget(podTraffic(live.target, this.seed));
        cgroup.load = load;
      }
      cgroup.lastScrape = t;
      for (const value of cgroup.counters.valuesAt(t)) samples.set(value.def.family.name, [...(samples.get(value.def.family.name) ?? []), value]);
    }
    for (const [name, metric] of metrics) setSamples(metric, samples.get(name) ?? []);
    return registry.metrics();
  }
}
