/**
 * How bad a feature's drift is, for ordering: drifted features first, then by how far the score
 * is past (or short of) its threshold, features without a verdict last.
 */
import type { FeatureDrift } from "../../src/shared/protocol/drift";

/**
 * The score against its threshold, oriented so that more than 1 is past it: distance ÷ threshold
 * for the distances, threshold ÷ p-value for the tests (a p-value 100 times below 0.05 is 100).
 * Comparable across methods only as "how many times past"; null without a score.
 */
export function thresholdRatio(f: Pick<FeatureDrift, "score" | "threshold" | "direction">): number | null {
  const { score, threshold } = f;
  if (score === null || Number.isNaN(score)) return null;
  if (f.direction === "distance") return threshold > 0 ? score / threshold : score > 0 ? Number.POSITIVE_INFINITY : 0;
  // A p-value of exactly 0 (underflow after a large shift) is as far past as it gets.
  if (score <= 0) return Number.POSITIVE_INFINITY;
  return threshold / score;
}

/** Comparator: drifted first, then the larger threshold ratio, then no score, then by name. */
export function bySeverity(a: FeatureDrift, b: FeatureDrift): number {
  if (a.drifted !== b.drifted) return a.drifted ? -1 : 1;
  const ra = thresholdRatio(a);
  const rb = thresholdRatio(b);
  if (ra === null || rb === null) {
    if (ra !== rb) return ra === null ? 1 : -1;
  } else if (ra !== rb) return rb > ra ? 1 : -1;
  return a.name.localeCompare(b.name, "en", { numeric: true });
}
