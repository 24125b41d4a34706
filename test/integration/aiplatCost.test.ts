/**
 * `aiplat cost` in-process against the demo sandbox with its metrics on (exporters, a day of
 * backfill, a real Prometheus found through the service proxy). The node cost is checked against
 * figures worked out here from the nodes' own creation times and a pricing file of round prices,
 * not read back from the model; the table, the CSV and --check are checked against -o json.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { CoreV1Api, type V1Node } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ExitCode } from "../../src/cli/aiplat";
import { money } from "../../src/cli/costOutput";
import { CostReport, type CostRow } from "../../src/shared/protocol/cost";
import { parseCsv } from "../unit/parseCsv";
import { runAiplat, type CliRun } from "../unit/cli/runAiplat";
import { parseScenario } from "../../sandbox/scenario";
import { startSandboxFixture, type SandboxFixture } from "./sandboxFixture";

let demo: SandboxFixture | undefined;
let nodes: V1Node[] = [];


const instanceType = (n: V1Node): string | undefined => n.metadata?.labels?.["node.kubernetes.io/instance-type"] ?? n.metadata?.labels?.["beta.kubernetes.io/instance-type"];

function cost(args: readonly string[], cwd = demo!.dir): Promise<CliRun> {
  return runAiplat(["cost", ...args], { env: { KUBECONFIG: demo!.kubeconfigFile }, cwd });
}

function reportOf(run: CliRun): CostReport {
  expect(run.code, run.err).toBe(ExitCode.ok);
  return CostReport.parse(JSON.parse(run.out));
}

/** Every instance type in the cluster at $1 per node-hour, and nothing for a node without one. */
function roundPricing(file: string): void {
  const types = [...new Set(nodes.flatMap((n) => instanceType(n) ?? []))];
  writeFileSync(file, ["defaults: { cpu: 0, ram: 0, gpu: 0 }", "instanceTypes:", ...types.map((t) => `  ${t}: { nodeHourly: 1 }`)].join("\n") + "\n");
}

const near = (actual: number, expected: number, relative = 0.001): void => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.max(1e-6, Math.abs(expected) * relative));

describe("aiplat cost against the demo sandbox", () => {
  beforeAll(async () => {
    demo = await startSandboxFixture({ scenario: "demo", controllers: true, metrics: { backfillDays: 1, scrapeInterval: "2s" } });
    nodes = (await demo.kc.makeApiClient(CoreV1Api).listNode()).items;
  }, 180_000);
  afterAll(async () => {
    await demo?.stop();
  });

  test("-o json: the window's node cost is each node's hours in the window at the pricing file's price, and allocated + idle = total", async () => {
    const pricing = path.join(demo!.dir, "round-pricing.yaml");
    roundPricing(pricing);
    const report = reportOf(await cost(["--window", "7d", "--pricing", pricing, "-o", "json"]));
    const start = Date.parse(report.window.start) / 1000;
    const end = Date.parse(report.window.end) / 1000;
    expect(end - start).toBe(7 * 86_400);
    // Each node from its creation (or the window's start) to the window's end, at $1/h when it has an instance type.
    const expected = nodes.reduce((sum, n) => {
      const created = Date.parse(String(n.metadata?.creationTimestamp)) / 1000;
      return sum + (instanceType(n) ? Math.max(0, end - Math.max(start, created)) / 3600 : 0);
    }, 0);
    expect(expected).toBeGreaterThan(0);
    near(report.total, expected);
    near(report.allocated + report.idle, report.total);
    expect(report.currency).toBe("USD");
    expect(report.source.kind).toBe("model");
    for (const p of report.prices.filter((x) => x.instanceType !== null)) expect([p.instanceType, p.origin, p.nodeHourly]).toEqual([p.instanceType, "pricing-file", 1]);
    // Rows by cost, dearest first; cost per 1K is the row's cost over its requests in thousands.
    expect(report.rows.map((r) => r.cost)).toEqual([...report.rows.map((r) => r.cost)].sort((a, b) => b - a));
    const counted = report.rows.filter((r): r is CostRow & { requests: number; costPer1k: number } => r.requests !== null && r.requests > 0 && r.costPer1k !== null);
    expect(counted.length).toBeGreaterThan(0);
    for (const r of counted) near(r.costPer1k, r.cost / (r.requests / 1000));
  });

  test("the table's rows and the CSV's rows are -o json's, in the same order", async () => {
    const [json, table, csv] = await Promise.all([cost(["-o", "json"]), cost([]), cost(["-o", "csv"])]);
    const report = reportOf(json);
    expect(table.code, table.err).toBe(ExitCode.ok);
    const top = report.rows[0]!;
    const topLine = table.out.split("\n").find((l) => l.startsWith(`${top.name} `));
    expect(topLine).toBeDefined();
    expect(topLine).toContain(money(top.cost));
    const [header = [], ...records] = parseCsv(csv.out);
    expect(header.slice(0, 3)).toEqual(["name", "cost", "cpuCost"]);
    expect(records.map((r) => r[0])).toEqual(report.rows.map((r) => r.name));
  });

  test("--aggregate pool has a row per node pool; --namespace keeps that namespace's services only", async () => {
    const pools = reportOf(await cost(["--aggregate", "pool", "-o", "json"]));
    expect(pools.aggregate).toBe("pool");
    const poolNames = new Set(nodes.map((n) => n.metadata?.labels?.["kubernetes.azure.com/agentpool"]).filter(Boolean));
    for (const r of pools.rows) expect(poolNames).toContain(r.name);
    const llm = reportOf(await cost(["--namespace", "llm-serving", "-o", "json"]));
    expect(llm.rows.length).toBeGreaterThan(0);
    for (const r of llm.rows) expect(r.name).toMatch(/^llm-serving\//);
  });

  test("--check exits 1 when a service's cost per 1K exceeds its manifest's budget, and 0 when it is within", async () => {
    const report = reportOf(await cost(["-o", "json"]));
    const row = report.rows.find((r) => r.costPer1k !== null && r.costPer1k > 0 && /^[a-z0-9-]+\/[a-z0-9-]+$/.test(r.name));
    expect(row).toBeDefined();
    const [namespace, name] = row!.name.split("/") as [string, string];
    const manifest = (budget: number): string =>
      [
        "apiVersion: aiplatform.dev/v1",
        "kind: InferenceServiceManifest",
        `name: ${name}`,
        "runtime: python",
        "model: {storageUri: s3://models/m}",
        "image: example.com/svc:1",
        `cost: {budgetPer1k: ${budget}}`,
        "environments:",
        `  demo: {context: sandbox, namespace: ${namespace}}`,
      ].join("\n") + "\n";
    const dir = demo!.dir;
    writeFileSync(path.join(dir, "aiplatform.yaml"), manifest(row!.costPer1k! / 2));
    const over = await cost(["--check"], dir);
    expect(over.code, over.err).toBe(ExitCode.failed);
    expect(over.out).toMatch(new RegExp(`over budget: ${row!.name} costs \\$[0-9.,]+ per 1K inferences > cost\\.budgetPer1k`));
    writeFileSync(path.join(dir, "aiplatform.yaml"), manifest(row!.costPer1k! * 2));
    const within = await cost(["--check", "-o", "json"], dir);
    expect(within.code, within.err).toBe(ExitCode.ok);
    expect(within.err).toMatch(new RegExp(`within budget: ${row!.name}`));
    // The report's row carries the budget it was checked against.
    expect(CostReport.parse(JSON.parse(within.out)).rows.find((r) => r.name === row!.name)?.budgetPer1k).toBeCloseTo(row!.costPer1k! * 2, 10);
  });

  test("a typo in the pricing file is a warning and an estimate mark, not a failure", async () => {
    const pricing = path.join(demo!.dir, "typo-pricing.yaml");
    writeFileSync(pricing, "instanceTypes:\n  Standard_D8s_v5: { nodeHourly: cheap }\n");
    const run = await cost(["--pricing", pricing, "-o", "json"]);
    const report = reportOf(run);
    expect(run.err).toMatch(/warning: .*typo-pricing\.yaml.*\(ignored\)/);
    expect(report.estimates.some((e) => e.code === "price-book-error")).toBe(true);
    expect(report.prices.find((p) => p.instanceType === "Standard_D8s_v5")?.origin).toBe("price-book");
  });
});

/**
 * OpenCost's custom-pricing defaults (configs/default.json in opencost/opencost: CPU 0.031611 per
 * core-hour, RAM 0.004237 per GiB-hour): what a node of an unknown type costs.
 */
const openCostDefault = { cpu: 0.031611, ram: 0.004237 };

describe("aiplat cost on a cluster without a metrics source or instance types", () => {
  let bare: SandboxFixture | undefined;
  beforeAll(async () => {
    bare = await startSandboxFixture({
      scenario: parseScenario(`
namespaces:
  - metadata: {name: shop, labels: {team: web}}
nodes:
  - metadata: {name: cpu-0, creationTimestamp: now-2d, labels: {kubernetes.io/hostname: cpu-0}}
    status:
      capacity: {cpu: "16", memory: 64Gi, pods: "110"}
      allocatable: {cpu: "16", memory: 64Gi, pods: "110"}
      conditions: [{type: Ready, status: "True", reason: KubeletReady}]
pods:
  - metadata:
      name: web-7c9d8f6b5-x2k4p
      namespace: shop
      creationTimestamp: now-1h
      labels: {app: web, pod-template-hash: 7c9d8f6b5}
      ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-7c9d8f6b5, uid: 5e1c6a2e-0b7d-4c61-9a51-3f2b8f0c1d11, controller: true}]
    spec:
      nodeName: cpu-0
      containers: [{name: web, image: example.com/web:1, resources: {requests: {cpu: "2", memory: 8Gi}}}]
    status: {phase: Running, startTime: now-1h, containerStatuses: [{name: web, ready: true, restartCount: 0, image: example.com/web:1, imageID: "", state: {running: {startedAt: now-1h}}}]}
`),
    });
  }, 60_000);
  afterAll(async () => {
    await bare?.stop();
  });

  test("prices the node and the pod's requests at OpenCost's defaults, says so, and still exits 0", async () => {
    const run = await runAiplat(["cost", "-o", "json"], { env: { KUBECONFIG: bare!.kubeconfigFile }, cwd: bare!.dir });
    const report = reportOf(run);
    expect(run.err).toMatch(/warning: no Prometheus found in the cluster.*costs follow requests only/);
    // 16 cores and 64 GiB for the 48 hours since the node was created.
    near(report.total, (16 * openCostDefault.cpu + 64 * openCostDefault.ram) * 48, 0.002);
    // The pod's requests, 2 cores and 8 GiB, for the hour it has run.
    const web = report.rows.find((r) => r.name === "shop/web");
    expect(web).toBeDefined();
    near(web!.cost, (2 * openCostDefault.cpu + 8 * openCostDefault.ram) * 1, 0.01);
    expect([web!.requests, web!.costPer1k, web!.cpuEfficiency]).toEqual([null, null, null]);
    expect(report.prices).toEqual([expect.objectContaining({ instanceType: null, origin: "default", nodes: 1 })]);
    for (const code of ["no-instance-type", "no-usage", "no-request-counts"]) expect(report.estimates.map((e) => e.code)).toContain(code);
    const team = reportOf(await runAiplat(["cost", "--aggregate", "team", "-o", "json"], { env: { KUBECONFIG: bare!.kubeconfigFile }, cwd: bare!.dir }));
    expect(team.rows.map((r) => r.name)).toEqual(["web"]);
  });
});

describe("aiplat cost where OpenCost runs in the cluster", () => {
  let withOpenCost: SandboxFixture | undefined;
  beforeAll(async () => {
    withOpenCost = await startSandboxFixture({ scenario: "demo", opencost: true });
  }, 60_000);
  afterAll(async () => {
    await withOpenCost?.stop();
  });
  const run = (args: readonly string[]): Promise<CliRun> => runAiplat(["cost", ...args], { env: { KUBECONFIG: withOpenCost!.kubeconfigFile }, cwd: withOpenCost!.dir });

  test("reads OpenCost's allocations and says so; --opencost off uses the price-book model", async () => {
    const found = reportOf(await run(["--window", "1d", "-o", "json"]));
    expect(found.source).toEqual({ kind: "opencost", description: expect.stringContaining("opencost/opencost") as unknown });
    near(found.allocated + found.idle, found.total);
    const off = reportOf(await run(["--window", "1d", "--opencost", "off", "-o", "json"]));
    expect(off.source.kind).toBe("model");
    const named = reportOf(await run(["--window", "1d", "--opencost", "service:opencost/opencost:9003", "-o", "json"]));
    expect(named.source.kind).toBe("opencost");
  });

  test("an --opencost service that is not there fails with the flag that gets past it", async () => {
    const r = await run(["--opencost", "service:opencost/nothing-here:9003"]);
    expect(r.code).toBe(ExitCode.failed);
    expect(r.err).toMatch(/--opencost off/);
  });
});
