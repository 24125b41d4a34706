import { kstwoSf } from "./kolmogorovDistributions";

/**
 * scipy.stats.ks_2samp(a, b, alternative="two-sided", method="auto"), ported from scipy @ 3dbf660a
 * (scipy/stats/_stats_py.py ks_2samp, _attempt_exact_2kssamp, _compute_prob_outside_square;
 * scipy/stats/_stats_pythran.py _compute_outer_prob_inside_method). Both inputs must be sorted ascending
 * with NaN removed and be non-empty.
 */

/** 'auto' is exact when both samples have at most this many values (scipy's MAX_AUTO_N). */
export const KS_MAX_AUTO_N = 10000;

export interface Ks2SampResult {
  statistic: number;
  pvalue: number;
  method: "exact" | "asymp";
}

export function ks2samp(aSorted: Float64Array, bSorted: Float64Array): Ks2SampResult {
  const n1 = aSorted.length;
  const n2 = bSorted.length;
  if (n1 === 0 || n2 === 0) return { statistic: NaN, pvalue: NaN, method: "asymp" };
  let d = ksStatistic(aSorted, bSorted);

  let mode: "exact" | "asymp" = Math.max(n1, n2) <= KS_MAX_AUTO_N ? "exact" : "asymp";
  let prob = NaN;
  if (mode === "exact") {
    const g = gcd(n1, n2);
    const lcm = (n1 / g) * n2;
    const h = roundHalfEven(d * lcm);
    d = (h * 1.0) / lcm;
    let ok: boolean;
    if (h === 0) {
      prob = 1.0;
      ok = true;
    } else {
      prob = n1 === n2 ? computeProbOutsideSquare(n1, h) : computeOuterProbInsideMethod(n1, n2, g, h);
      // scipy falls back to the asymptotic formula when the exact value is not a probability (NaN or
      // rounding past [0, 1]); it keeps the rounded statistic h/lcm.
      ok = prob >= 0 && prob <= 1;
    }
    if (!ok) mode = "asymp";
  }
  if (mode === "asymp") {
    const m = Math.max(n1, n2);
    const n = Math.min(n1, n2);
    const en = (m * n) / (m + n);
    prob = kstwoSf(d, roundHalfEven(en));
  }
  return { statistic: d, pvalue: prob < 0 ? 0 : prob > 1 ? 1 : prob, method: mode };
}

/**
 * The two-sided statistic max |F_a − F_b| evaluated at every observed value, the way scipy computes it
 * (searchsorted(side="right") / n on each side, differences in floating point), by one merge walk.
 */
export function ksStatistic(aSorted: Float64Array, bSorted: Float64Array): number {
  const n1 = aSorted.length;
  const n2 = bSorted.length;
  let i = 0;
  let j = 0;
  let maxS = -Infinity;
  let minS = Infinity;
  while (i < n1 || j < n2) {
    const ai = i < n1 ? aSorted[i]! : Infinity;
    const bj = j < n2 ? bSorted[j]! : Infinity;
    const v = ai <= bj ? ai : bj;
    while (i < n1 && aSorted[i]! <= v) i++;
    while (j < n2 && bSorted[j]! <= v) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxS) maxS = diff;
    if (diff < minS) minS = diff;
    if (v === Infinity) break;
  }
  const negMin = Math.min(Math.max(-minS, 0), 1);
  return negMin > maxS ? negMin : maxS;
}

/**
 * Pr(D_{n,n} >= h/n) = 2·(A0 − A0·A1 + …) with each term divided by binom(2n, n) and a Horner-like
 * evaluation to avoid subtractive cancellation (_compute_prob_outside_square).
 */
export function computeProbOutsideSquare(n: number, h: number): number {
  let P = 0.0;
  let k = Math.floor(n / h);
  while (k >= 0) {
    let p1 = 1.0;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1.0 - P);
    k -= 1;
  }
  return 2 * P;
}

/**
 * The proportion of lattice paths from (0,0) to (m,n) that leave |x/m − y/n| < h/lcm(m,n): Hodges' inside
 * method rewritten to compute 1 − p directly (Viehmann, arXiv:2102.08037), one sliding column at a time.
 */
export function computeOuterProbInsideMethod(m0: number, n0: number, g: number, h: number): number {
  let m = m0;
  let n = n0;
  if (m < n) [m, n] = [n, m];
  const mg = Math.floor(m / g);
  const ng = Math.floor(n / g);
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1.0);
  A.fill(0.0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.max(Math.floor((ng * i - h) / mg) + 1, 0);
    minj = Math.min(minj, n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1.0;
    let val = minj === 0 ? 0.0 : 1.0;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj]! * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, Math.min(maxj - minj + (lastlen - curlen), lenA));
  }
  return A[maxj - minj - 1]!;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** numpy's round (and Python's round): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
