/**
 * Type inference of a feature from both sides: numbers are numerical (pandas' is_numeric_dtype),
 * text is categorical, text that is all numbers is numerical, and mixtures are categories with a
 * "mixed-types" problem. Missing values (NaN, ±inf, null, "") never decide the type.
 */
import { describe, expect, it } from "vitest";
import type { Column } from "../../../../src/core/drift/data/dataset";
import { typeFeature, typeOfColumn } from "../../../../src/core/drift/columnTypes";

const num = (...values: number[]): Column => ({ kind: "numeric", name: "c", values: Float64Array.from(values) });
const txt = (...values: (string | null)[]): Column => ({ kind: "text", name: "c", values });

describe("typeFeature", () => {
  it.each([
    ["numbers on both sides", num(1, 2), num(3), "numerical", null],
    ["numbers kept as text", txt("1.5", " -2 ", "1e3", null, ""), num(3), "numerical", null],
    ["text", txt("a", "b"), txt("b", null), "categorical", null],
    ["an all-missing side takes the other's type", num(Number.NaN), txt("a"), "categorical", null],
    ["numbers that became words", num(1, 2), txt("a"), "categorical", "mixed-types"],
    ["words that became numbers", txt("x"), txt("1", "2"), "categorical", "mixed-types"],
    ["a column mixing both", txt("1", "2", "n/a"), txt("1"), "categorical", "mixed-types"],
  ] as const)("%s", (_, reference, current, type, problem) => {
    const typed = typeFeature(reference, current);
    expect(typed.ok).toBe(true);
    if (!typed.ok) return;
    expect(typed.type).toBe(type);
    expect(typed.mixed?.kind ?? null).toBe(problem);
  });

  it("cleans numbers: NaN, ±inf and blanks are missing, the rest sorted", () => {
    const typed = typeFeature(num(3, Number.NaN, -1, Number.POSITIVE_INFINITY, 2), txt("5", "", null, "inf", "-0.5"));
    expect(typed.ok && typed.type === "numerical").toBe(true);
    if (!typed.ok || typed.type !== "numerical") return;
    expect(Array.from(typed.reference.sorted)).toEqual([-1, 2, 3]);
    expect(typed.reference).toMatchObject({ rows: 5, missing: 2 });
    expect(Array.from(typed.current.sorted)).toEqual([-0.5, 5]);
    expect(typed.current).toMatchObject({ rows: 5, missing: 3 });
  });

  it("counts labels, numbers printed as JavaScript prints them, when typed categorical", () => {
    const typed = typeFeature(num(1, 1, 2.5, Number.NaN), txt("1", "x", null), "categorical");
    expect(typed.ok && typed.type === "categorical").toBe(true);
    if (!typed.ok || typed.type !== "categorical") return;
    expect([...typed.reference.counts]).toEqual([["1", 2], ["2.5", 1]]);
    expect(typed.reference).toMatchObject({ n: 3, missing: 1 });
    expect([...typed.current.counts]).toEqual([["1", 1], ["x", 1]]);
    expect(typed.mixed).toBeNull();
  });

  it("will not read words as numbers when typed numerical", () => {
    const typed = typeFeature(txt("1", "two"), num(1), "numerical");
    expect(typed).toMatchObject({ ok: false, type: "numerical", problem: { kind: "mixed-types" } });
  });

  it("types a lone column the same way", () => {
    expect(typeOfColumn(txt("1", null))).toBe("numerical");
    expect(typeOfColumn(txt("a"))).toBe("categorical");
    expect(typeOfColumn(num())).toBe("numerical");
  });
});
