import { execFileSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import type { DriftHistoryPoint, Ecdf } from "../../../src/shared/protocol/drift";
import { ecdfColumns } from "../../../webview/drift/ecdfColumns";
import { chartBars, histogramBars } from "../../../webview/drift/histogramBars";
import { featureHistory, historyColumns } from "../../../webview/drift/historySeries";
import { fixtureView } from "./driftViewFixture";

describe("histogram bars: reference and current on one axis", () => {
  test("numerical bins share the engine's edges; labels are numpy's bins, half-open except the last", () => {
    const bars = histogramBars({ edges: [0, 0.5, 1, 1.5], shares: [0.2, 0.5, 0.3] }, { edges: [0, 0.5, 1, 1.5], shares: [0.1, 0.2, 0.7] });
    expect(bars.labels).toEqual(["[0, 0.5)", "[0.5, 1)", "[1, 1.5]"]);
    expect(Array.from(bars.reference)).toEqual([0.2, 0.5, 0.3]);
    expect(Array.from(bars.current)).toEqual([0.1, 0.2, 0.7]);
  });

  test("categories are the union, reference order first: a new category has no reference bar, a vanished one no current bar", () => {
    const bars = histogramBars(
      { categories: ["grocery", "travel", "fuel"], shares: [0.5, 0.3, 0.2] },
      { categories: ["travel", "grocery", "crypto"], shares: [0.2, 0.6, 0.2] },
    );
    expect(bars.labels).toEqual(["grocery", "travel", "fuel", "crypto"]);
    expect(Array.from(bars.reference)).toEqual([0.5, 0.3, 0.2, 0]);
    expect(Array.from(bars.current)).toEqual([0.6, 0.2, 0, 0.2]);
  });

  test("edges that disagree between the sides are not passed off as one set of bins", () => {
    const bars = histogramBars({ edges: [0, 1, 2], shares: [0.5, 0.5] }, { edges: [0, 2, 4], shares: [1, 0] });
    expect(bars.labels).toEqual(["bin 1", "bin 2"]);
    // A side without edges borrows the other's.
    expect(histogramBars({ edges: [0, 1, 2], shares: [0.5, 0.5] }, { shares: [0.25, 0.75] }).labels).toEqual(["[0, 1)", "[1, 2]"]);
  });

  test("the chart folds the smallest of many categories into one bar whose shares are their sums; the table keeps them all", () => {
    const categories = Array.from({ length: 45 }, (_, i) => `c${i}`);
    // c0 is the largest on the reference side, c44 on the current side; the rest shrink with i.
    const ref = categories.map((_, i) => (i === 0 ? 0.3 : 0.7 / 44));
    const cur = categories.map((_, i) => (i === 44 ? 0.3 : 0.7 / 44));
    const all = histogramBars({ categories, shares: ref }, { categories, shares: cur });
    const shown = chartBars(all, true, 10);
    expect(shown.labels).toHaveLength(10);
    expect(shown.labels.slice(0, 2)).toEqual(["c0", "c1"]);
    expect(shown.labels).toContain("c44");
    expect(shown.labels.at(-1)).toBe("(36 others)");
    expect(shown.folded).toBe(36);
    const sum = (a: Float64Array): number => a.reduce((s, v) => s + v, 0);
    expect(sum(shown.reference)).toBeCloseTo(sum(all.reference), 12);
    expect(sum(shown.current)).toBeCloseTo(sum(all.current), 12);
    // Numerical bins are an axis: never folded.
    expect(chartBars(all, false, 10).labels).toHaveLength(45);
  });
});

/** A seeded LCG (Numerical Recipes constants), so the samples are the same on every run. */
function sampler(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The full empirical CDF of a sample: at each distinct value, the share of values ≤ it. */
function fullEcdf(sample: readonly number[]): Ecdf {
  const sorted = [...sample].sort((a, b) => a - b);
  const x: number[] = [];
  const y: number[] = [];
  sorted.forEach((v, i) => {
    if (sorted[i + 1] === v) return;
    x.push(v);
    y.push((i + 1) / sorted.length);
  });
  return { x, y };
}

describe("the two ECDFs on one axis", () => {
  test("each side is a step: 0 before its first point, its last value after its last", () => {
    const c = ecdfColumns({ x: [1, 2, 3], y: [1 / 3, 2 / 3, 1] }, { x: [2, 4], y: [0.5, 1] });
    expect(Array.from(c.xs)).toEqual([1, 2, 3, 4]);
    expect(Array.from(c.reference)).toEqual([1 / 3, 2 / 3, 1, 1]);
    expect(Array.from(c.current)).toEqual([0, 0.5, 0.5, 1]);
    expect(c.widest).toEqual({ x: 3, reference: 1, current: 0.5 });
    expect(ecdfColumns({ x: [], y: [] }, { x: [], y: [] }).widest).toBeNull();
  });

  test("from full ECDFs, the widest gap is scipy.stats.ks_2samp's statistic D (ties, integer data, unequal sizes; D does not depend on the p-value method)", () => {
    const rand = sampler(11);
    const cases = [
      { a: Array.from({ length: 40 }, () => Math.round(rand() * 10)), b: Array.from({ length: 25 }, () => Math.round(rand() * 12)) },
      { a: Array.from({ length: 300 }, () => rand()), b: Array.from({ length: 170 }, () => rand() * 1.3 - 0.1) },
      { a: [1, 2, 3, 4, 5], b: [2, 3, 4, 5, 6] },
    ];
    const script = "import json,sys\nfrom scipy.stats import ks_2samp\nprint(json.dumps([ks_2samp(c['a'], c['b'], method='asymp').statistic for c in json.load(sys.stdin)]))";
    const expected = JSON.parse(execFileSync("python3", ["-c", script], { input: JSON.stringify(cases), encoding: "utf8" })) as number[];
    const ours = cases.map(({ a, b }) => {
      const w = ecdfColumns(fullEcdf(a), fullEcdf(b)).widest!;
      return Math.abs(w.reference - w.current);
    });
    expect(expected[2]).toBeCloseTo(0.2, 12);
    ours.forEach((d, i) => expect(d).toBeCloseTo(expected[i]!, 12));
  });
});

describe("a feature's history", () => {
  const point = (checkedAt: string, scores: DriftHistoryPoint["scores"]): DriftHistoryPoint => ({ checkedAt, modelVersion: null, datasetDrift: false, driftShare: 0, scores });

  test("oldest first in unix seconds, one row per check, the feature's score or a gap where a check did not score it", () => {
    const h = featureHistory(
      [
        point("2026-11-30T00:00:00Z", { amount: { score: 0.3, method: "wasserstein", drifted: true } }),
        point("not a time", { amount: { score: 9, method: "wasserstein", drifted: true } }),
        point("2026-11-28T00:00:00Z", { amount: { score: 0.05, method: "wasserstein", drifted: false } }),
        point("2026-11-29T00:00:00Z", { hour: { score: 0.01, method: "wasserstein", drifted: false } }),
        point("2026-11-29T12:00:00Z", { amount: { score: null, method: "wasserstein", drifted: false } }),
      ],
      "amount",
      "wasserstein",
    );
    expect(h.rows.map((r) => [new Date(r.time * 1000).toISOString(), r.score, r.drifted])).toEqual([
      ["2026-11-28T00:00:00.000Z", 0.05, false],
      ["2026-11-29T00:00:00.000Z", Number.NaN, null],
      ["2026-11-29T12:00:00.000Z", Number.NaN, false],
      ["2026-11-30T00:00:00.000Z", 0.3, true],
    ]);
    expect(h.scored).toBe(2);
    expect(h.otherMethod).toBe(0);
  });

  test("scores from another method than the latest's leave a gap in the line rather than a jump between scales", () => {
    const points = [
      point("2026-11-01T00:00:00Z", { age: { score: 0.003, method: "ks", drifted: true } }),
      point("2026-11-02T00:00:00Z", { age: { score: 0.2, method: "wasserstein", drifted: true } }),
    ];
    const h = featureHistory(points, "age", "wasserstein");
    expect(h.otherMethod).toBe(1);
    expect(Array.from(historyColumns(h, "wasserstein").ys[0]!)).toEqual([Number.NaN, 0.2]);
    expect(Array.from(historyColumns(h, "wasserstein").xs)).toEqual([Date.parse("2026-11-01T00:00:00Z") / 1000, Date.parse("2026-11-02T00:00:00Z") / 1000]);
  });

  test("a feature name that is also an Object property is only a score when the check recorded it", () => {
    const h = featureHistory(fixtureView.history, "constructor", "ks");
    expect(h.scored).toBe(0);
  });
});
