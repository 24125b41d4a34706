/**
 * Evidently's method table at its boundaries (issue 11: 1000 and 1001 reference rows; 2, 3, 5 and 6
 * unique values), through the whole engine, with every score checked against evidentlyOracle.py
 * (numpy/scipy following Evidently's source).
 */
import { describe, expect, it } from "vitest";
import type { ColumnType, DriftMethod } from "../../../../src/shared/protocol/drift";
import { computeDrift } from "../../../../src/core/drift/driftEngine";
import { defaultThreshold, isDrift, selectMethod } from "../../../../src/core/drift/methodSelection";
import { closeTo, dataset, evidentlyOracle, labels, numbers, type OracleColumn } from "./evidentlyOracle";

/** The table, written out by hand: [type, unique values] → [method for n ≤ 1000, method for n > 1000]. */
const table: [ColumnType, number, DriftMethod, DriftMethod][] = [
  ["numerical", 2, "z", "jensenshannon"],
  ["numerical", 3, "chisquare", "jensenshannon"],
  ["numerical", 5, "chisquare", "jensenshannon"],
  ["numerical", 6, "ks", "wasserstein"],
  ["categorical", 2, "z", "jensenshannon"],
  ["categorical", 3, "chisquare", "jensenshannon"],
  ["categorical", 5, "chisquare", "jensenshannon"],
  ["categorical", 6, "chisquare", "jensenshannon"],
];

const value = (type: ColumnType, j: number): number | string => (type === "numerical" ? j * 1.5 - 2 : ["red", "green", "blue", "cyan", "plum", "teal"][j]!);

/** A reference of `n` rows cycling through k values, and a current of 600 rows weighted towards the first ones. */
function column(type: ColumnType, n: number, k: number, curK = k): Pick<OracleColumn, "reference" | "current"> {
  const refIndex = (i: number): number => i % k;
  const curIndex = (i: number): number => (i % 3 === 0 ? 0 : i % curK);
  if (type === "numerical") return { reference: numbers(n, (i) => value(type, refIndex(i)) as number), current: numbers(600, (i) => value(type, curIndex(i)) as number) };
  return { reference: labels(n, (i) => value(type, refIndex(i)) as string), current: labels(600, (i) => value(type, curIndex(i)) as string) };
}

describe("method selection", () => {
  it("follows the table at 1000 and 1001 reference rows and 2, 3, 5, 6 unique values", () => {
    const columns: OracleColumn[] = [];
    const expected = new Map<string, DriftMethod>();
    for (const [type, k, small, large] of table) {
      for (const n of [1000, 1001]) {
        const name = `${type}-${k}-${n}`;
        columns.push({ name, type: type === "numerical" ? "num" : "cat", ...column(type, n, k) });
        expected.set(name, n <= 1000 ? small : large);
      }
    }
    const oracle = evidentlyOracle(columns);
    for (const c of columns) {
      const result = computeDrift(dataset({ [c.name]: c.reference }), dataset({ [c.name]: c.current }));
      const f = result.features[0]!;
      expect({ name: c.name, method: f.method }).toEqual({ name: c.name, method: expected.get(c.name) });
      expect(oracle[c.name]!.method).toBe(f.method);
      expect(f.score === null ? null : closeTo(f.score, oracle[c.name]!.score), `${c.name}: ${f.score} vs ${oracle[c.name]!.score}`).toBe(true);
      expect(f.drifted).toBe(oracle[c.name]!.drifted);
      expect(f.threshold).toBe(oracle[c.name]!.threshold);
      expect(f.uniqueValues).toBe(oracle[c.name]!.n_unique);
      expect(f.type).toBe(c.type === "num" ? "numerical" : "categorical");
    }
  });

  it("counts reference rows after dropping NaN and ±inf: 1001 rows with one NaN are a small sample", () => {
    const values = column("numerical", 1001, 6).reference.values as Float64Array;
    values[7] = Number.NaN;
    const withInf = Float64Array.from(values);
    withInf[7] = Number.POSITIVE_INFINITY;
    for (const v of [values, withInf]) {
      const result = computeDrift(dataset({ x: { kind: "numeric", name: "x", values: v } }), dataset({ x: column("numerical", 1001, 6).current }));
      expect(result.features[0]!.method).toBe("ks");
      expect(result.features[0]!.quality.missingShareReference).toBeCloseTo(1 / 1001, 12);
    }
  });

  it("counts unique values over both samples: a sixth value that only current has makes KS", () => {
    const c = column("numerical", 1000, 5);
    const current = numbers(600, (i) => (i % 2 === 0 ? 42 : (c.current.values[i] as number)));
    const oracle = evidentlyOracle([{ name: "x", type: "num", reference: c.reference, current }]);
    const f = computeDrift(dataset({ x: c.reference }), dataset({ x: current })).features[0]!;
    expect(f.method).toBe("ks");
    expect(oracle.x!.method).toBe("ks");
    expect(closeTo(f.score!, oracle.x!.score)).toBe(true);
    expect(f.ksStatistic).not.toBeNull();
    expect(closeTo(f.ksStatistic!, oracle.x!.ks_statistic!)).toBe(true);
  });

  it("selects by the table directly, including one unique value", () => {
    expect(selectMethod("numerical", 1000, 1)).toBe("z");
    expect(selectMethod("categorical", 1001, 1)).toBe("jensenshannon");
    expect(selectMethod("numerical", 0, 100)).toBe("ks");
  });

  it("uses Evidently's default thresholds and comparisons (KS at p ≤ 0.05, chi-square and Z at p < 0.05, distances at ≥ 0.1)", () => {
    expect((["ks", "chisquare", "z", "wasserstein", "jensenshannon", "psi"] as const).map(defaultThreshold)).toEqual([0.05, 0.05, 0.05, 0.1, 0.1, 0.1]);
    expect(isDrift("ks", 0.05, 0.05)).toBe(true);
    expect(isDrift("chisquare", 0.05, 0.05)).toBe(false);
    expect(isDrift("z", 0.05, 0.05)).toBe(false);
    expect(isDrift("z", 0.0499, 0.05)).toBe(true);
    expect(isDrift("wasserstein", 0.1, 0.1)).toBe(true);
    expect(isDrift("jensenshannon", 0.0999, 0.1)).toBe(false);
    expect(isDrift("psi", 0.1, 0.1)).toBe(true);
  });
});
