/**
 * Run Drift Check as a person sees it: a cancellable notification whose percentage climbs to 100,
 * then a message with the verdict, and the result kept under .aiplatform/drift/<service>/; a
 * cancel that says nothing and keeps nothing; a bad path worded with the file. The check is the
 * real one (worker thread, the demo's data); only the 'vscode' module is faked.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { driftDemoShiftedFeatures } from "../../../../sandbox/drift/driftDemo";
import { writeDriftDemo, type DriftDemoFiles } from "../../../../sandbox/drift/driftDemoFiles";
import { DriftResult } from "../../../../src/shared/protocol/drift";

let workspace = "";
const shown: { severity: string; text: string }[] = [];
const reports: { increment?: number; message?: string }[] = [];
/** What the next withProgress's token does: nothing, or cancel after the first progress report. */
let cancelOnFirstReport = false;

vi.mock("vscode", () => {
  const message = (severity: string) => (text: string) => {
    shown.push({ severity, text });
    return Promise.resolve(undefined);
  };
  return {
    Uri: { file: (fsPath: string) => ({ fsPath, scheme: "file" }) },
    ProgressLocation: { Notification: 15 },
    window: {
      showInformationMessage: message("info"),
      showWarningMessage: message("warning"),
      showErrorMessage: message("error"),
      showTextDocument: () => Promise.resolve(undefined),
      withProgress: async (options: { cancellable?: boolean }, task: (progress: unknown, token: unknown) => Promise<unknown>) => {
        expect(options.cancellable).toBe(true);
        const listeners: (() => void)[] = [];
        const token = {
          isCancellationRequested: false,
          onCancellationRequested: (l: () => void) => {
            listeners.push(l);
            return { dispose: () => undefined };
          },
        };
        const progress = {
          report: (r: { increment?: number; message?: string }) => {
            reports.push(r);
            if (cancelOnFirstReport && !token.isCancellationRequested) {
              token.isCancellationRequested = true;
              for (const l of listeners) l();
            }
          },
        };
        return task(progress, token);
      },
    },
    workspace: {
      getWorkspaceFolder: (uri: { fsPath: string }) => (uri.fsPath.startsWith(workspace) ? { uri: { fsPath: workspace } } : undefined),
      asRelativePath: (p: string) => path.relative(workspace, p),
    },
    commands: { executeCommand: () => Promise.resolve(undefined) },
  };
});

const { runDriftCheckInEditor } = await import("../../../../src/editor/drift/driftCheck");
const { parseManifest } = await import("../../../../src/core/manifest/parseManifest");

let demo: DriftDemoFiles;
const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() } as never;

async function target(file: string) {
  const parsed = parseManifest(await readFile(file, "utf8"));
  if (!parsed.ok) throw new Error("invalid manifest");
  return { file, manifest: parsed.manifest };
}
const history = (): Promise<string[]> => readdir(path.join(workspace, ".aiplatform", "drift", "fraud-xgboost")).catch(() => []);

beforeAll(async () => {
  workspace = await mkdtemp(path.join(tmpdir(), "drift-check-"));
  demo = await writeDriftDemo(path.join(workspace, "fraud-xgboost"));
}, 60_000);
afterAll(() => rm(workspace, { recursive: true, force: true }));
beforeEach(() => {
  shown.length = 0;
  reports.length = 0;
  cancelOnFirstReport = false;
});

describe("Run Drift Check", () => {
  test("a cancel stops the check quietly and keeps nothing", async () => {
    cancelOnFirstReport = true;
    expect(await runDriftCheckInEditor({ log }, await target(demo.manifest))).toBeUndefined();
    expect(shown).toEqual([]);
    expect(await history()).toEqual([]);
  }, 60_000);

  test("shows a climbing percentage, then the verdict, and keeps the result as history", async () => {
    const progressed: number[] = [];
    const result = await runDriftCheckInEditor({ log }, await target(demo.manifest), (percent) => progressed.push(percent));
    expect(result?.features.filter((f) => f.drifted).map((f) => f.name).sort()).toEqual([...driftDemoShiftedFeatures].sort());
    // The notification's increments add up to at most 100 and reach the end.
    const total = reports.reduce((s, r) => s + (r.increment ?? 0), 0);
    expect(total).toBeGreaterThan(90);
    expect(total).toBeLessThanOrEqual(100);
    expect(reports.every((r) => /^\d+ % /.test(r.message ?? ""))).toBe(true);
    expect(progressed.length).toBeGreaterThan(1);
    expect(shown).toEqual([{ severity: "info", text: "fraud-xgboost: 4 of 11 features drifted, no dataset drift." }]);
    const files = await history();
    expect(files).toHaveLength(1);
    const kept = DriftResult.parse(JSON.parse(await readFile(path.join(workspace, ".aiplatform", "drift", "fraud-xgboost", files[0] ?? ""), "utf8")));
    expect(kept).toMatchObject({ service: "fraud-xgboost", modelVersion: "3", driftedFeatures: 4 });
  }, 60_000);

  test("data that is not there: an error naming the file, and no history", async () => {
    const broken = path.join(workspace, "broken", "aiplatform.yaml");
    await rm(path.dirname(broken), { recursive: true, force: true });
    await writeDriftDemo(path.dirname(broken), { rows: 50 });
    const text = (await readFile(broken, "utf8")).replace("name: fraud-xgboost", "name: fraud-broken").replace("current: data/current.csv", "current: data/last-week/*.csv");
    await writeFile(broken, text);
    expect(await runDriftCheckInEditor({ log }, await target(broken))).toBeUndefined();
    expect(shown).toHaveLength(1);
    expect(shown[0]?.severity).toBe("error");
    expect(shown[0]?.text).toContain("data/last-week/*.csv matches no file");
    expect(shown[0]?.text).toContain("current data");
    expect(await readdir(path.join(workspace, ".aiplatform", "drift")).catch(() => [])).not.toContain("fraud-broken");
  }, 60_000);
});
