/**
 * The q-quantile of a sample by linear interpolation between order statistics (Hyndman & Fan
 * type 7, numpy.quantile's and R's default), so a reader can check a median or p90 with numpy.
 * Undefined for an empty sample.
 */
export function linearQuantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0 || !(q >= 0 && q <= 1)) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const low = sorted[lo] ?? 0;
  const high = sorted[Math.min(lo + 1, sorted.length - 1)] ?? low;
  return low + (h - lo) * (high - low);
}
