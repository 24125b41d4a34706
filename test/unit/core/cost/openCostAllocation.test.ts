/**
 * OpenCost's allocation response, parsed against its documented example
 * (opencost/opencost-website static/allocation-example-output.json @ 306b6399, kept verbatim in
 * test/fixtures/opencost) and turned into report rows: expected figures are the example's own.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { V1Service } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { NodeRecord } from "../../../../src/core/cost/costInputs";
import {
  classifyOpenCostService,
  OpenCostAllocationResponse,
  openCostAggregateOf,
  openCostRows,
  type OpenCostAllocation,
  type OpenCostAllocationSet,
} from "../../../../src/core/cost/openCostAllocation";
import { CostRow } from "../../../../src/shared/protocol/cost";

const example: unknown = JSON.parse(readFileSync(path.join(__dirname, "../../../fixtures/opencost/allocation-example-output.json"), "utf8"));

function setOf(body: unknown): OpenCostAllocationSet {
  const parsed = OpenCostAllocationResponse.parse(body);
  return { steps: (parsed.data ?? []).flatMap((s) => (s ? [s] : [])), path: "/allocation/compute", description: "OpenCost opencost/opencost:9003 /allocation/compute" };
}

const documented = setOf(example);
const kubeSystem = documented.steps[0]!["kube-system"]!;
const allocation = (over: Partial<OpenCostAllocation> & { name: string }): OpenCostAllocation => ({ ...kubeSystem, ...over });

describe("OpenCost's allocation response", () => {
  it("parses the documented example, field for field", () => {
    expect(documented.steps).toHaveLength(1);
    expect(Object.keys(documented.steps[0]!).sort()).toEqual(["kube-system", "opencost", "prometheus"]);
    expect(documented.steps[0]!.opencost).toMatchObject({
      name: "opencost",
      properties: { controller: "opencost", controllerKind: "deployment", namespace: "opencost", node: "ip-192-168-20-42.ap-southeast-2.compute.internal" },
      minutes: 10079.22199,
      cpuCost: 0.06359,
      ramCost: 0.04577,
      gpuCost: 0,
      totalCost: 0.10937,
      cpuEfficiency: 0.05349,
    });
  });

  it("gives namespace rows with the example's costs, sorted, and its efficiencies", () => {
    const { rows, totals } = openCostRows(documented, "namespace", { nodes: [] });
    expect(rows.map((r) => [r.name, r.cost])).toEqual([
      ["kube-system", 1.52743],
      ["prometheus", 0.14136],
      ["opencost", 0.10937],
    ]);
    expect(rows[0]).toMatchObject({ cpuCost: 1.43086, ramCost: 0.09657, gpuCost: 0, gpuHours: 0, cpuEfficiency: 0.02086, ramEfficiency: 0.93334, gpuEfficiency: null, requests: null, costPer1k: null });
    for (const r of rows) expect(CostRow.safeParse(r).success).toBe(true);
    expect(totals.total).toBeCloseTo(1.77816, 9);
    expect(totals).toMatchObject({ idle: 0, gpuIdle: 0 });
    expect(totals.daily).toEqual([{ day: Date.parse("2023-07-12T11:02:46Z") / 1000, total: totals.total, allocated: totals.total, idle: 0 }]);
  });

  it("takes __idle__ as idle (its GPU share apart) and adds up the days of accumulate=day", () => {
    const day1 = { ...documented.steps[0]!, __idle__: allocation({ name: "__idle__", properties: {}, cpuCost: 2, ramCost: 0.5, gpuCost: 10, totalCost: 12.5 }) };
    const day2 = {
      "kube-system": allocation({ name: "kube-system", window: { start: "2023-07-19T11:02:46Z", end: "2023-07-20T11:02:46Z" }, totalCost: 1 }),
      __idle__: allocation({ name: "__idle__", properties: {}, window: { start: "2023-07-19T11:02:46Z", end: "2023-07-20T11:02:46Z" }, gpuCost: 3, totalCost: 4 }),
    };
    const { rows, totals } = openCostRows({ ...documented, steps: [day1, day2] }, "namespace", { nodes: [] });
    expect(rows.map((r) => r.name)).not.toContain("__idle__");
    expect(rows.find((r) => r.name === "kube-system")!.cost).toBeCloseTo(2.52743, 9);
    expect(totals.idle).toBeCloseTo(16.5, 9);
    expect(totals.gpuIdle).toBeCloseTo(13, 9);
    expect(totals.total).toBeCloseTo(1.77816 + 12.5 + 1 + 4, 9);
    expect(totals.allocated + totals.idle).toBeCloseTo(totals.total, 9);
    expect(totals.daily.map((d) => d.idle)).toEqual([12.5, 4]);
  });

  it("names a controller's row namespace/name, adds our request counts and budgets, and charges a KServe predictor to its InferenceService", () => {
    const byController = {
      "opencost/deployment:opencost": documented.steps[0]!.opencost!,
      "models/deployment:iris-predictor": allocation({ name: "models/deployment:iris-predictor", properties: { namespace: "models", controller: "iris-predictor", labels: { serving_kserve_io_inferenceservice: "iris" } }, totalCost: 3 }),
      __unallocated__: allocation({ name: "__unallocated__", properties: {}, totalCost: 0.5 }),
    };
    const { rows } = openCostRows({ ...documented, steps: [byController] }, "service", {
      nodes: [],
      requests: new Map([["opencost/opencost", 2000]]),
      budgets: new Map([["opencost/opencost", 0.01]]),
    });
    expect(rows.map((r) => r.name)).toEqual(["models/iris", "__unallocated__", "opencost/opencost"]);
    const oc = rows.find((r) => r.name === "opencost/opencost")!;
    expect(oc.requests).toBe(2000);
    expect(oc.costPer1k).toBeCloseTo(0.10937 / 2, 9);
    expect(oc.budgetPer1k).toBe(0.01);
    expect(rows.find((r) => r.name === "models/iris")!.estimates).toEqual(["no-request-counts"]);
  });

  it("groups node allocations into our pools and GPU products", () => {
    const node = (name: string, pool: string, gpuProduct?: string): NodeRecord => ({ name, labels: {}, instanceType: undefined, pool, gpuProduct, capacity: { cpuCores: 8, ramBytes: 1, gpus: 1 }, intervals: [] });
    const nodes = [node("a1", "a100pool", "NVIDIA-A100-PCIE-80GB"), node("a2", "a100pool", "NVIDIA-A100-PCIE-80GB"), node("c1", "cpupool")];
    const byNode = {
      a1: allocation({ name: "a1", properties: { node: "a1" }, totalCost: 5 }),
      a2: allocation({ name: "a2", properties: { node: "a2" }, totalCost: 7 }),
      c1: allocation({ name: "c1", properties: { node: "c1" }, totalCost: 1 }),
      gone: allocation({ name: "gone", properties: { node: "gone" }, totalCost: 2 }),
    };
    expect(openCostRows({ ...documented, steps: [byNode] }, "pool", { nodes }).rows.map((r) => [r.name, r.cost])).toEqual([
      ["a100pool", 12],
      ["__unallocated__", 2],
      ["cpupool", 1],
    ]);
    expect(openCostRows({ ...documented, steps: [byNode] }, "gpu", { nodes }).rows.map((r) => [r.name, r.cost])).toEqual([
      ["NVIDIA-A100-PCIE-80GB", 12],
      ["__unallocated__", 3],
    ]);
    expect(openCostAggregateOf("pool", "team")).toBe("node");
    expect(openCostAggregateOf("team", "ai-platform/team")).toBe("label:ai-platform/team");
    expect(openCostAggregateOf("service", "team")).toBe("namespace,controller");
  });

  it("accepts the nulls OpenCost writes for NaN, and refuses what is not its shape", () => {
    const withNull = { code: 200, data: [{ x: { ...kubeSystem, name: "x", cpuEfficiency: null, gpuEfficiency: null } }] };
    expect(OpenCostAllocationResponse.safeParse(withNull).success).toBe(true);
    expect(openCostRows(setOf(withNull), "namespace", { nodes: [] }).rows[0]).toMatchObject({ cpuEfficiency: null, ramEfficiency: 0.93334, gpuEfficiency: null });
    expect(OpenCostAllocationResponse.safeParse({ code: 200, data: [{ x: { ...kubeSystem, totalCost: "1.5" } }] }).success).toBe(false);
    expect(OpenCostAllocationResponse.safeParse({ status: "success", data: [] }).success).toBe(false);
    expect(OpenCostAllocationResponse.safeParse("<html>502 Bad Gateway</html>").success).toBe(false);
    // An error answer is still the envelope: the caller reads code and message.
    expect(OpenCostAllocationResponse.parse({ code: 400, status: "", data: null, message: "invalid window" })).toMatchObject({ code: 400, message: "invalid window" });
  });
});

describe("classifyOpenCostService", () => {
  const svc = (name: string, ports: { name?: string; port: number }[], labels: Record<string, string> = {}): V1Service => ({ metadata: { name, namespace: "opencost", labels }, spec: { ports } });
  it.each([
    ["the Helm chart's Service: API port 9003", svc("opencost", [{ name: "http", port: 9003 }, { name: "http-ui", port: 9090 }]), { service: "opencost", port: "http", by: "name" }],
    ["UI port only: the API is under /model", svc("opencost", [{ port: 9090 }]), { service: "opencost", port: 9090, pathPrefix: "/model", by: "name" }],
    ["found by its label", svc("cost-api", [{ port: 9003 }], { "app.kubernetes.io/name": "opencost" }), { service: "cost-api", port: 9003, by: "label" }],
  ])("%s", (_, service, expected) => {
    expect(classifyOpenCostService(service)).toEqual({ namespace: "opencost", ...expected });
  });
  it("leaves out other Services and an OpenCost without a known port", () => {
    expect(classifyOpenCostService(svc("prometheus", [{ port: 9090 }]))).toBeUndefined();
    expect(classifyOpenCostService(svc("opencost", [{ port: 8080 }]))).toBeUndefined();
  });
});
