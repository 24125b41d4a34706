/**
 * The analysis as Argo Rollouts assesses an AnalysisRun metric (argoproj/argo-rollouts
 * analysis/analysis.go, assessMetricStatus + assessMetricFailureInconclusiveOrError): the
 * expected verdicts are Argo's for the same counters and limits.
 */
import { describe, expect, test } from "vitest";
import { assessAnalysis, countMeasurement, emptyCounts, judgeMeasurement } from "../../../../../src/core/deploy/canary/canaryAnalysis";
import type { CanaryAnalysisSpec, CanaryBaseline } from "../../../../../src/core/deploy/canary/canaryState";
import { resolveSlo } from "../../../../../src/core/metrics/sloTargets";

const slo = resolveSlo({ p95LatencyMs: 200, errorRate: 0.01 }, "fastapi");
const baseline: CanaryBaseline = { p95Ms: 100, errorRatio: 0.001, rps: 10, window: { start: 0, end: 600 } };
const judge = (p95Ms: number | null, errorRatio: number | null, rps: number | null, b: CanaryBaseline | null = baseline) => judgeMeasurement({ p95Ms, errorRatio, rps }, { slo, baseline: b, tolerance: 0.1 });

describe("one measurement: canary p95 ≤ SLO and ≤ baseline × (1 + tolerance), error ratio ≤ SLO", () => {
  test.each([
    { what: "within everything", p95: 105, errors: 0.002, rps: 5, phase: "successful", reasons: [] },
    { what: "exactly at baseline × 1.1 passes (not more than 10 % worse)", p95: 110, errors: 0, rps: 5, phase: "successful", reasons: [] },
    { what: "a hair over baseline × 1.1", p95: 110.5, errors: 0, rps: 5, phase: "failed", reasons: ["p95-over-baseline"] },
    { what: "over the SLO and the baseline", p95: 250, errors: 0, rps: 5, phase: "failed", reasons: ["p95-over-slo", "p95-over-baseline"] },
    { what: "errors over the SLO", p95: 90, errors: 0.03, rps: 5, phase: "failed", reasons: ["errors-over-slo"] },
    { what: "no requests in the interval", p95: null, errors: null, rps: 0, phase: "inconclusive", reasons: ["no-traffic"] },
    { what: "no p95 (no histogram data)", p95: null, errors: 0, rps: 3, phase: "inconclusive", reasons: ["no-traffic"] },
  ])("$what", ({ p95, errors, rps, phase, reasons }) => {
    expect(judge(p95, errors, rps)).toEqual({ phase, reasons });
  });

  test("without a baseline a measurement within the SLO is inconclusive (a 2.5 × slower build must not pass on the SLO alone); over the SLO it still fails", () => {
    expect(judge(150, 0, 5, null)).toEqual({ phase: "inconclusive", reasons: ["no-baseline"] });
    expect(judge(150, 0, 5, { ...baseline, p95Ms: null })).toEqual({ phase: "inconclusive", reasons: ["no-baseline"] });
    expect(judge(250, 0, 5, null)).toEqual({ phase: "failed", reasons: ["p95-over-slo"] });
  });

  test("an unreachable metrics source is an error measurement, which counts as inconclusive", () => {
    const verdict = judgeMeasurement({ error: "unreachable" }, { slo, baseline, tolerance: 0.1 });
    expect(verdict).toEqual({ phase: "error", reasons: ["metrics-unavailable"] });
    expect(countMeasurement(emptyCounts, verdict.phase)).toEqual({ ok: 0, failed: 0, inconclusive: 1, count: 1 });
  });
});

describe("the analysis after each measurement (Argo's assessMetricStatus)", () => {
  const spec: CanaryAnalysisSpec = { interval: 60, count: 5, failureLimit: 1, inconclusiveLimit: 1 };
  const run = (phases: readonly ("successful" | "failed" | "inconclusive" | "error")[], s: CanaryAnalysisSpec = spec) => {
    let counts = emptyCounts;
    const verdicts: string[] = [];
    for (const p of phases) {
      counts = countMeasurement(counts, p);
      verdicts.push(assessAnalysis(counts, s));
    }
    return verdicts;
  };

  test.each([
    { what: "count reached with no failures: successful", phases: ["successful", "successful", "successful", "successful", "successful"], last: "successful" },
    { what: "failures up to failureLimit are tolerated", phases: ["failed", "successful", "successful", "successful", "successful"], last: "successful" },
    { what: "failed > failureLimit fails at once, before the count", phases: ["failed", "successful", "failed"], last: "failed" },
    { what: "inconclusive > inconclusiveLimit is inconclusive at once", phases: ["inconclusive", "error"], last: "inconclusive" },
    { what: "still running below the count", phases: ["successful", "successful"], last: "running" },
  ] as const)("$what", ({ phases, last }) => {
    expect(run(phases).at(-1)).toBe(last);
  });

  test("Argo's defaults: failureLimit 0 and inconclusiveLimit 0 end the analysis on the first failed or inconclusive measurement", () => {
    const strict = { interval: 60, count: 3, failureLimit: 0 };
    expect(run(["failed"], strict)).toEqual(["failed"]);
    expect(run(["successful", "inconclusive"], strict)).toEqual(["running", "inconclusive"]);
  });
});
