import { describe, expect, test } from "vitest";
import type { CostReport, Per1kSeries } from "../../../src/shared/protocol/cost";
import { stackColumns } from "../../../webview/common/stackedBars";
import { defaultPer1kService, per1kColumns } from "../../../webview/cost/per1kChoice";

const f = (xs: number[]): Float64Array => Float64Array.from(xs);

describe("stackColumns", () => {
  test("each layer stands on the ones below it; drawn topmost first; the legend keeps each layer's own value", () => {
    const s = stackColumns([
      { name: "Allocated", values: f([100, 80, 0]) },
      { name: "Idle", values: f([20, 40, 30]) },
    ]);
    expect(s.layers.map((l) => l.name)).toEqual(["Idle", "Allocated"]);
    expect(Array.from(s.layers[0]!.top)).toEqual([120, 120, 30]);
    expect(Array.from(s.layers[1]!.top)).toEqual([100, 80, 0]);
    expect(Array.from(s.layers[0]!.own)).toEqual([20, 40, 30]);
    expect(s.layers.map((l) => l.layer)).toEqual([1, 0]);
    expect(s.max).toBe(120);
  });

  test("a missing value stacks as nothing rather than poisoning the bar above it", () => {
    const s = stackColumns([
      { name: "Allocated", values: f([Number.NaN, 5]) },
      { name: "Idle", values: f([7, Number.NaN]) },
    ]);
    expect(Array.from(s.layers[0]!.top)).toEqual([7, 5]);
    expect(s.max).toBe(7);
    expect(stackColumns([])).toEqual({ layers: [], max: 0 });
  });
});

function series(service: string, values: (number | null)[]): Per1kSeries {
  return { service, timestamps: values.map((_, i) => 1_700_000_000 + i * 3600), values, markers: [] };
}

function report(over: Partial<CostReport>): CostReport {
  return {
    window: { duration: "7d", start: "", end: "" },
    currency: "USD",
    source: { kind: "model", description: "" },
    aggregate: "service",
    total: 0,
    allocated: 0,
    idle: 0,
    gpuIdle: 0,
    rows: [],
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

const row = (name: string): CostReport["rows"][number] => ({
  name,
  cost: 1,
  cpuCost: 0,
  ramCost: 0,
  gpuCost: 1,
  gpuHours: 1,
  requests: 1,
  costPer1k: 1,
  cpuEfficiency: null,
  ramEfficiency: null,
  gpuEfficiency: null,
  estimates: [],
});

describe("defaultPer1kService", () => {
  const per1k = [series("a/cheap", [0.01, 0.02]), series("a/idle", [null, null]), series("a/costly", [3, 4])];

  test("the costliest service with values, the kept choice while the report has it", () => {
    const r = report({ rows: [row("a/idle"), row("a/costly"), row("a/cheap")], per1k });
    expect(defaultPer1kService(r, undefined)).toBe("a/costly");
    expect(defaultPer1kService(r, "a/cheap")).toBe("a/cheap");
    expect(defaultPer1kService(r, "gone/service")).toBe("a/costly");
  });

  test("grouped otherwise, the first series with values; none at all is undefined", () => {
    expect(defaultPer1kService(report({ aggregate: "team", rows: [row("llm")], per1k }), undefined)).toBe("a/cheap");
    expect(defaultPer1kService(report({ per1k: [series("a/idle", [null])] }), undefined)).toBe("a/idle");
    expect(defaultPer1kService(report({}), undefined)).toBeUndefined();
  });
});

describe("per1kColumns", () => {
  test("a step without requests is a gap in the chart", () => {
    const d = per1kColumns(series("a/x", [1.5, null, 2]));
    expect(d.names).toEqual(["a/x"]);
    expect(Array.from(d.xs)).toEqual([1_700_000_000, 1_700_003_600, 1_700_007_200]);
    expect(Array.from(d.ys[0]!)).toEqual([1.5, Number.NaN, 2]);
  });
});
