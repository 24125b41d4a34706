/**
 * What the dashboard draws for a feature: both sides' histograms on the bins Evidently judged
 * (get_binned_data's bins, so the picture is the JS/PSI input) and, for numbers, the two empirical
 * CDFs, down-sampled so a million-row feature stays a few kilobytes in the history file.
 */
import type { Ecdf, Histogram } from "../../shared/protocol/drift";
import type { Bins } from "./featureBins";
import { histogramCounts, sturgesEdges } from "./stats/histogramEdges";

/** The protocol's limits (Histogram in src/shared/protocol/drift.ts). */
const maxCategories = 1000;
const labelLength = 200;
export const ecdfPoints = 512;

export interface FeatureHistograms {
  readonly reference: Histogram;
  readonly current: Histogram;
  /** Categories left out of the picture (the least frequent), when there were more than the protocol carries. */
  readonly omittedCategories: number;
}

const toShares = (counts: ArrayLike<number>, n: number): number[] => Array.from(counts, (c) => (n > 0 ? c / n : 0));

/** `nReference`/`nCurrent` are the sides' non-missing sizes, the denominators of Evidently's percentages. */
export function featureHistograms(bins: Bins, nReference: number, nCurrent: number, sorted?: { reference: Float64Array; current: Float64Array }): FeatureHistograms {
  if (bins.kind === "edges") {
    const edges = Array.from(bins.edges);
    return { reference: { edges, shares: toShares(bins.reference, nReference) }, current: { edges, shares: toShares(bins.current, nCurrent) }, omittedCategories: 0 };
  }
  const keys = bins.kind === "values" ? Array.from(bins.values, (v) => String(v)) : bins.labels;
  if (keys.length <= maxCategories) {
    const categories = keys.map((k) => k.slice(0, labelLength));
    return { reference: { categories, shares: toShares(bins.reference, nReference) }, current: { categories, shares: toShares(bins.current, nCurrent) }, omittedCategories: 0 };
  }
  // Too many distinct numbers to draw one bar each (a reference with few values, a current with
  // many): draw Sturges bins over both instead.
  if (bins.kind === "values" && sorted) {
    const { reference: a, current: b } = sorted;
    const edges = sturgesEdges(Math.min(a[0]!, b[0]!), Math.max(a[a.length - 1]!, b[b.length - 1]!), a.length + b.length);
    const e = Array.from(edges);
    return { reference: { edges: e, shares: toShares(histogramCounts(a, edges), nReference) }, current: { edges: e, shares: toShares(histogramCounts(b, edges), nCurrent) }, omittedCategories: 0 };
  }
  const kept = keys
    .map((_, i) => i)
    .sort((i, j) => bins.reference[j]! + bins.current[j]! - (bins.reference[i]! + bins.current[i]!) || i - j)
    .slice(0, maxCategories)
    .sort((i, j) => i - j);
  const categories = kept.map((i) => keys[i]!.slice(0, labelLength));
  return {
    reference: { categories, shares: kept.map((i) => (nReference > 0 ? bins.reference[i]! / nReference : 0)) },
    current: { categories, shares: kept.map((i) => (nCurrent > 0 ? bins.current[i]! / nCurrent : 0)) },
    omittedCategories: keys.length - kept.length,
  };
}

/** Index of the first value greater than x. */
function upperBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The empirical CDF at up to `points` values: every distinct value when there are that few,
 * otherwise values at evenly spaced ranks (always the minimum and the maximum). Each y is the exact
 * F(x) = share of values ≤ x, so the chart's steps sit where the data's do.
 */
export function downsampledEcdf(sorted: Float64Array, points = ecdfPoints): Ecdf {
  const n = sorted.length;
  const x: number[] = [];
  const y: number[] = [];
  let distinct = 0;
  for (let i = 0; i < n && distinct <= points; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  if (distinct <= points) {
    for (let i = 0; i < n; i++) {
      if (i < n - 1 && sorted[i] === sorted[i + 1]) continue;
      x.push(sorted[i]!);
      y.push((i + 1) / n);
    }
    return { x, y };
  }
  for (let k = 0; k < points; k++) {
    const v = sorted[Math.round((k * (n - 1)) / (points - 1))]!;
    if (x.length > 0 && x[x.length - 1] === v) continue;
    x.push(v);
    y.push(upperBound(sorted, v) / n);
  }
  return { x, y };
}
