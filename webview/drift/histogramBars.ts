/**
 * The reference and current histograms of one feature on one x axis, as the overlaid bar chart and
 * its table show them: numerical bins from the shared edges, or categories (the union of both
 * sides, reference order first, so a new category appears at the end with no reference bar).
 */
import type { Histogram } from "../../src/shared/protocol/drift";
import { formatScore } from "./driftFormat";

export interface HistogramBars {
  /** One label per bar pair: "[0.5, 1)" or the category. */
  readonly labels: readonly string[];
  /** Shares 0–1 aligned with labels; 0 where a side has nothing. */
  readonly reference: Float64Array;
  readonly current: Float64Array;
  /** Categories folded into the last bar to keep the chart readable (the table lists them all). */
  readonly folded: number;
}

/** Bars the chart draws at most; beyond that the smallest categories become one "other" bar. */
export const maxBars = 40;

function sameEdges(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** numpy.histogram's bins are half-open except the last, which holds its upper edge. */
function binLabels(edges: readonly number[], bins: number): string[] {
  const labels: string[] = [];
  for (let i = 0; i < bins; i++) {
    const lo = edges[i];
    const hi = edges[i + 1];
    labels.push(lo === undefined || hi === undefined ? `bin ${i + 1}` : `[${formatScore(lo)}, ${formatScore(hi)}${i === bins - 1 ? "]" : ")"}`);
  }
  return labels;
}

function byLabel(labels: readonly string[], ref: readonly number[], cur: readonly number[]): { labels: string[]; reference: Float64Array; current: Float64Array } {
  return { labels: [...labels], reference: Float64Array.from(ref), current: Float64Array.from(cur) };
}

/** Every bar: no folding. */
export function histogramBars(ref: Histogram, cur: Histogram): HistogramBars {
  if (ref.categories || cur.categories) {
    const order: string[] = [];
    const index = new Map<string, number>();
    for (const c of [...(ref.categories ?? []), ...(cur.categories ?? [])]) {
      if (!index.has(c)) {
        index.set(c, order.length);
        order.push(c);
      }
    }
    const side = (h: Histogram): Float64Array => {
      const out = new Float64Array(order.length);
      (h.categories ?? []).forEach((c, i) => {
        const at = index.get(c)!;
        out[at] = out[at]! + (h.shares[i] ?? 0);
      });
      return out;
    };
    return { labels: order, reference: side(ref), current: side(cur), folded: 0 };
  }
  const n = Math.max(ref.shares.length, cur.shares.length);
  const pad = (s: readonly number[]): number[] => Array.from({ length: n }, (_, i) => s[i] ?? 0);
  // The engine bins both sides on edges from the combined sample, so they agree; a side without
  // edges borrows the other's, and edges that disagree are labelled by position only.
  const edges = ref.edges && cur.edges ? (sameEdges(ref.edges, cur.edges) ? ref.edges : undefined) : (ref.edges ?? cur.edges);
  const labels = edges && edges.length === n + 1 ? binLabels(edges, n) : Array.from({ length: n }, (_, i) => `bin ${i + 1}`);
  return { ...byLabel(labels, pad(ref.shares), pad(cur.shares)), folded: 0 };
}

/**
 * At most `limit` bars for the chart: numerical bins are kept as they are (their order is the
 * axis), categories beyond the limit-1 largest (by the larger of the two shares) are summed into
 * one "other" bar at the end.
 */
export function chartBars(bars: HistogramBars, categorical: boolean, limit = maxBars): HistogramBars {
  if (!categorical || bars.labels.length <= limit) return bars;
  const keep = bars.labels
    .map((_, i) => i)
    .sort((a, b) => Math.max(bars.reference[b]!, bars.current[b]!) - Math.max(bars.reference[a]!, bars.current[a]!) || a - b)
    .slice(0, limit - 1)
    .sort((a, b) => a - b);
  const kept = new Set(keep);
  let refOther = 0;
  let curOther = 0;
  bars.labels.forEach((_, i) => {
    if (kept.has(i)) return;
    refOther += bars.reference[i]!;
    curOther += bars.current[i]!;
  });
  const folded = bars.labels.length - keep.length;
  return {
    labels: [...keep.map((i) => bars.labels[i]!), `(${folded} others)`],
    reference: Float64Array.from([...keep.map((i) => bars.reference[i]!), refOther]),
    current: Float64Array.from([...keep.map((i) => bars.current[i]!), curOther]),
    folded,
  };
}
