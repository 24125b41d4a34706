import { describe, expect, it } from "vitest";
import { normalCdf } from "../../../../../src/core/drift/stats/specialFunctions";
import { zTestPValue } from "../../../../../src/core/drift/stats/zTest";
import { relClose, scipyOracle } from "./statsOracle";

const scenarios = [
  { refOnes: 120, refN: 300, curOnes: 130, curN: 250 },
  { refOnes: 30, refN: 1000, curOnes: 90, curN: 1000 },
  { refOnes: 1, refN: 7, curOnes: 6, curN: 9 },
  { refOnes: 500, refN: 1000, curOnes: 500, curN: 1000 },
  { refOnes: 0, refN: 40, curOnes: 3, curN: 50 },
  { refOnes: 0, refN: 400, curOnes: 400, curN: 400 }, // one value each side, different values
  { refOnes: 0, refN: 12, curOnes: 0, curN: 30 }, // both samples the same single value
];

describe("zTestPValue matches Evidently's z_stat_test (run with scipy)", () => {
  const expected = scipyOracle<number>(scenarios.map((s) => ({ op: "z", ...s })));
  it.each(scenarios.map((s, i) => ({ ...s, want: expected[i]! })))("ref $refOnes/$refN, cur $curOnes/$curN", (s) => {
    const got = zTestPValue(s.refOnes, s.refN, s.curOnes, s.curN);
    expect(relClose(got, s.want), `got ${got}, evidently ${s.want}`).toBe(true);
  });
});

describe("normalCdf matches scipy.special.ndtr", () => {
  const xs = [-40, -8.5, -5, -1.5, -0.7, -0.1, 0, 0.3, 0.70710678, 1, 1.5, 2, 3.3, 5.6, 7.9, 8.1, 12];
  const expected = scipyOracle<number>(xs.map((x) => ({ op: "ndtr", x })));
  it.each(xs.map((x, i) => ({ x, want: expected[i]! })))("x=$x", ({ x, want }) => {
    expect(relClose(normalCdf(x), want), `got ${normalCdf(x)}, scipy ${want}`).toBe(true);
  });
});
