import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import type { ClusterConnection } from "../../../../src/editor/clusterConnection";
import type { CostLoad } from "../../../../src/editor/cost/costReportBoard";
import type { MetricsConnection } from "../../../../src/editor/metrics/metricsConnection";
import type { ClusterViews } from "../../../../src/editor/views/clusterViews";
import { sampleCostReport } from "../../cli/costReportFixture";
import { FakeEventEmitter, fakeTreeVscode } from "../views/fakeTreeVscode";

const configChanged = new FakeEventEmitter<{ affectsConfiguration(key: string): boolean }>();
vi.mock("vscode", () => ({ ...fakeTreeVscode, workspace: { onDidChangeConfiguration: configChanged.event } }));

/** Each load the feature asks for: context, window, aggregate; answered by `answer`. */
const loads: { context: string; window: string; aggregate: string }[] = [];
let answer: () => Promise<CostLoad> = () => Promise.resolve({ ok: true, report: sampleCostReport() });
vi.mock("../../../../src/editor/cost/costData", () => ({
  loadCostReport: (_deps: unknown, context: string, window: string, aggregate: string) => {
    loads.push({ context, window, aggregate });
    return answer();
  },
}));

const { registerCostFeature, costRefreshEveryMs } = await import("../../../../src/editor/cost/costFeature");

function fakes() {
  const state = { current: { kind: "synced", context: { name: "aks-prod" } } as { kind: string; context?: { name: string } } };
  const stateChanged = new FakeEventEmitter<unknown>();
  const modelChanged = new FakeEventEmitter<unknown>();
  const metricsChanged = new FakeEventEmitter<void>();
  const view = () => ({ visible: false, changed: new FakeEventEmitter<unknown>() });
  const gpuView = view();
  const deploymentsView = view();
  const fired: string[][] = [];
  const provider = () => ({ costOf: (): unknown => undefined, costKeys: () => new Map<string, string>(), refreshCostRows: (ids: string[]) => fired.push(ids), refreshWorkloadRows: (ids: string[]) => fired.push(ids) });
  const gpuNodes = provider();
  const deployments = provider();
  const connection = {
    get state() {
      return state.current;
    },
    onDidChangeState: stateChanged.event,
    onDidChangeModel: modelChanged.event,
  } as unknown as ClusterConnection;
  const views = {
    gpuNodes,
    deployments,
    gpuNodesView: { get visible() { return gpuView.visible; }, onDidChangeVisibility: gpuView.changed.event },
    deploymentsView: { get visible() { return deploymentsView.visible; }, onDidChangeVisibility: deploymentsView.changed.event },
  } as unknown as ClusterViews;
  const metrics = { onDidChange: metricsChanged.event } as unknown as MetricsConnection;
  const log = { warn: vi.fn(), info: vi.fn() } as never;
  const show = (v: ReturnType<typeof view>, visible: boolean) => {
    v.visible = visible;
    v.changed.fire({ visible });
  };
  return { state, stateChanged, modelChanged, metricsChanged, gpuView, deploymentsView, gpuNodes, deployments, connection, views, metrics, log, show };
}

beforeEach(() => {
  vi.useFakeTimers();
  loads.length = 0;
  answer = () => Promise.resolve({ ok: true, report: sampleCostReport() });
});
afterEach(() => vi.useRealTimers());

describe("the cost feature behind the trees", () => {
  test("computes nothing while both views are hidden, then a per-service report soon after one shows, then every few minutes", async () => {
    const f = fakes();
    const { cost, disposables } = registerCostFeature({ connection: f.connection, metrics: f.metrics, views: f.views, log: f.log });
    await vi.advanceTimersByTimeAsync(costRefreshEveryMs * 2);
    expect(loads).toEqual([]);
    f.show(f.gpuView, true);
    await vi.advanceTimersByTimeAsync(10);
    expect(loads).toEqual([{ context: "aks-prod", window: "1d", aggregate: "service" }]);
    expect(cost.latest("aks-prod")?.computedAt).toBe(sampleCostReport().computedAt);
    expect(f.gpuNodes.costOf()).toBe(cost.latest("aks-prod"));
    await vi.advanceTimersByTimeAsync(costRefreshEveryMs - 1000);
    expect(loads).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(loads).toHaveLength(2);
    // Hidden again: the timer stops.
    f.show(f.gpuView, false);
    await vi.advanceTimersByTimeAsync(costRefreshEveryMs * 3);
    expect(loads).toHaveLength(2);
    for (const d of disposables) d.dispose();
  });

  test("a slow computation never stacks a second one, and the rows keep the last report meanwhile", async () => {
    const f = fakes();
    f.deploymentsView.visible = true;
    const { cost, disposables } = registerCostFeature({ connection: f.connection, metrics: f.metrics, views: f.views, log: f.log });
    await vi.advanceTimersByTimeAsync(5000);
    expect(loads).toHaveLength(1);
    let release: (r: CostLoad) => void = () => undefined;
    answer = () => new Promise((r) => (release = r));
    await vi.advanceTimersByTimeAsync(costRefreshEveryMs);
    expect(loads).toHaveLength(2);
    f.show(f.gpuView, true);
    await vi.advanceTimersByTimeAsync(costRefreshEveryMs * 2);
    expect(loads).toHaveLength(2);
    expect(cost.latest("aks-prod")).toBeDefined();
    release({ ok: true, report: sampleCostReport({ computedAt: 2_000_000_000 }) });
    await vi.advanceTimersByTimeAsync(0);
    expect(cost.latest("aks-prod")?.computedAt).toBe(2_000_000_000);
    for (const d of disposables) d.dispose();
  });

  test("nothing is computed until the cluster is synced; the dashboard's per-service report of the trees' window becomes their latest, another window's does not", async () => {
    const f = fakes();
    f.state.current = { kind: "connecting", context: { name: "aks-prod" } };
    f.gpuView.visible = true;
    const { cost, disposables } = registerCostFeature({ connection: f.connection, metrics: f.metrics, views: f.views, log: f.log });
    await vi.advanceTimersByTimeAsync(costRefreshEveryMs);
    expect(loads).toEqual([]);
    answer = () => Promise.resolve({ ok: true, report: sampleCostReport({ computedAt: 5, window: { duration: "7d", start: "2026-11-24T00:00:00.000Z", end: "2026-12-01T00:00:00.000Z" } }) });
    await cost.load("aks-prod", "7d", "service", new AbortController().signal);
    expect(cost.latest("aks-prod")).toBeUndefined();
    answer = () => Promise.resolve({ ok: true, report: sampleCostReport({ computedAt: 6, window: { duration: "1d", start: "2026-11-30T00:00:00.000Z", end: "2026-12-01T00:00:00.000Z" } }) });
    await cost.load("aks-prod", "1d", "service", new AbortController().signal);
    expect(cost.latest("aks-prod")?.window.duration).toBe("1d");
    f.state.current = { kind: "synced", context: { name: "aks-prod" } };
    f.stateChanged.fire(f.state.current);
    // Already has a report: the synced cluster does not force another before the interval.
    await vi.advanceTimersByTimeAsync(5000);
    expect(loads).toHaveLength(2);
    for (const d of disposables) d.dispose();
  });

  test("a cost setting changing drops the held reports and computes again", async () => {
    const f = fakes();
    f.gpuView.visible = true;
    const { cost, disposables } = registerCostFeature({ connection: f.connection, metrics: f.metrics, views: f.views, log: f.log });
    await vi.advanceTimersByTimeAsync(5000);
    expect(loads).toHaveLength(1);
    configChanged.fire({ affectsConfiguration: (key) => key === "aiPlatform.metrics.sources" });
    await vi.advanceTimersByTimeAsync(10);
    expect(loads).toHaveLength(1);
    configChanged.fire({ affectsConfiguration: (key) => key === "aiPlatform.cost.prices" });
    expect(cost.latest("aks-prod")).toBeUndefined();
    await vi.advanceTimersByTimeAsync(10);
    expect(loads).toHaveLength(2);
    for (const d of disposables) d.dispose();
  });
});
