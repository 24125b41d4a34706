/**
 * How a feature's values fall into bins, the two ways Evidently bins (evidentlyai/evidently
 * src/evidently/legacy/calculations/stattests/utils.py):
 *  - per value: every distinct value of either side is its own bin (value_counts over the union of
 *    keys), what chisquare and z count;
 *  - get_binned_data: numerical features whose reference holds more than 20 distinct values use
 *    np.histogram_bin_edges(concat(ref, cur), bins="sturges"); everything else is per value. JS, PSI
 *    and the dashboard's histograms use this one.
 * Counts, not shares: each caller divides by the side's size when it needs percentages.
 */
import type { CategoricalSide, NumericalSide } from "./columnTypes";
import { histogramCounts, sturgesEdges } from "./stats/histogramEdges";

export type Bins =
  /** Sturges bins: `edges` has one more entry than each count array. */
  | { readonly kind: "edges"; readonly edges: Float64Array; readonly reference: Float64Array; readonly current: Float64Array }
  /** One bin per distinct number, ascending. */
  | { readonly kind: "values"; readonly values: Float64Array; readonly reference: Float64Array; readonly current: Float64Array }
  /** One bin per label, in code-point order (Python's sorted() on str). */
  | { readonly kind: "labels"; readonly labels: string[]; readonly reference: Float64Array; readonly current: Float64Array };

/** Above this many distinct reference values a numerical feature gets Sturges bins (utils.py: `n_vals > 20`). */
const perValueLimit = 20;

export function distinctSorted(sorted: Float64Array): number {
  let distinct = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  return distinct;
}

/** Distinct values over both sorted sides (pandas' concat(...).nunique()), by one merge walk. */
export function distinctUnion(a: Float64Array, b: Float64Array): number {
  const na = a.length;
  const nb = b.length;
  let i = 0;
  let j = 0;
  let distinct = 0;
  let last = Number.NaN;
  while (i < na && j < nb) {
    const x = a[i]!;
    const y = b[j]!;
    let v: number;
    if (x <= y) {
      v = x;
      i++;
    } else {
      v = y;
      j++;
    }
    if (v !== last) {
      distinct++;
      last = v;
    }
  }
  for (const [rest, from] of [[a, i], [b, j]] as const) {
    for (let k = from; k < rest.length; k++) {
      if (rest[k] === last) continue;
      distinct++;
      last = rest[k]!;
    }
  }
  return distinct;
}

export function distinctLabels(reference: CategoricalSide, current: CategoricalSide): number {
  let distinct = reference.counts.size;
  for (const label of current.counts.keys()) if (!reference.counts.has(label)) distinct++;
  return distinct;
}

/** Python orders str by code point; JavaScript's < compares UTF-16 code units, which differs past U+FFFF. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

export function numericalValueBins(reference: NumericalSide, current: NumericalSide): Extract<Bins, { kind: "values" }> {
  const a = reference.sorted;
  const b = current.sorted;
  const k = distinctUnion(a, b);
  const values = new Float64Array(k);
  const ref = new Float64Array(k);
  const cur = new Float64Array(k);
  let i = 0;
  let j = 0;
  let bin = -1;
  while (i < a.length || j < b.length) {
    const fromA = j >= b.length || (i < a.length && a[i]! <= b[j]!);
    const v = fromA ? a[i++]! : b[j++]!;
    if (bin < 0 || v !== values[bin]) values[++bin] = v;
    if (fromA) ref[bin]!++;
    else cur[bin]!++;
  }
  return { kind: "values", values, reference: ref, current: cur };
}

export function categoricalValueBins(reference: CategoricalSide, current: CategoricalSide): Extract<Bins, { kind: "labels" }> {
  const union = new Set(reference.counts.keys());
  for (const label of current.counts.keys()) union.add(label);
  const labels = [...union].sort(compareCodePoints);
  const ref = new Float64Array(labels.length);
  const cur = new Float64Array(labels.length);
  labels.forEach((label, i) => {
    ref[i] = reference.counts.get(label) ?? 0;
    cur[i] = current.counts.get(label) ?? 0;
  });
  return { kind: "labels", labels, reference: ref, current: cur };
}

/** get_binned_data's choice of bins (without its zero filling, which PSI applies itself). */
export function evidentlyBins(feature: { type: "numerical"; reference: NumericalSide; current: NumericalSide } | { type: "categorical"; reference: CategoricalSide; current: CategoricalSide }): Bins {
  if (feature.type === "categorical") return categoricalValueBins(feature.reference, feature.current);
  const a = feature.reference.sorted;
  const b = feature.current.sorted;
  if (distinctSorted(a) <= perValueLimit) return numericalValueBins(feature.reference, feature.current);
  const min = Math.min(a[0]!, b.length > 0 ? b[0]! : Infinity);
  const max = Math.max(a[a.length - 1]!, b.length > 0 ? b[b.length - 1]! : -Infinity);
  const edges = sturgesEdges(min, max, a.length + b.length);
  return { kind: "edges", edges, reference: histogramCounts(a, edges), current: histogramCounts(b, edges) };
}

export function shares(counts: Float64Array, n: number): Float64Array {
  const out = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) out[i] = counts[i]! / n;
  return out;
}
