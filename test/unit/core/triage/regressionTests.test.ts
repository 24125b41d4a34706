import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { comparisonWindowSeconds } from "../../../../src/core/triage/changeComparisons";
import { judgeErrors, judgeP95, oneSidedTwoProportionZ, overSloErrorRate, p95BoundLevels, requestsForOnePoint } from "../../../../src/core/triage/regressionTests";

/** Runs triageOracle.py (scipy in this machine's python3) over a batch of cases. */
function scipy<T>(cases: readonly Record<string, unknown>[]): T[] {
  const dir = mkdtempSync(join(tmpdir(), "triage-oracle-"));
  try {
    const file = join(dir, "cases.json");
    writeFileSync(file, JSON.stringify(cases));
    return JSON.parse(execFileSync("python3", [join(__dirname, "triageOracle.py"), file], { encoding: "utf8" })) as T[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("the p95's order-statistic confidence interval", () => {
  const ns = [200, 500, 1825, 3333, 21_600, 100_000];
  const exact = scipy<{ lower: number; upper: number; coverage: number }>(ns.map((n) => ({ op: "orderstat", n })));
  it.each(ns.map((n, i) => ({ n, want: exact[i]! })))("n=$n: the levels agree with the exact binomial order statistics (scipy.stats.binom) to within 1.5/n", ({ n, want }) => {
    const got = p95BoundLevels(n);
    if (!got) throw new Error("no bounds");
    // The normal approximation and the exact ranks part by at most one rank plus rounding.
    expect(Math.abs(got.lower - want.lower)).toBeLessThanOrEqual(1.5 / n);
    expect(Math.abs(got.upper - want.upper)).toBeLessThanOrEqual(1.5 / n);
    expect(want.coverage).toBeGreaterThanOrEqual(0.95);
  });

  it("1,825 requests give ±1 percentile point: 1.96 is scipy's norm.ppf(0.975) to 3 digits, and the count is the same with either", () => {
    const [ppf] = scipy<number>([{ op: "norm_ppf", q: 0.975 }]);
    expect(ppf).toBeCloseTo(1.96, 3);
    expect(requestsForOnePoint).toBe(1825);
    expect(Math.ceil((ppf! * ppf! * 0.95 * 0.05) / 1e-4)).toBe(1825);
    const levels = p95BoundLevels(1825)!;
    expect(levels.upper - 0.95).toBeCloseTo(0.01, 4);
  });

  it("too few requests for both bounds to lie inside (0, 1) give no interval", () => {
    // 0.95 + 1.96·√(0.0475/n) < 1 needs n > 72.99.
    expect(p95BoundLevels(72)).toBeNull();
    expect(p95BoundLevels(73)).not.toBeNull();
    expect(p95BoundLevels(0)).toBeNull();
    expect(p95BoundLevels(Number.NaN)).toBeNull();
  });
});

describe("judgeP95", () => {
  const side = (p95Ms: number | null, lowerMs: number | null, upperMs: number | null) => ({ p95Ms, lowerMs, upperMs });
  it.each([
    { name: "doubled, intervals far apart", before: side(400, 390, 410), after: side(800, 780, 820), regressed: true, significant: true },
    { name: "exactly 10 % worse is not more than 10 %", before: side(100, 99, 101), after: side(110, 109, 111), regressed: false, significant: false },
    { name: "15 % worse but the intervals overlap the 10 % margin", before: side(100, 95, 105), after: side(115, 110, 120), regressed: true, significant: false },
    { name: "15 % worse with tight intervals", before: side(100, 99, 100.5), after: side(115, 113, 117), regressed: true, significant: true },
    { name: "faster", before: side(500, 490, 510), after: side(300, 295, 305), regressed: false, significant: false },
    { name: "no bounds (too few requests)", before: side(100, null, null), after: side(300, null, null), regressed: true, significant: null },
    { name: "no data after", before: side(100, 99, 101), after: side(null, null, null), regressed: null, significant: null },
  ])("$name", ({ before, after, regressed, significant }) => {
    const v = judgeP95(before, after);
    expect(v.regressed).toBe(regressed);
    expect(v.significant).toBe(significant);
    expect(v.test).toContain("order-statistic 95 % CI");
  });
});

describe("the one-sided two-proportion z-test agrees with scipy's chi-square on the 2×2 table", () => {
  const cases = [
    { e1: 4, n1: 1825, e2: 55, n2: 1825 },
    { e1: 10, n1: 3369, e2: 97, n2: 3333 },
    { e1: 20, n1: 1000, e2: 28, n2: 1000 },
    { e1: 30, n1: 1000, e2: 25, n2: 1200 },
    { e1: 1, n1: 50, e2: 3, n2: 60 },
  ];
  const want = scipy<{ z: number; p: number }>(cases.map((c) => ({ op: "ztest", ...c })));
  it.each(cases.map((c, i) => ({ ...c, want: want[i]! })))("$e1/$n1 → $e2/$n2", ({ e1, n1, e2, n2, want }) => {
    const got = oneSidedTwoProportionZ(e1, n1, e2, n2)!;
    expect(got.z).toBeCloseTo(want.z, 9);
    expect(Math.abs(got.pValue - want.p)).toBeLessThanOrEqual(1e-9 * want.p);
  });

  it("no errors on either side: no test", () => {
    expect(oneSidedTwoProportionZ(0, 1000, 0, 1000)).toBeNull();
  });
});

describe("overSloErrorRate: errors now against the SLO rate", () => {
  const cases = [
    { k: 55, n: 1825, p0: 0.01 },
    { k: 25, n: 1825, p0: 0.01 },
    { k: 19, n: 1825, p0: 0.01 },
    { k: 400, n: 21_600, p0: 0.01 },
    { k: 3, n: 2000, p0: 0.001 },
  ];
  const want = scipy<{ z: number; p: number; exact: number }>(cases.map((c) => ({ op: "over_slo", ...c })));
  it.each(cases.map((c, i) => ({ ...c, want: want[i]! })))("$k/$n against $p0: z and p as scipy's norm.sf, and the same verdict as the exact binomial test", ({ k, n, p0, want }) => {
    const got = overSloErrorRate(k / n, n, p0)!;
    expect(got.z).toBeCloseTo(want.z, 9);
    expect(Math.abs(got.pValue - want.p)).toBeLessThanOrEqual(1e-9 * want.p);
    expect(got.pValue < 0.05).toBe(want.exact < 0.05);
  });
});

describe("judgeErrors", () => {
  it("over the SLO and significantly above before: a regression", () => {
    const v = judgeErrors({ errorRatio: 0.002, requests: 2000 }, { errorRatio: 0.03, requests: 2000 }, 0.01);
    expect(v).toMatchObject({ regressed: true, significant: true });
    expect(v.pValue!).toBeLessThan(0.05);
  });
  it("over the SLO but no worse than before: not significant (it was already failing)", () => {
    const v = judgeErrors({ errorRatio: 0.03, requests: 2000 }, { errorRatio: 0.03, requests: 2000 }, 0.01);
    expect(v).toMatchObject({ regressed: true, significant: false });
  });
  it("significantly worse but under the SLO: not regressed", () => {
    const v = judgeErrors({ errorRatio: 0.0001, requests: 100_000 }, { errorRatio: 0.005, requests: 100_000 }, 0.01);
    expect(v).toMatchObject({ regressed: false, significant: true });
  });
  it("unknown request counts: regressed by the threshold alone, significance unknown", () => {
    expect(judgeErrors({ errorRatio: 0.001, requests: null }, { errorRatio: 0.05, requests: null }, 0.01)).toMatchObject({ regressed: true, significant: null });
  });
});

describe("comparisonWindowSeconds", () => {
  it.each([
    { name: "6 rps: 1,825 requests take 305 s", rps: 6, before: 1e9, after: 1e9, want: 305 },
    { name: "100 rps: at least 5 minutes", rps: 100, before: 1e9, after: 1e9, want: 300 },
    { name: "0.1 rps: at most an hour", rps: 0.1, before: 1e9, after: 1e9, want: 3600 },
    { name: "unknown rate: the longest available", rps: null, before: 1e9, after: 1800, want: 1800 },
    { name: "never past the next change", rps: 0.5, before: 1e9, after: 1200, want: 1200 },
    { name: "never before the previous change", rps: 0.5, before: 900, after: 1e9, want: 900 },
  ])("$name", ({ rps, before, after, want }) => {
    expect(comparisonWindowSeconds({ rps, availableBefore: before, availableAfter: after })?.seconds).toBe(want);
  });
  it("less than 5 minutes on either side: not judged", () => {
    expect(comparisonWindowSeconds({ rps: 10, availableBefore: 1e9, availableAfter: 299 })).toBeNull();
    expect(comparisonWindowSeconds({ rps: 10, availableBefore: 120, availableAfter: 1e9 })).toBeNull();
  });
});
