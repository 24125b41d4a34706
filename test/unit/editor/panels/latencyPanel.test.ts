import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import type * as vscode from "vscode";
import { registerLatencyDashboard, type LatencyDashboard } from "../../../../src/editor/panels/latencyDashboard";
import type { LatencyPanelServices } from "../../../../src/editor/panels/latencyPanel";
import type { LatencyToWebview, LatencyView, RangeSpec, ServiceRef } from "../../../../src/shared/protocol/latency";
import { fake, fakeLog, FakeUri, type FakeWebviewPanel, resetFake } from "./fakeVscode";

vi.mock("vscode", async () => (await import("./fakeVscode")).fakeVscode);

const llama: ServiceRef = { context: "aks-prod", namespace: "ml-serving", kind: "Deployment", name: "llama-chat" };
const triton: ServiceRef = { context: "aks-prod", namespace: "ml-serving", kind: "InferenceService", name: "resnet" };
const t0 = Date.UTC(2026, 10, 30, 21, 0, 0) / 1000;

function viewOf(service: ServiceRef, spec: RangeSpec): LatencyView {
  return {
    service,
    source: "Prometheus http://prometheus:9090",
    runtime: "vLLM",
    range: { spec, start: t0 - 3600, end: t0, step: 60 },
    panels: [
      {
        id: "latency",
        title: "Latency",
        unit: "ms",
        series: [{ name: "p95", timestamps: Float64Array.from([t0 - 60, t0]), values: Float64Array.from([180, 412]) }],
        queries: ["histogram_quantile(0.95, …)"],
        status: { kind: "ok" },
      },
    ],
    markers: [],
    slo: null,
    regression: null,
    refreshedAt: t0,
  };
}

interface Call {
  service: ServiceRef;
  range: RangeSpec;
  widthPx: number;
  signal: AbortSignal;
  resolve(m: LatencyToWebview): void;
  reject(e: unknown): void;
}

/** A data provider the test answers by hand, so it decides which load finishes first. */
function manualData(): { calls: Call[]; data: LatencyPanelServices["data"] } {
  const calls: Call[] = [];
  return {
    calls,
    data: (service, range, widthPx, signal) =>
      new Promise<LatencyToWebview>((resolve, reject) => calls.push({ service, range, widthPx, signal, resolve, reject })),
  };
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

let log: ReturnType<typeof fakeLog>;
let provider: ReturnType<typeof manualData>;
let revisions: { service: ServiceRef; revision: number }[];
let dashboard: LatencyDashboard;

beforeEach(() => {
  resetFake();
  log = fakeLog();
  provider = manualData();
  revisions = [];
  dashboard = registerLatencyDashboard({
    extensionUri: FakeUri.file("/ext") as unknown as vscode.Uri,
    log: log as unknown as vscode.LogOutputChannel,
    data: provider.data,
    openRevision: (service, revision) => revisions.push({ service, revision }),
    connectMetricsCommand: "aiPlatform.connectMetrics",
  });
});

afterEach(() => {
  dashboard.dispose();
  vi.useRealTimers();
});

async function openPanel(service = llama): Promise<FakeWebviewPanel> {
  await dashboard.open(service);
  return fake.panels[fake.panels.length - 1]!;
}

describe("the latency dashboard host", () => {
  test("opens one locked-down panel per service and reveals it rather than opening another", async () => {
    const p = await openPanel();
    expect(p.viewType).toBe("aiPlatform.latencyDashboard");
    expect(p.title).toBe("Latency: llama-chat");
    expect(p.options).toEqual({ enableScripts: true, localResourceRoots: [FakeUri.file("/ext/dist/webview")] });
    expect(p.options).not.toHaveProperty("retainContextWhenHidden");
    expect(p.webview.html).toContain("default-src 'none'");
    expect(p.webview.html).toContain('src="https://webview.test/ext/dist/webview/latency.js"');
    await dashboard.open({ ...llama });
    expect(fake.panels).toHaveLength(1);
    expect(p.reveals).toBe(1);
    await dashboard.open(triton);
    expect(fake.panels).toHaveLength(2);
  });

  test("loads the first view while the webview boots, and answers ready with it", async () => {
    const p = await openPanel();
    // Before the app has said anything, at a typical column's width.
    expect(provider.calls).toHaveLength(1);
    expect(provider.calls[0]).toMatchObject({ service: llama, range: { preset: "6h" }, widthPx: 1200 });
    expect(p.posted).toEqual([]);
    p.send({ type: "ready", widthPx: 1312 });
    expect(provider.calls).toHaveLength(1);
    provider.calls[0]!.resolve({ type: "view", view: viewOf(llama, { preset: "6h" }) });
    await flush();
    expect(p.posted).toEqual([
      { type: "loading", range: { preset: "6h" }, service: llama },
      { type: "view", view: viewOf(llama, { preset: "6h" }) },
    ]);
  });

  test("a chart much narrower than the first load assumed is loaded again at its width, and the next panel starts at it", async () => {
    const p = await openPanel();
    p.send({ type: "ready", widthPx: 530 });
    provider.calls[0]!.resolve({ type: "view", view: viewOf(llama, { preset: "6h" }) });
    await flush();
    expect(provider.calls.map((c) => c.widthPx)).toEqual([1200, 530]);
    expect(p.types()).toEqual(["loading", "view", "loading"]);
    await openPanel(triton);
    expect(provider.calls[2]).toMatchObject({ service: triton, widthPx: 530 });
  });

  test("a message of the wrong shape or a huge one is logged and dropped; nothing loads", async () => {
    const p = await openPanel();
    p.send({ type: "setRange", range: { preset: "90d" } });
    p.send({ type: "deleteNamespace", namespace: "prod" });
    p.send({ type: "refresh", padding: "x".repeat(300 * 1024) });
    await flush();
    // Only the load the panel started itself.
    expect(provider.calls).toHaveLength(1);
    expect(p.posted).toEqual([]);
    expect(log.lines).toHaveLength(3);
    expect(log.lines[0]).toMatch(/^warn aiPlatform\.latencyDashboard: dropped a webview message "setRange" of the wrong shape/);
    expect(log.lines[1]).toMatch(/"deleteNamespace" of the wrong shape/);
    expect(log.lines[2]).toBe("warn aiPlatform.latencyDashboard: dropped a webview message larger than 256 KB.");
  });

  test("a newer load aborts the one in flight, whose late answer is never shown", async () => {
    const p = await openPanel();
    p.send({ type: "ready" });
    p.send({ type: "setRange", range: { preset: "7d" }, widthPx: 800 });
    expect(provider.calls.map((c) => c.signal.aborted)).toEqual([true, false]);
    expect(provider.calls[1]).toMatchObject({ range: { preset: "7d" }, widthPx: 800 });
    provider.calls[1]!.resolve({ type: "view", view: viewOf(llama, { preset: "7d" }) });
    provider.calls[0]!.resolve({ type: "view", view: viewOf(llama, { preset: "6h" }) });
    await flush();
    const views = p.posted.filter((m): m is { type: "view"; view: LatencyView } => (m as { type: string }).type === "view");
    expect(views.map((v) => v.view.range.spec)).toEqual([{ preset: "7d" }]);
  });

  test("hiding the panel aborts its load; closing it aborts too and a later open starts afresh", async () => {
    const p = await openPanel();
    p.send({ type: "ready" });
    p.setVisible(false);
    expect(provider.calls[0]!.signal.aborted).toBe(true);
    provider.calls[0]!.resolve({ type: "view", view: viewOf(llama, { preset: "6h" }) });
    await flush();
    expect(p.types()).toEqual(["loading"]);
    p.setVisible(true);
    p.send({ type: "refresh" });
    p.dispose();
    expect(provider.calls[1]!.signal.aborted).toBe(true);
    await dashboard.open(llama);
    expect(fake.panels).toHaveLength(2);
  });

  test("refreshes live every 30 s only while visible", async () => {
    vi.useFakeTimers();
    const p = await openPanel();
    // The first load, then one refresh 30 s later.
    await vi.advanceTimersByTimeAsync(30_000);
    expect(provider.calls).toHaveLength(2);
    p.setVisible(false);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(provider.calls).toHaveLength(2);
    p.setVisible(true);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(provider.calls).toHaveLength(3);
    p.dispose();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(provider.calls).toHaveLength(3);
  });

  test("a provider that throws, or answers off the contract, shows a message and logs the reason", async () => {
    const p = await openPanel();
    p.send({ type: "ready" });
    provider.calls[0]!.reject(new Error("socket hang up"));
    await flush();
    expect(p.posted[1]).toEqual({ type: "unavailable", message: "Loading the dashboard failed: socket hang up. The AI Platform log has the details.", action: "none" });
    expect(log.lines[0]).toMatch(/^error Latency dashboard for aks-prod\/ml-serving\/llama-chat: loading failed: Error: socket hang up/);
    p.send({ type: "refresh" });
    const broken = viewOf(llama, { preset: "6h" }) as unknown as { panels: { series: { timestamps: unknown }[] }[] };
    broken.panels[0]!.series[0]!.timestamps = [1, 2];
    provider.calls[1]!.resolve({ type: "view", view: broken } as unknown as LatencyToWebview);
    await flush();
    expect(p.posted[3]).toEqual({ type: "unavailable", message: "The dashboard data was malformed. The AI Platform log has the details.", action: "none" });
    expect(log.lines[1]).toMatch(/^error .*does not match the contract \(view\.panels\.0\.series\.0\.timestamps/);
  });

  test("exports the last view as CSV exactly where the save dialog says, and nowhere when cancelled", async () => {
    const p = await openPanel();
    p.send({ type: "exportCsv" });
    await flush();
    expect(fake.infoMessages).toEqual(["Nothing to export yet: the dashboard has no data."]);
    p.send({ type: "ready" });
    provider.calls[0]!.resolve({ type: "view", view: viewOf(llama, { preset: "6h" }) });
    await flush();
    p.send({ type: "exportCsv" });
    await flush();
    expect(fake.written).toEqual([]);
    expect(fake.saveDialogOptions[0]).toMatchObject({ defaultUri: FakeUri.file("/work/project/ml-serving_llama-chat_latency_6h.csv"), filters: { CSV: ["csv"] } });
    fake.saveDialogAnswer = FakeUri.file("/home/me/exports/p95.csv");
    p.send({ type: "exportCsv" });
    await flush();
    expect(fake.written.map((w) => w.uri.path)).toEqual(["/home/me/exports/p95.csv"]);
    expect(fake.written[0]!.text).toBe(`\uFEFFtime (UTC),unix_seconds,Latency: p95 (ms)\r\n2026-11-30T20:59:00.000Z,${t0 - 60},180\r\n2026-11-30T21:00:00.000Z,${t0},412\r\n`);
  });

  test("a marker click opens its revision; Connect Metrics runs the command, then reloads", async () => {
    const p = await openPanel();
    p.send({ type: "openRevision", revision: 7 });
    await flush();
    expect(revisions).toEqual([{ service: llama, revision: 7 }]);
    p.send({ type: "connectMetrics" });
    await flush();
    expect(fake.commands).toEqual([{ id: "aiPlatform.connectMetrics", args: [] }]);
    // The panel's first load, then the reload after Connect Metrics.
    expect(provider.calls).toHaveLength(2);
  });

  test("after a window reload the serializer restores the panel from the webview's state", async () => {
    const serializer = fake.serializers.get("aiPlatform.latencyDashboard")!;
    const { FakeWebviewPanel } = await import("./fakeVscode");
    const restored = new FakeWebviewPanel("aiPlatform.latencyDashboard", "Latency", {});
    await serializer.deserializeWebviewPanel(restored, { service: triton, range: { preset: "24h" } });
    expect(restored.title).toBe("Latency: resnet");
    expect(restored.webview.options).toEqual({ enableScripts: true, localResourceRoots: [FakeUri.file("/ext/dist/webview")] });
    restored.send({ type: "ready" });
    expect(provider.calls[0]).toMatchObject({ service: triton, range: { preset: "24h" } });
    await dashboard.open(triton);
    expect(fake.panels).toHaveLength(0);
    expect(restored.reveals).toBe(1);

    const stale = new FakeWebviewPanel("aiPlatform.latencyDashboard", "Latency", {});
    await serializer.deserializeWebviewPanel(stale, { service: { name: "x" } });
    expect(stale.isDisposed).toBe(true);
    expect(log.lines).toEqual(["warn Closed a restored latency dashboard whose saved state is missing or of an older shape."]);
  });
});
