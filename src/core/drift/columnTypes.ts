/**
 * A feature's type, inferred from both sides (or given by the manifest), and its values cleaned
 * for the statistics: numbers sorted with NaN and ±inf dropped (Evidently replaces ±inf by NaN and
 * drops them, legacy/calculations/data_drift.py::get_one_column_drift), labels counted.
 *
 * Inference: numbers are numerical, text is categorical, and text whose every value reads as a
 * number (JSON Lines with quoted numbers, a CSV column the reader kept as text) is numerical. A
 * side holding numbers where the other holds words, or a column mixing both, is compared as
 * categories and flagged "mixed-types".
 */
import type { ColumnType, FeatureProblem } from "../../shared/protocol/drift";
import type { Column } from "./data/dataset";
import { sortFloat64 } from "./stats/sortFloat64";

/** One side of a feature after cleaning. `rows` counts every row, `missing` the ones without a usable value. */
export type Side =
  | { readonly type: "numerical"; readonly rows: number; readonly missing: number; readonly sorted: Float64Array }
  | { readonly type: "categorical"; readonly rows: number; readonly missing: number; readonly counts: Map<string, number>; readonly n: number };

export type NumericalSide = Extract<Side, { type: "numerical" }>;
export type CategoricalSide = Extract<Side, { type: "categorical" }>;

export type TypedFeature =
  | { readonly ok: true; readonly type: "numerical"; readonly reference: NumericalSide; readonly current: NumericalSide; readonly mixed: FeatureProblem | null }
  | { readonly ok: true; readonly type: "categorical"; readonly reference: CategoricalSide; readonly current: CategoricalSide; readonly mixed: FeatureProblem | null }
  | { readonly ok: false; readonly type: ColumnType; readonly problem: FeatureProblem; readonly referenceRows: number; readonly currentRows: number };

/** What a column holds, before deciding the feature's type. */
type Content =
  | { readonly kind: "numbers" }
  | { readonly kind: "empty" }
  | { readonly kind: "words" }
  | { readonly kind: "mixed"; readonly words: number; readonly of: number; readonly example: string };

// Python's float() accepts these spellings too; non-finite ones are dropped like NaN.
const numberLike = /^\s*[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)\s*$/i;

const isMissingLabel = (v: string | null): v is null | "" => v === null || v === "";

function contentOf(column: Column): Content {
  if (column.kind === "numeric") return column.values.some(Number.isFinite) ? { kind: "numbers" } : { kind: "empty" };
  let numbers = 0;
  let words = 0;
  let example = "";
  for (const v of column.values) {
    if (isMissingLabel(v)) continue;
    if (numberLike.test(v)) numbers++;
    else if (words++ === 0) example = v;
  }
  if (numbers + words === 0) return { kind: "empty" };
  if (words === 0) return { kind: "numbers" };
  if (numbers === 0) return { kind: "words" };
  return { kind: "mixed", words, of: numbers + words, example };
}

/** Finite values, sorted ascending: the one sort per side that KS, Wasserstein and the histograms share. */
function numericalSide(column: Column): NumericalSide {
  const rows = column.values.length;
  const finite = new Float64Array(rows);
  let n = 0;
  if (column.kind === "numeric") {
    const values = column.values;
    for (let i = 0; i < rows; i++) {
      const v = values[i]!;
      if (Number.isFinite(v)) finite[n++] = v;
    }
  } else {
    for (const s of column.values) {
      if (isMissingLabel(s)) continue;
      const v = Number(s.trim());
      if (Number.isFinite(v)) finite[n++] = v;
    }
  }
  return { type: "numerical", rows, missing: rows - n, sorted: sortFloat64(finite.subarray(0, n)) };
}

/** Numbers become labels the way JavaScript prints them (1, 0.5, 1e+21). */
function categoricalSide(column: Column): CategoricalSide {
  const rows = column.values.length;
  const counts = new Map<string, number>();
  let n = 0;
  const add = (label: string): void => {
    counts.set(label, (counts.get(label) ?? 0) + 1);
    n++;
  };
  if (column.kind === "numeric") {
    for (const v of column.values) if (Number.isFinite(v)) add(String(v));
  } else {
    for (const s of column.values) if (!isMissingLabel(s)) add(s);
  }
  return { type: "categorical", rows, missing: rows - n, counts, n };
}

function wordsDetail(side: "reference" | "current", c: Extract<Content, { kind: "mixed" }>): string {
  return `${c.words} of ${c.of} values in ${side} are not numbers (first: ${JSON.stringify(c.example.slice(0, 80))})`;
}

/**
 * Decide the feature's type from both sides (or take `override`) and clean its values. A manifest
 * that says "numerical" for a column holding words gets a problem and no verdict: guessing which
 * rows to drop would hide exactly the bad data the check is for.
 */
export function typeFeature(reference: Column, current: Column, override?: ColumnType): TypedFeature {
  const ref = contentOf(reference);
  const cur = contentOf(current);
  const refRows = reference.values.length;
  const curRows = current.values.length;
  const numeric = (c: Content): boolean => c.kind === "numbers" || c.kind === "empty";

  if (override === "numerical") {
    const bad = ref.kind === "mixed" ? wordsDetail("reference", ref) : cur.kind === "mixed" ? wordsDetail("current", cur) : null;
    const allWords = ref.kind === "words" ? "reference" : cur.kind === "words" ? "current" : null;
    if (bad !== null || allWords !== null) {
      const detail = bad ?? `the values in ${allWords} are not numbers`;
      return { ok: false, type: "numerical", problem: { kind: "mixed-types", detail: `typed numerical, but ${detail}` }, referenceRows: refRows, currentRows: curRows };
    }
    return { ok: true, type: "numerical", reference: numericalSide(reference), current: numericalSide(current), mixed: null };
  }
  if (override === undefined && numeric(ref) && numeric(cur)) {
    return { ok: true, type: "numerical", reference: numericalSide(reference), current: numericalSide(current), mixed: null };
  }

  let mixed: FeatureProblem | null = null;
  if (override === undefined) {
    if (ref.kind === "mixed") mixed = { kind: "mixed-types", detail: `${wordsDetail("reference", ref)}; compared as categories` };
    else if (cur.kind === "mixed") mixed = { kind: "mixed-types", detail: `${wordsDetail("current", cur)}; compared as categories` };
    else if (ref.kind === "numbers" && cur.kind === "words") mixed = { kind: "mixed-types", detail: "numbers in reference, text in current; compared as categories" };
    else if (ref.kind === "words" && cur.kind === "numbers") mixed = { kind: "mixed-types", detail: "text in reference, numbers in current; compared as categories" };
  }
  return { ok: true, type: "categorical", reference: categoricalSide(reference), current: categoricalSide(current), mixed };
}

/** The type a column would have alone, for a feature found on one side only. */
export function typeOfColumn(column: Column): ColumnType {
  const c = contentOf(column);
  return c.kind === "numbers" || c.kind === "empty" ? "numerical" : "categorical";
}
