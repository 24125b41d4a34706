/**
 * computeDrift end to end on generated data: each feature's method, score, verdict and PSI against
 * evidentlyOracle.py (Evidently's code path with numpy/scipy), the dataset verdict, what the
 * dashboard draws, and the bad inputs of issue 11 (constant, all-NaN, single row, one-sided and
 * mixed columns), which must come back as problems, never as exceptions.
 */
import { describe, expect, it } from "vitest";
import { DriftResult, type FeatureDrift } from "../../../../src/shared/protocol/drift";
import { computeDrift, type DriftComputation } from "../../../../src/core/drift/driftEngine";
import { closeTo, dataset, evidentlyOracle, labels, normal, numbers, seeded, type OracleColumn } from "./evidentlyOracle";

function parses(result: DriftComputation): void {
  const parsed = DriftResult.safeParse({ ...result, service: "ns/svc", modelVersion: "v1" });
  expect(parsed.success, parsed.success ? "" : parsed.error.message).toBe(true);
}

function byName(result: DriftComputation): Map<string, FeatureDrift> {
  return new Map(result.features.map((f) => [f.name, f]));
}

function cauchy(random: () => number): number {
  return Math.tan(Math.PI * (random() - 0.5));
}

describe("computeDrift against Evidently's verdicts (numpy/scipy oracle)", () => {
  const r = seeded(11);
  const cities = ["Oslo", "Lima", "Pune", "Kyiv", "Baku", "Rome"];
  const columns: OracleColumn[] = [
    // n > 1000: normed Wasserstein; the shifted one drifts.
    { name: "normal_same", type: "num", reference: numbers(5000, () => normal(r)), current: numbers(3000, () => normal(r)) },
    { name: "normal_shift", type: "num", reference: numbers(5000, () => normal(r)), current: numbers(3000, () => normal(r, 0.4)) },
    // Heavy tails, small samples: KS (exact path), unequal sizes.
    { name: "cauchy_small", type: "num", reference: numbers(700, () => cauchy(r)), current: numbers(333, () => cauchy(r) + 0.3) },
    { name: "t_tiny", type: "num", reference: numbers(17, () => normal(r) / Math.sqrt(-2 * Math.log(1 - r()))), current: numbers(9, () => normal(r, 1)) },
    // Integers with ties: more than 20 distinct in reference, so JS/PSI bins are Sturges bins.
    { name: "integers", type: "num", reference: numbers(2500, () => Math.floor(r() * 40)), current: numbers(1800, () => Math.floor(r() * 45)) },
    // Few distinct integers, large: Jensen-Shannon per value.
    { name: "rating", type: "num", reference: numbers(4000, () => 1 + Math.floor(r() * 4)), current: numbers(2000, () => 1 + Math.floor(r() * r() * 4)) },
    // Categorical with a new and a vanished category, large (JS) and small (chi-square).
    { name: "city_large", type: "cat", reference: labels(3000, () => cities[Math.floor(r() * 5)]!), current: labels(2000, () => cities[1 + Math.floor(r() * 5)]!) },
    { name: "city_small", type: "cat", reference: labels(400, () => cities[Math.floor(r() * 5)]!), current: labels(300, () => cities[1 + Math.floor(r() * 5)]!) },
    // Binary, small: Z-test.
    { name: "flag", type: "cat", reference: labels(900, () => (r() < 0.3 ? "yes" : "no")), current: labels(500, () => (r() < 0.45 ? "yes" : "no")) },
    // Missing values on both sides are dropped before judging.
    { name: "with_nan", type: "num", reference: numbers(1200, () => (r() < 0.1 ? Number.NaN : normal(r))), current: numbers(900, () => (r() < 0.2 ? Number.NaN : normal(r, 0.05))) },
  ];
  const reference = dataset(Object.fromEntries(columns.map((c) => [c.name, c.reference])), "ref.csv");
  const current = dataset(Object.fromEntries(columns.map((c) => [c.name, c.current])), "cur.csv");
  const result = computeDrift(reference, current, { psi: true });
  const oracle = evidentlyOracle(columns);
  const features = byName(result);

  it.each(columns.map((c) => c.name))("%s: method, score, verdict and PSI match to 1e-9", (name) => {
    const f = features.get(name)!;
    const o = oracle[name]!;
    expect(f.method).toBe(o.method);
    expect(closeTo(f.score!, o.score), `score ${f.score} vs ${o.score}`).toBe(true);
    expect(f.drifted).toBe(o.drifted);
    expect(closeTo(f.psi!, o.psi), `psi ${f.psi} vs ${o.psi}`).toBe(true);
    expect(f.uniqueValues).toBe(o.n_unique);
    if (o.ks_statistic !== null) expect(closeTo(f.ksStatistic!, o.ks_statistic)).toBe(true);
    expect(f.problem).toBeNull();
  });

  it("finds the shifted features and not the others", () => {
    expect(features.get("normal_shift")!.drifted).toBe(true);
    expect(features.get("normal_same")!.drifted).toBe(false);
    expect(features.get("city_large")!.drifted).toBe(true);
  });

  it("gives a result that parses as the protocol's DriftResult, sources and counts included", () => {
    parses(result);
    expect(result.reference).toMatchObject({ spec: "ref.csv", rows: 5000 });
    expect(result.current).toMatchObject({ spec: "cur.csv", rows: 3000 });
    expect(result.driftedFeatures).toBe(result.features.filter((f) => f.drifted).length);
    expect(result.driftShare).toBeCloseTo(result.driftedFeatures / columns.length, 15);
    expect(result.partial).toBeNull();
  });

  it("draws histograms on Evidently's bins: Sturges edges for many distinct numbers, one bar per value otherwise", () => {
    const integers = features.get("integers")!;
    // numpy: sturges on 4300 values → ceil(log2(4300) + 1) = 14 bins over [0, 44].
    expect(integers.histograms.reference.edges).toHaveLength(15);
    expect(integers.histograms.reference.edges![0]).toBe(0);
    expect(integers.histograms.reference.edges![14]).toBe(44);
    expect(integers.histograms.reference.shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const city = features.get("city_large")!;
    expect(city.histograms.reference.categories).toEqual(["Baku", "Kyiv", "Lima", "Oslo", "Pune", "Rome"]);
    expect(city.histograms.current.shares[city.histograms.current.categories!.indexOf("Oslo")]).toBe(0);
    expect(features.get("rating")!.histograms.reference.categories).toEqual(["1", "2", "3", "4"]);
  });

  it("gives both empirical CDFs for continuous numbers, at most 512 points, ending at 1", () => {
    const ecdf = features.get("normal_shift")!.ecdf!;
    for (const side of [ecdf.reference, ecdf.current]) {
      expect(side.x.length).toBeLessThanOrEqual(512);
      expect(side.x.length).toBe(side.y.length);
      expect(side.y[side.y.length - 1]).toBe(1);
      expect(side.x.every((x, i) => i === 0 || x > side.x[i - 1]!)).toBe(true);
    }
    // 17 distinct values: every step is listed, exactly.
    expect(features.get("t_tiny")!.ecdf!.reference.y).toEqual(Array.from({ length: 17 }, (_, i) => (i + 1) / 17));
    expect(features.get("city_large")!.ecdf).toBeNull();
  });

  it("reports data quality: missing shares, new categories, out-of-range share", () => {
    const q = features.get("with_nan")!.quality;
    const refMissing = Array.from(columns[9]!.reference.values as Float64Array).filter(Number.isNaN).length;
    expect(q.missingShareReference).toBe(refMissing / 1200);
    expect(features.get("city_large")!.quality.newCategories).toEqual(["Rome"]);
    const curRome = (columns[6]!.current.values as string[]).filter((c) => c === "Rome").length;
    expect(features.get("city_large")!.quality.newCategoryShare).toBe(curRome / 2000);
    expect(features.get("integers")!.quality.outOfRangeShare).toBe(Array.from(columns[4]!.current.values as Float64Array).filter((v) => v > 39).length / 1800);
  });
});

describe("computeDrift on bad input", () => {
  const r = seeded(5);
  const n = 1500;

  it("a constant column gets Evidently's verdict (no drift) and a 'constant' problem", () => {
    const result = computeDrift(dataset({ c: numbers(n, () => 3), s: labels(300, () => "a") }), dataset({ c: numbers(900, () => 3), s: labels(200, () => "a") }));
    const f = byName(result);
    expect(f.get("c")).toMatchObject({ method: "jensenshannon", score: 0, drifted: false, problem: { kind: "constant" } });
    expect(f.get("s")).toMatchObject({ method: "z", score: 1, drifted: false, problem: { kind: "constant" } });
    parses(result);
  });

  it("a constant reference against a moving current still drifts (normed by 0.001, as Evidently)", () => {
    const ref = numbers(n, () => 3);
    const cur = numbers(900, () => 3 + r() * 10);
    const o = evidentlyOracle([{ name: "c", type: "num", reference: ref, current: cur }]);
    const f = computeDrift(dataset({ c: ref }), dataset({ c: cur })).features[0]!;
    expect(f).toMatchObject({ method: o.c!.method, drifted: true, problem: { kind: "constant" } });
    expect(closeTo(f.score!, o.c!.score)).toBe(true);
  });

  it("an all-NaN column has no score, says which side, and stays out of the drift share", () => {
    const result = computeDrift(
      dataset({ empty: numbers(n, () => Number.NaN), ok: numbers(n, () => normal(r)) }),
      dataset({ empty: numbers(800, () => normal(r)), ok: numbers(800, () => normal(r, 2)) }),
    );
    const f = byName(result);
    expect(f.get("empty")).toMatchObject({ score: null, drifted: false, problem: { kind: "all-missing" } });
    expect(f.get("empty")!.problem!.detail).toContain("reference");
    expect(f.get("empty")!.quality.missingShareReference).toBe(1);
    expect(result.driftShare).toBe(1);
    expect(result.datasetDrift).toBe(true);
    expect(result.warnings.some((w) => w.includes("1 of 2 features have no verdict"))).toBe(true);
    parses(result);
  });

  it("a single row still gets a verdict, flagged 'too-few-rows'", () => {
    const ref = numbers(40, () => normal(r));
    const cur = numbers(1, () => 0.25);
    const o = evidentlyOracle([{ name: "x", type: "num", reference: ref, current: cur }]);
    const f = computeDrift(dataset({ x: ref }), dataset({ x: cur })).features[0]!;
    expect(f).toMatchObject({ method: "ks", drifted: o.x!.drifted, problem: { kind: "too-few-rows" } });
    expect(closeTo(f.score!, o.x!.score)).toBe(true);
  });

  it("empty datasets give an empty, well-formed result", () => {
    const result = computeDrift(dataset({}), dataset({}));
    expect(result).toMatchObject({ features: [], driftShare: 0, datasetDrift: false, driftedFeatures: 0 });
    parses(result);
  });

  it("columns on one side only are features with a problem, and a warning", () => {
    const result = computeDrift(dataset({ a: numbers(10, () => 1), old: labels(10, () => "x") }), dataset({ a: numbers(10, () => 1), fresh: numbers(10, () => 2) }));
    const f = byName(result);
    expect(f.get("old")).toMatchObject({ type: "categorical", score: null, problem: { kind: "missing-in-current" }, quality: { missingShareCurrent: 1, missingShareReference: 0 } });
    expect(f.get("fresh")).toMatchObject({ type: "numerical", score: null, problem: { kind: "missing-in-reference" } });
    expect(result.warnings).toEqual(expect.arrayContaining(['column "old" is in reference only', 'column "fresh" is in current only']));
    parses(result);
  });

  it("numbers kept as text are numerical; words among numbers are compared as categories and flagged", () => {
    const ref = labels(300, (i) => String(i % 50));
    const result = computeDrift(
      dataset({ quoted: ref, mixed: labels(300, (i) => (i === 7 ? "n/a" : String(i % 9))), changed: labels(300, (i) => String(i % 4)) }),
      dataset({ quoted: labels(200, (i) => String((i % 50) + 0.5)), mixed: labels(200, (i) => String(i % 9)), changed: labels(200, (i) => ["a", "b"][i % 2]!) }),
    );
    const f = byName(result);
    expect(f.get("quoted")).toMatchObject({ type: "numerical", method: "ks", problem: null });
    expect(f.get("mixed")).toMatchObject({ type: "categorical", method: "chisquare", problem: { kind: "mixed-types" } });
    expect(f.get("mixed")!.problem!.detail).toContain('"n/a"');
    expect(f.get("changed")).toMatchObject({ type: "categorical", drifted: true, problem: { kind: "mixed-types" } });
    parses(result);
  });

  it("stops between features when cancelled, and says the result is partial", () => {
    const controller = new AbortController();
    const result = computeDrift(dataset({ a: numbers(10, (i) => i), b: numbers(10, (i) => i) }), dataset({ a: numbers(10, (i) => i), b: numbers(10, (i) => i) }), {
      signal: controller.signal,
      onProgress: (done) => done === 1 && controller.abort(),
    });
    expect(result.features.map((f) => f.name)).toEqual(["a"]);
    expect(result.partial).toEqual({ reason: "cancelled after 1 of 2 features" });
    parses(result);
  });
});

describe("computeDrift options", () => {
  const r = seeded(7);
  const ref = dataset({ x: numbers(2000, () => normal(r)), y: numbers(2000, () => normal(r)), z: numbers(2000, () => normal(r)), w: numbers(2000, () => normal(r)), label: labels(2000, () => (r() < 0.5 ? "cat" : "dog")), score: numbers(2000, () => r()) });
  const cur = dataset({ x: numbers(2000, () => normal(r, 1)), y: numbers(2000, () => normal(r, 1)), z: numbers(2000, () => normal(r)), w: numbers(2000, () => normal(r)), label: labels(2000, () => (r() < 0.8 ? "cat" : "dog")), score: numbers(2000, () => r() * 0.5) });

  it("drifts the dataset when the drifted share reaches 0.5, and not below", () => {
    const half = computeDrift(ref, cur, { target: "label", prediction: "score" });
    expect(half.features.map((f) => [f.name, f.drifted])).toEqual([["x", true], ["y", true], ["z", false], ["w", false]]);
    expect(half).toMatchObject({ driftShare: 0.5, datasetDrift: true, driftShareThreshold: 0.5 });
    const third = computeDrift(ref, cur, { features: [{ name: "x" }, { name: "z" }, { name: "w" }] });
    expect(third).toMatchObject({ driftedFeatures: 1, datasetDrift: false });
    expect(computeDrift(ref, cur, { driftShare: 0.6, target: "label", prediction: "score" }).datasetDrift).toBe(false);
  });

  it("judges target and prediction apart from the features", () => {
    const result = computeDrift(ref, cur, { target: "label", prediction: "score" });
    expect(result.features.map((f) => f.name)).not.toContain("label");
    expect(result.prediction?.target).toMatchObject({ name: "label", method: "jensenshannon", drifted: true });
    expect(result.prediction?.prediction).toMatchObject({ name: "score", method: "wasserstein", drifted: true });
    expect(computeDrift(ref, cur).prediction).toBeNull();
    parses(result);
  });

  it("takes the manifest's type, method and threshold over the defaults", () => {
    const result = computeDrift(ref, cur, {
      features: [
        { name: "x", method: "psi" },
        { name: "z", threshold: 0.0001 },
        { name: "w", type: "categorical" },
        { name: "label", method: "ks" },
        { name: "label", method: "z" },
        { name: "nowhere" },
      ],
    });
    const f = byName(result);
    expect(f.get("x")).toMatchObject({ method: "psi", methodOrigin: "manifest", threshold: 0.1, direction: "distance", drifted: true });
    expect(f.get("z")).toMatchObject({ method: "wasserstein", methodOrigin: "default", threshold: 0.0001, drifted: true });
    expect(f.get("w")).toMatchObject({ type: "categorical", typeOrigin: "manifest", method: "jensenshannon" });
    expect(f.get("label")).toMatchObject({ method: "ks", score: null, problem: { kind: "unsupported-type" } });
    expect(f.get("nowhere")).toMatchObject({ score: null, problem: { kind: "missing-in-reference" } });
    expect(result.features).toHaveLength(5);
    expect(result.warnings.some((w) => w.includes('"label" is listed more than once'))).toBe(true);
    parses(result);
  });

  it("refuses to judge words as numbers when the manifest says numerical", () => {
    const f = computeDrift(dataset({ c: labels(10, (i) => (i === 3 ? "oops" : String(i))) }), dataset({ c: labels(10, (i) => String(i)) }), { features: [{ name: "c", type: "numerical" }] }).features[0]!;
    expect(f).toMatchObject({ type: "numerical", score: null, drifted: false, problem: { kind: "mixed-types" } });
  });

  it("reports progress once per feature and at the end", () => {
    const calls: [number, number, string][] = [];
    computeDrift(ref, cur, { features: [{ name: "x" }, { name: "y" }], onProgress: (d, t, name) => calls.push([d, t, name]) });
    expect(calls).toEqual([[0, 2, "x"], [1, 2, "y"], [2, 2, "y"]]);
  });
});
