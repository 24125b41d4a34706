/**
 * Which test judges a feature, its default threshold and which side of the threshold is drift:
 * Evidently's defaults, from evidentlyai/evidently src/evidently/legacy/calculations/stattests/
 * registry.py::_get_default_stattest and each StatTest's default_threshold and return line
 * (/work/shared/reference/domain.md §1.1).
 */
import type { ColumnType, DriftMethod } from "../../shared/protocol/drift";

/** Evidently switches from the exact tests to distances above this many reference rows. */
export const smallReferenceRows = 1000;

/**
 * `referenceRows` counts the reference's values after NaN and ±inf are dropped; `uniqueValues`
 * counts distinct values over reference and current together (pandas' concat(...).nunique()).
 */
export function selectMethod(type: ColumnType, referenceRows: number, uniqueValues: number): DriftMethod {
  if (referenceRows <= smallReferenceRows) {
    if (type === "numerical" && uniqueValues > 5) return "ks";
    return uniqueValues > 2 ? "chisquare" : "z";
  }
  if (type === "numerical" && uniqueValues > 5) return "wasserstein";
  return "jensenshannon";
}

/** The `default_threshold` of each StatTest (chisquare takes the class default, 0.05). */
export function defaultThreshold(method: DriftMethod): number {
  switch (method) {
    case "ks":
    case "chisquare":
    case "z":
      return 0.05;
    case "wasserstein":
    case "jensenshannon":
    case "psi":
      return 0.1;
  }
}

export function scoreDirection(method: DriftMethod): "p-value" | "distance" {
  return method === "ks" || method === "chisquare" || method === "z" ? "p-value" : "distance";
}

/**
 * Evidently's comparisons, kept as they are: KS drifts at p ≤ threshold (ks_stattest.py), chi-square
 * and Z at p < threshold, the distances at score ≥ threshold. A NaN score (scipy's answer for a
 * degenerate input) never counts as drift, as NaN comparisons are false in numpy too.
 */
export function isDrift(method: DriftMethod, score: number, threshold: number): boolean {
  switch (method) {
    case "ks":
      return score <= threshold;
    case "chisquare":
    case "z":
      return score < threshold;
    case "wasserstein":
    case "jensenshannon":
    case "psi":
      return score >= threshold;
  }
}

/** Whether a method can judge a column of this type: Evidently's allowed_feature_types, widened where its own defaults use a test on numbers. */
export function methodAccepts(method: DriftMethod, type: ColumnType): boolean {
  // ks and wasserstein compare values along an axis; chisquare and z are registered for categorical
  // columns only, yet _get_default_stattest picks them for numerical ones with few values.
  return type === "numerical" || (method !== "ks" && method !== "wasserstein");
}
