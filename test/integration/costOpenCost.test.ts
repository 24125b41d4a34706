/**
 * OpenCost through the API server's service proxy: the demo sandbox with its fake OpenCost
 * (sandbox/opencost, OpenCost's documented response computed with its maths), found by
 * detectOpenCost, probed /allocation first then /allocation/compute (some versions 404 on one,
 * opencost#2845 and headlamp plugins#481), the working path remembered, and the report built
 * from it parsing with the CostReport contract. Expected figures are the fake's raw answer,
 * fetched here with kubectl.
 */
import type { V1Namespace, V1Node, V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandboxOpenCost, type SandboxOpenCost } from "../../sandbox/opencost/sandboxOpenCost";
import type { CostWindow } from "../../src/core/cost/costInputs";
import { computeCostReport } from "../../src/core/cost/costReport";
import { detectOpenCost, forgetOpenCostPaths, idleKey, readOpenCostAllocation } from "../../src/core/cost/openCostAllocation";
import { createPriceBook } from "../../src/core/cost/priceBook";
import { getJson } from "../../src/core/kube/client/kubeRequest";
import { CostReport } from "../../src/shared/protocol/cost";
import { kubectlCli } from "./kubectlCli";
import { useSandbox } from "./sandboxFixture";

const sandbox = useSandbox({ scenario: "demo" });
const { kubectl } = kubectlCli(() => sandbox.kubectlEnv);
let openCost: SandboxOpenCost;
const now = Math.floor(Date.now() / 1000);
const window: CostWindow = { start: now - 86_400, end: now, duration: "1d" };
const api = { namespace: "opencost", service: "opencost", port: 9003 };

beforeAll(async () => {
  // As OpenCost 1.109 answers (opencost#2845): no /allocation, only /allocation/compute.
  openCost = await startSandboxOpenCost(sandbox.server, { paths: { allocation: false, compute: true } });
});
afterAll(async () => {
  await openCost.stop();
});

const paths = (from: number) => openCost.requests.slice(from).map((r) => r.split("?")[0]);

describe("OpenCost through the service proxy", () => {
  it("finds the Service by name with its API port", async () => {
    const found = await detectOpenCost(sandbox.kc);
    expect(found).toEqual([{ namespace: "opencost", service: "opencost", port: "http", by: "name" }]);
  });

  it("probes /allocation, falls back to /allocation/compute, and goes straight there next time", async () => {
    forgetOpenCostPaths();
    const from = openCost.requests.length;
    const r = await readOpenCostAllocation(sandbox.kc, api, window, "namespace");
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.path).toBe("/allocation/compute");
    expect(paths(from)).toEqual(["GET /allocation", "GET /allocation/compute"]);
    const asked = new URL(`http://x${openCost.requests.at(-1)!.slice(4)}`).searchParams;
    expect(Object.fromEntries(asked)).toEqual({ window: `${window.start},${window.end}`, aggregate: "namespace", accumulate: "day", includeIdle: "true" });

    const again = openCost.requests.length;
    expect((await readOpenCostAllocation(sandbox.kc, api, window, "namespace")).ok).toBe(true);
    expect(paths(again)).toEqual(["GET /allocation/compute"]);

    // The same rows as the raw answer kubectl gets.
    const raw = JSON.parse(await kubectl("get", "--raw", `/api/v1/namespaces/opencost/services/opencost:9003/proxy/allocation/compute?window=${window.start},${window.end}&aggregate=namespace&accumulate=day&includeIdle=true`)) as {
      data: Record<string, { totalCost: number }>[];
    };
    expect(r.value.steps.map((s) => Object.keys(s).sort())).toEqual(raw.data.map((s) => Object.keys(s).sort()));
    expect(r.value.steps.flatMap((s) => Object.values(s).map((a) => a.totalCost))).toEqual(raw.data.flatMap((s) => Object.values(s).map((a) => a.totalCost)));
  });

  it("moves to the other path when the remembered one starts to 404, and says when neither exists", async () => {
    openCost.setPaths({ allocation: true, compute: false });
    const from = openCost.requests.length;
    const r = await readOpenCostAllocation(sandbox.kc, api, window, "namespace");
    expect(r.ok && r.value.path).toBe("/allocation");
    expect(paths(from)).toEqual(["GET /allocation/compute", "GET /allocation"]);

    openCost.setPaths({ allocation: false, compute: false });
    expect(await readOpenCostAllocation(sandbox.kc, api, window, "namespace")).toEqual({
      ok: false,
      error: { kind: "opencost-not-found", service: "opencost/opencost:9003", tried: ["/allocation", "/allocation/compute"] },
    });
    openCost.setPaths({ allocation: true, compute: true });
  });

  it("reaches the API through the UI's port under /model", async () => {
    forgetOpenCostPaths();
    const from = openCost.requests.length;
    const r = await readOpenCostAllocation(sandbox.kc, { ...api, port: 9090, pathPrefix: "/model" }, window, "namespace");
    expect(r.ok && r.value.path).toBe("/model/allocation");
    expect(paths(from)).toEqual(["GET /model/allocation"]);
  });

  it("a Service without endpoints is unreachable; a missing Service is not found", async () => {
    const none = await readOpenCostAllocation(sandbox.kc, { ...api, service: "kube-prometheus-stack-prometheus", namespace: "monitoring", port: 9090 }, window, "namespace");
    // The API server's own answer without a backend: 503 "no endpoints available for service".
    expect(none).toMatchObject({ ok: false, error: { kind: "opencost-unreachable", status: 503, service: "monitoring/kube-prometheus-stack-prometheus:9090" } });
    const missing = await readOpenCostAllocation(sandbox.kc, { ...api, service: "no-such-opencost" }, window, "namespace");
    expect(missing).toMatchObject({ ok: false, error: { kind: "opencost-not-found" } });
  });

  it("builds a report from OpenCost that parses, with idle apart and the cluster's pools beside it", async () => {
    const list = async <T>(path: string) => ((await getJson(sandbox.kc, path)) as { items: T[] }).items;
    const [nodes, pods, namespaces] = await Promise.all([list<V1Node>("/api/v1/nodes"), list<V1Pod>("/api/v1/pods"), list<V1Namespace>("/api/v1/namespaces")]);
    const r = await computeCostReport({
      context: "sandbox",
      window,
      aggregate: "namespace",
      teamLabel: "team",
      nodes,
      pods,
      namespaces,
      openCost: { kubeConfig: sandbox.kc, ...api },
      book: createPriceBook(),
      now,
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const report = CostReport.parse(r.report);
    expect(report.source.kind).toBe("opencost");
    expect(report.source.description).toMatch(/^OpenCost opencost\/opencost:9003 \/allocation/);

    const raw = JSON.parse(await kubectl("get", "--raw", `/api/v1/namespaces/opencost/services/opencost:9003/proxy/allocation?window=${window.start},${window.end}&aggregate=namespace&accumulate=day&includeIdle=true`)) as {
      data: Record<string, { totalCost: number; gpuCost: number }>[];
    };
    const sum = (pick: (key: string) => boolean, field: "totalCost" | "gpuCost" = "totalCost") => raw.data.reduce((s, step) => s + Object.entries(step).filter(([k]) => pick(k)).reduce((t, [, a]) => t + a[field], 0), 0);
    expect(report.total).toBeCloseTo(sum(() => true), 6);
    expect(report.idle).toBeCloseTo(sum((k) => k === idleKey), 6);
    expect(report.gpuIdle).toBeCloseTo(sum((k) => k === idleKey, "gpuCost"), 6);
    expect(report.allocated + report.idle).toBeCloseTo(report.total, 6);
    const llm = report.rows.find((row) => row.name === "llm-serving");
    expect(llm?.cost).toBeCloseTo(sum((k) => k === "llm-serving"), 6);
    expect(report.rows.map((row) => row.cost)).toEqual([...report.rows.map((row) => row.cost)].sort((a, b) => b - a));
    expect(report.pools.length).toBeGreaterThan(0);
  });
});
