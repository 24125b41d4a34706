import { describe, expect, it } from "vitest";
import { sortFloat64 } from "../../../../../src/core/drift/stats/sortFloat64";
import { seededRandom } from "./statsOracle";

const rng = seededRandom(42);
const specials = [0, -0, Infinity, -Infinity, 5e-324, -5e-324, 1e-310, Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1];

describe("sortFloat64 orders like the numeric sort (Float64Array.prototype.sort)", () => {
  it.each([
    { name: "normals", x: rng.normals(100_000) },
    { name: "cauchy (wide exponents)", x: rng.cauchy(50_000) },
    { name: "integers with ties", x: rng.integers(30_000, -20, 20) },
    { name: "one value repeated (trivial passes skipped)", x: new Float64Array(10_000).fill(-2.5) },
    { name: "special values", x: Float64Array.from({ length: 9_999 }, (_v, i) => specials[i % specials.length]!) },
    { name: "small array (built-in path)", x: rng.normals(100) },
  ])("$name", ({ x }) => {
    const want = Float64Array.from(x).sort();
    const got = sortFloat64(x);
    expect(got.length).toBe(want.length);
    // Object.is distinguishes −0 from +0, so the sign of zero must land where the numeric sort puts it.
    expect(got.every((v, i) => Object.is(v, want[i]))).toBe(true);
  });

  it("leaves its input untouched", () => {
    const x = rng.normals(5000);
    const copy = Float64Array.from(x);
    sortFloat64(x);
    expect(x).toEqual(copy);
  });
});
