import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import type * as vscode from "vscode";
import { type DriftDashboard, registerDriftDashboard } from "../../../../src/editor/panels/driftDashboard";
import type { DriftCheckProgress, DriftDashboardDeps, DriftLoadResult } from "../../../../src/editor/panels/driftPanel";
import type { DriftPanelState, DriftView } from "../../../../src/shared/protocol/drift";
import { fixtureView } from "../../webview/driftViewFixture";
import { fake, fakeLog, FakeUri, type FakeWebviewPanel, resetFake } from "./fakeVscode";

const extra = vi.hoisted(() => ({ errors: [] as string[] }));

vi.mock("vscode", async () => {
  const { fakeVscode } = await import("./fakeVscode");
  return {
    ...fakeVscode,
    window: {
      ...fakeVscode.window,
      showErrorMessage: (text: string): Promise<undefined> => {
        extra.errors.push(text);
        return Promise.resolve(undefined);
      },
    },
  };
});

const state: DriftPanelState = { service: "kserve-models/fraud-xgboost", manifest: "/work/project/fraud/aiplatform.yaml" };
const noCheckYet: DriftView = { latest: null, history: [], markers: [], coverage: null };

interface LoadCall {
  state: DriftPanelState;
  signal: AbortSignal;
  resolve(r: DriftLoadResult): void;
  reject(e: unknown): void;
}
interface CheckCall {
  state: DriftPanelState;
  progress: DriftCheckProgress;
  resolve(v?: unknown): void;
  reject(e: unknown): void;
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

let log: ReturnType<typeof fakeLog>;
let loads: LoadCall[];
let checks: CheckCall[];
let manifestsOpened: DriftPanelState[];
let dashboard: DriftDashboard;

beforeEach(() => {
  resetFake();
  extra.errors = [];
  log = fakeLog();
  loads = [];
  checks = [];
  manifestsOpened = [];
  const deps: DriftDashboardDeps = {
    load: (s, signal) => new Promise((resolve, reject) => loads.push({ state: s, signal, resolve, reject })),
    runCheck: (s, progress) => new Promise((resolve, reject) => checks.push({ state: s, progress, resolve, reject })),
    openManifest: (s) => manifestsOpened.push(s),
    log: log as unknown as vscode.LogOutputChannel,
  };
  dashboard = registerDriftDashboard({ extensionUri: FakeUri.file("/ext") as unknown as vscode.Uri }, deps);
});

afterEach(() => {
  dashboard.dispose();
});

async function openPanel(s: DriftPanelState = state): Promise<FakeWebviewPanel> {
  await dashboard.open(s);
  return fake.panels[fake.panels.length - 1]!;
}

/** Opens the panel, lets the webview say ready and answers the first load. */
async function shown(view: DriftView = fixtureView): Promise<FakeWebviewPanel> {
  const p = await openPanel();
  p.send({ type: "ready" });
  loads[0]!.resolve({ ok: true, view });
  await flush();
  return p;
}

describe("the drift dashboard host", () => {
  test("opens one locked-down panel per service, loading its view while the webview boots", async () => {
    const p = await openPanel();
    expect(p.viewType).toBe("aiPlatform.driftDashboard");
    expect(p.title).toBe("Drift: kserve-models/fraud-xgboost");
    expect(p.options).toEqual({ enableScripts: true, localResourceRoots: [FakeUri.file("/ext/dist/webview")] });
    expect(p.webview.html).toContain("default-src 'none'");
    expect(p.webview.html).toContain('src="https://webview.test/ext/dist/webview/drift.js"');
    expect(p.webview.html).toContain('href="https://webview.test/ext/dist/webview/drift.css"');
    expect(loads.map((l) => l.state)).toEqual([state]);
    expect(p.posted).toEqual([]);
    await dashboard.open(state);
    expect(fake.panels).toHaveLength(1);
    expect(p.reveals).toBe(1);
    await dashboard.open({ service: "onnx-api/fastapi-onnx-sentiment", manifest: "/work/project/onnx/aiplatform.yaml" });
    expect(fake.panels).toHaveLength(2);
  });

  test("answers ready with the prefetched view, naming the service and manifest so the webview can keep its state", async () => {
    const p = await shown();
    expect(loads).toHaveLength(1);
    expect(p.posted).toEqual([
      { type: "loading", service: state.service, manifest: state.manifest },
      { type: "view", service: state.service, view: fixtureView },
    ]);
  });

  test("a service without a check yet gets its empty view, not an error", async () => {
    const p = await shown(noCheckYet);
    expect(p.posted[1]).toEqual({ type: "view", service: state.service, view: noCheckYet });
  });

  test("an expected failure is shown as the provider worded it; a throw or an off-contract view says so and logs why", async () => {
    const p = await openPanel();
    p.send({ type: "ready" });
    loads[0]!.resolve({ ok: false, message: "fraud/aiplatform.yaml has no monitoring.drift.", detail: "Add monitoring.drift.reference and .current." });
    await flush();
    expect(p.posted[1]).toEqual({ type: "error", message: "fraud/aiplatform.yaml has no monitoring.drift.", detail: "Add monitoring.drift.reference and .current." });

    p.send({ type: "refresh" });
    loads[1]!.reject(new Error("EACCES: permission denied, scandir '.aiplatform/drift'"));
    await flush();
    expect(p.posted[3]).toEqual({ type: "error", message: "Loading the drift results failed: EACCES: permission denied, scandir '.aiplatform/drift'. The AI Platform log has the details." });
    expect(log.lines[0]).toMatch(/^error Drift dashboard for kserve-models\/fraud-xgboost: loading failed: Error: EACCES/);

    p.send({ type: "refresh" });
    const broken = structuredClone(fixtureView);
    (broken.latest!.features[0]!.quality as { missingShareCurrent: number }).missingShareCurrent = 1.5;
    loads[2]!.resolve({ ok: true, view: broken });
    await flush();
    expect(p.posted[5]).toEqual({ type: "error", message: "The drift results were malformed. The AI Platform log has the details." });
    expect(log.lines[1]).toMatch(/does not match the contract \(latest\.features\.0\.quality\.missingShareCurrent/);
  });

  test("a message of the wrong shape is logged and dropped; nothing loads or runs", async () => {
    const p = await openPanel();
    p.send({ type: "runCheck", features: ["amount"] });
    p.send({ type: "deleteHistory" });
    p.send("ready");
    await flush();
    // zod objects strip unknown keys: runCheck with extras is still runCheck.
    expect(checks).toHaveLength(1);
    expect(loads).toHaveLength(1);
    expect(log.lines).toHaveLength(2);
    expect(log.lines[0]).toMatch(/^warn aiPlatform\.driftDashboard: dropped a webview message "deleteHistory" of the wrong shape/);
  });

  test("a newer load supersedes the older one, whose late answer is never shown; hiding aborts the load", async () => {
    const p = await openPanel();
    p.send({ type: "ready" });
    p.send({ type: "refresh" });
    expect(loads.map((l) => l.signal.aborted)).toEqual([true, false]);
    loads[1]!.resolve({ ok: true, view: noCheckYet });
    loads[0]!.resolve({ ok: true, view: fixtureView });
    await flush();
    expect(p.types()).toEqual(["loading", "loading", "view"]);
    expect(p.posted[2]).toEqual({ type: "view", service: state.service, view: noCheckYet });

    p.send({ type: "refresh" });
    p.setVisible(false);
    expect(loads[2]!.signal.aborted).toBe(true);
  });

  test("Run Check hands the panel's state to the provider, mirrors its progress and loads the new result when it ends", async () => {
    const p = await shown();
    p.send({ type: "runCheck" });
    expect(checks.map((c) => c.state)).toEqual([state]);
    expect(p.posted.at(-1)).toEqual({ type: "progress", percent: 0, message: "Starting the drift check…" });
    checks[0]!.progress(40, "Reading data/current-2.csv");
    checks[0]!.progress(140, "x".repeat(600));
    expect(p.posted.slice(-2)).toEqual([
      { type: "progress", percent: 40, message: "Reading data/current-2.csv" },
      { type: "progress", percent: 100, message: "x".repeat(500) },
    ]);
    // A second click while it runs starts nothing.
    p.send({ type: "runCheck" });
    expect(checks).toHaveLength(1);
    checks[0]!.resolve({ ok: true });
    await flush();
    expect(loads).toHaveLength(2);
    loads[1]!.resolve({ ok: true, view: fixtureView });
    await flush();
    expect(p.types().slice(-2)).toEqual(["loading", "view"]);
    // And the next click runs again.
    p.send({ type: "runCheck" });
    expect(checks).toHaveLength(2);
  });

  test("a view loaded while a check runs is followed by the check's latest progress, so the webview keeps showing it", async () => {
    const p = await shown();
    p.send({ type: "runCheck" });
    checks[0]!.progress(55, "Feature 11 of 20: merchant_category");
    // The webview was hidden and shown again: it asks afresh.
    p.send({ type: "ready" });
    loads[1]!.resolve({ ok: true, view: fixtureView });
    await flush();
    expect(p.posted.slice(-3)).toEqual([
      { type: "loading", service: state.service, manifest: state.manifest },
      { type: "view", service: state.service, view: fixtureView },
      { type: "progress", percent: 55, message: "Feature 11 of 20: merchant_category" },
    ]);
  });

  test("a check that throws is logged and shown, and the panel still loads what is there", async () => {
    const p = await shown();
    p.send({ type: "runCheck" });
    checks[0]!.reject(new Error("worker exited with code 134"));
    await flush();
    expect(extra.errors).toEqual(["The drift check of kserve-models/fraud-xgboost failed: worker exited with code 134. The AI Platform log has the details."]);
    expect(log.lines[0]).toMatch(/^error Drift dashboard for kserve-models\/fraud-xgboost: the drift check failed: Error: worker exited with code 134/);
    expect(loads).toHaveLength(2);
    expect(p.types().at(-1)).toBe("loading");
  });

  test("a check cancelled from its notification is quiet; a check that ends while the panel is hidden loads nothing until it is shown", async () => {
    const p = await shown();
    p.send({ type: "runCheck" });
    const abort = new Error("cancelled");
    abort.name = "AbortError";
    p.setVisible(false);
    checks[0]!.reject(abort);
    await flush();
    expect(extra.errors).toEqual([]);
    expect(log.lines).toEqual([]);
    expect(loads).toHaveLength(1);
  });

  test("Open Manifest opens the panel's manifest", async () => {
    const p = await openPanel();
    p.send({ type: "openManifest" });
    await flush();
    expect(manifestsOpened).toEqual([state]);
  });

  test("refresh(service) reloads that service's visible dashboard only; open() from another manifest loads from it", async () => {
    const p = await shown();
    dashboard.refresh("onnx-api/fastapi-onnx-sentiment");
    expect(loads).toHaveLength(1);
    dashboard.refresh(state.service);
    expect(loads).toHaveLength(2);
    p.setVisible(false);
    dashboard.refresh(state.service);
    expect(loads).toHaveLength(2);
    p.setVisible(true);
    const moved = { ...state, manifest: "/work/project/services/fraud/aiplatform.yaml" };
    await dashboard.open(moved);
    expect(loads.at(-1)!.state).toEqual(moved);
    expect(p.reveals).toBe(1);
  });

  test("after a window reload the serializer restores the panel from the webview's state; a stale state closes it", async () => {
    const serializer = fake.serializers.get("aiPlatform.driftDashboard")!;
    const { FakeWebviewPanel } = await import("./fakeVscode");
    const restored = new FakeWebviewPanel("aiPlatform.driftDashboard", "Drift", {});
    await serializer.deserializeWebviewPanel(restored, state);
    expect(restored.title).toBe("Drift: kserve-models/fraud-xgboost");
    expect(restored.webview.html).toContain("dist/webview/drift.js");
    restored.send({ type: "ready" });
    expect(loads.map((l) => l.state)).toEqual([state]);
    await dashboard.open(state);
    expect(fake.panels).toHaveLength(0);
    expect(restored.reveals).toBe(1);

    const stale = new FakeWebviewPanel("aiPlatform.driftDashboard", "Drift", {});
    await serializer.deserializeWebviewPanel(stale, { service: "kserve-models/fraud-xgboost" });
    expect(stale.isDisposed).toBe(true);
    expect(log.lines).toEqual(["warn Closed a restored drift dashboard whose saved state is missing or of an older shape."]);
  });
});
