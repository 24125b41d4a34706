/**
 * The Delivery section's figures, shaped for its charts and tiles: weekly bars (deploys that
 * held, change failures), weekly rates with NaN where a week had nothing to judge, and how a rate
 * stands against the seeds' target lines.
 */
import type { DeliveryReport, DeliveryWeek } from "../../src/shared/protocol/delivery";
import type { BarLayer } from "../common/stackedBars";

export const weekSeconds = 7 * 86_400;

export interface WeeklyColumns {
  /** Each week's Monday 00:00 UTC, unix seconds. */
  readonly xs: Float64Array;
  readonly layers: readonly BarLayer[];
  readonly cfr: Float64Array;
  readonly success: Float64Array;
}

/** NaN, not 0, when a week has no deploy to judge: an empty week is no 0 % failure rate. */
const share = (part: number, whole: number): number => (whole > 0 ? part / whole : Number.NaN);

export function weeklyColumns(weeks: readonly DeliveryWeek[]): WeeklyColumns {
  const col = (f: (w: DeliveryWeek) => number): Float64Array => Float64Array.from(weeks, f);
  return {
    xs: col((w) => Date.parse(w.weekStart) / 1000),
    layers: [
      { name: "Deploys that held", values: col((w) => w.deploys - w.changeFailures) },
      { name: "Change failures", values: col((w) => w.changeFailures) },
    ],
    cfr: col((w) => share(w.changeFailures, w.judged)),
    success: col((w) => share(w.succeededAttempts, w.attempted)),
  };
}

export type TargetStanding = "mature" | "met" | "missed" | "no-data";

/** Change failure rate: under the mature line, under the initial one, or over both. */
export function cfrStanding(rate: number | null, targets: DeliveryReport["targets"]): TargetStanding {
  if (rate === null) return "no-data";
  if (rate < targets.changeFailureRateMature) return "mature";
  return rate < targets.changeFailureRateInitial ? "met" : "missed";
}

export function successStanding(rate: number | null, targets: DeliveryReport["targets"]): TargetStanding {
  if (rate === null) return "no-data";
  return rate > targets.deploymentSuccessRate ? "met" : "missed";
}

/** 12 %, 33.3 %, 100 %. */
export function formatRate(rate: number | null): string {
  if (rate === null || Number.isNaN(rate)) return "no data";
  return `${Number((rate * 100).toFixed(1))} %`;
}

/** 45 s, 12 min, 3.5 h, 2.1 d. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return "no data";
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${Number((seconds / 3600).toFixed(1))} h`;
  return `${Number((seconds / 86_400).toFixed(1))} d`;
}
