/**
 * What the dashboard draws: ECDFs down-sampled to at most 512 exact points, and histograms kept
 * within the protocol's limits. Distinct counts and label order as pandas and Python give them.
 */
import { describe, expect, it } from "vitest";
import { Histogram } from "../../../../src/shared/protocol/drift";
import { compareCodePoints, distinctUnion, numericalValueBins } from "../../../../src/core/drift/featureBins";
import { downsampledEcdf, featureHistograms } from "../../../../src/core/drift/featureCharts";

const side = (values: number[]) => ({ type: "numerical" as const, rows: values.length, missing: 0, sorted: Float64Array.from(values).sort() });

describe("downsampledEcdf", () => {
  it("lists every step when there are few distinct values", () => {
    expect(downsampledEcdf(Float64Array.from([1, 1, 2, 3, 3, 3]))).toEqual({ x: [1, 2, 3], y: [2 / 6, 3 / 6, 1] });
    expect(downsampledEcdf(new Float64Array(0))).toEqual({ x: [], y: [] });
  });

  it("keeps at most 512 points, each exactly on the CDF, from the minimum to the maximum", () => {
    const sorted = Float64Array.from({ length: 100_000 }, (_, i) => Math.floor(i / 3));
    const { x, y } = downsampledEcdf(sorted);
    expect(x.length).toBeLessThanOrEqual(512);
    expect(x.length).toBeGreaterThan(500);
    expect([x[0], x.at(-1), y.at(-1)]).toEqual([0, 33333, 1]);
    // F(v) = share of values ≤ v: (3v + 3) / 100000 except for the short last run.
    for (let i = 0; i < x.length - 1; i++) expect(y[i]).toBe((3 * x[i]! + 3) / 100_000);
  });
});

describe("featureHistograms", () => {
  it("draws one bar per value with the values as labels, shares of each side", () => {
    const bins = numericalValueBins(side([1, 1, 2]), side([2, 5]));
    const h = featureHistograms(bins, 3, 2);
    expect(h.reference).toEqual({ categories: ["1", "2", "5"], shares: [2 / 3, 1 / 3, 0] });
    expect(h.current).toEqual({ categories: ["1", "2", "5"], shares: [0, 0.5, 0.5] });
  });

  it("falls back to Sturges bins when a few reference values meet thousands of new ones", () => {
    const ref = side([0, 1, 2]);
    const cur = side(Array.from({ length: 5000 }, (_, i) => i / 7));
    const h = featureHistograms(numericalValueBins(ref, cur), 3, 5000, { reference: ref.sorted, current: cur.sorted });
    expect(Histogram.safeParse(h.current).success).toBe(true);
    // numpy: sturges on 5003 values → ceil(log2(5003) + 1) = 14 bins.
    expect(h.current.edges).toHaveLength(15);
    expect(h.current.shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it("keeps the 1000 most frequent of more categories and says how many were left out", () => {
    const labels = Array.from({ length: 1200 }, (_, i) => `c${String(i).padStart(4, "0")}`);
    const reference = Float64Array.from(labels, (_, i) => (i < 1000 ? 2 : 1));
    const h = featureHistograms({ kind: "labels", labels, reference, current: new Float64Array(1200) }, 2200, 0);
    expect(h.omittedCategories).toBe(200);
    expect(h.reference.categories).toEqual(labels.slice(0, 1000));
    expect(Histogram.safeParse(h.reference).success).toBe(true);
  });
});

describe("distinct values and label order", () => {
  it("counts distinct values over both sides like pandas' nunique (0 and -0 are one value)", () => {
    expect(distinctUnion(Float64Array.from([-0, 1, 1, 3]), Float64Array.from([0, 2, 3, 9]))).toBe(5);
    expect(distinctUnion(new Float64Array(0), Float64Array.from([4, 4]))).toBe(1);
  });

  it("orders labels by code point, as Python's sorted() does", () => {
    const labels = ["\u{1F600}", "\uFF5E", "b", "B", "ab"];
    expect([...labels].sort(compareCodePoints)).toEqual(["B", "ab", "b", "\uFF5E", "\u{1F600}"]);
  });
});
