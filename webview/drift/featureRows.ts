/**
 * The per-feature table's rows: every feature, plus the target and prediction columns when the
 * check judged them, in order of severity, and the filter (text and "drifted only").
 */
import type { DriftResult, FeatureDrift } from "../../src/shared/protocol/drift";
import { methodLabel } from "./driftFormat";
import { bySeverity } from "./featureSeverity";

export interface FeatureRow {
  /** Unique within a result: a target column may share its name with a feature. */
  readonly key: string;
  readonly role: "feature" | "target" | "prediction";
  readonly feature: FeatureDrift;
}

/** Rows most severe first (drifted, then furthest past the threshold). */
export function featureRows(result: DriftResult): FeatureRow[] {
  const rows: FeatureRow[] = result.features.map((feature) => ({ key: `feature:${feature.name}`, role: "feature", feature }));
  const p = result.prediction;
  if (p?.target) rows.push({ key: `target:${p.target.name}`, role: "target", feature: p.target });
  if (p?.prediction) rows.push({ key: `prediction:${p.prediction.name}`, role: "prediction", feature: p.prediction });
  return [...rows].sort((a, b) => bySeverity(a.feature, b.feature));
}

export interface FeatureFilter {
  readonly text: string;
  readonly driftedOnly: boolean;
}

/**
 * Rows whose name, type, method or role contains every word of the text (case-insensitive), and
 * only drifted ones when asked. Order is kept.
 */
export function filterRows(rows: readonly FeatureRow[], filter: FeatureFilter): FeatureRow[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter((w) => w.length > 0);
  return rows.filter((r) => {
    if (filter.driftedOnly && !r.feature.drifted) return false;
    if (words.length === 0) return true;
    const haystack = [r.feature.name, r.feature.type, r.feature.method, methodLabel[r.feature.method], r.role === "feature" ? "" : r.role].join("\n").toLowerCase();
    return words.every((w) => haystack.includes(w));
  });
}
