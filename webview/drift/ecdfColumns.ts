/**
 * The two empirical CDFs on one x column for the chart: each is a right-continuous step function
 * (the share of values ≤ x), so between its own points it keeps its last value and before its
 * first point it is 0. Also where they are furthest apart: the KS statistic D, as far as the
 * down-sampled points show it.
 */
import type { Ecdf } from "../../src/shared/protocol/drift";

export interface EcdfColumns {
  /** The union of both sides' x, ascending, without duplicates. */
  readonly xs: Float64Array;
  readonly reference: Float64Array;
  readonly current: Float64Array;
  /** The widest vertical gap between the two steps, or null without points. */
  readonly widest: { readonly x: number; readonly reference: number; readonly current: number } | null;
}

/** One side's value at each of `xs` (ascending): the y of its last point at or before x. */
function stepAt(xs: Float64Array, side: Ecdf): Float64Array {
  const out = new Float64Array(xs.length);
  let j = -1;
  for (let i = 0; i < xs.length; i++) {
    while (j + 1 < side.x.length && side.x[j + 1]! <= xs[i]!) j++;
    out[i] = j < 0 ? 0 : side.y[j]!;
  }
  return out;
}

export function ecdfColumns(ref: Ecdf, cur: Ecdf): EcdfColumns {
  const all = Float64Array.from([...ref.x, ...cur.x].filter((v) => Number.isFinite(v))).sort();
  let n = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[n++] = all[i]!;
  const xs = all.slice(0, n);
  const reference = stepAt(xs, ref);
  const current = stepAt(xs, cur);
  let widest: EcdfColumns["widest"] = null;
  let gap = -1;
  for (let i = 0; i < xs.length; i++) {
    const d = Math.abs(reference[i]! - current[i]!);
    if (d > gap) {
      gap = d;
      widest = { x: xs[i]!, reference: reference[i]!, current: current[i]! };
    }
  }
  return { xs, reference, current, widest };
}
