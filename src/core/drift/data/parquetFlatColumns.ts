/**
 * A fast path for the columns drift reads most: flat (not repeated, not nested), numeric physical
 * types (DOUBLE, FLOAT, INT32, INT64). hyparquet's general reader assembles every page through
 * per-value JS arrays (assembleLists pushes each value, nulls included), which was 41 % of loading
 * the bench's 1M × 20 float64 file; here each page's definition levels and values go straight into
 * the row group's Float64Array (NaN for nulls). Values mean exactly what hyparquet's convert() makes
 * of them followed by parquetReader's toNumber(): DECIMAL (converted type) divides by 10^scale,
 * UINT_32/UINT_64 (converted or logical) read unsigned, INT64 rounds like Number(bigint).
 * Anything this path does not know (other encodings or codecs) reports "fallback" and the caller
 * reads that chunk with hyparquet's normal path. Page headers (thrift) are parsed by hyparquet.
 */
import type { ColumnMetaData, PageHeader, SchemaTree } from "hyparquet";
import { parquetHeader } from "hyparquet/src/column.js";
import { snappyDecompress } from "./snappyDecompress";

export interface FlatNumericColumn {
  type: "DOUBLE" | "FLOAT" | "INT32" | "INT64";
  /** OPTIONAL: one definition level per value (max definition level 1); REQUIRED: none. */
  nullable: boolean;
  /** How a stored value becomes a number, in hyparquet convert()'s order of precedence. */
  conversion: { kind: "none" } | { kind: "unsigned" } | { kind: "decimal"; factor: number };
}

/** The column if this path can decode it, else null (hyparquet's normal path reads it). */
export function flatNumericColumn(node: SchemaTree): FlatNumericColumn | null {
  const e = node.element;
  if (node.children.length > 0 || e.repetition_type === "REPEATED") return null;
  const type = e.type;
  if (type !== "DOUBLE" && type !== "FLOAT" && type !== "INT32" && type !== "INT64") return null;
  const ctype = e.converted_type;
  const ltype = e.logical_type;
  // Only the converted/logical types whose convert() result is a plain number; dates, times and the rest stay on hyparquet's path.
  if (ctype !== undefined && ctype !== "DECIMAL" && !/^U?INT_(8|16|32|64)$/.test(ctype)) return null;
  if (ltype !== undefined && ltype.type !== "INTEGER" && ltype.type !== "DECIMAL") return null;
  const nullable = e.repetition_type !== "REQUIRED";
  // convert() tests DECIMAL (converted type only) first, then UINT_64, then UINT_32, by these exact conditions.
  if (ctype === "DECIMAL") return { type, nullable, conversion: { kind: "decimal", factor: 10 ** (e.scale || 0) } };
  const unsigned64 = ctype === "UINT_64" || (ltype?.type === "INTEGER" && ltype.bitWidth === 64 && !ltype.isSigned);
  const unsigned32 = ctype === "UINT_32" || (ltype?.type === "INTEGER" && ltype.bitWidth === 32 && !ltype.isSigned);
  if (unsigned64 || unsigned32) return (unsigned64 && type === "INT64") || (unsigned32 && type === "INT32") ? { type, nullable, conversion: { kind: "unsigned" } } : null;
  return { type, nullable, conversion: { kind: "none" } };
}

/** Buffers a decode reuses from chunk to chunk (each page is consumed before the next one is decompressed). */
export interface FlatDecodeScratch {
  page: Uint8Array;
  levels: Uint8Array;
}

export function flatDecodeScratch(): FlatDecodeScratch {
  return { page: new Uint8Array(0), levels: new Uint8Array(0) };
}

/**
 * Decodes one column chunk (its bytes from the dictionary page, or the first data page, to the end)
 * into out[0 .. rows). "fallback": a page this path does not decode; nothing about `out` is promised
 * then and the caller reads the chunk another way. Corrupt data throws, as hyparquet does.
 */
export function decodeFlatColumnChunk(bytes: Uint8Array, column: FlatNumericColumn, meta: ColumnMetaData, out: Float64Array, scratch = flatDecodeScratch()): "ok" | "fallback" {
  if (meta.codec !== "UNCOMPRESSED" && meta.codec !== "SNAPPY") return "fallback";
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
  const rows = out.length;
  let row = 0;
  let dictionary: Float64Array | null = null;
  const decompress = (compressed: Uint8Array, size: number): Uint8Array => {
    if (meta.codec === "UNCOMPRESSED") {
      if (compressed.length !== size) throw new Error(`parquet page length ${compressed.length} does not match header ${size}`);
      return compressed;
    }
    if (scratch.page.length < size) scratch.page = new Uint8Array(Math.max(size, scratch.page.length * 2));
    const page = scratch.page.subarray(0, size);
    snappyDecompress(compressed, page);
    return page;
  };
  const levelsFor = (n: number): Uint8Array => {
    if (scratch.levels.length < n) scratch.levels = new Uint8Array(Math.max(n, scratch.levels.length * 2));
    return scratch.levels;
  };
  // Same end condition as hyparquet's readColumn for flat columns.
  while (row < rows && reader.offset < bytes.byteLength - 1) {
    const header: PageHeader = parquetHeader(reader);
    const body = bytes.subarray(reader.offset, reader.offset + header.compressed_page_size);
    reader.offset += header.compressed_page_size;
    if (header.type === "DICTIONARY_PAGE") {
      const dph = header.dictionary_page_header;
      if (!dph) throw new Error("parquet dictionary page header is undefined");
      const page = decompress(body, header.uncompressed_page_size);
      dictionary = new Float64Array(dph.num_values);
      readPlain(page, 0, column, dictionary, 0, dph.num_values);
    } else if (header.type === "DATA_PAGE") {
      const dph = header.data_page_header;
      if (!dph) throw new Error("parquet data page header is undefined");
      if (column.nullable && dph.definition_level_encoding !== "RLE") return "fallback";
      const n = dph.num_values;
      if (row + n > rows) throw new Error(`parquet column chunk has more values than its row group's ${rows} rows`);
      const page = decompress(body, header.uncompressed_page_size);
      let at = 0;
      let present = n;
      const levels = levelsFor(n);
      if (column.nullable) {
        const length = readUint32(page, at);
        at += 4;
        present = readLevels(page, at, at + length, levels, n);
        at += length;
      }
      if (!readValues(dph.encoding, page, at, page.length, column, dictionary, out, row, present)) return "fallback";
      if (present < n) spreadNulls(out, row, levels, n, present);
      row += n;
    } else if (header.type === "DATA_PAGE_V2") {
      const dph = header.data_page_header_v2;
      if (!dph) throw new Error("parquet data page header v2 is undefined");
      if (dph.repetition_levels_byte_length) throw new Error("parquet flat column has repetition levels");
      const n = dph.num_values;
      if (row + n > rows) throw new Error(`parquet column chunk has more values than its row group's ${rows} rows`);
      const levelBytes = dph.definition_levels_byte_length;
      let present = n;
      const levels = levelsFor(n);
      if (column.nullable) present = readLevels(body, 0, levelBytes, levels, n);
      // V2 compresses only the values, not the levels.
      const valuesSize = header.uncompressed_page_size - levelBytes;
      let page = body.subarray(levelBytes);
      if (dph.is_compressed !== false && valuesSize) page = decompress(page, valuesSize);
      if (!readValues(dph.encoding, page, 0, page.length, column, dictionary, out, row, present)) return "fallback";
      if (present < n) spreadNulls(out, row, levels, n, present);
      row += n;
    } else {
      return "fallback";
    }
  }
  return "ok";
}

/** Reads `count` values at out[at ..]; false for an encoding this path does not decode. */
function readValues(encoding: string, page: Uint8Array, from: number, to: number, column: FlatNumericColumn, dictionary: Float64Array | null, out: Float64Array, at: number, count: number): boolean {
  if (count === 0) return true;
  switch (encoding) {
    case "PLAIN":
      readPlain(page, from, column, out, at, count);
      return true;
    case "PLAIN_DICTIONARY":
    case "RLE_DICTIONARY": {
      if (!dictionary) throw new Error("parquet dictionary-encoded page without a dictionary page");
      const width = page[from] as number;
      // Wider indices mean a dictionary of over 16M values: leave such a rarity to hyparquet.
      if (width > 24) return false;
      // Indices decoded into `out` itself, then replaced by their values: no index array per page.
      if (width === 0) out.fill(0, at, at + count);
      else readHybrid(page, from + 1, to, width, out, at, count);
      // An index past the dictionary reads undefined in hyparquet, NaN here.
      for (let i = at; i < at + count; i++) out[i] = dictionary[out[i] as number] as number;
      return true;
    }
    case "BYTE_STREAM_SPLIT":
      readByteStreamSplit(page, from, column, out, at, count);
      return true;
    default:
      return false;
  }
}

function readPlain(page: Uint8Array, from: number, column: FlatNumericColumn, out: Float64Array, at: number, count: number): void {
  const width = column.type === "DOUBLE" || column.type === "INT64" ? 8 : 4;
  if (from + count * width > page.length) throw new Error("parquet page ends before its values");
  const bytes = page.subarray(from, from + count * width);
  if (column.type === "DOUBLE" && column.conversion.kind === "none") {
    // Little-endian float64 is already our representation: one copy.
    new Uint8Array(out.buffer, out.byteOffset + at * 8, count * 8).set(bytes);
    return;
  }
  convertInto(aligned(bytes, width), column, out, at, count);
}

/** BYTE_STREAM_SPLIT stores byte k of every value together: interleave back, then read as PLAIN. */
function readByteStreamSplit(page: Uint8Array, from: number, column: FlatNumericColumn, out: Float64Array, at: number, count: number): void {
  const width = column.type === "DOUBLE" || column.type === "INT64" ? 8 : 4;
  if (from + count * width > page.length) throw new Error("parquet page ends before its values");
  const bytes = new Uint8Array(count * width);
  for (let b = 0; b < width; b++) {
    const stream = from + b * count;
    for (let i = 0; i < count; i++) bytes[i * width + b] = page[stream + i] as number;
  }
  readPlain(bytes, 0, column, out, at, count);
}

function aligned(bytes: Uint8Array, width: number): Uint8Array {
  return bytes.byteOffset % width === 0 ? bytes : bytes.slice();
}

function convertInto(bytes: Uint8Array, column: FlatNumericColumn, out: Float64Array, at: number, count: number): void {
  const { conversion } = column;
  const factor = conversion.kind === "decimal" ? conversion.factor : 1;
  switch (column.type) {
    case "DOUBLE": {
      const v = new Float64Array(bytes.buffer, bytes.byteOffset, count);
      for (let i = 0; i < count; i++) out[at + i] = (v[i] as number) / factor;
      return;
    }
    case "FLOAT": {
      const v = new Float32Array(bytes.buffer, bytes.byteOffset, count);
      if (conversion.kind === "decimal") for (let i = 0; i < count; i++) out[at + i] = (v[i] as number) / factor;
      else for (let i = 0; i < count; i++) out[at + i] = v[i] as number;
      return;
    }
    case "INT32": {
      const v = new Int32Array(bytes.buffer, bytes.byteOffset, count);
      if (conversion.kind === "unsigned") for (let i = 0; i < count; i++) out[at + i] = (v[i] as number) >>> 0;
      else if (conversion.kind === "decimal") for (let i = 0; i < count; i++) out[at + i] = (v[i] as number) / factor;
      else for (let i = 0; i < count; i++) out[at + i] = v[i] as number;
      return;
    }
    case "INT64": {
      const v = new Int32Array(bytes.buffer, bytes.byteOffset, count * 2);
      const unsigned = conversion.kind === "unsigned";
      const view = new DataView(bytes.buffer, bytes.byteOffset, count * 8);
      for (let i = 0; i < count; i++) {
        const lo = (v[2 * i] as number) >>> 0;
        const hi = unsigned ? (v[2 * i + 1] as number) >>> 0 : (v[2 * i + 1] as number);
        // |value| < 2^53: exact in a double. Beyond, round as Number(bigint) does.
        const x = hi < 0x200000 && hi >= -0x200000 ? hi * 4294967296 + lo : Number(unsigned ? view.getBigUint64(i * 8, true) : view.getBigInt64(i * 8, true));
        out[at + i] = conversion.kind === "decimal" ? x / factor : x;
      }
      return;
    }
  }
}

/** Where the last readUleb128 stopped: a module slot, so the hot loops allocate nothing. */
let uleb128End = 0;

/** An RLE/bit-packed run header (ULEB128) at page[from]; sets uleb128End past it. */
function readUleb128(page: Uint8Array, from: number): number {
  let p = from;
  let value = 0;
  let shift = 0;
  let byte: number;
  do {
    byte = page[p++] as number;
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  uleb128End = p;
  return value;
}

/**
 * RLE / bit-packed hybrid (the Parquet spec's "RLE" encoding) of `count` values of `width` bits
 * from page[from .. to) into out[at ..], width ≤ 24. Bit-packed runs hold groups of 8, LSB first.
 */
function readHybrid(page: Uint8Array, from: number, to: number, width: number, out: Float64Array, at: number, count: number): void {
  let p = from;
  let seen = 0;
  const bytesPerRun = (width + 7) >> 3;
  while (seen < count) {
    if (p >= to) throw new Error("parquet RLE data ends early");
    const header = readUleb128(page, p);
    p = uleb128End;
    if (header % 2 === 1) {
      const values = Math.floor(header / 2) * 8;
      const take = Math.min(values, count - seen);
      // A 32-bit window: at most 24 bits wait unread when a byte is added, so nothing overflows.
      const mask = (1 << width) - 1;
      let q = p;
      let data = 0;
      let bits = 0;
      for (let i = 0; i < take; i++) {
        while (bits < width) {
          data |= (page[q++] ?? 0) << bits;
          bits += 8;
        }
        out[at + seen + i] = data & mask;
        data >>>= width;
        bits -= width;
      }
      seen += take;
      p += (values / 8) * width;
    } else {
      const run = Math.min(Math.floor(header / 2), count - seen);
      let v = 0;
      for (let k = bytesPerRun - 1; k >= 0; k--) v = v * 256 + (page[p + k] ?? 0);
      p += bytesPerRun;
      out.fill(v, at + seen, at + seen + run);
      seen += run;
    }
  }
}

/** Definition levels of a flat optional column: width 1, RLE/bit-packed hybrid over page[from .. to). */
function readLevels(page: Uint8Array, from: number, to: number, levels: Uint8Array, count: number): number {
  let p = from;
  let seen = 0;
  let defined = 0;
  while (seen < count) {
    if (p >= to) throw new Error("parquet definition levels end early");
    const header = readUleb128(page, p);
    p = uleb128End;
    if (header % 2 === 1) {
      const groups = Math.floor(header / 2);
      const take = Math.min(groups * 8, count - seen);
      for (let i = 0; i < take; i++) {
        const level = ((page[p + (i >> 3)] as number) >> (i & 7)) & 1;
        levels[seen + i] = level;
        defined += level;
      }
      seen += take;
      p += groups;
    } else {
      const run = Math.min(Math.floor(header / 2), count - seen);
      const level = (page[p] as number) & 1;
      levels.fill(level, seen, seen + run);
      defined += level * run;
      p += 1;
      seen += run;
    }
  }
  return defined;
}

/** The page's `present` values sit packed at out[at ..]; move each to its row, from the end so none is overwritten first. */
function spreadNulls(out: Float64Array, at: number, levels: Uint8Array, n: number, present: number): void {
  let k = at + present - 1;
  for (let i = n - 1; i >= 0; i--) out[at + i] = levels[i] ? (out[k--] as number) : NaN;
}

function readUint32(page: Uint8Array, at: number): number {
  if (at + 4 > page.length) throw new Error("parquet page ends before its definition levels");
  return ((page[at] as number) | ((page[at + 1] as number) << 8) | ((page[at + 2] as number) << 16)) + (page[at + 3] as number) * 0x1000000;
}
