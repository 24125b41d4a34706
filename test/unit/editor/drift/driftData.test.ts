/**
 * The drift dashboard's data for a service: the newest kept result whole, every kept result as a
 * history point (a bad file skipped and logged once), and the coverage of the workspace's
 * production manifests. Real files in a temporary workspace; only the 'vscode' module is faked.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { driftDemoManifest } from "../../../../sandbox/drift/driftDemoFiles";
import { writeDriftHistory } from "../../../../src/core/drift/driftHistory";
import type { ClusterConnection } from "../../../../src/editor/clusterConnection";
import type { DriftResult } from "../../../../src/shared/protocol/drift";

let workspace = "";

vi.mock("vscode", () => ({
  Uri: { file: (fsPath: string) => ({ fsPath, scheme: "file" }) },
  workspace: {
    getWorkspaceFolder: (uri: { fsPath: string }) => (uri.fsPath.startsWith(workspace) ? { uri: { fsPath: workspace } } : undefined),
    asRelativePath: (p: string) => path.relative(workspace, p),
    fs: { readFile: async (uri: { fsPath: string }) => new Uint8Array(await readFile(uri.fsPath)) },
    findFiles: async () => {
      const { readdir } = await import("node:fs/promises");
      const found: { fsPath: string }[] = [];
      for (const dir of await readdir(workspace)) {
        const file = path.join(workspace, dir, "aiplatform.yaml");
        if (await readFile(file).then(() => true, () => false)) found.push({ fsPath: file });
      }
      return found;
    },
  },
}));

const { loadDriftView } = await import("../../../../src/editor/drift/driftData");

function result(checkedAt: string, drifted: boolean): DriftResult {
  const source = { spec: "data/x.csv", files: ["data/x.csv"], format: "csv" as const, rows: 100, sampledFrom: null };
  return {
    schemaVersion: 1,
    service: "fraud-xgboost",
    modelVersion: "3",
    checkedAt,
    reference: source,
    current: source,
    datasetDrift: drifted,
    driftShare: drifted ? 1 : 0,
    driftShareThreshold: 0.5,
    driftedFeatures: drifted ? 1 : 0,
    features: [
      {
        name: "amount",
        type: "numerical",
        typeOrigin: "inferred",
        method: "wasserstein",
        methodOrigin: "default",
        score: drifted ? 0.6 : 0.01,
        threshold: 0.1,
        direction: "distance",
        drifted,
        psi: null,
        ksStatistic: null,
        referenceRows: 100,
        currentRows: 100,
        uniqueValues: 90,
        quality: { missingShareReference: 0, missingShareCurrent: 0, newCategories: [], newCategoryShare: 0, outOfRangeShare: 0 },
        histograms: { reference: { shares: [1] }, current: { shares: [1] } },
        ecdf: null,
        problem: null,
      },
    ],
    prediction: null,
    partial: null,
    warnings: [],
    computeMs: 1,
  };
}

const warn = vi.fn();
const deps = {
  connection: { state: { kind: "none" }, model: undefined } as unknown as ClusterConnection,
  auditFile: () => path.join(workspace, ".aiplatform", "audit.jsonl"),
  log: { warn, info: vi.fn(), error: vi.fn() } as never,
  logged: new Set<string>(),
};

beforeAll(async () => {
  workspace = await mkdtemp(path.join(tmpdir(), "drift-data-"));
  await mkdir(path.join(workspace, "fraud-xgboost"));
  await writeFile(path.join(workspace, "fraud-xgboost", "aiplatform.yaml"), driftDemoManifest());
  // A second production service, with an SLO and no drift monitoring.
  await mkdir(path.join(workspace, "sentiment"));
  await writeFile(
    path.join(workspace, "sentiment", "aiplatform.yaml"),
    ["apiVersion: aiplatform.dev/v1", "kind: InferenceServiceManifest", "name: sentiment", "runtime: python", "image: repo/sentiment:1", "model:", "  storageUri: s3://m/sentiment", "slo:", "  p95LatencyMs: 100", "environments:", "  prod:", "    context: sandbox", "    namespace: onnx-api", "    production: true", ""].join("\n"),
  );
  for (const [at, drifted] of [["2026-11-20T10:00:00.000Z", false], ["2026-11-30T10:00:00.000Z", true]] as const) {
    const saved = await writeDriftHistory(workspace, "fraud-xgboost", result(at, drifted));
    if (!saved.ok) throw new Error(JSON.stringify(saved.error));
  }
  await writeFile(path.join(workspace, ".aiplatform", "drift", "fraud-xgboost", "2026-11-25T00-00-00.000Z.json"), "{ cut short");
});
afterAll(() => rm(workspace, { recursive: true, force: true }));

describe("the drift dashboard's data", () => {
  const state = () => ({ service: "fraud-xgboost", manifest: path.join(workspace, "fraud-xgboost", "aiplatform.yaml") });

  test("the newest result whole, every kept result as a history point oldest first, and the workspace's coverage", async () => {
    const loaded = await loadDriftView(deps, state(), new AbortController().signal);
    if (!loaded.ok) throw new Error(loaded.message);
    expect(loaded.view.latest?.checkedAt).toBe("2026-11-30T10:00:00.000Z");
    expect(loaded.view.history.map((h) => [h.checkedAt, h.datasetDrift, h.scores["amount"]?.score])).toEqual([
      ["2026-11-20T10:00:00.000Z", false, 0.01],
      ["2026-11-30T10:00:00.000Z", true, 0.6],
    ]);
    // No cluster: no deploy markers.
    expect(loaded.view.markers).toEqual([]);
    // Two production services in the workspace, one with drift monitoring, both with a latency SLO.
    expect(loaded.view.coverage).toMatchObject({ productionServices: 2, drift: 0.5, dataQuality: 0.5, latency: 1, target: 0.9 });
  });

  test("the cut-short history file is skipped and logged once, however often the dashboard loads", async () => {
    warn.mockClear();
    deps.logged.clear();
    await loadDriftView(deps, state(), new AbortController().signal);
    await loadDriftView(deps, state(), new AbortController().signal);
    const lines = warn.mock.calls.map((c) => String(c[0])).filter((l) => l.includes("2026-11-25"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("not JSON");
  });

  test("a manifest that went away: a worded error naming it", async () => {
    const loaded = await loadDriftView(deps, { service: "gone", manifest: path.join(workspace, "gone", "aiplatform.yaml") }, new AbortController().signal);
    expect(loaded).toMatchObject({ ok: false, message: expect.stringContaining(path.join("gone", "aiplatform.yaml")) as unknown });
  });
});
