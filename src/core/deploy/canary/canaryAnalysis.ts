/**
 * A canary step's analysis, with Argo Rollouts' AnalysisRun semantics (argoproj/argo-rollouts
 * analysis/analysis.go, assessMetricStatus and assessMetricFailureInconclusiveOrError): one
 * measurement every `interval`, `count` in total; after each measurement, failed > failureLimit
 * makes the analysis Failed and inconclusive > inconclusiveLimit (default 0) makes it Inconclusive,
 * without waiting for the count; reaching the count with neither is Successful. A Rollout whose
 * analysis is Inconclusive pauses for a person (Argo's docs, features/analysis "Inconclusive
 * Runs"); ours holds the same way. Where Argo counts provider errors apart (consecutiveErrorLimit),
 * an unreachable metrics source counts as inconclusive here: it must hold, never promote blindly.
 */
import type { ResolvedSlo } from "../../metrics/sloTargets";
import type { CanaryAnalysisCounts, CanaryAnalysisSpec, CanaryBaseline, MeasurementPhase, MeasurementReason } from "./canaryState";

/** What one measurement read from the canary's pods; null where the source had no data. */
export interface CanaryReading {
  readonly p95Ms: number | null;
  readonly errorRatio: number | null;
  readonly rps: number | null;
}

export interface MeasurementVerdict {
  readonly phase: MeasurementPhase;
  readonly reasons: readonly MeasurementReason[];
}

/**
 * Success: p95 ≤ the SLO's p95 and ≤ baseline p95 × (1 + tolerance), and error ratio ≤ the SLO's
 * error rate. No requests in the window (or no p95) is inconclusive: nothing was learnt. So is a
 * measurement within the SLO without a baseline (no data before the canary): the baseline half of
 * the condition cannot be judged, and a canary must never promote on half a judgement. Breaking the
 * SLO fails with or without one.
 */
export function judgeMeasurement(reading: CanaryReading | { readonly error: string }, opts: { readonly slo: ResolvedSlo; readonly baseline: CanaryBaseline | null; readonly tolerance: number }): MeasurementVerdict {
  if ("error" in reading) return { phase: "error", reasons: ["metrics-unavailable"] };
  const { p95Ms, errorRatio, rps } = reading;
  if (rps === null || rps <= 0 || p95Ms === null || !Number.isFinite(p95Ms) || errorRatio === null || !Number.isFinite(errorRatio)) return { phase: "inconclusive", reasons: ["no-traffic"] };
  const reasons: MeasurementReason[] = [];
  if (p95Ms > opts.slo.p95LatencyMs) reasons.push("p95-over-slo");
  const base = opts.baseline?.p95Ms;
  const hasBaseline = base !== null && base !== undefined && Number.isFinite(base) && base > 0;
  // 1e-9: 110 ÷ 100 is a hair above 1.1 in floating point; exactly at the tolerance passes.
  if (hasBaseline && p95Ms > base * (1 + opts.tolerance) * (1 + 1e-9)) reasons.push("p95-over-baseline");
  if (errorRatio > opts.slo.errorRate) reasons.push("errors-over-slo");
  if (reasons.length > 0) return { phase: "failed", reasons };
  // Within the SLO but with nothing to compare against: a 2.5 × slower build could pass, so this is not a success.
  if (!hasBaseline) return { phase: "inconclusive", reasons: ["no-baseline"] };
  return { phase: "successful", reasons };
}

export function countMeasurement(counts: CanaryAnalysisCounts, phase: MeasurementPhase): CanaryAnalysisCounts {
  return {
    ok: counts.ok + (phase === "successful" ? 1 : 0),
    failed: counts.failed + (phase === "failed" ? 1 : 0),
    inconclusive: counts.inconclusive + (phase === "inconclusive" || phase === "error" ? 1 : 0),
    count: counts.count + 1,
  };
}

export const emptyCounts: CanaryAnalysisCounts = { ok: 0, failed: 0, inconclusive: 0, count: 0 };

export type AnalysisVerdict = "running" | "successful" | "failed" | "inconclusive";

/**
 * Argo's assessment after each measurement. Failure is checked first: one measurement moves one
 * counter, so both limits can only be passed together when a run resumes with both over, and then
 * rolling back is the safe side.
 */
export function assessAnalysis(counts: CanaryAnalysisCounts, spec: CanaryAnalysisSpec): AnalysisVerdict {
  if (counts.failed > spec.failureLimit) return "failed";
  if (counts.inconclusive > (spec.inconclusiveLimit ?? 0)) return "inconclusive";
  if (counts.count >= spec.count) return "successful";
  return "running";
}
