/**
 * computeCostReport end to end over cluster objects and an in-memory metrics source: the result
 * parses with the CostReport contract the CLI prints and the dashboard reads, the totals are the
 * nodes' list prices (domain.md §4.2) and OpenCost's defaults (§4.1) computed here by hand, and
 * every failure is a value.
 */
import type { V1Namespace, V1Node, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { CostWindow } from "../../../../src/core/cost/costInputs";
import { computeCostReport, costStepSeconds, type CostReportRequest } from "../../../../src/core/cost/costReport";
import { createPriceBook } from "../../../../src/core/cost/priceBook";
import type { PendingGpuPod } from "../../../../src/core/kube/gpu/pendingGpuPods";
import { CostReport } from "../../../../src/shared/protocol/cost";
import { StubMetricsSource } from "../metrics/serviceMetricsStubSource";

const day = 86_400;
const end = Date.UTC(2026, 11, 1, 12) / 1000;
const window: CostWindow = { start: end - day, end, duration: "1d" };
const iso = (t: number) => new Date(t * 1000).toISOString() as unknown as Date;

const node = (name: string, instanceType: string | undefined, pool: string, capacity: Record<string, string>, labels: Record<string, string> = {}): V1Node => ({
  metadata: { name, creationTimestamp: iso(end - 30 * day), labels: { ...(instanceType ? { "node.kubernetes.io/instance-type": instanceType } : {}), "kubernetes.azure.com/agentpool": pool, ...labels } },
  status: { capacity },
});

const pod = (namespace: string, deployment: string, suffix: string, nodeName: string | undefined, requests: Record<string, string>, image: string, extra: Partial<V1Pod["spec"]> = {}): V1Pod => ({
  metadata: {
    namespace,
    name: `${deployment}-6f8d9c7b5-${suffix}`,
    labels: { "pod-template-hash": "6f8d9c7b5" },
    ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: `${deployment}-6f8d9c7b5`, uid: "rs", controller: true }],
    creationTimestamp: iso(end - 2 * day),
  },
  spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: "server", image, resources: { requests, limits: requests } }], ...extra },
  status: nodeName ? { phase: "Running", startTime: iso(end - 2 * day) } : { phase: "Pending" },
});

const nodes = [
  node("a100-0", "Standard_NC24ads_A100_v4", "a100pool", { cpu: "24", memory: "220Gi", "nvidia.com/gpu": "1" }, { "nvidia.com/gpu.product": "NVIDIA-A100-PCIE-80GB" }),
  node("cpu-0", "Standard_D8s_v5", "cpupool", { cpu: "8", memory: "32Gi" }),
  node("odd-0", "Standard_Foo_v9", "oddpool", { cpu: "4", memory: "16Gi" }),
];
const waiting = pod("llm-serving", "big", "wwwww", undefined, { cpu: "8", memory: "64Gi", "nvidia.com/gpu": "1" }, "vllm/vllm-openai:v0.6.3", { nodeSelector: { "kubernetes.azure.com/agentpool": "a100pool" } });
const pods = [
  pod("llm-serving", "chat", "aaaaa", "a100-0", { cpu: "8", memory: "64Gi", "nvidia.com/gpu": "1" }, "vllm/vllm-openai:v0.6.3"),
  pod("web", "site", "bbbbb", "cpu-0", { cpu: "2", memory: "4Gi" }, "python:3.12"),
  waiting,
];
const namespaces: V1Namespace[] = [{ metadata: { name: "llm-serving", labels: { team: "llm" } } }, { metadata: { name: "web", labels: { team: "frontend" } } }];
const pending: PendingGpuPod[] = [
  { namespace: "llm-serving", name: waiting.metadata!.name!, uid: undefined, gpus: { "nvidia.com/gpu": 1 }, createdAt: (end - 3600) * 1000, boundTo: undefined, scheduling: undefined },
];

const request = (over: Partial<CostReportRequest> = {}): CostReportRequest => ({
  context: "aks-prod",
  window,
  aggregate: "service",
  teamLabel: "team",
  nodes,
  pods,
  namespaces,
  book: createPriceBook(),
  pending,
  now: end,
  ...over,
});

/** Node prices per hour, by hand: Azure list prices for the known SKUs, OpenCost's defaults (CPU 0.031611/h, RAM 0.004237/GiB-h) for the unknown one. */
const hourly = 3.673 + 0.384 + (4 * 0.031611 + 16 * 0.004237);

describe("computeCostReport", () => {
  it("without metrics: a report that parses, priced by hand, charged on requests, and saying so", async () => {
    const r = await computeCostReport(request());
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const report = CostReport.parse(r.report);
    expect(report.source.kind).toBe("model");
    expect(report.currency).toBe("USD");
    expect(report.window).toEqual({ duration: "1d", start: "2026-11-30T12:00:00.000Z", end: "2026-12-01T12:00:00.000Z" });
    expect(report.total).toBeCloseTo(hourly * 24, 6);
    expect(Math.abs(report.allocated + report.idle - report.total) / report.total).toBeLessThan(0.001);
    expect(report.rows.map((row) => row.name)).toEqual(["llm-serving/chat", "web/site"]);
    expect(report.rows[0]!).toMatchObject({ requests: null, costPer1k: null, gpuHours: 24 });
    const codes = new Set(report.estimates.map((e) => e.code));
    for (const code of ["no-usage", "no-request-counts", "default-price"] as const) expect(codes).toContain(code);
    expect(report.prices.find((p) => p.instanceType === "Standard_Foo_v9")?.origin).toBe("default");
    // The GPU pod waiting for the A100 pool shows beside that pool, with how long it has waited.
    expect(report.pools.find((p) => p.pool === "a100pool")).toMatchObject({ pendingGpuPods: 1, queueSecondsMax: 3600 });
  });

  it("with metrics: cost per 1K inferences is the service's cost over its successful requests", async () => {
    const metrics = new StubMetricsSource([
      { match: /^sum\(increase\(http_requests_total\{namespace="llm-serving", pod=~"chat-/, answer: { value: 50_000 } },
      { match: /^sum\(resets\(/, answer: { value: 1 } },
      { match: /container_cpu_usage_seconds_total/, answer: { value: 4 * day, labels: { namespace: "llm-serving", pod: "chat-6f8d9c7b5-aaaaa" } } },
      { match: /DCGM_FI_DEV_GPU_UTIL/, answer: [{ value: 35, labels: { namespace: "llm-serving", pod: "chat-6f8d9c7b5-aaaaa", node: "a100-0" } }] },
    ]);
    const r = await computeCostReport(request({ metrics, budgets: new Map([["llm-serving/chat", 0.5]]) }));
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const report = CostReport.parse(r.report);
    const chat = report.rows.find((row) => row.name === "llm-serving/chat")!;
    expect(chat.requests).toBe(50_000);
    expect(chat.costPer1k).toBeCloseTo(chat.cost / 50, 9);
    expect(chat.budgetPer1k).toBe(0.5);
    expect(chat.gpuEfficiency).toBeCloseTo(0.35, 6);
    expect(report.estimates).toContainEqual(expect.objectContaining({ code: "counter-reset", subject: "service llm-serving/chat" }));
    expect(report.source.description).toBe("price book + Prometheus at http://prometheus.stub:9090");
    // The FastAPI site has no counter data: marked, no cost per 1K.
    expect(report.estimates).toContainEqual(expect.objectContaining({ code: "no-request-counts", subject: "service web/site" }));
    expect(report.rows.find((row) => row.name === "web/site")!.costPer1k).toBeNull();
  });

  it("rows of one namespace, by team; the totals stay the cluster's", async () => {
    const r = await computeCostReport(request({ aggregate: "team", namespace: "web" }));
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.report.rows.map((row) => row.name)).toEqual(["frontend"]);
    expect(r.report.total).toBeCloseTo(hourly * 24, 6);
  });

  it("a source that cannot be reached is a metrics error; a cancelled read is cancelled", async () => {
    const down = new StubMetricsSource([{ match: /.*/, answer: { error: { kind: "unreachable", detail: "connect ECONNREFUSED", source: "Prometheus at http://prometheus.stub:9090" } } }]);
    const r = await computeCostReport(request({ metrics: down }));
    expect(r).toMatchObject({ ok: false, error: { kind: "metrics", error: { kind: "unreachable" } } });
    const controller = new AbortController();
    controller.abort();
    expect(await computeCostReport(request({ signal: controller.signal }))).toEqual({ ok: false, error: { kind: "cancelled" } });
  });

  it("steps the per-1K chart by about 250 points, never under 5 minutes", () => {
    expect(costStepSeconds({ start: 0, end: day, duration: "1d" })).toBe(600);
    expect(costStepSeconds({ start: 0, end: 7 * day, duration: "7d" })).toBe(3600);
    expect(costStepSeconds({ start: 0, end: 30 * day, duration: "30d" })).toBe(3 * 3600);
    expect(costStepSeconds({ start: 0, end: 3600, duration: "1h" })).toBe(300);
  });
});
