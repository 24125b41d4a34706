import { describe, expect, test } from "vitest";
import { showbackCsv, showbackCsvFileName } from "../../../../src/editor/panels/costCsv";
import type { CostReport, CostRow } from "../../../../src/shared/protocol/cost";
import { parseCsv } from "../../parseCsv";

function row(name: string, over: Partial<CostRow> = {}): CostRow {
  return {
    name,
    cost: 100,
    cpuCost: 10,
    ramCost: 5,
    gpuCost: 85,
    gpuHours: 24,
    requests: 50_000,
    costPer1k: 2,
    cpuEfficiency: 0.5,
    ramEfficiency: 0.5,
    gpuEfficiency: 0.5,
    estimates: [],
    ...over,
  };
}

function report(rows: CostRow[], over: Partial<CostReport> = {}): CostReport {
  const allocated = rows.reduce((s, r) => s + r.cost, 0);
  return {
    window: { duration: "7d", start: "2026-11-23T21:00:00.000Z", end: "2026-11-30T21:00:00.000Z" },
    currency: "USD",
    source: { kind: "model", description: "price book" },
    aggregate: "team",
    total: allocated + 40.5,
    allocated,
    idle: 40.5,
    gpuIdle: 30.25,
    rows,
    pools: [],
    nodes: [],
    daily: [],
    per1k: [],
    prices: [],
    estimates: [],
    computedAt: 0,
    ...over,
  };
}

const window = ["2026-11-23T21:00:00.000Z", "2026-11-30T21:00:00.000Z"];

describe("showbackCsv", () => {
  test("one row per team with the cost split, GPU hours, requests and cost per 1K; then idle, so the cost column sums to the total", () => {
    const r = report([
      row("llm", { cost: 1234.5678912, cpuCost: 100.1, ramCost: 34.4678912, gpuCost: 1100, gpuHours: 168, requests: 2_000_000, costPer1k: 0.6172839456 }),
      row("search", { cost: 0.1 + 0.2, cpuCost: 0.1, ramCost: 0.2, gpuCost: 0, gpuHours: 0, requests: null, costPer1k: null, estimates: ["no-usage", "no-request-counts"] }),
    ]);
    const csv = showbackCsv(r, "team");
    expect(csv.startsWith("\uFEFF")).toBe(true);
    expect(csv).toContain("\r\n");
    const rows = parseCsv(csv.slice(1));
    expect(rows).toEqual([
      ["team", "cost (USD)", "cpu cost (USD)", "ram cost (USD)", "gpu cost (USD)", "gpu hours", "requests", "cost per 1K requests (USD)", "estimates", "window start", "window end"],
      ["llm", "1234.567891", "100.1", "34.467891", "1100", "168", "2000000", "0.617284", "", ...window],
      // No request counts is an empty cell, never 0 (which would claim free inferences).
      ["search", "0.3", "0.1", "0.2", "0", "0", "", "", "no-usage; no-request-counts", ...window],
      ["(idle)", "40.5", "", "", "30.25", "", "", "", "", ...window],
    ]);
    const sum = rows.slice(1).reduce((s, cells) => s + Number(cells[1]), 0);
    expect(sum).toBeCloseTo(r.total, 5);
  });

  test("names that a spreadsheet would run as a formula are written as text", () => {
    const names = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+2", "-team", "@SUM(A1)", "\tlead", "ok-team"];
    const rows = parseCsv(showbackCsv(report(names.map((n) => row(n))), "namespace").slice(1));
    expect(rows[0]![0]).toBe("namespace");
    expect(rows.slice(1, -1).map((r) => r[0])).toEqual(["'=HYPERLINK(\"http://evil\",\"x\")", "'+1+2", "'-team", "'@SUM(A1)", "'\tlead", "ok-team"]);
  });

  test("names with commas, quotes and newlines stay one cell; the currency is the report's", () => {
    const rows = parseCsv(showbackCsv(report([row('a "b",\nc')], { currency: "EUR" }), "team").slice(1));
    expect(rows[0]![1]).toBe("cost (EUR)");
    expect(rows[1]![0]).toBe('a "b",\nc');
    expect(rows).toHaveLength(3);
  });

  test("no rows is the idle row alone", () => {
    const rows = parseCsv(showbackCsv(report([], { total: 40.5 }), "team").slice(1));
    expect(rows.slice(1).map((r) => r.slice(0, 2))).toEqual([["(idle)", "40.5"]]);
  });
});

describe("showbackCsvFileName", () => {
  test("names the context, grouping, window and end day, with nothing a file system would refuse", () => {
    expect(showbackCsvFileName("aks-prod", report([]), "team")).toBe("showback_aks-prod_team_7d_2026-11-30.csv");
    const odd = showbackCsvFileName("arn:aws:eks:eu-west-1:1234:cluster/prod", report([]), "namespace");
    expect(odd).toBe("showback_arn_aws_eks_eu-west-1_1234_cluster_prod_namespace_7d_2026-11-30.csv");
  });
});
