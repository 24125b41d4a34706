/**
 * scipy.stats.wasserstein_distance(u, v) without weights: ∫ |F_u − F_v| over the merged sample
 * (scipy @ 3dbf660a, scipy/stats/_stats_py.py _cdf_distance with p = 1). scipy sorts and calls
 * searchsorted for every merged value; with both sides already sorted one merge walk gives the same
 * CDF steps. Inputs: sorted ascending, NaN removed, non-empty.
 */
export function wassersteinDistance(aSorted: Float64Array, bSorted: Float64Array): number {
  const n1 = aSorted.length;
  const n2 = bSorted.length;
  if (n1 === 0 || n2 === 0) return NaN;
  let i = 0;
  let j = 0;
  let sum = 0;
  let prev = Math.min(aSorted[0]!, bSorted[0]!);
  while (i < n1 || j < n2) {
    const ai = i < n1 ? aSorted[i]! : Infinity;
    const bj = j < n2 ? bSorted[j]! : Infinity;
    const v = ai <= bj ? ai : bj;
    if (v !== prev) {
      // F_u and F_v are constant on [prev, v): scipy's u_cdf_indices / n at all_values[k] = prev.
      const diff = i / n1 - j / n2;
      sum += (diff < 0 ? -diff : diff) * (v - prev);
      prev = v;
    }
    while (i < n1 && aSorted[i]! === v) i++;
    while (j < n2 && bSorted[j]! === v) j++;
  }
  return sum;
}
