import { describe, expect, it } from "vitest";
import { wassersteinDistance } from "../../../../../src/core/drift/stats/wasserstein";
import { relClose, scipyOracle, seededRandom, sorted } from "./statsOracle";

const rng = seededRandom(7);
const scenarios: { name: string; a: Float64Array; b: Float64Array }[] = [
  { name: "single values", a: Float64Array.of(3), b: Float64Array.of(-1.5) },
  { name: "tiny unequal", a: rng.normals(3), b: rng.normals(7, 1) },
  { name: "normal shift 0.5, 1000 vs 1000", a: rng.normals(1000), b: rng.normals(1000, 0.5) },
  { name: "normal scale change, 2000 vs 700", a: rng.normals(2000), b: rng.normals(700, 0, 3) },
  { name: "no shift, 50000 vs 80000", a: rng.normals(50000), b: rng.normals(80000) },
  { name: "cauchy 5000 vs 4000", a: rng.cauchy(5000), b: rng.cauchy(4000, 1) },
  { name: "student t(2) 3000 vs 3000", a: rng.studentT(3000, 2), b: rng.studentT(3000, 2) },
  { name: "integers with ties 0..4", a: rng.integers(1500, 0, 4), b: rng.integers(900, 1, 4) },
  { name: "all tied except one", a: Float64Array.of(1, 1, 1, 1, 2), b: Float64Array.of(1, 1) },
];

describe("wassersteinDistance matches scipy.stats.wasserstein_distance", () => {
  const expected = scipyOracle<number>(scenarios.map((s) => ({ op: "wasserstein", a: s.a, b: s.b })));
  it.each(scenarios.map((s, i) => ({ ...s, want: expected[i]! })))("$name", ({ a, b, want }) => {
    const got = wassersteinDistance(sorted(a), sorted(b));
    expect(relClose(got, want), `got ${got}, scipy ${want}`).toBe(true);
  });

  it("gives 1.0 for [1..5] against [2..6] (domain.md §1.3 test vector)", () => {
    expect(wassersteinDistance(Float64Array.of(1, 2, 3, 4, 5), Float64Array.of(2, 3, 4, 5, 6))).toBeCloseTo(1.0, 15);
  });
});
