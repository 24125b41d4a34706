/**
 * CSV (and TSV) into a TableBuilder, streamed through csv-parse: memory holds the columns, never the
 * file. Cells read the way pandas.read_csv reads them by default, since that is how Evidently users
 * load the same files: its default NA strings are missing, decimal and exponent numbers are numbers.
 */
import { Readable } from "node:stream";
import { CsvError, Parser } from "csv-parse";
import type { DataError } from "./dataset";
import type { TableBuilder } from "./tableBuilder";
import { EncodingProblem, textChunks } from "./textChunks";

/** pandas.read_csv's default na_values (pandas docs, "na_values"; pandas/_libs/parsers.pyx STR_NA_VALUES). */
const naStrings = new Set(["", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"]);
const decimal = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
const infinity = /^\s*([+-]?)inf(inity)?\s*$/i;

/** A cell as pandas would type it: a number, missing (null), or text. */
export function csvCell(raw: string): number | string | null {
  if (naStrings.has(raw)) return null;
  if (decimal.test(raw)) return Number(raw);
  const inf = infinity.exec(raw);
  if (inf) return inf[1] === "-" ? -Infinity : Infinity;
  return raw;
}

export async function readCsvFile(
  file: string,
  table: TableBuilder,
  opts: { delimiter: string; signal?: AbortSignal; onBytes?: (bytes: number) => void },
): Promise<DataError | null> {
  const parser = new Parser({ delimiter: opts.delimiter, bom: true, skip_empty_lines: true, relax_column_count: false, info: true });
  const source = Readable.from(textChunks(file, { signal: opts.signal, onBytes: opts.onBytes }));
  // Errors of the source (encoding, io, abort) reach the loop below through the parser.
  source.on("error", (err) => parser.destroy(err));
  source.pipe(parser);

  let header: string[] | null = null;
  let targets: (ReturnType<TableBuilder["column"]> | null)[] = [];
  try {
    // info: the parser runs ahead of this loop, so only each record's own info says its line.
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number; records: number } }>) {
      if (header === null) {
        header = record.map((name, i) => (name.trim() === "" ? `Unnamed: ${i}` : name));
        const duplicate = header.find((name, i) => header?.indexOf(name) !== i);
        if (duplicate !== undefined) return { kind: "malformed", file, row: 1, column: duplicate, detail: "duplicate column name" };
        const differ = table.checkColumns(file, header);
        if (differ) return differ;
        targets = header.map((name) => (table.wants(name) ? table.column(name) : null));
        continue;
      }
      const line = info.lines;
      if ((info.records & 0x3fff) === 0 && opts.signal?.aborted) return { kind: "cancelled" };
      const slot = table.slot();
      if (slot < 0) continue;
      for (let i = 0; i < targets.length; i++) {
        const target = targets[i];
        if (target) target.put(slot, csvCell(record[i] as string), file, line);
      }
    }
  } catch (err) {
    return csvError(file, err, header, opts.signal);
  } finally {
    source.destroy();
  }
  if (header === null) return { kind: "empty", file };
  return null;
}

function csvError(file: string, err: unknown, header: string[] | null, signal: AbortSignal | undefined): DataError {
  if (signal?.aborted) return { kind: "cancelled" };
  if (err instanceof EncodingProblem) return { kind: "encoding", file, detail: err.detail, byteOffset: err.byteOffset };
  if (err instanceof CsvError) {
    const context = err as CsvError & { lines?: number; index?: number; record?: string[] };
    const index = typeof context.index === "number" ? context.index : undefined;
    const column = index !== undefined ? header?.[index] : undefined;
    const detail =
      err.code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH"
        ? `${context.record?.length ?? "a different number of"} fields where the header has ${header?.length ?? "?"}`
        : err.code === "CSV_QUOTE_NOT_CLOSED"
          ? "a quoted field is never closed"
          : err.code === "CSV_INVALID_CLOSING_QUOTE" || err.code === "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE"
            ? "characters after a closing quote"
            : err.code;
    return { kind: "malformed", file, row: context.lines ?? 0, ...(column !== undefined ? { column } : {}), detail };
  }
  return { kind: "io", file, detail: err instanceof Error ? ((err as NodeJS.ErrnoException).code ?? err.message) : String(err) };
}
