import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import type * as vscode from "vscode";
import { registerCostDashboard, type CostDashboard } from "../../../../src/editor/panels/costDashboard";
import type { CostDashboardDeps, CostLoadResult } from "../../../../src/editor/panels/costPanel";
import type { CostAggregate, CostReport, CostWindowPreset } from "../../../../src/shared/protocol/cost";
import { parseCsv } from "../../parseCsv";
import { fake, fakeLog, FakeUri, type FakeWebviewPanel, resetFake } from "./fakeVscode";

/** The shared fake plus the two window calls only the showback export makes. */
const extra = vi.hoisted(() => ({ errors: [] as string[], progressTitles: [] as string[], cancel: undefined as (() => void) | undefined }));

vi.mock("vscode", async () => {
  const { fakeVscode } = await import("./fakeVscode");
  return {
    ...fakeVscode,
    ProgressLocation: { Notification: 15 },
    window: {
      ...fakeVscode.window,
      showErrorMessage: (text: string): Promise<undefined> => {
        extra.errors.push(text);
        return Promise.resolve(undefined);
      },
      withProgress: <T>(options: { title: string }, task: (progress: unknown, token: { onCancellationRequested(l: () => void): void }) => Promise<T>): Promise<T> => {
        extra.progressTitles.push(options.title);
        const listeners: (() => void)[] = [];
        extra.cancel = () => listeners.forEach((l) => l());
        return task({ report: () => undefined }, { onCancellationRequested: (l) => listeners.push(l) });
      },
    },
  };
});

const end = "2026-11-30T21:00:00.000Z";

function reportOf(window: CostWindowPreset, aggregate: CostAggregate, rows: { name: string; cost: number }[] = [{ name: "llm", cost: 120 }]): CostReport {
  const allocated = rows.reduce((s, r) => s + r.cost, 0);
  return {
    window: { duration: window, start: "2026-11-23T21:00:00.000Z", end },
    currency: "USD",
    source: { kind: "model", description: "price book + Prometheus http://prometheus:9090" },
    aggregate,
    total: allocated + 80,
    allocated,
    idle: 80,
    gpuIdle: 60,
    rows: rows.map((r) => ({
      name: r.name,
      cost: r.cost,
      cpuCost: r.cost * 0.1,
      ramCost: r.cost * 0.1,
      gpuCost: r.cost * 0.8,
      gpuHours: 24,
      requests: 100_000,
      costPer1k: r.cost / 100,
      cpuEfficiency: 0.5,
      ramEfficiency: 0.4,
      gpuEfficiency: 0.7,
      estimates: [],
    })),
    pools: [],
    nodes: [],
    daily: [],
    per1k: [],
    prices: [],
    estimates: [],
    computedAt: Date.parse(end) / 1000,
  };
}

interface Call {
  context: string;
  window: CostWindowPreset;
  aggregate: CostAggregate;
  signal: AbortSignal;
  resolve(r: CostLoadResult): void;
  reject(e: unknown): void;
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

let log: ReturnType<typeof fakeLog>;
let calls: Call[];
let opened: { context: string; service: string }[];
let connects: number;
let dashboard: CostDashboard;

beforeEach(() => {
  resetFake();
  extra.errors = [];
  extra.progressTitles = [];
  log = fakeLog();
  calls = [];
  opened = [];
  connects = 0;
  const deps: CostDashboardDeps = {
    load: (context, window, aggregate, signal) => new Promise((resolve, reject) => calls.push({ context, window, aggregate, signal, resolve, reject })),
    openService: (context, service) => opened.push({ context, service }),
    connectMetrics: () => {
      connects++;
    },
    log: log as unknown as vscode.LogOutputChannel,
  };
  dashboard = registerCostDashboard({ extensionUri: FakeUri.file("/ext") as unknown as vscode.Uri }, deps);
});

afterEach(() => {
  dashboard.dispose();
  vi.useRealTimers();
});

async function openPanel(context = "aks-prod"): Promise<FakeWebviewPanel> {
  await dashboard.open(context);
  return fake.panels[fake.panels.length - 1]!;
}

describe("the cost dashboard host", () => {
  test("opens one locked-down panel per kube context, loading 7 days by service while the webview boots", async () => {
    const p = await openPanel();
    expect(p.viewType).toBe("aiPlatform.costDashboard");
    expect(p.title).toBe("Cost: aks-prod");
    expect(p.options).toEqual({ enableScripts: true, localResourceRoots: [FakeUri.file("/ext/dist/webview")] });
    expect(p.webview.html).toContain("default-src 'none'");
    expect(p.webview.html).toContain('src="https://webview.test/ext/dist/webview/cost.js"');
    expect(p.webview.html).toContain('href="https://webview.test/ext/dist/webview/cost.css"');
    expect(calls.map((c) => [c.context, c.window, c.aggregate])).toEqual([["aks-prod", "7d", "service"]]);
    expect(p.posted).toEqual([]);
    await dashboard.open("aks-prod");
    expect(fake.panels).toHaveLength(1);
    expect(p.reveals).toBe(1);
    await dashboard.open("aks-staging");
    expect(fake.panels).toHaveLength(2);
  });

  test("answers ready with the prefetched report, naming the context so the webview can keep its state", async () => {
    const p = await openPanel();
    p.send({ type: "ready" });
    expect(calls).toHaveLength(1);
    calls[0]!.resolve({ ok: true, report: reportOf("7d", "service") });
    await flush();
    expect(p.posted).toEqual([
      { type: "loading", context: "aks-prod", window: "7d", aggregate: "service" },
      { type: "report", window: "7d", report: reportOf("7d", "service") },
    ]);
  });

  test("the window and aggregate pickers load again; the superseded load is aborted and its late answer never shown", async () => {
    const p = await openPanel();
    p.send({ type: "ready" });
    p.send({ type: "setWindow", window: "30d" });
    p.send({ type: "setAggregate", aggregate: "team" });
    expect(calls.map((c) => [c.window, c.aggregate, c.signal.aborted])).toEqual([
      ["7d", "service", true],
      ["30d", "service", true],
      ["30d", "team", false],
    ]);
    calls[2]!.resolve({ ok: true, report: reportOf("30d", "team") });
    calls[0]!.resolve({ ok: true, report: reportOf("7d", "service") });
    calls[1]!.resolve({ ok: true, report: reportOf("30d", "service") });
    await flush();
    const reports = p.posted.filter((m): m is { type: "report"; report: CostReport } => (m as { type: string }).type === "report");
    expect(reports.map((r) => [r.report.window.duration, r.report.aggregate])).toEqual([["30d", "team"]]);
    expect(p.posted.at(-2)).toEqual({ type: "loading", context: "aks-prod", window: "30d", aggregate: "team" });
  });

  test("a message of the wrong shape is logged and dropped; nothing loads", async () => {
    const p = await openPanel();
    p.send({ type: "setWindow", window: "90d" });
    p.send({ type: "setAggregate", aggregate: "pod" });
    p.send({ type: "exportShowback", by: "service" });
    p.send({ type: "openService", service: "" });
    await flush();
    expect(calls).toHaveLength(1);
    expect(p.posted).toEqual([]);
    expect(log.lines).toHaveLength(4);
    expect(log.lines[0]).toMatch(/^warn aiPlatform\.costDashboard: dropped a webview message "setWindow" of the wrong shape/);
    expect(log.lines[2]).toMatch(/"exportShowback" of the wrong shape/);
  });

  test("an expected failure is shown as the provider worded it; a throw or an off-contract report says so and logs why", async () => {
    const p = await openPanel();
    p.send({ type: "ready" });
    calls[0]!.resolve({ ok: false, message: "OpenCost at opencost/opencost:9003 did not answer.", detail: "GET /allocation/compute: 503" });
    await flush();
    expect(p.posted[1]).toEqual({ type: "error", message: "OpenCost at opencost/opencost:9003 did not answer.", detail: "GET /allocation/compute: 503" });

    p.send({ type: "refresh" });
    calls[1]!.reject(new Error("socket hang up"));
    await flush();
    expect(p.posted[3]).toEqual({ type: "error", message: "Computing the cost report failed: socket hang up. The AI Platform log has the details." });
    expect(log.lines[0]).toMatch(/^error Cost dashboard for aks-prod \(7d by service\): loading failed: Error: socket hang up/);

    p.send({ type: "refresh" });
    const broken = reportOf("7d", "service");
    (broken.rows[0] as { gpuHours: number }).gpuHours = -3;
    calls[2]!.resolve({ ok: true, report: broken });
    await flush();
    expect(p.posted[5]).toEqual({ type: "error", message: "The cost report was malformed. The AI Platform log has the details." });
    expect(log.lines[1]).toMatch(/does not match the contract \(rows\.0\.gpuHours/);
  });

  test("hiding the panel aborts its load; it refreshes every 5 minutes only while visible", async () => {
    vi.useFakeTimers();
    const p = await openPanel();
    p.send({ type: "ready" });
    p.setVisible(false);
    expect(calls[0]!.signal.aborted).toBe(true);
    calls[0]!.resolve({ ok: true, report: reportOf("7d", "service") });
    await vi.advanceTimersByTimeAsync(0);
    expect(p.types()).toEqual(["loading"]);
    await vi.advanceTimersByTimeAsync(15 * 60_000);
    expect(calls).toHaveLength(1);
    p.setVisible(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(4 * 60_000);
    expect(calls).toHaveLength(2);
    p.dispose();
    expect(calls[1]!.signal.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(calls).toHaveLength(2);
  });

  test("a service row opens its latency dashboard; Connect Metrics runs, then the report loads again", async () => {
    const p = await openPanel();
    p.send({ type: "openService", service: "llm-serving/vllm-llama3-70b" });
    await flush();
    expect(opened).toEqual([{ context: "aks-prod", service: "llm-serving/vllm-llama3-70b" }]);
    p.send({ type: "connectMetrics" });
    await flush();
    expect(connects).toBe(1);
    expect(calls).toHaveLength(2);
  });

  test("showback by the shown grouping saves the shown report where the dialog says, formula-safe, and nothing when cancelled", async () => {
    const p = await openPanel();
    p.send({ type: "ready" });
    p.send({ type: "setAggregate", aggregate: "team" });
    calls[1]!.resolve({ ok: true, report: reportOf("7d", "team", [{ name: "=cmd|'/c calc'!A1", cost: 70 }, { name: "search", cost: 30 }]) });
    await flush();
    p.send({ type: "exportShowback", by: "team" });
    await flush();
    // No second load: the shown report is by team already.
    expect(calls).toHaveLength(2);
    expect(fake.saveDialogOptions[0]).toMatchObject({ defaultUri: FakeUri.file("/work/project/showback_aks-prod_team_7d_2026-11-30.csv"), filters: { CSV: ["csv"] } });
    expect(fake.written).toEqual([]);
    fake.saveDialogAnswer = FakeUri.file("/home/me/showback.csv");
    p.send({ type: "exportShowback", by: "team" });
    await flush();
    expect(fake.written.map((w) => w.uri.path)).toEqual(["/home/me/showback.csv"]);
    const rows = parseCsv(fake.written[0]!.text.slice(1));
    expect(rows.map((r) => [r[0], r[1]])).toEqual([
      ["team", "cost (USD)"],
      ["'=cmd|'/c calc'!A1", "70"],
      ["search", "30"],
      ["(idle)", "80"],
    ]);
    expect(fake.infoMessages).toEqual(["Exported the showback by team to showback.csv."]);
  });

  test("showback by another grouping computes it for the shown window beside the shown report, which stays", async () => {
    fake.saveDialogAnswer = FakeUri.file("/home/me/by-namespace.csv");
    const p = await openPanel();
    p.send({ type: "ready" });
    calls[0]!.resolve({ ok: true, report: reportOf("7d", "service") });
    await flush();
    p.send({ type: "exportShowback", by: "namespace" });
    expect(calls.map((c) => [c.window, c.aggregate])).toEqual([
      ["7d", "service"],
      ["7d", "namespace"],
    ]);
    expect(extra.progressTitles).toEqual(["Computing the showback by namespace for 7d…"]);
    // A live refresh meanwhile does not abort the export's load.
    p.send({ type: "refresh" });
    expect(calls[1]!.signal.aborted).toBe(false);
    calls[1]!.resolve({ ok: true, report: reportOf("7d", "namespace", [{ name: "llm-serving", cost: 100 }]) });
    await flush();
    expect(parseCsv(fake.written[0]!.text.slice(1))[1]![0]).toBe("llm-serving");

    p.send({ type: "exportShowback", by: "namespace" });
    calls[3]!.resolve({ ok: false, message: "Prometheus at http://prometheus:9090 refused the query." });
    await flush();
    expect(extra.errors).toEqual(["Cannot export the showback by namespace: Prometheus at http://prometheus:9090 refused the query."]);
    expect(fake.written).toHaveLength(1);

    p.send({ type: "exportShowback", by: "namespace" });
    extra.cancel!();
    expect(calls[4]!.signal.aborted).toBe(true);
    calls[4]!.resolve({ ok: true, report: reportOf("7d", "namespace") });
    await flush();
    expect(fake.saveDialogOptions).toHaveLength(1);
  });

  test("after a window reload the serializer restores the panel from the webview's state", async () => {
    const serializer = fake.serializers.get("aiPlatform.costDashboard")!;
    const { FakeWebviewPanel } = await import("./fakeVscode");
    const restored = new FakeWebviewPanel("aiPlatform.costDashboard", "Cost", {});
    await serializer.deserializeWebviewPanel(restored, { context: "aks-staging", window: "30d", aggregate: "pool" });
    expect(restored.title).toBe("Cost: aks-staging");
    expect(restored.webview.options).toEqual({ enableScripts: true, localResourceRoots: [FakeUri.file("/ext/dist/webview")] });
    restored.send({ type: "ready" });
    expect(calls.map((c) => [c.context, c.window, c.aggregate])).toEqual([["aks-staging", "30d", "pool"]]);
    await dashboard.open("aks-staging");
    expect(fake.panels).toHaveLength(0);
    expect(restored.reveals).toBe(1);

    const stale = new FakeWebviewPanel("aiPlatform.costDashboard", "Cost", {});
    await serializer.deserializeWebviewPanel(stale, { context: "aks-prod", window: "90d" });
    expect(stale.isDisposed).toBe(true);
    expect(log.lines).toEqual(["warn Closed a restored cost dashboard whose saved state is missing or of an older shape."]);
  });
});
