/**
 * `aiplat drift` end to end: generated data with known shifts, written as Parquet, CSV and a CSV
 * glob, checked through the real worker (runDriftCheck from the sources, as vitest runs them).
 * The scores are checked against numpy/scipy computed here from the same files (Evidently's
 * formulas: Wasserstein ÷ std(ref), Jensen-Shannon over one bin per value, KS exact), the verdicts
 * against the shifts the generator made, -o json against the DriftResult schema, and --save against
 * the history folder a person would commit.
 */
import { seededRandom } from "../../src/core/seededRandom";
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ExitCode, runCli } from "../../src/cli/aiplat";
import { readDriftHistory } from "../../src/core/drift/driftHistory";
import { DriftResult, type FeatureDrift } from "../../src/shared/protocol/drift";
import { runAiplat, templatesDir, type CliRun } from "../unit/cli/runAiplat";

const root = path.resolve(__dirname, "../..");

/** mulberry32: a small seeded generator, so the data (and so the verdicts) are the same every run. */
function generator(seed: number): { uniform: () => number; normal: (mean: number, sd: number) => number; pick: (choices: readonly string[], weights: readonly number[]) => string } {
  const uniform = seededRandom(seed);
  return {
    uniform,
    // Box–Muller; 1 − u keeps the logarithm finite.
    normal: (mean, sd) => mean + sd * Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()),
    pick: (choices, weights) => {
      let u = uniform();
      for (let i = 0; i < choices.length; i++) {
        u -= weights[i] ?? 0;
        if (u < 0) return choices[i] ?? "";
      }
      return choices[choices.length - 1] ?? "";
    },
  };
}

interface Table {
  readonly numeric: Record<string, number[]>;
  readonly text: Record<string, string[]>;
}

/** How a side is drawn; `shift` names the features drawn from a moved distribution. */
function table(rows: number, seed: number, shift: ReadonlySet<string>): Table {
  const g = generator(seed);
  const t: Table = { numeric: { shifted: [], stable: [], count: [] }, text: { channel: [], plan: [] } };
  for (let i = 0; i < rows; i++) {
    t.numeric["shifted"]!.push(g.normal(shift.has("shifted") ? 0.8 : 0, 1));
    t.numeric["stable"]!.push(g.normal(5, 2));
    // Integers 0–19: many ties, more than 5 unique values, so a numerical test (Wasserstein).
    t.numeric["count"]!.push(Math.floor(g.uniform() * (shift.has("count") ? 10 : 20)));
    t.text["channel"]!.push(g.pick(["web", "app", "store"], shift.has("channel") ? [0.2, 0.3, 0.5] : [0.5, 0.3, 0.2]));
    t.text["plan"]!.push(g.pick(["basic", "pro"], [0.7, 0.3]));
  }
  return t;
}

const columns = (t: Table): string[] => [...Object.keys(t.numeric), ...Object.keys(t.text)];

/** CSV as a spreadsheet writes it; String(x) round-trips a double exactly, so both readers see the same numbers. */
function csv(t: Table, from = 0, to = Number.POSITIVE_INFINITY): string {
  const names = columns(t);
  const n = Math.min(to, t.numeric["shifted"]!.length);
  const lines = [names.join(",")];
  for (let i = from; i < n; i++) lines.push(names.map((c) => (c in t.numeric ? String(t.numeric[c]![i]) : t.text[c]![i])).join(","));
  return `${lines.join("\n")}\n`;
}

function parquet(t: Table): Buffer {
  const data = [...Object.entries(t.numeric).map(([name, values]) => ({ name, data: values, type: "DOUBLE" as const })), ...Object.entries(t.text).map(([name, values]) => ({ name, data: values, type: "STRING" as const }))];
  return Buffer.from(parquetWriteBuffer({ columnData: data }));
}

/**
 * numpy/scipy's figures for the same files, computed as Evidently computes them
 * (domain.md §1.1): Wasserstein normed by max(np.std(ref), 0.001), Jensen-Shannon (natural log)
 * over each side's share of every value seen on either side, ks_2samp with method="auto".
 */
const oracle = String.raw`
import csv, json, sys
import numpy as np
from scipy.stats import wasserstein_distance, ks_2samp
from scipy.spatial.distance import jensenshannon
req = json.load(sys.stdin)
def read(files):
    rows = []
    for f in files:
        with open(f, newline="") as h:
            rows += list(csv.DictReader(h))
    return rows
ref, cur = read(req["reference"]), read(req["current"])
out = {}
for c in req["numeric"]:
    a = np.array([float(r[c]) for r in ref]); b = np.array([float(r[c]) for r in cur])
    out[c] = {"wasserstein": wasserstein_distance(a, b) / max(np.std(a), 0.001), "ks": ks_2samp(a, b).pvalue, "unique": int(len(np.unique(np.concatenate([a, b]))))}
for c in req["categorical"]:
    a = [r[c] for r in ref]; b = [r[c] for r in cur]
    keys = sorted(set(a) | set(b))
    p = np.array([a.count(k) / len(a) for k in keys]); q = np.array([b.count(k) / len(b) for k in keys])
    out[c] = {"jensenshannon": float(jensenshannon(p, q)), "unique": len(keys)}
print(json.dumps(out))
`;

type Oracle = Record<string, { wasserstein?: number; ks?: number; jensenshannon?: number; unique: number }>;

function scipy(reference: readonly string[], current: readonly string[], numeric: readonly string[], categorical: readonly string[]): Oracle {
  const out = execFileSync("python3", ["-c", oracle], { input: JSON.stringify({ reference, current, numeric, categorical }), encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(out) as Oracle;
}

const relClose = (actual: number | null, expected: number | undefined): void => {
  expect(actual).not.toBeNull();
  expect(expected).toBeDefined();
  expect(Math.abs((actual ?? 0) - (expected ?? 0))).toBeLessThanOrEqual(1e-9 * Math.abs(expected ?? 0));
};

let ws: string;
const drifting = new Set(["shifted", "count", "channel"]);
const rows = 4000;

function drift(args: readonly string[], cwd = ws): Promise<CliRun> {
  return runAiplat(["drift", ...args], { cwd });
}

function resultOf(run: CliRun, code: number = ExitCode.ok): DriftResult {
  expect(run.code, run.err).toBe(code);
  return DriftResult.parse(JSON.parse(run.out));
}

const byName = (r: DriftResult): Map<string, FeatureDrift> => new Map(r.features.map((f) => [f.name, f]));

beforeAll(() => {
  ws = mkdtempSync(path.join(tmpdir(), "aiplat-drift-it-"));
  const reference = table(rows, 11, new Set());
  const shiftedCurrent = table(rows, 12, drifting);
  const steadyCurrent = table(rows, 13, new Set());
  mkdirSync(path.join(ws, "data/current"), { recursive: true });
  writeFileSync(path.join(ws, "data/reference.parquet"), parquet(reference));
  writeFileSync(path.join(ws, "data/reference.csv"), csv(reference));
  // The shifted current arrives as two part files, read by one glob.
  writeFileSync(path.join(ws, "data/current/part-0.csv"), csv(shiftedCurrent, 0, rows / 2));
  writeFileSync(path.join(ws, "data/current/part-1.csv"), csv(shiftedCurrent, rows / 2));
  writeFileSync(path.join(ws, "data/steady.parquet"), parquet(steadyCurrent));
  writeFileSync(path.join(ws, "data/steady.csv"), csv(steadyCurrent));
  // Small samples: n ≤ 1000 takes the p-value tests (KS exact).
  writeFileSync(path.join(ws, "data/small-ref.csv"), csv(table(300, 21, new Set())));
  writeFileSync(path.join(ws, "data/small-cur.csv"), csv(table(250, 22, new Set(["shifted"]))));
});
afterAll(() => rmSync(ws, { recursive: true, force: true }));

describe("aiplat drift -o json", () => {
  test("Parquet reference against a CSV glob: exactly the shifted features drift, with scipy's scores, and the dataset drifts", async () => {
    const r = resultOf(await drift(["--reference", "data/reference.parquet", "--current", "data/current/part-*.csv", "-o", "json"]));
    expect(r.reference).toMatchObject({ spec: "data/reference.parquet", format: "parquet", rows });
    expect(r.current).toMatchObject({ spec: "data/current/part-*.csv", format: "csv", rows });
    expect(r.current.files).toHaveLength(2);
    expect(r.service).toBeNull();
    expect(r.partial).toBeNull();
    const features = byName(r);
    expect([...features.keys()].sort()).toEqual(["channel", "count", "plan", "shifted", "stable"]);
    expect(r.features.filter((f) => f.drifted).map((f) => f.name).sort()).toEqual([...drifting].sort());
    expect([r.driftedFeatures, r.driftShare, r.driftShareThreshold, r.datasetDrift]).toEqual([3, 3 / 5, 0.5, true]);

    const expected = scipy([path.join(ws, "data/reference.csv")], ["part-0.csv", "part-1.csv"].map((f) => path.join(ws, "data/current", f)), ["shifted", "stable", "count"], ["channel", "plan"]);
    for (const name of ["shifted", "stable", "count"]) {
      const f = features.get(name)!;
      // n_ref = 4000 > 1000 and more than 5 unique values: Evidently's normed Wasserstein, drift at ≥ 0.1.
      expect([f.type, f.method, f.threshold, f.direction, f.typeOrigin, f.methodOrigin]).toEqual(["numerical", "wasserstein", 0.1, "distance", "inferred", "default"]);
      relClose(f.score, expected[name]?.wasserstein);
      expect(f.uniqueValues).toBe(expected[name]?.unique);
      expect(f.drifted).toBe((f.score ?? 0) >= 0.1);
    }
    for (const name of ["channel", "plan"]) {
      const f = features.get(name)!;
      expect([f.type, f.method, f.threshold]).toEqual(["categorical", "jensenshannon", 0.1]);
      relClose(f.score, expected[name]?.jensenshannon);
      expect(f.uniqueValues).toBe(expected[name]?.unique);
    }
  });

  test("a current drawn like the reference: nothing drifts, and Parquet and CSV of the same data give the same scores", async () => {
    const [fromParquet, fromCsv] = await Promise.all([
      drift(["--reference", "data/reference.parquet", "--current", "data/steady.parquet", "-o", "json"]),
      drift(["--reference", "data/reference.csv", "--current", "data/steady.csv", "-o", "json"]),
    ]);
    const a = resultOf(fromParquet);
    const b = resultOf(fromCsv);
    expect(a.features.filter((f) => f.drifted).map((f) => f.name)).toEqual([]);
    expect([a.datasetDrift, a.driftShare]).toEqual([false, 0]);
    expect(a.features.map((f) => [f.name, f.method, f.score])).toEqual(b.features.map((f) => [f.name, f.method, f.score]));
  });

  test("small samples take the KS test, with scipy's exact p-value; --features narrows the check to the named columns", async () => {
    const r = resultOf(await drift(["--reference", "data/small-ref.csv", "--current", "data/small-cur.csv", "--features", "shifted,stable", "-o", "json"]));
    expect(r.features.map((f) => f.name)).toEqual(["shifted", "stable"]);
    const expected = scipy([path.join(ws, "data/small-ref.csv")], [path.join(ws, "data/small-cur.csv")], ["shifted", "stable"], []);
    for (const f of r.features) {
      expect([f.method, f.threshold, f.direction]).toEqual(["ks", 0.05, "p-value"]);
      relClose(f.score, expected[f.name]?.ks);
      expect(f.drifted).toBe((f.score ?? 1) <= 0.05);
    }
    expect(r.features.find((f) => f.name === "shifted")?.drifted).toBe(true);
  });
  test("columns on one side only and constant columns are named in the table, and the rest still get a verdict", async () => {
    const g = generator(5);
    const lines = (withExtra: boolean, shift: number): string =>
      [withExtra ? "x,constant,only_ref" : "x,constant", ...Array.from({ length: 2000 }, () => [g.normal(shift, 1), 7, ...(withExtra ? [g.uniform()] : [])].join(","))].join("\n") + "\n";
    writeFileSync(path.join(ws, "data/extra-ref.csv"), lines(true, 0));
    writeFileSync(path.join(ws, "data/extra-cur.csv"), lines(false, 0));
    const json = resultOf(await drift(["--reference", "data/extra-ref.csv", "--current", "data/extra-cur.csv", "-o", "json"]));
    const features = byName(json);
    expect(features.get("only_ref")?.problem?.kind).toBe("missing-in-current");
    expect(features.get("only_ref")?.score).toBeNull();
    expect(features.get("constant")?.problem?.kind).toBe("constant");
    expect(features.get("x")?.score).not.toBeNull();
    const table = await drift(["--reference", "data/extra-ref.csv", "--current", "data/extra-cur.csv"]);
    expect(table.code).toBe(ExitCode.ok);
    const notes = table.out.slice(table.out.indexOf("\nnotes:\n")).split("\n");
    expect(notes.some((l) => l.startsWith("  only_ref: no verdict: missing-in-current: "))).toBe(true);
    expect(notes.some((l) => l.startsWith("  constant: constant: "))).toBe(true);
  });
});

describe("aiplat drift --fail-on-drift", () => {
  test("exit 1 when the dataset drifts, with the verdict on stderr and the result still on stdout", async () => {
    const run = await drift(["--reference", "data/reference.parquet", "--current", "data/current/part-*.csv", "--fail-on-drift"]);
    expect(run.code, run.err).toBe(ExitCode.failed);
    expect(run.err).toContain("aiplat: dataset drift: 3 of 5 features drifted (60 % ≥ 50 %)");
    expect(run.out).toContain("dataset drift: YES, 3 of 5 features drifted (60 %; the dataset drifts at 50 % or more)");
    for (const name of drifting) expect(run.out).toMatch(new RegExp(`\\n${name} .* DRIFT`));
  });

  test("exit 0 when it does not, and without the flag whatever the verdict", async () => {
    expect((await drift(["--reference", "data/reference.parquet", "--current", "data/steady.parquet", "--fail-on-drift"])).code).toBe(ExitCode.ok);
    expect((await drift(["--reference", "data/reference.parquet", "--current", "data/current/part-*.csv"])).code).toBe(ExitCode.ok);
  });

  test("exit 2, naming the file and row, when the data prevents a verdict", async () => {
    writeFileSync(path.join(ws, "data/ragged.csv"), "shifted,stable\n1,2\n3,4\n5\n");
    const ragged = await drift(["--reference", "data/reference.csv", "--current", "data/ragged.csv", "--fail-on-drift"]);
    expect(ragged.code).toBe(ExitCode.usage);
    expect(ragged.err).toMatch(/current data: .*ragged\.csv: row 4/);
    const none = await drift(["--reference", "data/reference.csv", "--current", "data/nothing-*.csv", "--fail-on-drift"]);
    expect(none.code).toBe(ExitCode.usage);
    expect(none.err).toContain("current data: data/nothing-*.csv matches no file");
    expect(ragged.out + none.out).toBe("");
  });

  test("a 50 GB file is refused before it is read, naming it and the limit (exit 2)", async () => {
    // Sparse: the file system holds no data for it, so the test needs no disk.
    const big = path.join(ws, "data/huge.csv");
    writeFileSync(big, "shifted,stable\n");
    truncateSync(big, 50 * 1000 ** 3);
    const run = await drift(["--reference", "data/reference.csv", "--current", "data/huge.csv", "--fail-on-drift"]);
    rmSync(big);
    expect(run.code).toBe(ExitCode.usage);
    expect(run.err).toMatch(/current data: .*huge\.csv: the data is 46\.6 GB, over the 2\.0 GB a drift check reads/);
  });

  test("as a separate process, the way a CI job runs it: the exit code and one JSON document on stdout", async () => {
    const run = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const args = [path.join(root, "src/cli/main.ts"), "drift", "--reference", "data/reference.parquet", "--current", "data/current/part-*.csv", "--fail-on-drift", "-o", "json"];
      const child = execFile(path.join(root, "node_modules/.bin/tsx"), args, { cwd: ws, env: { PATH: process.env["PATH"] } }, (_err, out, err) => resolve({ code: child.exitCode, out, err }));
    });
    expect(run.code, run.err).toBe(ExitCode.failed);
    expect(DriftResult.parse(JSON.parse(run.out)).datasetDrift).toBe(true);
  }, 60_000);
});

describe("aiplat drift with a manifest", () => {
  const manifest = (drift: string): string => `apiVersion: aiplatform.dev/v1
kind: InferenceServiceManifest
name: fraud-xgboost
runtime: kserve
modelFormat: xgboost
model:
  storageUri: s3://models/fraud/7
  version: "7"
environments:
  prod:
    context: aks-prod
    namespace: kserve-models
    production: true
monitoring:
  drift:
${drift}`;

  test("monitoring.drift gives the data (relative to the manifest), the features and their overrides; --save files the result under the service", async () => {
    const svc = path.join(ws, "services/fraud");
    mkdirSync(svc, { recursive: true });
    writeFileSync(
      path.join(svc, "aiplatform.yaml"),
      manifest(`    reference: ../../data/reference.parquet
    current: ../../data/current/part-*.csv
    features:
      - name: shifted
        threshold: 2
      - name: stable
        method: ks
      - name: channel
`),
    );
    const first = resultOf(await drift(["--manifest", "services/fraud/aiplatform.yaml", "--save", "-o", "json"]));
    expect([first.service, first.modelVersion]).toEqual(["fraud-xgboost", "7"]);
    expect(first.features.map((f) => [f.name, f.method, f.methodOrigin, f.threshold])).toEqual([
      ["shifted", "wasserstein", "default", 2],
      ["stable", "ks", "manifest", 0.05],
      ["channel", "jensenshannon", "default", 0.1],
    ]);
    // A threshold of 2 lets the shift of 0.8 standard deviations pass; channel still drifts.
    expect(first.features.filter((f) => f.drifted).map((f) => f.name)).toEqual(["channel"]);
    expect(first.datasetDrift).toBe(false);

    // Run from another folder with the manifest found in the current one: the same check.
    const second = resultOf(await drift(["--save", "-o", "json"], svc));
    expect(second.features.map((f) => [f.name, f.score])).toEqual(first.features.map((f) => [f.name, f.score]));

    const saved = readdirSync(path.join(ws, ".aiplatform/drift/fraud-xgboost"));
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z\.json$/);
    expect(DriftResult.parse(JSON.parse(readFileSync(path.join(ws, ".aiplatform/drift/fraud-xgboost", saved[0]!), "utf8")))).toEqual(first);
    expect(readdirSync(path.join(svc, ".aiplatform/drift/fraud-xgboost"))).toHaveLength(1);
    const history = await readDriftHistory(ws, "fraud-xgboost");
    expect(history.ok && history.history.results).toEqual([first]);
  });

  test("--reference and --current win over the manifest's, relative to the folder aiplat runs in", async () => {
    const svc = path.join(ws, "services/other");
    mkdirSync(svc, { recursive: true });
    writeFileSync(path.join(svc, "aiplatform.yaml"), manifest("    reference: missing.parquet\n    current: missing.csv\n"));
    const r = resultOf(await drift(["--manifest", "services/other/aiplatform.yaml", "--reference", "data/reference.parquet", "--current", "data/steady.parquet", "-o", "json"]));
    expect(r.service).toBe("fraud-xgboost");
    expect(r.datasetDrift).toBe(false);
    expect(r.reference.rows).toBe(rows);
  });
});

test("progress goes to stderr on one rewritten line when a person watches, and is cleared before the result", async () => {
  let out = "";
  let err = "";
  const code = await runCli(["drift", "--reference", "data/small-ref.csv", "--current", "data/small-cur.csv"], {
    out: (t) => (out += t),
    err: (t) => (err += t),
    env: {},
    cwd: ws,
    templatesDir,
    // main.ts offers `ask` only when stdin and stderr are terminals.
    ask: () => Promise.resolve(undefined),
  });
  expect(code).toBe(ExitCode.ok);
  // \r and ESC [ K (erase to end of line) rewrite the one line.
  expect(err.startsWith("\r\u001b[Kaiplat: ")).toBe(true);
  expect(err).toMatch(/aiplat: \d+ % Reading reference/);
  expect(err.endsWith("\r\x1b[K")).toBe(true);
  expect(err).not.toContain("\n");
  expect(out).toContain("dataset drift:");
});
