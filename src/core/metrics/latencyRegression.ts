/**
 * Did a change make the service slower? Compare the p95 over a window right after the change
 * with the p95 over an equally long window right before it (the pre-deploy baseline): more than
 * 10 % worse is a regression. Windows are an hour each, or as long as has passed since the
 * change when it is recent, so a fresh deploy is judged like for like.
 */
import type { ChangeMarker } from "../../shared/protocol/latency";

export const regressionThreshold = 0.1;
export const maxComparisonSeconds = 3600;
/** Shorter than this, a window holds too few scrapes for a p95 worth comparing. */
export const minComparisonSeconds = 300;

export interface ComparisonWindows {
  readonly before: { readonly start: number; readonly end: number };
  readonly after: { readonly start: number; readonly end: number };
  readonly seconds: number;
}

/** The before/after windows around `changedAt` (unix s); null while the change is too recent to judge. */
export function regressionWindows(changedAt: number, now: number, opts: { maxSeconds?: number; minSeconds?: number } = {}): ComparisonWindows | null {
  const seconds = Math.floor(Math.min(opts.maxSeconds ?? maxComparisonSeconds, now - changedAt));
  if (seconds < (opts.minSeconds ?? minComparisonSeconds)) return null;
  return { before: { start: changedAt - seconds, end: changedAt }, after: { start: changedAt, end: changedAt + seconds }, seconds };
}

export interface RegressionVerdict {
  readonly revision?: number;
  readonly changedAt: number;
  readonly baselineP95Ms: number;
  readonly afterP95Ms: number;
  /** after ÷ baseline − 1. */
  readonly change: number;
  readonly regressed: boolean;
}

/** Null when either side has no usable p95 (no traffic, no data): nothing to compare. */
export function judgeLatencyRegression(input: { changedAt: number; revision?: number; baselineP95Ms: number | null; afterP95Ms: number | null }): RegressionVerdict | null {
  const { baselineP95Ms: before, afterP95Ms: after } = input;
  if (before === null || after === null || !Number.isFinite(before) || !Number.isFinite(after) || before <= 0 || after < 0) return null;
  const change = after / before - 1;
  return {
    ...(input.revision !== undefined ? { revision: input.revision } : {}),
    changedAt: input.changedAt,
    baselineP95Ms: before,
    afterP95Ms: after,
    change,
    // 110 ÷ 100 − 1 is a hair above 0.1 in floating point; exactly 10 % worse is not "more than 10 %".
    regressed: change > regressionThreshold + 1e-9,
  };
}

/** The change to judge: the latest marker inside [start, end]. */
export function latestMarkerInRange(markers: readonly ChangeMarker[], start: number, end: number): ChangeMarker | undefined {
  let latest: ChangeMarker | undefined;
  for (const m of markers) if (m.time >= start && m.time <= end && (!latest || m.time > latest.time)) latest = m;
  return latest;
}
