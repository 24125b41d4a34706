/**
 * JSON Lines (one object per line) into a TableBuilder, streamed. Keys become columns in first-seen
 * order; a row without a key is missing there. Numbers are numeric, strings text, booleans the text
 * "true"/"false" (a two-value categorical), null missing; a nested object or array makes its column
 * unsupported.
 */
import type { DataError } from "./dataset";
import type { TableBuilder } from "./tableBuilder";
import { EncodingProblem, textChunks } from "./textChunks";

export interface JsonlOutcome {
  error: DataError | null;
  /** Columns with nested values, dropped (the caller decides whether that is an error). */
  unsupported: { column: string; line: number; detail: string }[];
}

export async function readJsonlFile(file: string, table: TableBuilder, opts: { signal?: AbortSignal; onBytes?: (bytes: number) => void }): Promise<JsonlOutcome> {
  const unsupported: JsonlOutcome["unsupported"] = [];
  const keys = new Set<string>();
  let line = 0;
  let rest = "";
  let rows = 0;

  const row = (text: string): DataError | null => {
    line++;
    if (text.trim() === "") return null;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return { kind: "malformed", file, row: line, detail: err instanceof Error ? err.message : "not JSON" };
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) return { kind: "malformed", file, row: line, detail: "not a JSON object" };
    rows++;
    const object = value as Record<string, unknown>;
    for (const key in object) {
      if (!keys.has(key)) {
        keys.add(key);
        if (table.wants(key)) table.column(key);
      }
    }
    const slot = table.slot();
    if (slot < 0) return null;
    // Every known column is written, so a sampled-out row's value never survives in its slot.
    for (const name of table.names()) {
      const cell = object[name];
      if (cell === undefined || cell === null) table.column(name).put(slot, null, file, line);
      else if (typeof cell === "number") table.column(name).put(slot, cell, file, line);
      else if (typeof cell === "string") table.column(name).put(slot, cell, file, line);
      else if (typeof cell === "boolean") table.column(name).put(slot, cell ? "true" : "false", file, line);
      else {
        unsupported.push({ column: name, line, detail: Array.isArray(cell) ? "array values" : "nested objects" });
        table.drop(name);
      }
    }
    return null;
  };

  try {
    for await (const chunk of textChunks(file, opts)) {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() ?? "";
      for (const text of lines) {
        const error = row(text.endsWith("\r") ? text.slice(0, -1) : text);
        if (error) return { error, unsupported };
      }
      if (opts.signal?.aborted) return { error: { kind: "cancelled" }, unsupported };
    }
    const error = row(rest);
    if (error) return { error, unsupported };
  } catch (err) {
    if (opts.signal?.aborted) return { error: { kind: "cancelled" }, unsupported };
    if (err instanceof EncodingProblem) return { error: { kind: "encoding", file, detail: err.detail, byteOffset: err.byteOffset }, unsupported };
    return { error: { kind: "io", file, detail: err instanceof Error ? ((err as NodeJS.ErrnoException).code ?? err.message) : String(err) }, unsupported };
  }
  if (rows === 0) return { error: { kind: "empty", file }, unsupported };
  return { error: table.checkColumns(file, [...keys]), unsupported };
}
