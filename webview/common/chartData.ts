/**
 * Shapes the contract's series (each with its own timestamps) into the columnar form uPlot
 * draws: one shared x column in unix seconds and one y column per series, all the same length.
 */

/** What the contract's SeriesData carries; typed structurally so tests need no schema. */
export interface SeriesColumns {
  readonly name: string;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

export interface AlignedSeries {
  /** Unix seconds, strictly ascending. */
  readonly xs: Float64Array;
  /** One column per series, aligned with xs; NaN where the series has no sample (a gap). */
  readonly ys: readonly Float64Array[];
  readonly names: readonly string[];
}

function isAscending(ts: Float64Array): boolean {
  for (let i = 1; i < ts.length; i++) if (!(ts[i]! > ts[i - 1]!)) return false;
  return true;
}

function sameColumn(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A series sorted by time with one sample per timestamp (the last one wins), dropping non-finite times. */
function normalized(s: SeriesColumns): SeriesColumns {
  if (isAscending(s.timestamps)) return s;
  const order = Array.from(s.timestamps.keys())
    .filter((i) => Number.isFinite(s.timestamps[i]))
    .sort((a, b) => s.timestamps[a]! - s.timestamps[b]! || a - b);
  const ts: number[] = [];
  const vs: number[] = [];
  for (const i of order) {
    const t = s.timestamps[i]!;
    if (ts.length > 0 && ts[ts.length - 1] === t) vs[vs.length - 1] = s.values[i]!;
    else {
      ts.push(t);
      vs.push(s.values[i]!);
    }
  }
  return { name: s.name, timestamps: Float64Array.from(ts), values: Float64Array.from(vs) };
}

/**
 * Aligns series on the union of their timestamps. Series from one range query share their
 * timestamps, so the common case copies nothing: the columns are the ones that arrived.
 */
export function alignSeries(series: readonly SeriesColumns[]): AlignedSeries {
  const list = series.map(normalized);
  const names = list.map((s) => s.name);
  const first = list[0];
  if (!first) return { xs: new Float64Array(0), ys: [], names };
  if (list.every((s) => sameColumn(s.timestamps, first.timestamps))) {
    return { xs: first.timestamps, ys: list.map((s) => s.values), names };
  }
  const union = new Set<number>();
  for (const s of list) for (const t of s.timestamps) union.add(t);
  const xs = Float64Array.from(union).sort();
  const ys = list.map((s) => {
    const col = new Float64Array(xs.length).fill(Number.NaN);
    let j = 0;
    for (let i = 0; i < s.timestamps.length; i++) {
      const t = s.timestamps[i]!;
      while (xs[j]! < t) j++;
      col[j] = s.values[i]!;
    }
    return col;
  });
  return { xs, ys, names };
}

/**
 * uPlot draws a line through NaN (it only breaks lines at null), and ±Inf would stretch the
 * scale to infinity, so every non-finite value becomes null: a gap in the chart. The table
 * keeps showing the real value.
 */
export function gapsAsNull(column: Float64Array): (number | null)[] {
  const out = new Array<number | null>(column.length);
  for (let i = 0; i < column.length; i++) {
    const v = column[i]!;
    out[i] = Number.isFinite(v) ? v : null;
  }
  return out;
}
