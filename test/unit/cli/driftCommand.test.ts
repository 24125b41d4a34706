import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { ExitCode } from "../../../src/cli/aiplat";
import { driftTable, scoreText } from "../../../src/cli/driftOutput";
import { compliant } from "./compliantManifest";
import { driftResult, featureDrift } from "./driftResultFixture";
import { runAiplat } from "./runAiplat";

const dir = mkdtempSync(path.join(tmpdir(), "aiplat-drift-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function folder(files: Record<string, string>): string {
  const d = mkdtempSync(path.join(dir, "f-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(d, name)), { recursive: true });
    writeFileSync(path.join(d, name), text);
  }
  return d;
}

const drift = (args: readonly string[], cwd: string) => runAiplat(["drift", ...args], { cwd });

describe("aiplat drift: the command line", () => {
  test.each([
    [["--sample", "ten"], /--sample: a whole number of rows/],
    [["--sample", "0"], /--sample: at least 1 row/],
    [["--sample", "1.5"], /--sample: a whole number of rows/],
    [["--seed", "-1"], /--seed: a whole number from 0/],
    [["--features", "a,,b"], /--features: a comma-separated list of column names/],
    [["--reference", ""], /--reference needs a file or glob/],
    [["-o", "yaml"], /argument 'yaml' is invalid/],
  ])("%j is refused with exit 2 before any data is read", async (args, message) => {
    const run = await drift(["--reference", "r.csv", "--current", "c.csv", ...args], folder({}));
    expect(run.code).toBe(ExitCode.usage);
    expect(run.err).toMatch(message);
    expect(run.out).toBe("");
  });

  test("without --reference and --current or a manifest with monitoring.drift it says what to pass (exit 2)", async () => {
    const run = await drift([], folder({}));
    expect(run.code).toBe(ExitCode.usage);
    expect(run.err).toContain("pass --reference and --current, or run where aiplatform.yaml has monitoring.drift");
    const one = await drift(["--reference", "r.csv"], folder({}));
    expect(one.err).toContain("pass --current,");
  });

  test("a named manifest without monitoring.drift is an error naming it (exit 2)", async () => {
    const cwd = folder({ "svc/aiplatform.yaml": compliant });
    const run = await drift(["--manifest", "svc/aiplatform.yaml"], cwd);
    expect(run.code).toBe(ExitCode.usage);
    expect(run.err).toContain("svc/aiplatform.yaml has no monitoring.drift");
  });

  test("a named manifest that is not valid says where to look (exit 2)", async () => {
    const cwd = folder({ "aiplatform.yaml": `${compliant}monitoring:\n  drift:\n    reference: r.csv\n` });
    const run = await drift(["--manifest", "aiplatform.yaml"], cwd);
    expect(run.code).toBe(ExitCode.usage);
    expect(run.err).toMatch(/aiplatform\.yaml is not a valid service manifest \(aiplat check aiplatform\.yaml says where\): monitoring\.drift\.current/);
  });

  test("a named manifest that does not exist (exit 2)", async () => {
    const run = await drift(["--manifest", "nope.yaml"], folder({}));
    expect(run.code).toBe(ExitCode.usage);
    expect(run.err).toContain("nope.yaml does not exist");
  });

  test("--save without a service to file it under (no manifest, no --service) is refused (exit 2)", async () => {
    const run = await drift(["--reference", "r.csv", "--current", "c.csv", "--save"], folder({}));
    expect(run.code).toBe(ExitCode.usage);
    expect(run.err).toContain("--save keeps the result under the service's name: pass --service <name>");
  });

  test("--save --service ../x is refused before anything is read or written (exit 2)", async () => {
    const cwd = folder({});
    const run = await drift(["--reference", "r.csv", "--current", "c.csv", "--save", "--service", "../x"], cwd);
    expect(run.code).toBe(ExitCode.usage);
    expect(run.err).toContain("--service ../x: not a service name");
    expect(readdirSync(cwd)).toEqual([]);
  });

  test("aiplat --help lists drift", async () => {
    const run = await runAiplat(["--help"]);
    expect(run.out).toMatch(/\n\s+drift \[options\]\s+check a current dataset/);
  });
});

describe("aiplat drift: the table", () => {
  test("the verdict, then one line per feature with its method, score, the rule and whether it drifted", () => {
    const table = driftTable(
      driftResult({
        features: [
          featureDrift("age", { method: "ks", direction: "p-value", score: 0.0000123, threshold: 0.05, drifted: true }),
          featureDrift("income", { score: 0.0412, drifted: false, quality: { missingShareReference: 0, missingShareCurrent: 0.25, newCategories: [], newCategoryShare: 0, outOfRangeShare: 0.1 } }),
          featureDrift("country", { type: "categorical", method: "chisquare", direction: "p-value", score: 0.5, threshold: 0.05, quality: { missingShareReference: 0, missingShareCurrent: 0, newCategories: ["NZ", "FR", "IT", "ES"], newCategoryShare: 0.031, outOfRangeShare: null } }),
          featureDrift("only_ref", { score: null, problem: { kind: "missing-in-current", detail: "the current data has no column only_ref" } }),
        ],
        driftedFeatures: 1,
        driftShare: 1 / 3,
        datasetDrift: false,
      }),
    );
    const lines = table.split("\n");
    expect(lines[0]).toBe("reference  ref.csv (csv, 5,000 rows)");
    expect(lines).toContain("service    fraud-xgboost (model 3)");
    expect(lines).toContain("dataset drift: no, 1 of 3 features drifted (33 %; the dataset drifts at 50 % or more)");
    const row = (name: string): string[] => (lines.find((l) => l.startsWith(`${name} `)) ?? "").split(/\s{3,}/);
    expect(row("age")).toEqual(["age", "numerical", "ks", "1.2e-5", "≤ 0.05", "DRIFT"]);
    expect(row("income")).toEqual(["income", "numerical", "wasserstein", "0.0412", "≥ 0.1", "no", "0 % → 25 %"]);
    expect(row("country")).toEqual(["country", "categorical", "chisquare", "0.5", "< 0.05", "no", "NZ, FR, IT, … (3 %)"]);
    expect(row("only_ref")).toEqual(["only_ref", "numerical", "wasserstein", "–", "≥ 0.1", "–"]);
    expect(table).toContain("notes:\n  only_ref: no verdict: missing-in-current: the current data has no column only_ref");
  });

  test("a partial result says so", () => {
    expect(driftTable(driftResult({ partial: { reason: "stopped after 3 of 20 features" } }))).toContain("PARTIAL RESULT: stopped after 3 of 20 features");
  });

  test.each([
    [null, "–"],
    [0, "0"],
    [0.123456, "0.1235"],
    [1e-300, "1.0e-300"],
    [12.5, "12.5"],
  ])("score %j reads %j", (x, text) => {
    expect(scoreText(x)).toBe(text);
  });
});
