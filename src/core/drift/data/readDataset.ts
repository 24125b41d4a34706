/**
 * The one entry to the data: a spec (file, directory or glob) to a Dataset, or a DataError the
 * surfaces word. Runs in the drift worker, so it may take the CPU; it still checks the signal.
 */
import { stat } from "node:fs/promises";
import * as path from "node:path";
import type { DataError, Dataset, ReadResult } from "./dataset";
import { readCsvFile } from "./csvReader";
import { resolveDatasetSpec } from "./datasetSpec";
import { readJsonlFile } from "./jsonlReader";
import { readParquetFiles } from "./parquetReader";
import { TableBuilder } from "./tableBuilder";

/**
 * 2 GiB of files by default. The columns are held in memory (8 bytes per number, however short it
 * was in the CSV), so a file much bigger than this is refused up front rather than failing late
 * with the worker out of memory; `sample` bounds memory but not the time to read it all.
 */
export const defaultMaxBytes = 2 * 1024 ** 3;

export interface ReadDatasetOptions {
  cwd: string;
  /** Only these columns (others are skipped while reading). Names absent from the data are simply absent. */
  columns?: readonly string[];
  sample?: { rows: number; seed: number };
  maxBytes?: number;
  signal?: AbortSignal;
  /** 0–1, by bytes read (CSV, JSON Lines) or row groups (Parquet). */
  onProgress?: (fraction: number) => void;
}

export async function readDataset(spec: string, opts: ReadDatasetOptions): Promise<ReadResult> {
  const resolved = await resolveDatasetSpec(spec, opts.cwd, opts.signal);
  if (!resolved.ok) return resolved;
  const { files, format } = resolved;

  const sizes: number[] = [];
  for (const file of files) {
    try {
      sizes.push((await stat(file)).size);
    } catch (err) {
      return { ok: false, error: { kind: "io", file, detail: (err as NodeJS.ErrnoException).code ?? String(err) } };
    }
  }
  const totalBytes = sizes.reduce((a, b) => a + b, 0);
  const limit = opts.maxBytes ?? defaultMaxBytes;
  if (totalBytes > limit) {
    const largest = sizes.indexOf(Math.max(...sizes));
    return { ok: false, error: { kind: "too-large", file: files[largest] as string, bytes: totalBytes, limit } };
  }
  const empty = sizes.indexOf(0);
  if (empty >= 0) return { ok: false, error: { kind: "empty", file: files[empty] as string } };

  // Relative to cwd where possible: results are committed as evidence and must not carry one machine's paths.
  const shown = files.map((f) => {
    const rel = path.relative(opts.cwd, f);
    return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel.split(path.sep).join("/") : f;
  });
  const source = (rows: number, sampledFrom: number | null): Dataset["source"] => ({ spec, files: shown, format, rows, sampledFrom });
  const fail = (error: DataError): ReadResult => ({ ok: false, error: opts.signal?.aborted ? { kind: "cancelled" } : error });

  if (format === "parquet") {
    const read = await readParquetFiles(files, opts);
    if (!read.ok) return fail(read.error);
    const { columns, rows, sampledFrom, warnings } = read.value;
    return { ok: true, dataset: { columns, rows, source: source(rows, sampledFrom), warnings } };
  }

  const table = new TableBuilder(opts);
  let bytesBefore = 0;
  let reported = -1;
  const progress = (bytes: number): void => {
    const fraction = totalBytes === 0 ? 1 : (bytesBefore + bytes) / totalBytes;
    // Whole percents only: a progress message per 1 MiB chunk would flood the host.
    if (Math.floor(fraction * 100) > reported) {
      reported = Math.floor(fraction * 100);
      opts.onProgress?.(fraction);
    }
  };
  const unsupported: { file: string; column: string; detail: string }[] = [];
  for (let i = 0; i < files.length; i++) {
    const file = files[i] as string;
    if (opts.signal?.aborted) return fail({ kind: "cancelled" });
    if (format === "csv") {
      const error = await readCsvFile(file, table, { delimiter: file.toLowerCase().endsWith(".tsv") ? "\t" : ",", signal: opts.signal, onBytes: progress });
      if (error) return fail(error);
    } else {
      const outcome = await readJsonlFile(file, table, { signal: opts.signal, onBytes: progress });
      if (outcome.error) return fail(outcome.error);
      for (const u of outcome.unsupported) {
        if (opts.columns?.includes(u.column)) return fail({ kind: "unsupported", file, column: u.column, detail: `${u.detail} (line ${u.line})` });
        unsupported.push({ file, column: u.column, detail: `${u.detail} (line ${u.line})` });
      }
    }
    bytesBefore += sizes[i] as number;
  }
  const { columns, rows, sampledFrom } = table.finish();
  const first = unsupported[0];
  if (columns.size === 0 && first) return fail({ kind: "unsupported", ...first });
  if (rows === 0) return fail({ kind: "empty", file: files[0] as string });
  const warnings = [...unsupported.map((u) => `column "${u.column}" dropped: ${u.detail} (${u.file})`), ...table.warnings];
  return { ok: true, dataset: { columns, rows, source: source(rows, sampledFrom), warnings } };
}
