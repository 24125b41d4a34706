import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { ExitCode } from "../../../src/cli/aiplat";
import { checkBudgets, costManifestFiles, readCostBudgets } from "../../../src/cli/costBudgets";
import { costCsv, costTable, money } from "../../../src/cli/costOutput";
import { compliant } from "./compliantManifest";
import { costRow, sampleCostReport } from "./costReportFixture";
import { runAiplat } from "./runAiplat";
import { parseCsv } from "../parseCsv";

/** The CSV's lines as objects keyed by its header. */
function csvRecords(text: string): Record<string, string>[] {
  const [header = [], ...lines] = parseCsv(text);
  return lines.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ""])));
}

const dir = mkdtempSync(path.join(tmpdir(), "aiplat-cost-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function folder(files: Record<string, string>): string {
  const d = mkdtempSync(path.join(dir, "f-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(d, name), text);
  return d;
}

const withBudget = (budget: string): string => `${compliant}cost:\n  budgetPer1k: ${budget}\n`;

describe("aiplat cost: the command line", () => {
  test.each([
    [["--window", "30m"], /--window 30m: expected a duration from 1h to 31d/],
    [["--window", "60d"], /--window 60d: expected a duration from 1h to 31d/],
    [["--window", "a week"], /--window a week/],
    [["--namespace", "Not_A_Namespace"], /--namespace Not_A_Namespace: not a DNS-1123 label/],
    [["--team-label", "team name"], /--team-label team name: not a label key/],
    [["--check", "--aggregate", "team"], /--check compares each service's cost per 1K/],
    [["--source", "ftp://prom"], /--source ftp:\/\/prom/],
    [["--aggregate", "cluster"], /argument 'cluster' is invalid/],
    [["-o", "yaml"], /argument 'yaml' is invalid/],
    [["aiplatform.yaml"], /manifests are read for their budgets with --check/],
  ])("%j is refused with exit 2 before anything is read", async (args, message) => {
    const r = await runAiplat(["cost", ...args], { cwd: folder({}) });
    expect(r.code).toBe(ExitCode.usage);
    expect(r.err).toMatch(message);
    expect(r.out).toBe("");
  });

  test("--check without manifests, in a folder without aiplatform.yaml, says how to name them (exit 2)", async () => {
    const r = await runAiplat(["cost", "--check"], { cwd: folder({}) });
    expect(r.code).toBe(ExitCode.usage);
    expect(r.err).toMatch(/--check needs service manifests/);
  });

  test("--check with a manifest that does not parse fails before any cluster call, naming the file (exit 1)", async () => {
    const cwd = folder({ "aiplatform.yaml": withBudget("-3") });
    const r = await runAiplat(["cost", "--check"], { cwd });
    expect(r.code).toBe(ExitCode.failed);
    expect(r.err).toMatch(/aiplatform\.yaml is not a valid service manifest .*budget above 0/);
  });

  test("--check with a manifest that does not exist names it", async () => {
    const r = await runAiplat(["cost", "--check", "svc/aiplatform.yaml"], { cwd: folder({}) });
    expect(r.code).toBe(ExitCode.failed);
    expect(r.err).toMatch(/svc\/aiplatform\.yaml does not exist/);
  });
});

describe("budgets from manifests", () => {
  test("aiplatform.yaml in the folder is the default; a budget applies to the workload of every environment", async () => {
    const cwd = folder({ "aiplatform.yaml": withBudget("0.25") });
    const files = costManifestFiles([], cwd);
    expect(files).toEqual([path.join(cwd, "aiplatform.yaml")]);
    const read = await readCostBudgets(files, cwd);
    expect(read).toEqual({
      ok: true,
      files: ["aiplatform.yaml"],
      budgets: [
        { service: "llm-dev/chat", budgetPer1k: 0.25, file: "aiplatform.yaml" },
        { service: "llm/chat", budgetPer1k: 0.25, file: "aiplatform.yaml" },
      ],
    });
  });

  test("a manifest without a budget has nothing to check; two manifests for one service keep the stricter budget", async () => {
    const cwd = folder({ "a.yaml": withBudget("0.5"), "b.yaml": withBudget("0.2"), "c.yaml": compliant });
    const read = await readCostBudgets(costManifestFiles(["a.yaml", "b.yaml", "c.yaml"], cwd), cwd);
    expect(read.ok && read.budgets.map((b) => [b.service, b.budgetPer1k, b.file])).toEqual([
      ["llm-dev/chat", 0.2, "b.yaml"],
      ["llm/chat", 0.2, "b.yaml"],
    ]);
  });

  test("the manifest schema refuses a budget of zero or a word", async () => {
    for (const bad of ["0", "cheap"]) {
      const cwd = folder({ "aiplatform.yaml": withBudget(bad) });
      const read = await readCostBudgets(costManifestFiles([], cwd), cwd);
      expect(read.ok).toBe(false);
    }
  });
});

describe("checkBudgets", () => {
  const report = sampleCostReport({
    rows: [costRow("llm/chat", { costPer1k: 0.31 }), costRow("ml/scorer", { costPer1k: 0.1 }), costRow("ml/batch", { requests: null, costPer1k: null })],
  });
  const budget = (service: string, budgetPer1k: number) => ({ service, budgetPer1k, file: "aiplatform.yaml" });

  test("one service over its budget fails the check; the others are said", () => {
    const v = checkBudgets(report, [budget("llm/chat", 0.25), budget("ml/scorer", 0.1), budget("ml/batch", 1), budget("ml/gone", 1)], undefined);
    expect(v.over).toBe(1);
    expect(v.lines).toEqual([
      "over budget: llm/chat costs $0.31 per 1K inferences > cost.budgetPer1k $0.25 (aiplatform.yaml)",
      "within budget: ml/scorer costs $0.10 per 1K ≤ $0.10 (aiplatform.yaml)",
      "not checked: ml/batch (aiplatform.yaml) has no request counts in the window, so no cost per 1K",
      "not checked: ml/gone (aiplatform.yaml) did not run in the window",
      "1 service exceeds its cost budget",
    ]);
  });

  test("--namespace checks only that namespace's budgets", () => {
    const v = checkBudgets(report, [budget("llm/chat", 0.25), budget("ml/scorer", 0.5)], "ml");
    expect(v.over).toBe(0);
    expect(v.lines.at(-1)).toBe("every checked service is within its cost budget");
  });
});

describe("the table and the CSV", () => {
  test("money keeps small amounts readable", () => {
    expect([money(1234.5), money(0.0042), money(0), money(null), money(-2)]).toEqual(["$1,234.50", "$0.0042", "$0.00", "–", "-$2.00"]);
  });

  test("the table leads with the totals, lists rows by cost, and explains every estimate and default price", () => {
    const t = costTable(sampleCostReport());
    const lines = t.split("\n");
    expect(lines[2]).toBe("total      $300.00 · allocated $240.00 · idle $60.00 (GPU idle $31.04)");
    expect(lines[4]).toMatch(/^SERVICE\s+COST\s+GPU-HOURS\s+REQUESTS\s+COST\/1K\s+GPU EFF\s+ESTIMATE$/);
    expect(lines[5]).toMatch(/^llm-serving\/vllm-llama3-70b\s+\$180\.50\s+48\.0\s+120k\s+\$1\.50\s+12 %\s+no-usage$/);
    expect(lines[7]).toMatch(/^batch\/=HYPERLINK\("x"\)\s+\$19\.50\s+24\.0\s+–\s+–\s+–$/);
    expect(t).toContain("  default-price: instance type not in the price book: OpenCost's default prices (1)");
    expect(t).toContain("  Standard_Unknown_X: 1 node, CPU $0.032/core-h, RAM $0.0042/GiB-h, GPU $0.95/GPU-h");
  });

  test("the CSV has every row with unrounded figures, and text a spreadsheet would run is defused", () => {
    const rows = csvRecords(costCsv(sampleCostReport()));
    expect(rows.map((r) => r["name"])).toEqual(["llm-serving/vllm-llama3-70b", "ml/sentiment", "batch/=HYPERLINK(\"x\")"]);
    expect(rows[0]).toMatchObject({ cost: "180.5", costPer1k: "1.504", gpuEfficiency: "0.12", estimates: "no-usage", currency: "USD", budgetPer1k: "" });
    expect(rows[2]).toMatchObject({ requests: "", costPer1k: "" });
    const formula = sampleCostReport({ rows: [costRow("=cmd|' /C calc'!A0")] });
    expect(csvRecords(costCsv(formula))[0]?.["name"]).toBe("'=cmd|' /C calc'!A0");
  });
});
