import { describe, expect, it } from "vitest";
import { ks2samp } from "../../../../../src/core/drift/stats/ks2samp";
import { relClose, scipyOracle, seededRandom, sorted } from "./statsOracle";

interface KsExpected {
  statistic: number;
  pvalue: number;
  method: "exact" | "asymp";
}

const rng = seededRandom(20261201);
const scenarios: { name: string; a: Float64Array; b: Float64Array }[] = [];

// Tiny samples: the exact path, equal sizes (_compute_prob_outside_square) and unequal (inside method).
for (let n1 = 1; n1 <= 30; n1++) {
  scenarios.push({ name: `tiny equal n=${n1}, shift 0.8`, a: rng.normals(n1), b: rng.normals(n1, 0.8) });
  const n2 = 1 + ((n1 * 7) % 30);
  scenarios.push({ name: `tiny unequal ${n1} vs ${n2}`, a: rng.normals(n1), b: rng.normals(n2, 0.3) });
}
// scipy's exact fallback: for interleaved equal samples D = 1/n, and for these n (found by running scipy's
// _attempt_exact_2kssamp) _compute_prob_outside_square rounds to 1.0000000000000002, so ks_2samp switches to
// the asymptotic p-value with a RuntimeWarning. n = 6 and 8 stay exact.
for (const n of [5, 6, 7, 8, 13, 23, 192]) {
  const a = Float64Array.from({ length: n }, (_v, i) => 2 * i);
  scenarios.push({ name: `interleaved ${n} vs ${n} (D = 1/n)`, a, b: a.map((v) => v + 1) });
}
scenarios.push({ name: "identical samples (D = 0)", a: Float64Array.of(1, 2, 3), b: Float64Array.of(3, 2, 1) });
scenarios.push({ name: "disjoint samples (D = 1)", a: Float64Array.of(1, 2, 3, 4), b: Float64Array.of(10, 11, 12, 13, 14) });

// Normal shifts at several sizes, exact and asymptotic.
for (const [n1, n2, shift] of [
  [100, 100, 0], [100, 100, 0.3], [500, 800, 0.1], [1000, 1000, 0.05], [1000, 1001, 0.2], [3000, 200, 0.2],
  [9999, 10000, 0.02], [10000, 10000, 0.03], [10000, 9999, 0.3], [7000, 9999, 0.15], [1000, 9973, 0.25], [20000, 15000, 0.02], [50000, 50000, 0.01], [50000, 50000, 0.1],
] as const) {
  scenarios.push({ name: `normal ${n1} vs ${n2} shift ${shift}`, a: rng.normals(n1), b: rng.normals(n2, shift) });
}
// The exact/asymp boundary: max(n1, n2) = 10000 is exact, 10001 asymptotic (scipy's MAX_AUTO_N).
scenarios.push({ name: "boundary 10000 vs 10000", a: rng.normals(10000), b: rng.normals(10000, 0.04) });
scenarios.push({ name: "boundary 10000 vs 9000", a: rng.normals(10000), b: rng.normals(9000, 0.04) });
scenarios.push({ name: "boundary 10001 vs 10001", a: rng.normals(10001), b: rng.normals(10001, 0.04) });
scenarios.push({ name: "boundary 10001 vs 9000", a: rng.normals(10001), b: rng.normals(9000, 0.04) });
// Asymptotic with a small side: kstwo.sf at small n (DMTW, Pomeranz, 2·smirnov branches).
for (const [n2, shift] of [[1, 0], [3, 0.5], [20, 0.2], [60, 0.5], [140, 0.1], [141, 0.9], [400, 0.05], [400, 0.6]] as const) {
  scenarios.push({ name: `asymp 12000 vs ${n2} shift ${shift}`, a: rng.normals(12000), b: rng.normals(n2, shift) });
}
// Heavy tails.
scenarios.push({ name: "cauchy 300 vs 400", a: rng.cauchy(300), b: rng.cauchy(400, 0.5) });
scenarios.push({ name: "cauchy 30000 vs 20000", a: rng.cauchy(30000), b: rng.cauchy(20000, 0.05) });
scenarios.push({ name: "student t(2) 800 vs 800", a: rng.studentT(800, 2), b: rng.studentT(800, 2) });
scenarios.push({ name: "student t(3) 5000 vs 700", a: rng.studentT(5000, 3), b: rng.normals(700) });
// Ties and integer data.
scenarios.push({ name: "integers 0..5, 50 vs 70", a: rng.integers(50, 0, 5), b: rng.integers(70, 0, 5) });
scenarios.push({ name: "integers 0..3, 1000 vs 1000", a: rng.integers(1000, 0, 3), b: rng.integers(1000, 1, 3) });
scenarios.push({ name: "integers 0..20, 4000 vs 6000", a: rng.integers(4000, 0, 20), b: rng.integers(6000, 0, 21) });
scenarios.push({ name: "integers 0..9, 30000 vs 40000", a: rng.integers(30000, 0, 9), b: rng.integers(40000, 0, 9) });
scenarios.push({ name: "one value each side, tied", a: Float64Array.of(2, 2, 2), b: Float64Array.of(2, 2) });

describe("ks2samp matches scipy.stats.ks_2samp(method='auto')", () => {
  const expected = scipyOracle<KsExpected>(scenarios.map((s) => ({ op: "ks2samp", a: s.a, b: s.b })));
  it.each(scenarios.map((s, i) => ({ ...s, want: expected[i]! })))("$name", ({ a, b, want }) => {
    const got = ks2samp(sorted(a), sorted(b));
    expect(got.method).toBe(want.method);
    expect(relClose(got.statistic, want.statistic), `D ${got.statistic} vs scipy ${want.statistic}`).toBe(true);
    expect(relClose(got.pvalue, want.pvalue), `p ${got.pvalue} vs scipy ${want.pvalue}`).toBe(true);
  });

  it("is symmetric in its two samples", () => {
    const a = sorted(rng.normals(37));
    const b = sorted(rng.normals(91, 0.4));
    expect(ks2samp(b, a)).toEqual(ks2samp(a, b));
  });
});
