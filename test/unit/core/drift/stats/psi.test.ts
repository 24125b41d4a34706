import { describe, expect, it } from "vitest";
import { psi } from "../../../../../src/core/drift/stats/psi";
import { categoricalScenarios, shares } from "./categoricalStats";
import { relClose, scipyOracle } from "./statsOracle";

const scenarios = [
  ...categoricalScenarios().map((c) => ({ name: c.name, ref: shares(c.ref), cur: shares(c.cur) })),
  { name: "tiny non-zero share (min/10^6 fill)", ref: [0.99995, 0.00005, 0], cur: [0.5, 0.25, 0.25] },
  { name: "sturges-like bins with empty tails", ref: [0, 0.1, 0.4, 0.4, 0.1, 0], cur: [0.05, 0.2, 0.3, 0.3, 0.1, 0.05] },
];

describe("psi matches Evidently's PSI (get_binned_data feel_zeroes + psi.py, run with numpy)", () => {
  const expected = scipyOracle<number>(scenarios.map((s) => ({ op: "psi", ref: s.ref, cur: s.cur })));
  it.each(scenarios.map((s, i) => ({ ...s, want: expected[i]! })))("$name", ({ ref, cur, want }) => {
    const got = psi(ref, cur);
    expect(relClose(got, want), `got ${got}, evidently ${want}`).toBe(true);
  });

  it("reproduces the domain.md §1.3 test vectors", () => {
    expect(psi([0.25, 0.25, 0.25, 0.25], [0.1, 0.2, 0.3, 0.4])).toBeCloseTo(0.228217, 6);
    expect(psi([0.5, 0.5, 0], [0.4, 0.4, 0.2])).toBeCloseTo(1.564049, 6);
  });
});
