import { chiSquaredSf } from "./specialFunctions";

/**
 * scipy.stats.chisquare(f_obs, f_exp) (scipy @ 3dbf660a, _stats_py.py _power_divergence with lambda 1):
 * statistic Σ (obs − exp)² / exp, p-value chi2.sf(statistic, k − 1) via chdtrc. Evidently passes
 * f_obs = current counts and f_exp = reference counts · n_cur / n_ref over the union of categories
 * (chisquare_stattest.py), so a category new in the current data has exp = 0: the statistic is infinite
 * and the p-value 0, as in scipy.
 */
export function chiSquare(observed: ArrayLike<number>, expected: ArrayLike<number>): { statistic: number; pvalue: number } {
  const k = observed.length;
  if (expected.length !== k || k === 0) return { statistic: NaN, pvalue: NaN };
  let statistic = 0;
  for (let i = 0; i < k; i++) {
    const d = observed[i]! - expected[i]!;
    statistic += (d * d) / expected[i]!;
  }
  const df = k - 1;
  const pvalue = df > 0 ? chiSquaredSf(statistic, df) : NaN;
  return { statistic, pvalue };
}
