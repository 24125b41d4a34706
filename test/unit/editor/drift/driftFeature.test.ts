/**
 * The drift feature's rules around a check: one check per service at a time (pressing Run Check
 * again while one runs joins it), and the dashboard's button refuses in Restricted Mode as the
 * command does. The check itself, the manifest reader and the dashboard are replaced.
 */
import { beforeEach, describe, expect, test, vi } from "vitest";
import type { DriftDashboardDeps } from "../../../../src/editor/panels/driftPanel";

const trust = { trusted: true };
const warnings: string[] = [];
const created: ((uri: { path: string }) => void)[] = [];
vi.mock("vscode", () => ({
  Uri: { file: (fsPath: string) => ({ fsPath }) },
  workspace: {
    get isTrusted() {
      return trust.trusted;
    },
    asRelativePath: (p: string) => p,
    createFileSystemWatcher: () => ({
      onDidCreate: (listener: (uri: { path: string }) => void) => created.push(listener),
      dispose: () => undefined,
    }),
  },
  window: {
    showWarningMessage: (text: string) => {
      warnings.push(text);
      return Promise.resolve(undefined);
    },
    showTextDocument: () => Promise.resolve(undefined),
  },
  commands: { executeCommand: () => Promise.resolve(undefined) },
}));

let dashboardDeps: DriftDashboardDeps | undefined;
const refreshed: string[] = [];
vi.mock("../../../../src/editor/panels/driftDashboard", () => ({
  registerDriftDashboard: (_ext: unknown, deps: DriftDashboardDeps) => {
    dashboardDeps = deps;
    return { open: () => Promise.resolve(), refresh: (s: string) => refreshed.push(s), dispose: () => undefined };
  },
}));

const checks: { finish: (value: unknown) => void }[] = [];
vi.mock("../../../../src/editor/drift/driftCheck", () => ({
  runDriftCheckInEditor: () =>
    new Promise((resolve) => {
      checks.push({ finish: resolve });
    }),
}));
vi.mock("../../../../src/editor/drift/workspaceManifests", () => ({
  readWorkspaceManifest: (uri: { fsPath: string }) => Promise.resolve({ file: uri.fsPath, manifest: { name: uri.fsPath.split("/")[1] } }),
}));

const { registerDriftFeature } = await import("../../../../src/editor/drift/driftFeature");

function feature() {
  const runner = { registerLazily: () => [] };
  registerDriftFeature({ extension: { extensionUri: {} as never }, runner: runner as never, connection: {} as never, log: { warn: vi.fn(), info: vi.fn() } as never, auditFile: () => "" });
  if (!dashboardDeps) throw new Error("the dashboard was not registered");
  return dashboardDeps;
}

beforeEach(() => {
  checks.length = 0;
  warnings.length = 0;
  refreshed.length = 0;
  trust.trusted = true;
});

describe("drift checks in the editor", () => {
  test("Run Check pressed again while the service's check runs joins it; another service gets its own", async () => {
    const deps = feature();
    const first = deps.runCheck({ service: "fraud-xgboost", manifest: "/fraud-xgboost/aiplatform.yaml" }, () => undefined);
    const again = deps.runCheck({ service: "fraud-xgboost", manifest: "/fraud-xgboost/aiplatform.yaml" }, () => undefined);
    const other = deps.runCheck({ service: "sentiment", manifest: "/sentiment/aiplatform.yaml" }, () => undefined);
    await vi.waitFor(() => expect(checks).toHaveLength(2));
    checks[0]?.finish("result");
    checks[1]?.finish("other result");
    expect(await first).toBe("result");
    expect(await again).toBe("result");
    expect(await other).toBe("other result");
    // Started from its dashboard: the panel loads again by itself, so no extra refresh.
    expect(refreshed).toEqual([]);
    // Once it ended, the next press starts a new check.
    void deps.runCheck({ service: "fraud-xgboost", manifest: "/fraud-xgboost/aiplatform.yaml" }, () => undefined);
    await vi.waitFor(() => expect(checks).toHaveLength(3));
  });

  test("in Restricted Mode the dashboard's button runs nothing and says why", async () => {
    trust.trusted = false;
    const deps = feature();
    expect(await deps.runCheck({ service: "fraud-xgboost", manifest: "/fraud-xgboost/aiplatform.yaml" }, () => undefined)).toBeUndefined();
    expect(checks).toEqual([]);
    expect(warnings.join(" ")).toMatch(/Run Drift Check is disabled in Restricted Mode/);
  });

  test("a result kept from elsewhere (aiplat drift --save) refreshes that service's open dashboard, not while its own check runs", async () => {
    created.length = 0;
    refreshed.length = 0;
    const deps = feature();
    const land = (service: string): void => created.at(-1)?.({ path: `/ws/.aiplatform/drift/${service}/2026-12-01T01-00-00.000Z.json` });
    land("fraud-xgboost");
    expect(refreshed).toEqual(["fraud-xgboost"]);
    const running = deps.runCheck({ service: "svc-a", manifest: "ws/svc-a/aiplatform.yaml" }, () => undefined);
    await vi.waitFor(() => expect(checks).toHaveLength(1));
    land("svc-a");
    expect(refreshed).toEqual(["fraud-xgboost"]);
    checks[0]?.finish(undefined);
    await running;
  });
});
