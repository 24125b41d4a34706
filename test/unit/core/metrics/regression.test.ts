import { describe, expect, it } from "vitest";
import { judgeLatencyRegression, latestMarkerInRange, regressionWindows } from "../../../../src/core/metrics/latencyRegression";

describe("regressionWindows", () => {
  it.each([
    { changedAt: 10_000, now: 20_000, want: { before: { start: 6400, end: 10_000 }, after: { start: 10_000, end: 13_600 }, seconds: 3600 } },
    { changedAt: 10_000, now: 11_200, want: { before: { start: 8800, end: 10_000 }, after: { start: 10_000, end: 11_200 }, seconds: 1200 } },
    { changedAt: 10_000, now: 10_300, want: { before: { start: 9700, end: 10_000 }, after: { start: 10_000, end: 10_300 }, seconds: 300 } },
    { changedAt: 10_000, now: 10_299, want: null },
    { changedAt: 10_000, now: 9000, want: null },
  ])("a change at $changedAt judged at $now", ({ changedAt, now, want }) => expect(regressionWindows(changedAt, now)).toEqual(want));
});

describe("judgeLatencyRegression", () => {
  it.each([
    { before: 100, after: 110, regressed: false, why: "exactly 10 % worse is not more than 10 %" },
    { before: 100, after: 110.1, regressed: true, why: "just over 10 %" },
    { before: 200, after: 400, regressed: true, why: "p95 doubled" },
    { before: 200, after: 150, regressed: false, why: "faster" },
    { before: 0.3, after: 0.33, regressed: false, why: "small numbers: 10 % exactly" },
  ])("$before → $after ms: $why", ({ before, after, regressed }) => {
    const v = judgeLatencyRegression({ changedAt: 1000, revision: 4, baselineP95Ms: before, afterP95Ms: after });
    expect(v).toEqual({ revision: 4, changedAt: 1000, baselineP95Ms: before, afterP95Ms: after, change: after / before - 1, regressed });
  });

  it.each([
    [null, 100],
    [100, null],
    [0, 100],
    [NaN, 100],
    [100, Infinity],
  ])("no verdict without two usable p95s (%s, %s)", (before, after) => expect(judgeLatencyRegression({ changedAt: 1, baselineP95Ms: before, afterP95Ms: after })).toBeNull());
});

describe("latestMarkerInRange", () => {
  const m = (time: number, revision: number) => ({ time, kind: "deploy" as const, revision, origin: "rollout history" });
  it("picks the newest change inside the range", () => {
    expect(latestMarkerInRange([m(50, 1), m(300, 3), m(200, 2), m(900, 4)], 100, 500)?.revision).toBe(3);
    expect(latestMarkerInRange([m(50, 1)], 100, 500)).toBeUndefined();
  });
});
