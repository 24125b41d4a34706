/**
 * The flat numeric fast path must give exactly the columns hyparquet's normal path gives (then
 * mapped as parquetReader always did: numbers as they are, bigints through Number(), nulls NaN),
 * and for data we wrote ourselves, exactly the values written. Files come from two writers:
 * hyparquet-writer (DATA_PAGE_V2; dictionaries, BYTE_STREAM_SPLIT, several row groups and pages,
 * snappy/uncompressed) and DuckDB (DATA_PAGE v1 and v2, fixtures in ./parquetFixtures).
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parquetMetadata, parquetReadObjects, parquetSchema } from "hyparquet";
import { parquetWriteBuffer } from "hyparquet-writer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeFlatColumnChunk, flatNumericColumn } from "../../../../../src/core/drift/data/parquetFlatColumns";
import { readParquetFiles } from "../../../../../src/core/drift/data/parquetReader";
import { sampleRowIndices } from "../../../../../src/core/drift/data/sampling";
import { seededRandom } from "../../../../../src/core/seededRandom";

type WriteOptions = Parameters<typeof parquetWriteBuffer>[0];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "aiplat-parquet-flat-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fixtures = path.join(__dirname, "parquetFixtures");

/** hyparquet's general reader (assembleLists and all), as parquetReader mapped its values before the fast path. */
async function normalPath(bytes: Uint8Array): Promise<Map<string, number[]>> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const names = parquetSchema(parquetMetadata(file)).children.map((c) => c.element.name);
  const rows = await parquetReadObjects({ file });
  const toNumber = (v: unknown): number => (typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : NaN);
  return new Map(names.map((name) => [name, rows.map((r) => toNumber(r[name]))]));
}

/** The fast path alone, chunk by chunk; `decoded` says which columns it decoded every chunk of. */
function fastPath(bytes: Uint8Array): { columns: Map<string, number[]>; decoded: Set<string>; fallback: Set<string> } {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const metadata = parquetMetadata(file);
  const columns = new Map<string, number[]>();
  const decoded = new Set<string>();
  const fallback = new Set<string>();
  for (const node of parquetSchema(metadata).children) {
    const column = flatNumericColumn(node);
    if (!column) continue;
    const name = node.element.name;
    const values: number[] = [];
    for (const group of metadata.row_groups) {
      const meta = group.columns.find((c) => c.meta_data?.path_in_schema[0] === name)?.meta_data;
      if (!meta) throw new Error(`no chunk for ${name}`);
      const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
      const out = new Float64Array(Number(group.num_rows)).fill(12345);
      if (decodeFlatColumnChunk(new Uint8Array(file, start, Number(meta.total_compressed_size)), column, meta, out) === "fallback") fallback.add(name);
      values.push(...out);
    }
    if (!fallback.has(name)) {
      decoded.add(name);
      columns.set(name, values);
    }
  }
  return { columns, decoded, fallback };
}

/** Through the reader as the drift check uses it: fast path where it can, hyparquet for the rest. */
async function viaReader(file: string, sample?: { rows: number; seed: number }): Promise<Map<string, unknown[]>> {
  const r = await readParquetFiles([file], sample ? { sample } : {});
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return new Map([...r.value.columns].map(([name, c]): [string, unknown[]] => [name, c.kind === "numeric" ? Array.from(c.values) : [...c.values]]));
}

/** Element by element with Object.is: NaN equals NaN, and -0 is not 0 (toEqual would let both pass). */
function expectSame(actual: readonly unknown[] | undefined, expected: readonly unknown[] | undefined, what: string): void {
  expect(actual?.length, `${what} length`).toBe(expected?.length);
  const at = (actual ?? []).findIndex((x, i) => !Object.is(x, expected?.[i]));
  expect(at === -1 ? null : { row: at, actual: actual?.[at], expected: expected?.[at] }, what).toBeNull();
}

async function write(name: string, options: Omit<WriteOptions, "writer">): Promise<{ file: string; bytes: Uint8Array }> {
  const bytes = new Uint8Array(parquetWriteBuffer(options));
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return { file, bytes };
}

/** Every column of the file: fast path == normal path == reader, and the reader's sample == the normal path's rows at the sampled indices. */
async function expectSameAsNormalPath(file: string, bytes: Uint8Array): Promise<{ normal: Map<string, number[]>; decoded: Set<string>; fallback: Set<string> }> {
  const normal = await normalPath(bytes);
  const fast = fastPath(bytes);
  for (const [name, values] of fast.columns) expectSame(values, normal.get(name), `${name} fast path`);
  const read = await viaReader(file);
  for (const name of [...fast.decoded, ...fast.fallback]) expectSame(read.get(name), normal.get(name), `${name} via the reader`);
  const rows = normal.values().next().value?.length ?? 0;
  const sample = { rows: Math.floor(rows / 3), seed: 7 };
  const kept = Array.from(sampleRowIndices(rows, sample.rows, sample.seed));
  const sampled = await viaReader(file, sample);
  for (const name of [...fast.decoded, ...fast.fallback]) expectSame(sampled.get(name), kept.map((i) => normal.get(name)?.[i]), `${name} sampled`);
  return { normal, decoded: fast.decoded, fallback: fast.fallback };
}

const random = seededRandom(11);
const n = 2500;
/** Doubles with nulls every 7th row, and the awkward ones: -0, ±Infinity, a stored NaN, tiny and huge magnitudes. */
const doubles: (number | null)[] = Array.from({ length: n }, (_, i) => (i % 7 === 3 ? null : i === 8 ? -0 : i === 9 ? Infinity : i === 11 ? -Infinity : i === 12 ? NaN : i === 13 ? 5e-324 : i === 14 ? 1.7e308 : (random() - 0.5) * 1e6));
const asNumbers = (xs: readonly (number | bigint | null)[]): number[] => xs.map((x) => (x === null ? NaN : Number(x)));

describe("parquet flat numeric columns, hyparquet-writer files (DATA_PAGE_V2)", () => {
  for (const codec of ["SNAPPY", "UNCOMPRESSED"] as const) {
    it(`nullable doubles over several row groups and many small pages (${codec}) read back exactly as written`, async () => {
      const { file, bytes } = await write(`doubles-${codec}.parquet`, {
        columnData: [
          { name: "x", data: doubles, type: "DOUBLE" },
          { name: "required", data: Float64Array.from({ length: n }, (_, i) => i * 0.25 - 100), type: "DOUBLE", nullable: false },
        ],
        codec,
        rowGroupSize: 1000,
        pageSize: 1024,
      });
      const { normal, decoded } = await expectSameAsNormalPath(file, bytes);
      expect([...decoded].sort()).toEqual(["required", "x"]);
      expectSame(normal.get("x"), asNumbers(doubles), "x as written");
      expect(Object.is(normal.get("x")?.[8], -0)).toBe(true);
      expect(parquetMetadata(bytes.buffer as ArrayBuffer).row_groups.length).toBe(3);
    });
  }

  it("dictionary pages: a few distinct values with nulls, and 3000 distinct values (12-bit indices), with a dictionary forced", async () => {
    const few = Array.from({ length: n }, (_, i) => (i % 5 === 1 ? null : (i % 13) * 0.5));
    const many = Array.from({ length: n * 2 }, (_, i) => (i % 9 === 0 ? null : ((i * 7919) % 3000) / 8));
    const { file, bytes } = await write("dictionary.parquet", {
      columnData: [
        { name: "few", data: few, type: "DOUBLE" },
        { name: "many", data: many.slice(0, n), type: "DOUBLE", encoding: "RLE_DICTIONARY" },
        { name: "ints", data: Int32Array.from({ length: n }, (_, i) => (i % 9) - 4), type: "INT32", nullable: false },
        { name: "one", data: Array.from({ length: n }, (_, i) => (i % 2 ? 1.5 : null)), type: "DOUBLE" },
      ],
      rowGroupSize: 1200,
      pageSize: 512,
    });
    const meta = parquetMetadata(bytes.buffer as ArrayBuffer).row_groups[0]?.columns.map((c) => c.meta_data?.encodings);
    expect(meta).toEqual([
      ["PLAIN", "RLE_DICTIONARY"],
      ["PLAIN", "RLE_DICTIONARY"],
      ["PLAIN", "RLE_DICTIONARY"],
      ["PLAIN", "RLE_DICTIONARY"],
    ]);
    const { normal, decoded } = await expectSameAsNormalPath(file, bytes);
    expect(decoded.size).toBe(4);
    expectSame(normal.get("few"), asNumbers(few), "few as written");
    expectSame(normal.get("many"), asNumbers(many.slice(0, n)), "many as written");
  });

  it("FLOAT, INT32 and INT64 (beyond 2^53 and the extremes, rounded as Number(bigint)), plain and BYTE_STREAM_SPLIT", async () => {
    const floats = Array.from({ length: n }, (_, i) => (i % 4 === 0 ? null : Math.fround((random() - 0.5) * 1000)));
    const int32 = Array.from({ length: n }, (_, i) => (i % 6 === 0 ? null : i === 1 ? 2147483647 : i === 2 ? -2147483648 : Math.floor((random() - 0.5) * 2e9)));
    const int64 = Array.from({ length: n }, (_, i) =>
      i % 5 === 0 ? null : i === 1 ? 9223372036854775807n : i === 2 ? -9223372036854775808n : i === 3 ? 9007199254740993n : i === 4 ? -9007199254740993n : BigInt(Math.floor((random() - 0.5) * 2 ** 62)) + BigInt(i),
    );
    const columns = (encoding?: "BYTE_STREAM_SPLIT"): WriteOptions["columnData"] => [
      { name: "f", data: floats, type: "FLOAT", ...(encoding ? { encoding } : {}) },
      { name: "i32", data: int32, type: "INT32", ...(encoding ? { encoding } : {}) },
      { name: "i64", data: int64, type: "INT64", ...(encoding ? { encoding } : {}) },
      { name: "d", data: doubles, type: "DOUBLE", ...(encoding ? { encoding } : {}) },
    ];
    for (const encoding of [undefined, "BYTE_STREAM_SPLIT"] as const) {
      const { file, bytes } = await write(`types-${encoding ?? "plain"}.parquet`, { columnData: columns(encoding), rowGroupSize: 1000, pageSize: 2048 });
      if (encoding) expect(parquetMetadata(bytes.buffer as ArrayBuffer).row_groups[0]?.columns.map((c) => c.meta_data?.encodings)).toEqual(Array(4).fill(["BYTE_STREAM_SPLIT"]));
      const { normal, decoded } = await expectSameAsNormalPath(file, bytes);
      expect(decoded.size).toBe(4);
      expectSame(normal.get("f"), asNumbers(floats), "f as written");
      expectSame(normal.get("i32"), asNumbers(int32), "i32 as written");
      expectSame(normal.get("i64"), asNumbers(int64), "i64 as written");
      expect(normal.get("i64")?.[3]).toBe(9007199254740992);
    }
  });

  it("DECIMAL on INT32/INT64 divides by 10^scale; UINT_32/UINT_64 read unsigned", async () => {
    const cents = Array.from({ length: n }, (_, i) => (i % 4 === 0 ? null : (((i * 104729) % 200001) - 100000) / 100));
    const millis = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? null : (((i * 15485863) % 2000000001) - 1000000000) / 1000));
    const u32 = Array.from({ length: n }, (_, i) => 4294967295 - i * 3);
    const u64 = Array.from({ length: n }, (_, i) => (i % 6 === 5 ? null : 18446744073709551615n - BigInt(i * 9973)));
    const { file, bytes } = await write("annotated.parquet", {
      columnData: [
        { name: "cents", data: cents },
        { name: "millis", data: millis },
        { name: "u32", data: u32 },
        { name: "u64", data: u64 },
      ],
      schema: [
        { name: "root", num_children: 4 },
        { name: "cents", type: "INT32", repetition_type: "OPTIONAL", converted_type: "DECIMAL", scale: 2, precision: 9 },
        { name: "millis", type: "INT64", repetition_type: "OPTIONAL", converted_type: "DECIMAL", scale: 3, precision: 18 },
        { name: "u32", type: "INT32", repetition_type: "REQUIRED", converted_type: "UINT_32" },
        { name: "u64", type: "INT64", repetition_type: "OPTIONAL", converted_type: "UINT_64" },
      ],
      rowGroupSize: 1000,
    });
    const { normal, decoded } = await expectSameAsNormalPath(file, bytes);
    expect(decoded.size).toBe(4);
    expectSame(normal.get("cents"), asNumbers(cents), "cents as written");
    expectSame(normal.get("millis"), asNumbers(millis), "millis as written");
    expectSame(normal.get("u32"), u32, "u32 as written");
    expectSame(normal.get("u64"), asNumbers(u64), "u64 as written");
  });

  it("leaves DELTA_BINARY_PACKED chunks and text columns to hyparquet, with the same result", async () => {
    const ints = Array.from({ length: n }, (_, i) => (i % 8 === 0 ? null : i * 3 - 500));
    const { file, bytes } = await write("delta.parquet", {
      columnData: [
        { name: "delta", data: ints, type: "INT32", encoding: "DELTA_BINARY_PACKED" },
        { name: "x", data: doubles, type: "DOUBLE" },
        { name: "label", data: Array.from({ length: n }, (_, i) => (i % 10 === 0 ? null : `c${i % 3}`)), type: "STRING" },
      ],
      rowGroupSize: 1000,
    });
    const { normal, decoded, fallback } = await expectSameAsNormalPath(file, bytes);
    expect([...decoded]).toEqual(["x"]);
    expect([...fallback]).toEqual(["delta"]);
    expectSame(normal.get("delta"), asNumbers(ints), "delta as written");
    const read = await viaReader(file);
    expect(read.get("label")?.slice(0, 4)).toEqual([null, "c1", "c2", "c0"]);
  });
});

describe("parquet flat numeric columns, DuckDB files (DATA_PAGE v1, PLAIN_DICTIONARY; v2 with BYTE_STREAM_SPLIT and DELTA)", () => {
  const all = ["dbl", "dbl_dict", "flt", "i32", "i32_dict", "i64", "dec32", "dec64", "u32", "u64", "i8", "i16", "half_null", "all_null"];
  for (const [name, expectDecoded] of [
    ["duckdb-v1-snappy.parquet", all],
    ["duckdb-v1-uncompressed.parquet", all],
    // DuckDB's v2 writes its integers DELTA_BINARY_PACKED: those stay on hyparquet's path.
    ["duckdb-v2-snappy.parquet", ["dbl", "dbl_dict", "flt", "i32_dict", "dec64", "half_null", "all_null"]],
  ] as const) {
    it(`${name}: every column as hyparquet's normal path reads it`, async () => {
      const file = path.join(fixtures, name);
      const bytes = new Uint8Array(await readFile(file));
      const { normal, decoded } = await expectSameAsNormalPath(file, bytes);
      expect([...decoded].sort()).toEqual([...expectDecoded].sort());
      // Spot checks against the SQL that wrote the file (README.md): nulls, decimals, unsigned.
      expect(normal.get("dbl")?.[3]).toBeNaN();
      expect(normal.get("dbl_dict")?.slice(0, 4)).toEqual([0, NaN, 1, 1.5]);
      expect(normal.get("i64")?.slice(0, 3)).toEqual([NaN, Number(9007199254740993n + 1000003n), Number(-9223372036854775807n + 2n)]);
      expect(normal.get("dec32")?.slice(0, 3)).toEqual([NaN, (((1 * 104729) % 200001) - 100000) / 100, (((2 * 104729) % 200001) - 100000) / 100]);
      // hyparquet 1.33.0 decodes DuckDB's DELTA_BINARY_PACKED UINT_32 as 2147483647 here (the top bit lost); that chunk is on hyparquet's path.
      if (decoded.has("u32")) expect(normal.get("u32")?.[0]).toBe(4294967295);
      expect(normal.get("u64")?.[0]).toBe(Number(18446744073709551615n));
      expect(normal.get("all_null")?.every(Number.isNaN)).toBe(true);
    });
  }
});
