/**
 * Data quality per feature, on small samples whose answers can be counted by hand.
 */
import { describe, expect, it } from "vitest";
import type { CategoricalSide, NumericalSide } from "../../../../src/core/drift/columnTypes";
import { featureQuality, newCategories, outOfRangeShare } from "../../../../src/core/drift/dataQuality";

const nums = (values: number[], missing = 0): NumericalSide => ({ type: "numerical", rows: values.length + missing, missing, sorted: Float64Array.from(values).sort() });
const cats = (counts: Record<string, number>, missing = 0): CategoricalSide => {
  const n = Object.values(counts).reduce((a, b) => a + b, 0);
  return { type: "categorical", rows: n + missing, missing, counts: new Map(Object.entries(counts)), n };
};

describe("data quality", () => {
  it("out-of-range share counts current values strictly outside reference's [min, max]", () => {
    // 0 and 11 are outside [1, 10]; 1 and 10 are on the edges and inside.
    expect(outOfRangeShare(nums([1, 5, 10]), nums([0, 1, 10, 11, 4]))).toBe(2 / 5);
    expect(outOfRangeShare(nums([2]), nums([2, 2]))).toBe(0);
    expect(outOfRangeShare(nums([]), nums([1]))).toBeNull();
  });

  it("lists categories new in current, most frequent first, and the share of rows they hold", () => {
    expect(newCategories(cats({ a: 5, b: 5 }), cats({ a: 2, c: 1, d: 3 }))).toEqual({ categories: ["d", "c"], share: 4 / 6 });
    const many = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, 1]));
    expect(newCategories(cats({ a: 1 }), cats(many)).categories).toHaveLength(50);
  });

  it("missing shares are per side, over all rows", () => {
    expect(featureQuality(nums([1, 2, 3], 1), nums([1], 3))).toEqual({
      missingShareReference: 0.25,
      missingShareCurrent: 0.75,
      newCategories: [],
      newCategoryShare: 0,
      outOfRangeShare: 0,
    });
    expect(featureQuality(cats({ a: 1 }), cats({ b: 1 }, 1))).toMatchObject({ missingShareCurrent: 0.5, newCategories: ["b"], newCategoryShare: 1, outOfRangeShare: null });
  });
});
