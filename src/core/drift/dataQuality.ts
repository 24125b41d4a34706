/**
 * Data quality of one feature, next to its drift verdict: how much is missing on each side, which
 * categories current brings that reference never had, and how much of current falls outside the
 * range reference covered. Azure ML's data-quality signals (NullValueRate, OutOfBoundsRate) count
 * the same things (/work/shared/reference/domain.md §1.1).
 */
import type { FeatureQuality } from "../../shared/protocol/drift";
import type { CategoricalSide, NumericalSide, Side } from "./columnTypes";

const listedNewCategories = 50;
const labelLength = 200;

const share = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);

/** First index whose value is > x (`strict`) or ≥ x, in an ascending array. */
function firstIndex(sorted: Float64Array, x: number, strict: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (strict ? v <= x : v < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Share of current's values below reference's minimum or above its maximum; null when either side has none. */
export function outOfRangeShare(reference: NumericalSide, current: NumericalSide): number | null {
  const ref = reference.sorted;
  const cur = current.sorted;
  if (ref.length === 0 || cur.length === 0) return null;
  const below = firstIndex(cur, ref[0]!, false);
  const above = cur.length - firstIndex(cur, ref[ref.length - 1]!, true);
  return (below + above) / cur.length;
}

/** Categories current has and reference lacks, most frequent first, and the share of current's rows they hold. */
export function newCategories(reference: CategoricalSide, current: CategoricalSide): { categories: string[]; share: number } {
  const fresh: [string, number][] = [];
  let rows = 0;
  for (const [label, count] of current.counts) {
    if (reference.counts.has(label)) continue;
    fresh.push([label, count]);
    rows += count;
  }
  fresh.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { categories: fresh.slice(0, listedNewCategories).map(([label]) => label.slice(0, labelLength)), share: share(rows, current.n) };
}

export function missingShare(side: Pick<Side, "rows" | "missing">): number {
  return share(side.missing, side.rows);
}

export function featureQuality(reference: Side, current: Side): FeatureQuality {
  const quality: FeatureQuality = {
    missingShareReference: missingShare(reference),
    missingShareCurrent: missingShare(current),
    newCategories: [],
    newCategoryShare: 0,
    outOfRangeShare: null,
  };
  if (reference.type === "numerical" && current.type === "numerical") return { ...quality, outOfRangeShare: outOfRangeShare(reference, current) };
  if (reference.type === "categorical" && current.type === "categorical") {
    const fresh = newCategories(reference, current);
    return { ...quality, newCategories: fresh.categories, newCategoryShare: fresh.share };
  }
  return quality;
}

/** Quality for a feature found on one side only: its missing share there, nothing to compare. */
export function oneSidedQuality(reference: Pick<Side, "rows" | "missing"> | null, current: Pick<Side, "rows" | "missing"> | null): FeatureQuality {
  return {
    missingShareReference: reference ? missingShare(reference) : 1,
    missingShareCurrent: current ? missingShare(current) : 1,
    newCategories: [],
    newCategoryShare: 0,
    outOfRangeShare: null,
  };
}
