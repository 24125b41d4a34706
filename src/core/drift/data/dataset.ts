/**
 * A table read from CSV, JSON Lines or Parquet, column by column: what the drift engine compares.
 * Numbers travel as Float64Array (NaN = missing) so the statistics can sort them in place of copying;
 * anything else stays text (null = missing) and the engine decides whether it is categorical.
 */
import type { DataSource } from "../../../shared/protocol/drift";

export type Column =
  | { kind: "numeric"; name: string; values: Float64Array }
  | { kind: "text"; name: string; values: (string | null)[] };

export interface Dataset {
  /** In file order. */
  columns: Map<string, Column>;
  rows: number;
  source: DataSource;
  /** Things worth a glance that did not stop the read (mixed types kept as text, sampling). No file contents beyond names. */
  warnings: string[];
}

/** Why a dataset could not be read. Surfaces word these; core never does. */
export type DataError =
  /** The path or glob resolved to no file. */
  | { kind: "no-match"; spec: string }
  /** Refused by size before reading a byte: `bytes` is all matched files together, `file` the largest of them. */
  | { kind: "too-large"; file: string; bytes: number; limit: number }
  /** `row` is the 1-based line in the file (a CSV header is line 1); 0 for Parquet, which has no lines. */
  | { kind: "malformed"; file: string; row: number; column?: string; detail: string }
  /** `byteOffset`: where the first offending byte is, 0-based. */
  | { kind: "encoding"; file: string; detail: string; byteOffset: number }
  /**
   * A column whose values the engine cannot compare (nested Parquet, lists, structs, maps, dates):
   * an error when the caller asked for that column or nothing else is left; otherwise the column is
   * dropped with a warning.
   */
  | { kind: "unsupported"; file: string; column: string; detail: string }
  /** No header, or a header and no rows. */
  | { kind: "empty"; file: string }
  | { kind: "io"; file: string; detail: string }
  /** A glob's files disagree on their columns: `file` is the first one that differs from `expectedFrom`. */
  | { kind: "columns-differ"; file: string; expectedFrom: string; missing: string[]; extra: string[] }
  /** A file whose format we cannot tell from its extension (.csv, .tsv, .jsonl, .ndjson, .parquet). */
  | { kind: "unknown-format"; file: string }
  /** A glob matched files of different formats. */
  | { kind: "mixed-formats"; files: [string, string] }
  | { kind: "cancelled" };

export type ReadResult = { ok: true; dataset: Dataset } | { ok: false; error: DataError };
