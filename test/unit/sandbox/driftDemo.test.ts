/**
 * The drift demo as Evidently would judge it: its default method per column (normed Wasserstein for
 * numerical columns with more than 5 values, Jensen-Shannon for the rest, since n_ref > 1000) and
 * threshold 0.1, computed by scipy from the CSV files the generator writes. The drifted features
 * must be exactly the ones the generator says it shifted, each clearly so, and the rest clearly
 * not; the Parquet files hold the same values; the same seed gives the same rows.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { driftDemoFeatures, driftDemoPrediction, generateDriftDemo, driftDemoPredictionDrifts, driftDemoShiftedFeatures, driftDemoTarget } from "../../../sandbox/drift/driftDemo";
import { driftDemoCsv, writeDriftDemo, type DriftDemoFiles } from "../../../sandbox/drift/driftDemoFiles";
import { runDriftCheck } from "../../../src/core/drift/driftRunner";
import { parseManifest } from "../../../src/core/manifest/parseManifest";

/** Evidently's default test and verdict per column (domain.md §1.1), by scipy; missing values dropped as Evidently does. */
const evidentlyDefaults = `
import csv, json, sys
import numpy as np
from scipy.stats import wasserstein_distance
from scipy.spatial.distance import jensenshannon
def load(p):
    with open(p, newline="") as f:
        rows = list(csv.reader(f))
    return {name: [r[i] for r in rows[1:]] for i, name in enumerate(rows[0])}
ref, cur = load(sys.argv[1]), load(sys.argv[2])
out = {}
for name in sys.argv[3].split(","):
    a = [x for x in ref[name] if x != ""]
    b = [x for x in cur[name] if x != ""]
    try:
        a, b = np.array(a, dtype=float), np.array(b, dtype=float)
        numerical = True
    except ValueError:
        numerical = False
    keys = sorted(set(a.tolist() if numerical else a) | set(b.tolist() if numerical else b), key=str)
    if numerical and len(keys) > 5:
        method, score = "wasserstein", wasserstein_distance(a, b) / max(np.std(a), 0.001)
    else:
        la, lb = list(a), list(b)
        p = np.array([la.count(k) for k in keys]) / len(la)
        q = np.array([lb.count(k) for k in keys]) / len(lb)
        method, score = "jensenshannon", jensenshannon(p, q)
    out[name] = {"method": method, "score": float(score), "missing": [len(ref[name]) - len(a), len(cur[name]) - len(b)], "unique": len(keys)}
print(json.dumps(out))
`;

type Verdict = { method: string; score: number; missing: [number, number]; unique: number };

let dir = "";
let files: DriftDemoFiles;
let verdicts: Record<string, Verdict> = {};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "drift-demo-"));
  files = await writeDriftDemo(path.join(dir, "a"));
  const columns = [...driftDemoFeatures, driftDemoTarget, driftDemoPrediction].join(",");
  verdicts = JSON.parse(execFileSync("python3", ["-c", evidentlyDefaults, files.reference.csv, files.current.csv, columns], { encoding: "utf8" })) as Record<string, Verdict>;
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("the drift demo's data", () => {
  test("the features Evidently's defaults find drifted are exactly the shifted ones, and the rest are far under the threshold", () => {
    const drifted = driftDemoFeatures.filter((f) => (verdicts[f]?.score ?? 0) >= 0.1);
    expect(drifted.sort()).toEqual([...driftDemoShiftedFeatures].sort());
    for (const f of driftDemoFeatures) {
      const score = verdicts[f]?.score ?? Number.NaN;
      // Margins wide enough that binning or tie details cannot flip a verdict.
      if (driftDemoShiftedFeatures.includes(f)) expect(score, f).toBeGreaterThan(0.18);
      else expect(score, f).toBeLessThan(0.03);
    }
  });

  test("numerical, categorical and two-valued features all appear, so the check uses both default methods", () => {
    expect(verdicts["amount"]).toMatchObject({ method: "wasserstein" });
    expect(verdicts["transaction_hour"]).toMatchObject({ method: "wasserstein" });
    expect(verdicts["merchant_category"]).toMatchObject({ method: "jensenshannon" });
    expect(verdicts["card_present"]).toMatchObject({ method: "jensenshannon", unique: 2 });
    // The current window has a category the reference never saw, and missing values.
    expect(verdicts["merchant_category"]?.unique).toBe(9);
    expect(verdicts["device_type"]?.missing[0]).toBe(0);
    expect(verdicts["device_type"]?.missing[1]).toBeGreaterThan(200);
  });

  test("the target and the prediction drift as the generator says", () => {
    expect((verdicts[driftDemoTarget]?.score ?? 0) >= 0.1).toBe(driftDemoPredictionDrifts.target);
    expect((verdicts[driftDemoPrediction]?.score ?? 0) >= 0.1).toBe(driftDemoPredictionDrifts.prediction);
  });

  test("each window has 20,000 rows, and the Parquet file holds the CSV's values", async () => {
    const { parquetReadObjects, asyncBufferFromFile } = await import("hyparquet");
    for (const side of [files.reference, files.current]) {
      const csvLines = (await readFile(side.csv, "utf8")).trimEnd().split("\n");
      const header = csvLines[0]?.split(",") ?? [];
      expect(csvLines).toHaveLength(20_001);
      const rows = await parquetReadObjects({ file: await asyncBufferFromFile(side.parquet) });
      expect(rows).toHaveLength(20_000);
      for (const i of [0, 1, 777, 19_999]) {
        const cells = csvLines[i + 1]?.split(",") ?? [];
        const fromParquet = header.map((h) => {
          const v = rows[i]?.[h] as string | number | null | undefined;
          return v === null || v === undefined ? "" : String(v);
        });
        expect(fromParquet).toEqual(cells);
      }
    }
  });

  test("the same seed gives the same rows (Parquet is written from them deterministically); another seed other rows", async () => {
    const again = generateDriftDemo();
    expect(driftDemoCsv(again.reference)).toBe(await readFile(files.reference.csv, "utf8"));
    expect(driftDemoCsv(again.current)).toBe(await readFile(files.current.csv, "utf8"));
    const other = driftDemoCsv(generateDriftDemo({ seed: 7, rows: 100 }).reference);
    expect(other.split("\n")[1]).not.toBe((await readFile(files.reference.csv, "utf8")).split("\n")[1]);
  }, 30_000);

  test("its aiplatform.yaml is a valid manifest whose monitoring.drift names the demo's files and every feature", async () => {
    const parsed = parseManifest(await readFile(files.manifest, "utf8"));
    if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join("; "));
    const drift = parsed.manifest.monitoring?.drift;
    expect(drift).toMatchObject({ reference: "data/reference.parquet", current: "data/current.csv", target: driftDemoTarget, prediction: driftDemoPrediction });
    expect(drift?.features?.map((f) => f.name)).toEqual([...driftDemoFeatures]);
    expect(parsed.manifest.environments["prod"]).toMatchObject({ context: "sandbox", namespace: "kserve-models", production: true });
  });

  test("a drift check of the manifest's data (the engine in its worker) finds exactly the shifted features drifted", async () => {
    const parsed = parseManifest(await readFile(files.manifest, "utf8"));
    const drift = parsed.ok ? parsed.manifest.monitoring?.drift : undefined;
    if (!drift) throw new Error("no monitoring.drift");
    const ran = await runDriftCheck({ reference: drift.reference, current: drift.current, cwd: files.dir, ...(drift.features ? { features: drift.features } : {}), target: driftDemoTarget, prediction: driftDemoPrediction });
    if (!ran.ok) throw new Error(JSON.stringify(ran.error));
    expect(ran.result.features.filter((f) => f.drifted).map((f) => f.name).sort()).toEqual([...driftDemoShiftedFeatures].sort());
    expect(ran.result.features.map((f) => f.problem)).toEqual(driftDemoFeatures.map(() => null));
    expect(ran.result.prediction?.target?.drifted).toBe(driftDemoPredictionDrifts.target);
    expect(ran.result.prediction?.prediction?.drifted).toBe(driftDemoPredictionDrifts.prediction);
    // The scores are scipy's, as the engine promises (to 1e-9 relative).
    for (const f of ran.result.features) expect(f.score ?? Number.NaN, f.name).toBeCloseTo(verdicts[f.name]?.score ?? 0, 9);
    expect(ran.result.features.find((f) => f.name === "merchant_category")?.quality.newCategories).toEqual(["crypto"]);
  }, 60_000);
});
