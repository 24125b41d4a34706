import { describe, expect, it } from "vitest";
import { histogramCounts, sturgesEdges } from "../../../../../src/core/drift/stats/histogramEdges";
import { relClose, scipyOracle, seededRandom, sorted } from "./statsOracle";

const rng = seededRandom(5);
const concat = (a: Float64Array, b: Float64Array): Float64Array => {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};
const pairs = [
  { name: "normal shift", ref: rng.normals(1000), cur: rng.normals(1500, 0.5) },
  { name: "cauchy (huge range)", ref: rng.cauchy(3000), cur: rng.cauchy(2000) },
  { name: "integers with ties on edges", ref: rng.integers(4000, 0, 30), cur: rng.integers(3000, 5, 40) },
  { name: "constant column (min == max)", ref: new Float64Array(50).fill(3.25), cur: new Float64Array(20).fill(3.25) },
  { name: "single row each", ref: Float64Array.of(1), cur: Float64Array.of(2) },
  { name: "power-of-two size", ref: rng.normals(512), cur: rng.normals(512, 1) },
  { name: "200k combined", ref: rng.normals(120_000), cur: rng.normals(80_000, 0.1) },
];

describe("sturgesEdges + histogramCounts match numpy.histogram_bin_edges(bins='sturges') + numpy.histogram", () => {
  const cases = pairs.flatMap((p) => {
    const x = concat(p.ref, p.cur);
    return [
      { name: `${p.name} (reference)`, x, part: p.ref },
      { name: `${p.name} (current)`, x, part: p.cur },
    ];
  });
  const expected = scipyOracle<{ edges: number[]; counts: number[] }>(cases.map((c) => ({ op: "sturges", x: c.x, part: c.part })));
  it.each(cases.map((c, i) => ({ ...c, want: expected[i]! })))("$name", ({ x, part, want }) => {
    let min = Infinity;
    let max = -Infinity;
    for (const v of x) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const edges = sturgesEdges(min, max, x.length);
    expect(edges.length).toBe(want.edges.length);
    edges.forEach((e, i) => expect(relClose(e, want.edges[i]!, 1e-12), `edge ${i}: ${e} vs ${want.edges[i]}`).toBe(true));
    expect(Array.from(histogramCounts(sorted(part), edges))).toEqual(want.counts);
  });

  it("counts values equal to the last edge in the last bin and ignores values outside", () => {
    expect(Array.from(histogramCounts(Float64Array.of(-1, 0, 0.5, 1, 2, 2, 3), Float64Array.of(0, 1, 2)))).toEqual([2, 3]);
  });
});
