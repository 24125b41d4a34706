/**
 * The cost report on the demo sandbox with its metrics: the real Prometheus over a day of
 * backfilled history (request counters, cAdvisor container series, dcgm-exporter), reached
 * through the API server's service proxy as the CLI and editor reach it. The report must parse
 * with the CostReport contract, balance (allocated + idle = total), measure usage for the
 * serving pods, and count each service's requests as Prometheus' own increase() does.
 */
import type { V1Namespace, V1Node, V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CostWindow } from "../../src/core/cost/costInputs";
import { costInputsFromObjects } from "../../src/core/cost/costInputsFromCluster";
import { computeCostReport } from "../../src/core/cost/costReport";
import { createPriceBook } from "../../src/core/cost/priceBook";
import { getJson } from "../../src/core/kube/client/kubeRequest";
import { createPrometheusSource } from "../../src/core/metrics/prometheusSource";
import { CostReport } from "../../src/shared/protocol/cost";
import { startSandboxFixture, type SandboxFixture } from "./sandboxFixture";

let sandbox: SandboxFixture | undefined;
const current = (): SandboxFixture => {
  if (!sandbox) throw new Error("the sandbox is not running");
  return sandbox;
};

beforeAll(async () => {
  sandbox = await startSandboxFixture({ scenario: "demo", controllers: true, metrics: { backfillDays: 1, scrapeInterval: "5s" } });
}, 240_000);
afterAll(async () => {
  await sandbox?.stop();
});

async function promql(expr: string, time: number): Promise<number | undefined> {
  const url = `${current().metrics!.prometheus.url}/api/v1/query?${new URLSearchParams({ query: expr, time: String(time) }).toString()}`;
  const body = (await (await fetch(url)).json()) as { status: string; data: { result: { value: [number, string] }[] } };
  expect(body.status).toBe("success");
  const v = body.data.result[0]?.value[1];
  return v === undefined ? undefined : Number(v);
}

describe("the cost report on the demo sandbox with metrics", () => {
  it("parses, balances, measures usage and counts requests as Prometheus does", async () => {
    const kc = current().kc;
    const list = async <T>(path: string) => ((await getJson(kc, path)) as { items: T[] }).items;
    const [nodes, pods, namespaces] = await Promise.all([list<V1Node>("/api/v1/nodes"), list<V1Pod>("/api/v1/pods"), list<V1Namespace>("/api/v1/namespaces")]);
    const metrics = createPrometheusSource({ endpoint: { kind: "service-proxy", kubeConfig: kc, namespace: "monitoring", service: "kube-prometheus-stack-prometheus", port: 9090, scheme: "http" }, auth: { kind: "none" } });
    // Twenty hours: inside the backfilled day, so every figure has history behind it.
    const now = Math.floor(Date.now() / 1000);
    const window: CostWindow = { start: now - 20 * 3600, end: now, duration: "20h" };
    const r = await computeCostReport({ context: "sandbox", window, aggregate: "service", teamLabel: "team", nodes, pods, namespaces, metrics, book: createPriceBook(), now });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const report = CostReport.parse(r.report);

    expect(report.source).toEqual({ kind: "model", description: `price book + ${metrics.description}` });
    expect(Math.abs(report.allocated + report.idle - report.total) / report.total).toBeLessThan(0.001);
    // Every demo node carries a real Azure instance type the price book knows.
    expect(report.prices.filter((p) => p.origin === "default")).toEqual([]);

    // The services with request counters have counts, and they are Prometheus' own increase() over the window.
    const counted = report.rows.filter((row) => row.requests !== null);
    expect(counted.length).toBeGreaterThan(2);
    const inputs = costInputsFromObjects(nodes, pods, namespaces, window, { teamLabel: "team" });
    const llama = inputs.services.find((s) => s.key === "llm-serving/vllm-llama3-70b")!;
    expect(llama.runtime).toBe("vllm");
    const row = report.rows.find((x) => x.name === "llm-serving/vllm-llama3-70b")!;
    const theirs = await promql(
      `sum(increase(http_requests_total{namespace="llm-serving", pod=~"vllm-llama3-70b-[a-z0-9]{1,10}-[a-z0-9]{5}", handler!~"/metrics|/health.*|/ping|/ready.*|/live.*", status=~"2.."}[${window.end - window.start}s]))`,
      window.end,
    );
    expect(theirs).toBeGreaterThan(0);
    // The report was computed a moment before this query ran, over a window that ended then: the same samples, give or take the newest scrapes.
    expect(Math.abs(row.requests! - theirs!) / theirs!).toBeLessThan(0.01);
    expect(row.costPer1k).toBeCloseTo(row.cost / (row.requests! / 1000), 9);

    // cAdvisor usage for the serving pods: their rows have CPU and memory efficiency.
    expect(row.cpuEfficiency).not.toBeNull();
    expect(row.ramEfficiency).not.toBeNull();
    // dcgm-exporter: the GPU pools have utilisation.
    const gpuPools = report.pools.filter((p) => p.gpus > 0);
    expect(gpuPools.length).toBeGreaterThan(0);
    for (const p of gpuPools) expect(p.gpuUtilisationPct, p.pool).not.toBeNull();
  }, 120_000);
});
