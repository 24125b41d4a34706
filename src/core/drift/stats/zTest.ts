import { normalCdf } from "./specialFunctions";

/**
 * Evidently's two-proportion z-test p-value (evidently @ a4aa4c2b, src/evidently/legacy/calculations/
 * stattests/z_stattest.py _z_stat_test): each value is coded 0 when it equals the first of the sorted union
 * of keys and 1 otherwise; z = (p1 − p2) / sqrt(P(1 − P)(1/n1 + 1/n2)) with P the pooled share, and
 * p = 2·(1 − Φ(|z|)). Arguments are the counts of values coded 1 and the sample sizes.
 *
 * Evidently returns 1 when both samples hold the same single value; with the test's own precondition
 * (at most two unique values over both samples) that is exactly the case P = 0, since the first key then
 * occurs in the data. Any other P ∈ {0, 1} gives NaN, as Evidently's formula does.
 */
export function zTestPValue(refOnes: number, refN: number, curOnes: number, curN: number): number {
  if (refOnes === 0 && curOnes === 0) return 1;
  const n1 = refN;
  const n2 = curN;
  const p1 = refOnes / n1;
  const p2 = curOnes / n2;
  const P = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(P * (1 - P) * (1.0 / n1 + 1.0 / n2));
  return 2 * (1 - normalCdf(Math.abs(z)));
}
