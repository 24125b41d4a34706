/**
 * One feature's score over past checks, for the history chart (unix seconds) and its table
 * (newest first, with the model version each check saw).
 */
import type { DriftHistoryPoint, DriftMethod } from "../../src/shared/protocol/drift";

export interface HistoryRow {
  /** Unix seconds. */
  readonly time: number;
  readonly modelVersion: string | null;
  /** NaN when that check had no score for the feature (no verdict, or the feature was absent). */
  readonly score: number;
  readonly method: DriftMethod | null;
  readonly drifted: boolean | null;
}

export interface FeatureHistory {
  /** Oldest first, one row per check with a parseable time; duplicates of a time keep the last. */
  readonly rows: readonly HistoryRow[];
  /** How many of those checks scored the feature. */
  readonly scored: number;
  /** Checks that scored it with a method other than the latest one's: their scores are on another scale. */
  readonly otherMethod: number;
}

export function featureHistory(points: readonly DriftHistoryPoint[], feature: string, latestMethod: DriftMethod | null): FeatureHistory {
  const byTime = new Map<number, HistoryRow>();
  for (const p of points) {
    const ms = Date.parse(p.checkedAt);
    if (!Number.isFinite(ms)) continue;
    const s = Object.hasOwn(p.scores, feature) ? p.scores[feature] : undefined;
    byTime.set(ms / 1000, {
      time: ms / 1000,
      modelVersion: p.modelVersion,
      score: s && s.score !== null ? s.score : Number.NaN,
      method: s?.method ?? null,
      drifted: s ? s.drifted : null,
    });
  }
  const rows = [...byTime.values()].sort((a, b) => a.time - b.time);
  const scored = rows.filter((r) => !Number.isNaN(r.score)).length;
  const otherMethod = latestMethod === null ? 0 : rows.filter((r) => r.method !== null && r.method !== latestMethod && !Number.isNaN(r.score)).length;
  return { rows, scored, otherMethod };
}

/**
 * The chart's columns. A score measured with another method than the latest (a manifest override
 * changed, or the reference grew past 1000 rows) is a gap: a p-value and a distance on one line
 * would read as a jump that never happened.
 */
export function historyColumns(h: FeatureHistory, latestMethod: DriftMethod | null): { xs: Float64Array; ys: Float64Array[] } {
  const xs = Float64Array.from(h.rows, (r) => r.time);
  const ys = Float64Array.from(h.rows, (r) => (latestMethod !== null && r.method !== latestMethod ? Number.NaN : r.score));
  return { xs, ys: [ys] };
}
