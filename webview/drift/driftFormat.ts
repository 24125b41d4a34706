/** How drift figures read in the table, the legends and the summary. */
import type { DriftMethod, FeatureDrift } from "../../src/shared/protocol/drift";

/** Evidently's display names (stattest_name), as a person reads them. */
export const methodLabel: Record<DriftMethod, string> = {
  ks: "K-S p-value",
  wasserstein: "Wasserstein distance (normed)",
  chisquare: "chi-square p-value",
  z: "Z-test p-value",
  jensenshannon: "Jensen-Shannon distance",
  psi: "PSI",
};

/** Evidently's drift rule per test: KS drifts at p ≤ threshold, chi-square and Z below it, the distances at or above it. */
const comparison: Record<DriftMethod, string> = {
  ks: "p ≤",
  chisquare: "p <",
  z: "p <",
  wasserstein: "≥",
  jensenshannon: "≥",
  psi: "≥",
};

/**
 * A score with enough digits to compare with its threshold. p-values can be far below anything
 * three decimals show (1e-40 from a large shift), so tiny values are written with an exponent
 * rather than rounded to a misleading 0.
 */
export function formatScore(v: number | null): string {
  if (v === null || Number.isNaN(v)) return "—";
  if (v === 0) return "0";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
  const abs = Math.abs(v);
  if (abs < 0.001) return v.toExponential(2);
  if (abs >= 1e6) return v.toExponential(2);
  return String(Number(v.toPrecision(3)));
}

/** "p ≤ 0.05", "≥ 0.1": the rule the score is judged by. */
export function thresholdText(f: Pick<FeatureDrift, "method" | "threshold">): string {
  return `${comparison[f.method]} ${formatScore(f.threshold)}`;
}

/** A share 0–1 as a percentage; a share that would round to 0 % or 100 % without being it says so. */
export function formatShare(v: number | null): string {
  if (v === null || Number.isNaN(v)) return "—";
  if (v === 0) return "0 %";
  if (v > 0 && v < 0.001) return "< 0.1 %";
  if (v > 0.999 && v < 1) return "> 99.9 %";
  const pct = v * 100;
  return `${pct.toLocaleString("en-US", { maximumFractionDigits: pct >= 10 ? 0 : 1 })} %`;
}

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}
