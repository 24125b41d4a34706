import { describe, expect, it } from "vitest";
import { jensenShannonDistance } from "../../../../../src/core/drift/stats/jensenShannon";
import { categoricalScenarios, shares } from "./categoricalStats";
import { relClose, scipyOracle, seededRandom } from "./statsOracle";

const rng = seededRandom(11);
const scenarios = [
  ...categoricalScenarios().map((c) => ({ name: c.name, p: shares(c.ref), q: shares(c.cur) })),
  { name: "raw counts (jensenshannon normalises)", p: [10, 20, 30], q: [3, 0, 1] },
  { name: "disjoint supports", p: [1, 0], q: [0, 1] },
  { name: "identical", p: [0.2, 0.3, 0.5], q: [0.2, 0.3, 0.5] },
  { name: "31 random bins", p: Array.from({ length: 31 }, () => rng.uniform()), q: Array.from({ length: 31 }, () => rng.uniform() ** 3) },
];

describe("jensenShannonDistance matches scipy.spatial.distance.jensenshannon (natural log)", () => {
  const expected = scipyOracle<number>(scenarios.map((s) => ({ op: "jensenshannon", p: s.p, q: s.q })));
  it.each(scenarios.map((s, i) => ({ ...s, want: expected[i]! })))("$name", ({ p, q, want }) => {
    const got = jensenShannonDistance(p, q);
    expect(relClose(got, want), `got ${got}, scipy ${want}`).toBe(true);
  });

  it("gives 0.166930 for the domain.md §1.3 test vector", () => {
    expect(jensenShannonDistance([0.25, 0.25, 0.25, 0.25], [0.1, 0.2, 0.3, 0.4])).toBeCloseTo(0.16693, 6);
  });
});
