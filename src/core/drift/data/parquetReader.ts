/**
 * Parquet files into columns, one row group at a time (cancellable between groups and columns,
 * progress per group). Flat numeric columns go through parquetFlatColumns (pages decoded straight
 * into the Float64Array, one positioned read per column chunk); everything else, and any chunk that
 * path declines, through hyparquet's parquetRead. Measured against @duckdb/node-api on the bench's
 * 1M × 20 float64 file: see bench/drift.ts.
 */
import { open as openFile, type FileHandle } from "node:fs/promises";
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema, type AsyncBuffer, type FileMetaData, type RowGroup, type SchemaTree } from "hyparquet";
import type { Column, DataError } from "./dataset";
import { decodeFlatColumnChunk, flatDecodeScratch, flatNumericColumn, type FlatDecodeScratch, type FlatNumericColumn } from "./parquetFlatColumns";
import { sampleRowIndices } from "./sampling";

type Kind = { kind: "numeric" } | { kind: "text" } | { kind: "unsupported"; detail: string };

const timeTypes = new Set(["DATE", "TIME_MILLIS", "TIME_MICROS", "TIMESTAMP_MILLIS", "TIMESTAMP_MICROS", "INTERVAL"]);

/** What the engine can compare: numbers and strings; dates, binary, JSON and nested columns are not features it can judge. */
export function parquetColumnKind(node: SchemaTree): Kind {
  const e = node.element;
  if (node.children.length > 0) return { kind: "unsupported", detail: `nested ${e.converted_type === "LIST" || e.logical_type?.type === "LIST" ? "list" : e.converted_type === "MAP" || e.logical_type?.type === "MAP" ? "map" : "struct"} column` };
  if (e.repetition_type === "REPEATED") return { kind: "unsupported", detail: "repeated (list) column" };
  const logical = e.logical_type?.type;
  if ((e.converted_type && timeTypes.has(e.converted_type)) || logical === "DATE" || logical === "TIME" || logical === "TIMESTAMP" || e.type === "INT96")
    return { kind: "unsupported", detail: "date/time column" };
  if (e.converted_type === "DECIMAL" || logical === "DECIMAL" || logical === "FLOAT16") return { kind: "numeric" };
  switch (e.type) {
    case "FLOAT":
    case "DOUBLE":
    case "INT32":
    case "INT64":
      return { kind: "numeric" };
    case "BOOLEAN":
      return { kind: "text" };
    case "BYTE_ARRAY":
      if (e.converted_type === "JSON" || e.converted_type === "BSON" || logical === "JSON" || logical === "BSON" || logical === "VARIANT" || logical === "GEOMETRY" || logical === "GEOGRAPHY")
        return { kind: "unsupported", detail: `${logical ?? e.converted_type} column` };
      return { kind: "text" };
    case "FIXED_LEN_BYTE_ARRAY":
      return logical === "UUID" ? { kind: "text" } : { kind: "unsupported", detail: "fixed-length binary column" };
    default:
      return { kind: "unsupported", detail: `${String(e.type)} column` };
  }
}

interface OpenFile {
  file: string;
  buffer: AsyncBuffer;
  metadata: FileMetaData;
  kinds: Map<string, Kind>;
  /** Numeric columns parquetFlatColumns decodes without hyparquet's per-value arrays. */
  flat: Map<string, FlatNumericColumn>;
  rows: number;
}

export interface ParquetOutcome {
  columns: Map<string, Column>;
  rows: number;
  sampledFrom: number | null;
  warnings: string[];
}

export async function readParquetFiles(
  files: readonly string[],
  opts: { columns?: readonly string[]; sample?: { rows: number; seed: number }; signal?: AbortSignal; onProgress?: (fraction: number) => void },
): Promise<{ ok: true; value: ParquetOutcome } | { ok: false; error: DataError }> {
  const open: OpenFile[] = [];
  for (const file of files) {
    try {
      const buffer = await asyncBufferFromFile(file);
      if (buffer.byteLength === 0) return { ok: false, error: { kind: "empty", file } };
      const metadata = await parquetMetadataAsync(buffer);
      const nodes = parquetSchema(metadata).children;
      const kinds = new Map(nodes.map((node) => [node.element.name, parquetColumnKind(node)] as const));
      const flat = new Map<string, FlatNumericColumn>();
      for (const node of nodes) {
        const column = kinds.get(node.element.name)?.kind === "numeric" ? flatNumericColumn(node) : null;
        if (column) flat.set(node.element.name, column);
      }
      open.push({ file, buffer, metadata, kinds, flat, rows: Number(metadata.num_rows) });
    } catch (err) {
      return { ok: false, error: ioOrMalformed(file, err) };
    }
    if (opts.signal?.aborted) return { ok: false, error: { kind: "cancelled" } };
  }
  const first = open[0];
  if (!first) return { ok: false, error: { kind: "no-match", spec: "" } };
  for (const other of open.slice(1)) {
    const missing = [...first.kinds.keys()].filter((n) => !other.kinds.has(n));
    const extra = [...other.kinds.keys()].filter((n) => !first.kinds.has(n));
    if (missing.length > 0 || extra.length > 0) return { ok: false, error: { kind: "columns-differ", file: other.file, expectedFrom: first.file, missing, extra } };
  }

  const warnings: string[] = [];
  const wanted = opts.columns ? new Set(opts.columns) : null;
  const read: { name: string; kind: "numeric" | "text" }[] = [];
  let firstUnsupported: { name: string; detail: string } | null = null;
  for (const [name, kind] of first.kinds) {
    if (wanted && !wanted.has(name)) continue;
    if (kind.kind === "unsupported") {
      if (wanted) return { ok: false, error: { kind: "unsupported", file: first.file, column: name, detail: kind.detail } };
      firstUnsupported ??= { name, detail: kind.detail };
      warnings.push(`column "${name}" dropped: ${kind.detail} (${first.file})`);
      continue;
    }
    read.push({ name, kind: kind.kind });
  }
  if (read.length === 0 && firstUnsupported) return { ok: false, error: { kind: "unsupported", file: first.file, column: firstUnsupported.name, detail: firstUnsupported.detail } };

  const total = open.reduce((sum, f) => sum + f.rows, 0);
  if (total === 0) return { ok: false, error: { kind: "empty", file: first.file } };
  const sampled = opts.sample && opts.sample.rows < total ? sampleRowIndices(total, Math.max(0, Math.floor(opts.sample.rows)), opts.sample.seed) : null;
  const rows = sampled ? sampled.length : total;
  if (sampled) warnings.push(`sampled ${rows} of ${total} rows`);

  const numeric = new Map<string, Float64Array>();
  const text = new Map<string, (string | null)[]>();
  for (const c of read) {
    if (c.kind === "numeric") numeric.set(c.name, new Float64Array(rows).fill(NaN));
    else text.set(c.name, new Array<string | null>(rows).fill(null));
  }

  const groups = open.reduce((n, f) => n + f.metadata.row_groups.length, 0);
  let groupsDone = 0;
  let fileStart = 0;
  const flatIo: FlatIo = { handles: new Map(), chunk: new Uint8Array(0), scratch: flatDecodeScratch() };
  try {
    for (const f of open) {
      let groupStart = 0;
      for (const group of f.metadata.row_groups) {
        if (opts.signal?.aborted) return { ok: false, error: { kind: "cancelled" } };
        const groupRows = Number(group.num_rows);
        const from = fileStart + groupStart;
        // With sampling, where this group's kept rows sit in the output, and which rows they are.
        const [lo, hi] = sampled ? [lowerBound(sampled, from), lowerBound(sampled, from + groupRows)] : [from, from + groupRows];
        if (hi > lo) {
          try {
            const slow: string[] = [];
            for (const c of read) {
              if (opts.signal?.aborted) return { ok: false, error: { kind: "cancelled" } };
              const target = numeric.get(c.name);
              if (!target || !(await readFlatChunk(flatIo, f, group, c.name, target, from, groupRows, sampled, lo, hi))) slow.push(c.name);
            }
            if (slow.length > 0) {
              await parquetRead({
                file: f.buffer,
                metadata: f.metadata,
                columns: slow,
                rowStart: groupStart,
                rowEnd: groupStart + groupRows,
                onChunk: ({ columnName, columnData, rowStart, rowEnd }) => {
                  const at = fileStart + rowStart;
                  const target = numeric.get(columnName);
                  if (target) copyNumbers(target, columnData, at, at + (rowEnd - rowStart), sampled, lo, hi, from);
                  else {
                    const texts = text.get(columnName);
                    if (texts) copyTexts(texts, columnData, at, at + (rowEnd - rowStart), sampled, lo, hi, from);
                  }
                },
              });
            }
          } catch (err) {
            return { ok: false, error: ioOrMalformed(f.file, err) };
          }
        }
        groupStart += groupRows;
        opts.onProgress?.(++groupsDone / groups);
      }
      fileStart += f.rows;
    }
  } finally {
    await Promise.all([...flatIo.handles.values()].map((h) => h.close()));
  }

  const columns = new Map<string, Column>();
  for (const c of read) {
    columns.set(c.name, c.kind === "numeric" ? { kind: "numeric", name: c.name, values: numeric.get(c.name) as Float64Array } : { kind: "text", name: c.name, values: text.get(c.name) as (string | null)[] });
  }
  return { ok: true, value: { columns, rows, sampledFrom: sampled ? total : null, warnings } };
}

/** What the flat fast path reuses across chunks: one file handle per file, one buffer for a chunk's bytes, the decoder's scratch. */
interface FlatIo {
  handles: Map<string, FileHandle>;
  chunk: Uint8Array;
  scratch: FlatDecodeScratch;
}

/**
 * Decodes one numeric column chunk of a row group with the flat fast path, into the output rows
 * [from, from + groupRows) or, with sampling, only the kept rows sampled[lo..hi). False when the
 * column or one of its pages needs hyparquet's normal path (the caller reads it there).
 */
async function readFlatChunk(io: FlatIo, f: OpenFile, group: RowGroup, name: string, target: Float64Array, from: number, groupRows: number, sampled: Float64Array | null, lo: number, hi: number): Promise<boolean> {
  const column = f.flat.get(name);
  const chunk = column && group.columns.find((c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === name);
  const meta = chunk?.meta_data;
  if (!column || !chunk || !meta || chunk.file_path) return false;
  // Where hyparquet's reader starts a chunk (parquetPlanGroup): its dictionary page, if any, else its first data page.
  const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
  const bytes = await readRange(io, f.file, start, Number(meta.total_compressed_size));
  const out = sampled ? new Float64Array(groupRows).fill(NaN) : target.subarray(from, from + groupRows);
  if (decodeFlatColumnChunk(bytes, column, meta, out, io.scratch) === "fallback") {
    if (!sampled) out.fill(NaN);
    return false;
  }
  if (sampled) for (let k = lo; k < hi; k++) target[k] = out[(sampled[k] as number) - from] as number;
  return true;
}

/**
 * One positioned read into a reused buffer: hyparquet's asyncBufferFromFile streams a slice in
 * 64 KiB pieces and concatenates them, a copy and garbage per chunk. The bytes are only valid
 * until the next call (the decoder copies what it keeps).
 */
async function readRange(io: FlatIo, file: string, start: number, length: number): Promise<Uint8Array> {
  let handle = io.handles.get(file);
  if (!handle) {
    handle = await openFile(file, "r");
    io.handles.set(file, handle);
  }
  if (io.chunk.length < length) io.chunk = new Uint8Array(Math.max(length, io.chunk.length * 2));
  const bytes = io.chunk.subarray(0, length);
  for (let done = 0; done < length; ) {
    const { bytesRead } = await handle.read(bytes, done, length - done, start + done);
    if (bytesRead === 0) throw new Error(`parquet file ends before its column chunk at byte ${start + done}`);
    done += bytesRead;
  }
  return bytes;
}

/** Index of the first element ≥ x in an ascending array. */
function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

type Decoded = ArrayLike<unknown>;

/**
 * Copies global rows [start, end) of a chunk into the output: all of them at the same positions,
 * or with sampling only the kept ones (sampled[lo..hi) are this group's kept row numbers).
 */
function copyNumbers(target: Float64Array, data: Decoded, start: number, end: number, sampled: Float64Array | null, lo: number, hi: number, groupFrom: number): void {
  if (!sampled) {
    if (data instanceof Float64Array) {
      target.set(data.subarray(0, end - start), start);
      return;
    }
    for (let r = start; r < end; r++) target[r] = toNumber(data[r - start]);
    return;
  }
  for (let k = Math.max(lo, lowerBound(sampled, start)); k < hi; k++) {
    const row = sampled[k] as number;
    if (row >= end) break;
    if (row >= groupFrom) target[k] = toNumber(data[row - start]);
  }
}

function copyTexts(target: (string | null)[], data: Decoded, start: number, end: number, sampled: Float64Array | null, lo: number, hi: number, groupFrom: number): void {
  if (!sampled) {
    for (let r = start; r < end; r++) target[r] = toText(data[r - start]);
    return;
  }
  for (let k = Math.max(lo, lowerBound(sampled, start)); k < hi; k++) {
    const row = sampled[k] as number;
    if (row >= end) break;
    if (row >= groupFrom) target[k] = toText(data[row - start]);
  }
}

function toNumber(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  return NaN;
}

function toText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  return JSON.stringify(v);
}

/** hyparquet throws plain Errors for corrupt files; fs errors carry a code. */
function ioOrMalformed(file: string, err: unknown): DataError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code) return { kind: "io", file, detail: code };
  return { kind: "malformed", file, row: 0, detail: err instanceof Error ? err.message : String(err) };
}
