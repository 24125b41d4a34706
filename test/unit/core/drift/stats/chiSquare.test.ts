import { describe, expect, it } from "vitest";
import { chiSquare } from "../../../../../src/core/drift/stats/chiSquare";
import { chiSquaredSf } from "../../../../../src/core/drift/stats/specialFunctions";
import { categoricalScenarios } from "./categoricalStats";
import { relClose, scipyOracle } from "./statsOracle";

// Evidently's call (chisquare_stattest.py): f_obs = current counts, f_exp = reference counts · n_cur / n_ref.
const scenarios = categoricalScenarios().map((c) => {
  const nRef = c.ref.reduce((s, v) => s + v, 0);
  const nCur = c.cur.reduce((s, v) => s + v, 0);
  return { name: c.name, obs: c.cur, exp: c.ref.map((r) => r * (nCur / nRef)) };
});

describe("chiSquare matches scipy.stats.chisquare as Evidently calls it", () => {
  const expected = scipyOracle<{ statistic: number; pvalue: number }>(scenarios.map((s) => ({ op: "chisquare", obs: s.obs, exp: s.exp })));
  it.each(scenarios.map((s, i) => ({ ...s, want: expected[i]! })))("$name", ({ obs, exp, want }) => {
    const got = chiSquare(obs, exp);
    expect(relClose(got.statistic, want.statistic), `stat ${got.statistic} vs scipy ${want.statistic}`).toBe(true);
    expect(relClose(got.pvalue, want.pvalue), `p ${got.pvalue} vs scipy ${want.pvalue}`).toBe(true);
  });

  it("gives p = 0 for a category new in the current data (expected count 0), as scipy does", () => {
    const s = scenarios.find((c) => c.name.includes("new f"))!;
    expect(chiSquare(s.obs, s.exp)).toEqual({ statistic: Infinity, pvalue: 0 });
  });
});

describe("chiSquaredSf matches scipy.stats.chi2.sf", () => {
  const grid: { x: number; df: number }[] = [];
  for (const df of [1, 2, 3, 4, 5, 9, 10, 29, 100, 999]) {
    for (const f of [0, 0.01, 0.3, 0.9, 1, 1.1, 2, 4, 8, 20]) grid.push({ x: f * df + (f === 0 ? 0 : 0.37), df });
  }
  grid.push({ x: 1500, df: 3 }, { x: 50, df: 1 });
  const expected = scipyOracle<number>(grid.map((g) => ({ op: "chi2_sf", ...g })));
  it.each(grid.map((g, i) => ({ ...g, want: expected[i]! })))("x=$x df=$df", ({ x, df, want }) => {
    const got = chiSquaredSf(x, df);
    expect(relClose(got, want), `got ${got}, scipy ${want}`).toBe(true);
  });
});
