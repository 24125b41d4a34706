import { describe, expect, it } from "vitest";
import { kstwoSf, smirnovSf } from "../../../../../src/core/drift/stats/kolmogorovDistributions";
import { relClose, scipyOracle } from "./statsOracle";

// Every branch of scipy's _kolmogn (Ruben-Gambino ends, DMTW, Pomeranz, Pelz-Good, 2·smirnov, the 370 cut)
// for the n a two-sample test reaches: round(n1·n2/(n1+n2)) from 1 to ~10^6.
// scipy's smirnov takes about a second per call at n = 5·10^5, so the largest n get fewer points.
const ns = [1, 2, 3, 5, 7, 10, 20, 50, 99, 140, 141, 200, 500, 1000, 5000, 5001, 10000, 50000, 100000, 100001, 500000, 1000001];
const cases: { n: number; x: number }[] = [];
for (const n of ns) {
  const xs = new Set<number>([0, 0.5 / n, 0.75 / n, 1 / n, 1.5 / n, 0.5, 0.7, 0.999, 1 - 0.5 / n, 1]);
  const cs = n < 100000 ? [0.2, 0.5, 0.8, 0.87, 1.0, 1.2, 1.48, 1.6, 2.0, 2.5, 3.0, 4.0, 6.0, 10, 19.3] : [0.5, 1.2, 1.6, 4.0, 19.3];
  for (const c of cs) xs.add(Math.min(1, c / Math.sqrt(n)));
  for (const x of xs) cases.push({ n, x });
}

describe("kstwoSf matches scipy.stats.kstwo.sf", () => {
  const expected = scipyOracle<number>(cases.map((c) => ({ op: "kstwo_sf", ...c })));
  it.each(cases.map((c, i) => ({ ...c, want: expected[i]! })))("n=$n x=$x", ({ n, x, want }) => {
    const got = kstwoSf(x, n);
    expect(relClose(got, want), `got ${got}, scipy ${want}`).toBe(true);
  });
});

describe("smirnovSf matches scipy.special.smirnov where kstwo uses it", () => {
  // n >= 10^5 is covered through kstwo above (2·smirnov there), and scipy is slow at that size.
  const smCases = cases.filter((c) => (c.x >= 0.5 || c.n * c.x * c.x >= 2.2) && c.n * c.x * c.x < 370 && c.n < 100000);
  const expected = scipyOracle<number>(smCases.map((c) => ({ op: "smirnov", ...c })));
  it.each(smCases.map((c, i) => ({ ...c, want: expected[i]! })))("n=$n x=$x", ({ n, x, want }) => {
    const got = smirnovSf(n, x);
    expect(relClose(got, want), `got ${got}, scipy ${want}`).toBe(true);
  });
});
