import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { driftHistoryDir, historyFileName, readDriftHistory, toHistoryPoint, writeDriftHistory } from "../../../../src/core/drift/driftHistory";
import { DriftResult } from "../../../../src/shared/protocol/drift";
import { driftResult, featureDrift } from "../../cli/driftResultFixture";

const root = mkdtempSync(path.join(tmpdir(), "drift-history-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const workspace = (): string => mkdtempSync(path.join(root, "ws-"));

/** Everything under a folder, as relative paths, so a test sees exactly what was written. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)).split(path.sep).join("/"))
    .sort();
}

describe("drift history: writing", () => {
  test("a result becomes .aiplatform/drift/<service>/<time>.json holding the whole result, and nothing else is left behind", async () => {
    const ws = workspace();
    const result = driftResult({ checkedAt: "2026-11-30T10:15:30.250Z" });
    const saved = await writeDriftHistory(ws, "fraud-xgboost", result);
    expect(saved.ok).toBe(true);
    // Colons are not allowed in Windows file names; the time stays readable and sortable.
    expect(tree(ws)).toEqual([".aiplatform/drift/fraud-xgboost/2026-11-30T10-15-30.250Z.json"]);
    expect(DriftResult.parse(JSON.parse(readFileSync(path.join(ws, ".aiplatform/drift/fraud-xgboost/2026-11-30T10-15-30.250Z.json"), "utf8")))).toEqual(result);
  });

  test("namespace/name services get a folder per namespace", async () => {
    const ws = workspace();
    expect((await writeDriftHistory(ws, "kserve-models/fraud-xgboost", driftResult())).ok).toBe(true);
    expect(tree(ws)).toEqual([".aiplatform/drift/kserve-models/fraud-xgboost/2026-11-30T10-00-00.000Z.json"]);
  });

  test("two checks in the same millisecond are both kept", async () => {
    const ws = workspace();
    const [a, b] = await Promise.all([writeDriftHistory(ws, "svc", driftResult({ computeMs: 1 })), writeDriftHistory(ws, "svc", driftResult({ computeMs: 2 }))]);
    expect(a.ok && b.ok).toBe(true);
    const read = await readDriftHistory(ws, "svc");
    expect(read.ok && read.history.results.map((r) => r.computeMs).sort()).toEqual([1, 2]);
  });

  test.each(["", "..", "../escape", "a/../../b", "a/b/c", "Fraud", "svc name", "/abs", "svc\\..\\x", "-svc"])("the service name %j is refused and nothing is written", async (service) => {
    const ws = workspace();
    const saved = await writeDriftHistory(ws, service, driftResult());
    expect(saved).toEqual({ ok: false, error: { kind: "bad-service", service } });
    expect(driftHistoryDir(ws, service).ok).toBe(false);
    expect(tree(ws)).toEqual([]);
  });

  test("a .aiplatform that is a symbolic link out of the workspace is refused, and nothing is written there", async () => {
    const ws = workspace();
    const elsewhere = mkdtempSync(path.join(root, "elsewhere-"));
    symlinkSync(elsewhere, path.join(ws, ".aiplatform"), "dir");
    const saved = await writeDriftHistory(ws, "svc", driftResult());
    expect(saved.ok).toBe(false);
    expect(!saved.ok && saved.error.kind).toBe("outside-workspace");
    expect(tree(elsewhere)).toEqual([]);
  });

  test("a symbolic link inside the workspace is followed", async () => {
    const ws = workspace();
    mkdirSync(path.join(ws, "evidence"));
    symlinkSync(path.join(ws, "evidence"), path.join(ws, ".aiplatform"), "dir");
    expect((await writeDriftHistory(ws, "svc", driftResult())).ok).toBe(true);
    expect(tree(path.join(ws, "evidence"))).toEqual(["drift/svc/2026-11-30T10-00-00.000Z.json"]);
  });

  test("a .aiplatform that is a file is an io error with the errno code, not a throw", async () => {
    const ws = workspace();
    writeFileSync(path.join(ws, ".aiplatform"), "");
    const saved = await writeDriftHistory(ws, "svc", driftResult());
    expect(!saved.ok && saved.error).toMatchObject({ kind: "io", code: "ENOTDIR" });
  });
});

describe("drift history: reading", () => {
  test("a service with no history has none", async () => {
    expect(await readDriftHistory(workspace(), "svc")).toEqual({ ok: true, history: { results: [], warnings: [] } });
  });

  test("results come back oldest first, and bad files are skipped with a warning naming them", async () => {
    const ws = workspace();
    const times = ["2026-11-30T12:00:00.000Z", "2026-11-28T09:00:00.000Z", "2026-11-29T09:00:00.000Z"];
    for (const t of times) expect((await writeDriftHistory(ws, "svc", driftResult({ checkedAt: t }))).ok).toBe(true);
    const dir = path.join(ws, ".aiplatform/drift/svc");
    writeFileSync(path.join(dir, "2026-11-29T10-00-00.000Z.json"), '{"schemaVersion": 1, "checkedAt": "cut sh');
    writeFileSync(path.join(dir, "2026-11-29T11-00-00.000Z.json"), JSON.stringify({ ...driftResult(), schemaVersion: 2 }));
    writeFileSync(path.join(dir, "notes.txt"), "not a result, not a .json");
    writeFileSync(path.join(dir, ".2026-11-29T12-00-00.000Z.123.abcd.tmp"), "{}");
    const read = await readDriftHistory(ws, "svc");
    if (!read.ok) throw new Error(read.error.kind);
    expect(read.history.results.map((r) => r.checkedAt)).toEqual([...times].sort());
    expect(read.history.warnings.map((w) => [w.kind, path.basename(w.file)])).toEqual([
      ["not-json", "2026-11-29T10-00-00.000Z.json"],
      ["not-a-result", "2026-11-29T11-00-00.000Z.json"],
    ]);
  });

  test("with a limit only the newest are read", async () => {
    const ws = workspace();
    for (let day = 1; day <= 5; day++) await writeDriftHistory(ws, "svc", driftResult({ checkedAt: `2026-11-0${day}T00:00:00.000Z` }));
    const read = await readDriftHistory(ws, "svc", { limit: 2 });
    expect(read.ok && read.history.results.map((r) => r.checkedAt)).toEqual(["2026-11-04T00:00:00.000Z", "2026-11-05T00:00:00.000Z"]);
  });
});

describe("drift history: points for the chart", () => {
  test("each feature's score, method and verdict, keyed by its name, even a column named __proto__", () => {
    const result = driftResult({ features: [featureDrift("age"), featureDrift("__proto__", { method: "ks", direction: "p-value", threshold: 0.05, score: 0.001, drifted: true })] });
    const point = toHistoryPoint(result);
    expect(point).toEqual({
      checkedAt: result.checkedAt,
      modelVersion: "3",
      datasetDrift: true,
      driftShare: 0.5,
      scores: { age: { score: 0.02, method: "wasserstein", drifted: false }, ["__proto__"]: { score: 0.001, method: "ks", drifted: true } },
    });
    expect(Object.keys(point.scores)).toEqual(["age", "__proto__"]);
  });

  test("the file name of a check time sorts as the time does", () => {
    const names = ["2026-11-30T09:59:59.999Z", "2026-11-30T10:00:00.000Z", "2027-01-01T00:00:00.000Z"].map(historyFileName);
    expect([...names].sort()).toEqual(names);
    expect(names.every((n) => !n.includes(":"))).toBe(true);
  });
});
