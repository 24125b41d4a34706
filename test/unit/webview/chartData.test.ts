import { describe, expect, test } from "vitest";
import { alignSeries, gapsAsNull } from "../../../webview/common/chartData";

const f = (xs: number[]): Float64Array => Float64Array.from(xs);
const series = (name: string, ts: number[], vs: number[]) => ({ name, timestamps: f(ts), values: f(vs) });

describe("alignSeries", () => {
  test("series of one range query share their timestamps and arrive uncopied", () => {
    const ts = f([60, 120, 180]);
    const p50 = { name: "p50", timestamps: ts, values: f([10, 11, 12]) };
    const p95 = { name: "p95", timestamps: ts.slice(), values: f([20, Number.NaN, 22]) };
    const a = alignSeries([p50, p95]);
    expect(a.xs).toBe(ts);
    expect(a.ys[0]).toBe(p50.values);
    expect(a.ys[1]).toBe(p95.values);
    expect(a.names).toEqual(["p50", "p95"]);
  });

  test("series with different timestamps meet on their union, with NaN where one has no sample", () => {
    const a = alignSeries([series("pod-a", [60, 120, 240], [1, 2, 4]), series("pod-b", [120, 180], [20, 30])]);
    expect(Array.from(a.xs)).toEqual([60, 120, 180, 240]);
    expect(Array.from(a.ys[0]!)).toEqual([1, 2, Number.NaN, 4]);
    expect(Array.from(a.ys[1]!)).toEqual([Number.NaN, 20, 30, Number.NaN]);
    for (const col of a.ys) {
      expect(col).toBeInstanceOf(Float64Array);
      expect(col.length).toBe(a.xs.length);
    }
  });

  test("unsorted samples are put in time order, a repeated timestamp keeps the last sample", () => {
    const a = alignSeries([series("p95", [180, 60, 120, 60], [3, 1, 2, 1.5])]);
    expect(Array.from(a.xs)).toEqual([60, 120, 180]);
    expect(Array.from(a.ys[0]!)).toEqual([1.5, 2, 3]);
  });

  test("no series is an empty chart, not an error", () => {
    expect(alignSeries([])).toEqual({ xs: new Float64Array(0), ys: [], names: [] });
  });

  test("a series of 40,000 points aligns in one pass", () => {
    const n = 40_000;
    const ts = Float64Array.from({ length: n }, (_, i) => 1_700_000_000 + i * 15);
    const a = alignSeries([
      { name: "a", timestamps: ts, values: new Float64Array(n) },
      { name: "b", timestamps: ts.subarray(0, n - 1), values: new Float64Array(n - 1).fill(1) },
    ]);
    expect(a.xs.length).toBe(n);
    expect(a.ys[1]![n - 2]).toBe(1);
    expect(a.ys[1]![n - 1]).toBeNaN();
  });
});

describe("gapsAsNull", () => {
  test("NaN and ±Inf become gaps (uPlot breaks lines only at null); finite values stay", () => {
    expect(gapsAsNull(f([1, Number.NaN, 2.5, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -3]))).toEqual([1, null, 2.5, null, null, 0, -3]);
  });
});
