/**
 * The two tests behind "this change made the service worse", stated so every comparison can say
 * which it ran:
 *
 * Latency. The p95 regressed when the after window's p95 is more than 10 % above the baseline's
 * (the latency issue's rule, latencyRegression.ts). It is significant when the two p95s' 95 %
 * confidence intervals are apart by more than those 10 %: after's lower bound > baseline's upper
 * bound × 1.10. The interval is distribution-free, from order statistics: with n requests the
 * count below the true p95 is Binomial(n, 0.95), so (normal approximation) the p95 lies between
 * the sample quantiles at 0.95 ± 1.96·sqrt(0.95·0.05/n). Prometheus cannot return a sample
 * quantile at an arbitrary rank, but histogram_quantile at those two levels is the same order
 * statistic read off the same histogram, so the bounds come from the catalog's latency query
 * with $quantile set to each level.
 *
 * Errors. They regressed when the after ratio is over the SLO error rate, and significantly so
 * when a one-sided two-proportion z-test (pooled variance, α = 0.05) says the after ratio is
 * higher than the baseline's: z = (p₂ − p₁) / sqrt(P(1 − P)(1/n₁ + 1/n₂)), p = 1 − Φ(z).
 */
import { normalCdf } from "../drift/stats/specialFunctions";
import { regressionThreshold } from "../metrics/latencyRegression";
import type { TestVerdict } from "./triageReport";

export const p95Level = 0.95;
/** z for a two-sided 95 % interval. */
export const z95 = 1.96;
export const alpha = 0.05;

/** Half-width (in quantile levels) of the order-statistic 95 % interval of the p95 with n requests. */
export function p95HalfWidth(n: number): number {
  return z95 * Math.sqrt((p95Level * (1 - p95Level)) / n);
}

/**
 * n for ±1 percentile point: 1.96²·0.95·0.05 / 0.01² = 1824.8, so 1,825 requests. Fewer, and
 * the interval is too wide for a 10 % difference to show.
 */
export const requestsForOnePoint = Math.ceil((z95 * z95 * p95Level * (1 - p95Level)) / (0.01 * 0.01));

/** The quantile levels whose histogram_quantile bounds the p95; null when n is too small for both to lie in (0, 1). */
export function p95BoundLevels(n: number): { readonly lower: number; readonly upper: number } | null {
  if (!Number.isFinite(n) || n <= 0) return null;
  const h = p95HalfWidth(n);
  const lower = p95Level - h;
  const upper = p95Level + h;
  return lower > 0 && upper < 1 ? { lower, upper } : null;
}

export const latencyTestText =
  "p95 after > baseline × 1.10; significant when after's order-statistic 95 % CI lower bound (histogram_quantile at 0.95 − 1.96·√(0.95·0.05/n)) > baseline's upper bound (0.95 + 1.96·√(0.95·0.05/n)) × 1.10";

export const errorTestText = "error ratio after > SLO error rate; significant when a one-sided two-proportion z-test (pooled, α 0.05) finds after > before";

function finite(x: number | null | undefined): x is number {
  return x !== null && x !== undefined && Number.isFinite(x);
}

export interface LatencySide {
  readonly p95Ms: number | null;
  readonly lowerMs: number | null;
  readonly upperMs: number | null;
}

/** The latency verdict; `statistic` is after's lower bound ÷ baseline's upper bound (significant above 1.10). */
export function judgeP95(before: LatencySide, after: LatencySide): TestVerdict {
  const regressed = finite(before.p95Ms) && finite(after.p95Ms) && before.p95Ms > 0 ? after.p95Ms > before.p95Ms * (1 + regressionThreshold) + 1e-9 : null;
  const bounds = finite(after.lowerMs) && finite(before.upperMs) && before.upperMs > 0;
  const statistic = bounds ? after.lowerMs / before.upperMs : null;
  return {
    regressed,
    significant: statistic === null ? null : statistic > 1 + regressionThreshold + 1e-9,
    test: latencyTestText,
    statistic,
  };
}

/** One-sided two-proportion z-test that after's error proportion exceeds before's. */
export function oneSidedTwoProportionZ(beforeErrors: number, beforeN: number, afterErrors: number, afterN: number): { readonly z: number; readonly pValue: number } | null {
  if (!(beforeN > 0 && afterN > 0)) return null;
  const p1 = beforeErrors / beforeN;
  const p2 = afterErrors / afterN;
  const pooled = (beforeErrors + afterErrors) / (beforeN + afterN);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / beforeN + 1 / afterN));
  // No errors on either side (or only errors): no variance, and nothing to say a difference exists.
  if (!(se > 0)) return null;
  const z = (p2 - p1) / se;
  // Φ(−z), not 1 − Φ(z): the tail stays exact where 1 − Φ(z) rounds to 0 (scipy's norm.sf).
  return { z, pValue: normalCdf(-z) };
}

export interface ErrorSide {
  readonly errorRatio: number | null;
  readonly requests: number | null;
}

export function judgeErrors(before: ErrorSide, after: ErrorSide, sloErrorRate: number): TestVerdict {
  const regressed = finite(after.errorRatio) ? after.errorRatio > sloErrorRate : null;
  if (!finite(before.errorRatio) || !finite(after.errorRatio) || !finite(before.requests) || !finite(after.requests)) {
    return { regressed, significant: null, test: errorTestText, statistic: null, pValue: null };
  }
  // The counts behind the ratios: ratio × requests is how many failed (rate() makes both non-integers).
  const t = oneSidedTwoProportionZ(before.errorRatio * before.requests, before.requests, after.errorRatio * after.requests, after.requests);
  if (t === null) return { regressed, significant: null, test: errorTestText, statistic: null, pValue: null };
  return { regressed, significant: t.pValue < alpha, test: errorTestText, statistic: t.z, pValue: t.pValue };
}

/**
 * Whether an error ratio is over the SLO's beyond chance: a one-sided one-proportion z-test
 * against the SLO rate, z = (p − p₀) / sqrt(p₀(1 − p₀)/n), significant at α 0.05. For "errors
 * now" with no change to compare against.
 */
export function overSloErrorRate(errorRatio: number, requests: number, sloErrorRate: number): { readonly z: number; readonly pValue: number } | null {
  if (!(requests > 0) || !(sloErrorRate > 0 && sloErrorRate < 1) || !Number.isFinite(errorRatio)) return null;
  const z = (errorRatio - sloErrorRate) / Math.sqrt((sloErrorRate * (1 - sloErrorRate)) / requests);
  return { z, pValue: normalCdf(-z) };
}
