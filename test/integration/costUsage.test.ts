/**
 * readCostUsage against the real Prometheus (Debian's 2.42) over a promtool backfill this test
 * writes: request counters that reset when a pod restarts, a pod that starts inside the window,
 * cAdvisor CPU and memory series (with the pod-level cgroup and pause container that must not
 * count), dcgm-exporter GPU utilisation labelled both ways, and a pod whose samples are bad.
 * Request counts must equal Prometheus' own increase() (asked here with a hand-written query) and
 * the count the test generated; usage must equal the rates the test wrote.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { V1Node, V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBlocksFromOpenMetrics, startPrometheus, type RunningPrometheus } from "../../sandbox/metrics/prometheusServer";
import type { CostWindow } from "../../src/core/cost/costInputs";
import { costInputsFromObjects, type ClusterCostInputs } from "../../src/core/cost/costInputsFromCluster";
import { readCostUsage, type CostUsage } from "../../src/core/cost/costQueries";
import type { MetricsSource } from "../../src/core/metrics/metricsSource";
import { createPrometheusSource } from "../../src/core/metrics/prometheusSource";
import { random } from "../unit/core/kube/cache/clusterModelChanges";

const scrapeSeconds = 15;
const scrapes = 4 * 240; // four hours of history
const namespace = "llm-serving";
const gib = 2 ** 30;

interface PodSpec {
  name: string;
  service: string;
  /** First scrape with samples (a pod started later has no series before). */
  from: number;
  /** Scrapes at which the process restarted: every counter of the pod starts again from 0. */
  restarts: number[];
  /** Successful requests per scrape: [min, max). */
  rps: [number, number];
  cpuCores: number;
  /** Working set per container (bytes); a negative one is a broken exporter. */
  memory: Record<string, number>;
  node: string;
  gpuUtil?: number;
}

const pods: PodSpec[] = [
  { name: "chat-7b4c9d6f8-x2k9p", service: "chat", from: 0, restarts: [400, 700], rps: [20, 40], cpuCores: 1.5, memory: { vllm: 8 * gib, proxy: 1 * gib }, node: "gpu-node-a", gpuUtil: 40 },
  { name: "chat-7b4c9d6f8-q8w7e", service: "chat", from: 500, restarts: [], rps: [10, 20], cpuCores: 0.5, memory: { vllm: 4 * gib }, node: "gpu-node-b", gpuUtil: 80 },
  { name: "embed-5d8f7c9b6d-4xk2p", service: "embed", from: 0, restarts: [], rps: [0, 0], cpuCores: 0.25, memory: { server: -1 }, node: "cpu-node" },
  // Same namespace, a longer name: its traffic must not count for "chat".
  { name: "chatbot-5d8f7c9b6d-7tq2m", service: "chatbot", from: 0, restarts: [], rps: [1000, 2000], cpuCores: 3, memory: { server: 2 * gib }, node: "cpu-node" },
];

interface Generated {
  text: string;
  /** Per pod: successful requests counted at each scrape (0 before the pod existed). */
  successes: Map<string, number[]>;
  /** Per pod: the 2xx counter's value at each scrape. */
  counters: Map<string, number[]>;
}

function generate(rand: () => number, t0: number): Generated {
  const lines: string[] = [];
  const successes = new Map<string, number[]>();
  const counters = new Map<string, number[]>();
  const time = (s: number) => t0 + s * scrapeSeconds;
  /** A counter's value at each scrape from its per-scrape increments, starting again at each restart. */
  const counter = (p: PodSpec, incs: number[]): number[] => {
    let v = 0;
    return incs.map((inc, s) => {
      if (p.restarts.includes(s)) v = 0;
      return (v += inc);
    });
  };
  const write = (name: string, labels: string, p: PodSpec, values: number[]) => {
    for (let s = p.from; s < scrapes; s++) lines.push(`${name}{${labels}} ${values[s]} ${time(s)}`);
  };
  lines.push("# TYPE http_requests counter");
  for (const p of pods) {
    const ok = Array.from({ length: scrapes }, (_, s) => (s < p.from ? 0 : p.rps[0] + Math.floor(rand() * (p.rps[1] - p.rps[0]))));
    const errors = Array.from({ length: scrapes }, (_, s) => (s < p.from ? 0 : Math.floor(rand() * 3)));
    successes.set(p.name, ok);
    counters.set(p.name, counter(p, ok));
    const l = `namespace="${namespace}",pod="${p.name}",method="POST",handler="/v1/chat/completions"`;
    write("http_requests_total", `${l},status="2xx"`, p, counters.get(p.name)!);
    write("http_requests_total", `${l},status="5xx"`, p, counter(p, errors));
    // The kubelet's probes are not traffic.
    write("http_requests_total", `namespace="${namespace}",pod="${p.name}",method="GET",handler="/health",status="2xx"`, p, counter(p, ok.map(() => 1)));
  }
  lines.push("# TYPE container_cpu_usage_seconds counter");
  for (const p of pods) {
    const perScrape = p.cpuCores * scrapeSeconds;
    const containers = Object.keys(p.memory);
    for (const c of containers) {
      write("container_cpu_usage_seconds_total", `namespace="${namespace}",pod="${p.name}",container="${c}",node="${p.node}",cpu="total"`, p, counter(p, Array.from({ length: scrapes }, () => perScrape / containers.length)));
    }
    // The pod's own cgroup (container="") repeats its containers' sum; the pause container is not the workload.
    write("container_cpu_usage_seconds_total", `namespace="${namespace}",pod="${p.name}",container="",node="${p.node}",cpu="total"`, p, counter(p, Array.from({ length: scrapes }, () => perScrape)));
    write("container_cpu_usage_seconds_total", `namespace="${namespace}",pod="${p.name}",container="POD",node="${p.node}",cpu="total"`, p, counter(p, Array.from({ length: scrapes }, () => 0.01 * scrapeSeconds)));
  }
  lines.push("# TYPE container_memory_working_set_bytes gauge");
  for (const p of pods) {
    for (const [c, bytes] of Object.entries(p.memory)) write("container_memory_working_set_bytes", `namespace="${namespace}",pod="${p.name}",container="${c}",node="${p.node}"`, p, Array.from({ length: scrapes }, () => bytes));
    write("container_memory_working_set_bytes", `namespace="${namespace}",pod="${p.name}",container="",node="${p.node}"`, p, Array.from({ length: scrapes }, () => 50 * gib));
  }
  lines.push("# TYPE DCGM_FI_DEV_GPU_UTIL gauge");
  const a = pods[0]!;
  const b = pods[1]!;
  // gpu-node-a scraped with honor_labels: the exporter's Hostname names the node, pod/namespace the user. Its second GPU is idle.
  write("DCGM_FI_DEV_GPU_UTIL", `gpu="0",UUID="GPU-aaaa",modelName="NVIDIA A100 80GB PCIe",Hostname="gpu-node-a",namespace="${namespace}",pod="${a.name}",container="vllm"`, { ...a, from: 0 }, Array.from({ length: scrapes }, () => a.gpuUtil!));
  write("DCGM_FI_DEV_GPU_UTIL", `gpu="1",UUID="GPU-aaab",modelName="NVIDIA A100 80GB PCIe",Hostname="gpu-node-a"`, { ...a, from: 0 }, Array.from({ length: scrapes }, () => 0));
  // gpu-node-b scraped as a pod target without honor_labels: exported_* name the user, pod is the exporter's own.
  write(
    "DCGM_FI_DEV_GPU_UTIL",
    `gpu="0",UUID="GPU-bbbb",modelName="NVIDIA A100 80GB PCIe",Hostname="gpu-node-b",node="gpu-node-b",namespace="gpu-operator",pod="nvidia-dcgm-exporter-8x7fz",exported_namespace="${namespace}",exported_pod="${b.name}",exported_container="vllm"`,
    b,
    Array.from({ length: scrapes }, () => b.gpuUtil!),
  );
  // A MIG instance has no DCGM_FI_DEV_GPU_UTIL, only the profiling fields (ratio 0–1), as dcgm-exporter reports it.
  lines.push("# TYPE DCGM_FI_PROF_GR_ENGINE_ACTIVE gauge");
  const c = pods[2]!;
  write("DCGM_FI_PROF_GR_ENGINE_ACTIVE", `gpu="0",UUID="GPU-cccc",GPU_I_PROFILE="1g.10gb",GPU_I_ID="7",modelName="NVIDIA A100-SXM4-80GB",Hostname="mig-node",namespace="${namespace}",pod="${c.name}",container="server"`, c, Array.from({ length: scrapes }, () => 0.3));
  lines.push("# EOF");
  return { text: lines.join("\n") + "\n", successes, counters };
}

function node(name: string, gpus: number): V1Node {
  return {
    metadata: { name, creationTimestamp: new Date("2020-01-01T00:00:00Z"), labels: { "kubernetes.azure.com/agentpool": name.startsWith("gpu") ? "gpupool" : "cpupool" } },
    status: { capacity: { cpu: "24", memory: "220Gi", ...(gpus ? { "nvidia.com/gpu": String(gpus) } : {}) } },
  };
}

function pod(p: PodSpec, startedAt: number): V1Pod {
  const hash = p.name.split("-").at(-2)!;
  return {
    metadata: {
      namespace,
      name: p.name,
      labels: { "pod-template-hash": hash },
      ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: `${p.service}-${hash}`, uid: `rs-${p.service}`, controller: true }],
    },
    spec: { nodeName: p.node, containers: Object.keys(p.memory).map((c) => ({ name: c, image: "vllm/vllm-openai:v0.6.3", resources: { requests: { cpu: "1", memory: "4Gi" } } })) },
    status: { phase: "Running", startTime: new Date(startedAt * 1000) },
  };
}

describe("cost usage and request counts against the real Prometheus", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "aiplat-cost-usage-"));
  const rand = random(20_261_201);
  // Eight hours back, out of the way of the head block (protocols.md §5.2); on a minute boundary.
  const t0 = Math.floor(Date.now() / 1000 / 60) * 60 - 8 * 3600;
  const lastScrape = t0 + (scrapes - 1) * scrapeSeconds;
  // Off the scrape grid, so which scrapes the window holds is unambiguous.
  const end = lastScrape + 7;
  const stepSeconds = 600;
  // Usage is exact for a window that starts on a step (costUsageQueries); the end is anywhere.
  const window: CostWindow = { start: Math.floor((end - 3 * 3600) / stepSeconds) * stepSeconds, end, duration: "3h" };
  const windowSeconds = window.end - window.start;
  const generated = generate(rand, t0);
  let prom: RunningPrometheus | undefined;
  let source: MetricsSource;
  let inputs: ClusterCostInputs;
  let usage: CostUsage;

  beforeAll(async () => {
    const file = path.join(dir, "history.om");
    writeFileSync(file, generated.text);
    const dataDir = path.join(dir, "tsdb");
    await createBlocksFromOpenMetrics(file, dataDir);
    prom = await startPrometheus({ dataDir, configYaml: `global:\n  scrape_interval: ${scrapeSeconds}s\n` });
    source = createPrometheusSource({ endpoint: { kind: "url", url: prom.url }, auth: { kind: "none" } });
    inputs = costInputsFromObjects(
      [node("gpu-node-a", 2), node("gpu-node-b", 1), node("cpu-node", 0), node("mig-node", 0)],
      pods.map((p) => pod(p, t0 + p.from * scrapeSeconds)),
      [],
      window,
      { teamLabel: "team" },
    );
    const r = await readCostUsage(source, { ...inputs, window }, { stepSeconds });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    usage = r.value;
  }, 120_000);
  afterAll(async () => {
    await prom?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function promql(expr: string, time: number): Promise<number> {
    const r = await fetch(`${prom!.url}/api/v1/query?${new URLSearchParams({ query: expr, time: String(time) }).toString()}`);
    const body = (await r.json()) as { status: string; data: { result: { value: [number, string] }[] } };
    expect(body.status).toBe("success");
    expect(body.data.result).toHaveLength(1);
    return Number(body.data.result[0]!.value[1]);
  }

  /** Successful requests the test generated for the service's pods in the scrapes the window holds. */
  function truth(service: string): number {
    const first = Math.ceil((window.start - t0) / scrapeSeconds);
    const last = Math.floor((window.end - t0) / scrapeSeconds);
    let sum = 0;
    for (const p of pods.filter((p) => p.service === service)) {
      const per = generated.successes.get(p.name)!;
      for (let s = Math.max(first + 1, 0); s <= last; s++) sum += per[s]!;
    }
    return sum;
  }

  it("counts successful requests across counter resets as Prometheus' own increase() does", async () => {
    const ours = usage.requests.get(`${namespace}/chat`);
    expect(ours).toBeDefined();
    const theirs = await promql(
      `sum(increase(http_requests_total{namespace="llm-serving", pod=~"chat-7b4c9d6f8-x2k9p|chat-7b4c9d6f8-q8w7e", handler="/v1/chat/completions", status="2xx"}[${windowSeconds}s]))`,
      window.end,
    );
    expect(ours!.total).toBeCloseTo(theirs, 6);
    // And it is the traffic the test generated (increase() extrapolates to the window's edges: within 1 %).
    const generatedCount = truth("chat");
    expect(Math.abs(ours!.total - generatedCount) / generatedCount).toBeLessThan(0.01);
    // A reading that ignored the resets (last value minus first) would be far off: the test can tell.
    const first = Math.ceil((window.start - t0) / scrapeSeconds);
    const last = Math.floor((window.end - t0) / scrapeSeconds);
    const naive = pods
      .filter((p) => p.service === "chat")
      .reduce((sum, p) => {
        const values = generated.counters.get(p.name)!;
        return sum + values[last]! - values[Math.max(first, p.from)]!;
      }, 0);
    expect(Math.abs(naive - generatedCount) / generatedCount).toBeGreaterThan(0.2);
    expect(usage.estimates).toContainEqual(expect.objectContaining({ code: "counter-reset", subject: `service ${namespace}/chat` }));
    expect(usage.estimates.find((e) => e.code === "counter-reset" && e.subject === `service ${namespace}/chat`)?.detail).toMatch(/^2 counter reset/);
  });

  it("splits the requests per step for the per-1K chart, point for point as Prometheus' query_range", async () => {
    const steps = usage.requests.get(`${namespace}/chat`)!.steps!;
    const direct = (await fetch(
      `${prom!.url}/api/v1/query_range?${new URLSearchParams({
        query: `sum(increase(http_requests_total{namespace="llm-serving", pod=~"chat-7b4c9d6f8-.*", handler="/v1/chat/completions", status="2xx"}[10m]))`,
        start: String(window.start + stepSeconds),
        end: String(window.start + Math.ceil(windowSeconds / stepSeconds) * stepSeconds),
        step: String(stepSeconds),
      }).toString()}`,
    ).then((r) => r.json())) as { data: { result: { values: [number, string][] }[] } };
    const values = direct.data.result[0]!.values;
    expect(steps.map(([t]) => t)).toEqual(values.map(([t]) => t));
    steps.forEach(([, v], i) => expect(v).toBeCloseTo(Number(values[i]![1]), 6));
    const sum = steps.reduce((s, [, v]) => s + v, 0);
    expect(Math.abs(sum - truth("chat")) / truth("chat")).toBeLessThan(0.03);
  });

  it("leaves out a neighbour whose name shares the prefix, and marks a service without counts", () => {
    expect(usage.requests.has(`${namespace}/chatbot`)).toBe(true);
    expect(usage.requests.get(`${namespace}/chatbot`)!.total).toBeGreaterThan(1000 * 700);
    expect(usage.requests.get(`${namespace}/chat`)!.total).toBeLessThan(40 * 760 + 20 * 460);
    // embed's counters stay at 0: a count of zero, not a missing one.
    expect(usage.requests.get(`${namespace}/embed`)?.total).toBe(0);
  });

  it("averages cAdvisor CPU and memory over the time each pod ran, real containers only", () => {
    const a = usage.usage.get(`${namespace}/chat-7b4c9d6f8-x2k9p`)!;
    expect(a.cpuCoresAvg).toBeCloseTo(1.5, 2);
    expect(a.ramBytesAvg).toBeCloseTo(9 * gib, -3);
    // Started 1 h 55 min before the end: its average is over its own run, not diluted by the 3 h window.
    const b = usage.usage.get(`${namespace}/chat-7b4c9d6f8-q8w7e`)!;
    expect(b.cpuCoresAvg).toBeCloseTo(0.5, 2);
    expect(b.ramBytesAvg).toBeCloseTo(4 * gib, -3);
  });

  it("reads GPU utilisation per pod and per node, whichever way dcgm-exporter's labels came", () => {
    expect(usage.usage.get(`${namespace}/chat-7b4c9d6f8-x2k9p`)!.gpuUtilAvg).toBeCloseTo(0.4, 6);
    expect(usage.usage.get(`${namespace}/chat-7b4c9d6f8-q8w7e`)!.gpuUtilAvg).toBeCloseTo(0.8, 6);
    expect(usage.usage.get(`${namespace}/chatbot-5d8f7c9b6d-7tq2m`)?.gpuUtilAvg).toBeUndefined();
    // gpu-node-a: one GPU at 40 %, one idle.
    const a = usage.gpuUtilisation.get("gpu-node-a")!;
    expect(a.windowAvg).toBeCloseTo(0.2, 6);
    expect(a.lastHourAvg).toBeCloseTo(0.2, 6);
    expect(a.now).toBeCloseTo(0.2, 6);
    expect(usage.gpuUtilisation.get("gpu-node-b")?.now).toBeCloseTo(0.8, 6);
    expect(usage.gpuUtilisation.has("cpu-node")).toBe(false);
    // The MIG slice's graphics-engine activity stands in for the utilisation it does not report.
    expect(usage.usage.get(`${namespace}/embed-5d8f7c9b6d-4xk2p`)!.gpuUtilAvg).toBeCloseTo(0.3, 6);
    expect(usage.gpuUtilisation.get("mig-node")?.now).toBeCloseTo(0.3, 6);
  });

  it("drops bad samples with a mark instead of charging them", () => {
    const embed = usage.usage.get(`${namespace}/embed-5d8f7c9b6d-4xk2p`)!;
    expect(embed.ramBytesAvg).toBeUndefined();
    expect(embed.cpuCoresAvg).toBeCloseTo(0.25, 2);
    expect(usage.estimates).toContainEqual(expect.objectContaining({ code: "bad-usage", subject: `pod ${namespace}/embed-5d8f7c9b6d-4xk2p` }));
  });

  it("answers a cancelled read with a cancelled error, not partial figures", async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await readCostUsage(source, { ...inputs, window }, { stepSeconds, signal: controller.signal });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.kind).toBe("cancelled");
  });
});
