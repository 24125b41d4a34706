import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Column, Dataset } from "../../../../../src/core/drift/data/dataset";
import { readDataset } from "../../../../../src/core/drift/data/readDataset";

let dir: string;
const file = (name: string): string => path.join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "aiplat-drift-data-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function read(spec: string, opts: Partial<Parameters<typeof readDataset>[1]> = {}): ReturnType<typeof readDataset> {
  return readDataset(spec, { cwd: dir, ...opts });
}

async function dataset(spec: string, opts: Partial<Parameters<typeof readDataset>[1]> = {}): Promise<Dataset> {
  const r = await read(spec, opts);
  if (!r.ok) throw new Error(`expected a dataset, got ${JSON.stringify(r.error)}`);
  return r.dataset;
}

function column(d: Dataset, name: string): Column {
  const c = d.columns.get(name);
  if (!c) throw new Error(`no column ${name}; have ${[...d.columns.keys()].join(", ")}`);
  return c;
}

const numbers = (c: Column): number[] => {
  expect(c.kind).toBe("numeric");
  return Array.from(c.values as Float64Array);
};

describe("CSV", () => {
  it("reads numbers as numeric columns and pandas' default NA strings as missing", async () => {
    await writeFile(file("basic.csv"), "a,b,c\n1,x,\n2.5,NA,1e3\n-3,y,nan\n,z,inf\n");
    const d = await dataset("basic.csv");
    expect(d.rows).toBe(4);
    expect([...d.columns.keys()]).toEqual(["a", "b", "c"]);
    expect(numbers(column(d, "a"))).toEqual([1, 2.5, -3, NaN]);
    expect(column(d, "b")).toEqual({ kind: "text", name: "b", values: ["x", null, "y", "z"] });
    expect(numbers(column(d, "c"))).toEqual([NaN, 1000, NaN, Infinity]);
    expect(d.source).toEqual({ spec: "basic.csv", files: ["basic.csv"], format: "csv", rows: 4, sampledFrom: null });
    expect(d.warnings).toEqual([]);
  });

  it("splits quoted fields exactly as Python's csv module does (commas, quotes and newlines inside quotes)", async () => {
    const text = 'id,note\r\n1,"a, b"\r\n2,"say ""hi"""\r\n3,"two\nlines"\r\n4,plain\r\n';
    await writeFile(file("quoted.csv"), text);
    const python = JSON.parse(
      execFileSync("python3", ["-c", "import csv,json,sys; r=list(csv.reader(open(sys.argv[1], newline=''))); print(json.dumps([row[1] for row in r[1:]]))", file("quoted.csv")], { encoding: "utf8" }),
    ) as string[];
    const d = await dataset("quoted.csv");
    expect(column(d, "note").values).toEqual(python);
  });

  it("drops a UTF-8 byte order mark from the first column's name", async () => {
    await writeFile(file("bom.csv"), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("age,city\n30,Oslo\n")]));
    const d = await dataset("bom.csv");
    expect([...d.columns.keys()]).toEqual(["age", "city"]);
  });

  it("reads TSV by its extension", async () => {
    await writeFile(file("tabs.tsv"), "a\tb\n1\tx,y\n");
    const d = await dataset("tabs.tsv");
    expect(numbers(column(d, "a"))).toEqual([1]);
    expect(column(d, "b").values).toEqual(["x,y"]);
  });

  it("refuses a ragged row, naming the file and its line", async () => {
    await writeFile(file("ragged.csv"), "a,b,c\n1,2,3\n4,5\n6,7,8\n");
    const r = await read("ragged.csv");
    expect(r).toMatchObject({ ok: false, error: { kind: "malformed", file: file("ragged.csv"), row: 3 } });
  });

  it("refuses a quote that is never closed, and characters after a closing quote", async () => {
    await writeFile(file("unclosed.csv"), 'a,b\n1,2\n3,"open\n4,5\n');
    expect(await read("unclosed.csv")).toMatchObject({ ok: false, error: { kind: "malformed", file: file("unclosed.csv") } });
    await writeFile(file("badquote.csv"), 'a,b\n1,2\n3,"x"y\n');
    expect(await read("badquote.csv")).toMatchObject({ ok: false, error: { kind: "malformed", file: file("badquote.csv"), row: 3, column: "b" } });
  });

  it("refuses duplicate column names", async () => {
    await writeFile(file("dup.csv"), "a,b,a\n1,2,3\n");
    expect(await read("dup.csv")).toMatchObject({ ok: false, error: { kind: "malformed", row: 1, column: "a" } });
  });

  it("keeps a column mixing numbers and text as text, with a warning naming the column, file and row", async () => {
    await writeFile(file("mixed.csv"), "age,ok\n31,1\n42,2\nunknown,3\n7,4\n");
    const d = await dataset("mixed.csv");
    expect(column(d, "age")).toEqual({ kind: "text", name: "age", values: ["31", "42", "unknown", "7"] });
    expect(numbers(column(d, "ok"))).toEqual([1, 2, 3, 4]);
    expect(d.warnings).toHaveLength(1);
    expect(d.warnings[0]).toContain('"age"');
    expect(d.warnings[0]).toContain(`${file("mixed.csv")} row 4`);
  });

  it("calls a 0-byte file and a header-only file empty", async () => {
    await writeFile(file("zero.csv"), "");
    expect(await read("zero.csv")).toEqual({ ok: false, error: { kind: "empty", file: file("zero.csv") } });
    await writeFile(file("header.csv"), "a,b\n");
    expect(await read("header.csv")).toEqual({ ok: false, error: { kind: "empty", file: file("header.csv") } });
  });

  it("reads a one-row file", async () => {
    await writeFile(file("one.csv"), "a\n5\n");
    const d = await dataset("one.csv");
    expect(d.rows).toBe(1);
    expect(numbers(column(d, "a"))).toEqual([5]);
  });

  it("reads only the asked-for columns; a name not in the data is simply absent", async () => {
    await writeFile(file("wide.csv"), "a,b,c\n1,2,3\n");
    const d = await dataset("wide.csv", { columns: ["c", "zz"] });
    expect([...d.columns.keys()]).toEqual(["c"]);
  });
});

describe("encodings", () => {
  it("refuses UTF-16 with a byte order mark (what Excel's 'Unicode text' writes)", async () => {
    await writeFile(file("utf16.csv"), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("a,b\n1,2\n", "utf16le")]));
    expect(await read("utf16.csv")).toMatchObject({ ok: false, error: { kind: "encoding", file: file("utf16.csv"), byteOffset: 0 } });
  });

  it("refuses UTF-16 without a byte order mark", async () => {
    await writeFile(file("utf16nobom.csv"), Buffer.from("a,b\n1,2\n", "utf16le"));
    expect(await read("utf16nobom.csv")).toMatchObject({ ok: false, error: { kind: "encoding", file: file("utf16nobom.csv"), byteOffset: 1 } });
  });

  it("refuses Latin-1 bytes, saying where the first bad byte is", async () => {
    const bytes = Buffer.from("city\nOslo\nK\xf8benhavn\n", "latin1");
    await writeFile(file("latin1.csv"), bytes);
    expect(await read("latin1.csv")).toMatchObject({ ok: false, error: { kind: "encoding", file: file("latin1.csv"), byteOffset: bytes.indexOf(0xf8) } });
  });

  it("refuses invalid UTF-8 in JSON Lines too", async () => {
    await writeFile(file("latin1.jsonl"), Buffer.from('{"city":"K\xf8benhavn"}\n', "latin1"));
    expect(await read("latin1.jsonl")).toMatchObject({ ok: false, error: { kind: "encoding", file: file("latin1.jsonl") } });
  });
});

describe("JSON Lines", () => {
  it("reads numbers, strings, booleans and nulls; a missing key is missing", async () => {
    await writeFile(file("rows.jsonl"), '{"a":1,"b":"x","c":true}\n\n{"a":null,"b":"y"}\r\n{"b":"z","c":false,"a":3.5}');
    const d = await dataset("rows.jsonl");
    expect(d.rows).toBe(3);
    expect(numbers(column(d, "a"))).toEqual([1, NaN, 3.5]);
    expect(column(d, "b").values).toEqual(["x", "y", "z"]);
    expect(column(d, "c").values).toEqual(["true", null, "false"]);
  });

  it("a key first seen late is missing on the rows before it", async () => {
    await writeFile(file("late.jsonl"), '{"a":1}\n{"a":2}\n{"a":3,"b":9}\n');
    const d = await dataset("late.jsonl");
    expect(numbers(column(d, "b"))).toEqual([NaN, NaN, 9]);
  });

  it("refuses a line that is not JSON, or not an object, naming the line", async () => {
    await writeFile(file("bad.jsonl"), '{"a":1}\n{"a":2\n');
    expect(await read("bad.jsonl")).toMatchObject({ ok: false, error: { kind: "malformed", file: file("bad.jsonl"), row: 2 } });
    await writeFile(file("array.jsonl"), '{"a":1}\n[1,2]\n');
    expect(await read("array.jsonl")).toMatchObject({ ok: false, error: { kind: "malformed", row: 2, detail: "not a JSON object" } });
  });

  it("drops a nested column with a warning, and refuses it when asked for by name", async () => {
    await writeFile(file("nested.jsonl"), '{"a":1,"tags":["x"]}\n{"a":2,"tags":["y"]}\n');
    const d = await dataset("nested.jsonl");
    expect([...d.columns.keys()]).toEqual(["a"]);
    expect(d.warnings[0]).toContain('"tags"');
    expect(await read("nested.jsonl", { columns: ["a", "tags"] })).toMatchObject({ ok: false, error: { kind: "unsupported", file: file("nested.jsonl"), column: "tags" } });
  });

  it("calls a file of blank lines empty", async () => {
    await writeFile(file("blank.jsonl"), "\n\n");
    expect(await read("blank.jsonl")).toEqual({ ok: false, error: { kind: "empty", file: file("blank.jsonl") } });
  });
});

describe("Parquet", () => {
  it("reads float, integer, string and boolean columns, with nulls as missing", async () => {
    await writeFile(
      file("flat.parquet"),
      Buffer.from(
        parquetWriteBuffer({
          columnData: [
            { name: "x", data: new Float64Array([1.5, 2.5, 3.5]) },
            { name: "n", data: [1, null, 3], type: "INT32", nullable: true },
            { name: "big", data: new BigInt64Array([10n, 20n, 30n]), type: "INT64" },
            { name: "s", data: ["a", null, "c"], type: "STRING", nullable: true },
            { name: "flag", data: [true, false, true], type: "BOOLEAN" },
          ],
          rowGroupSize: 2,
        }),
      ),
    );
    const d = await dataset("flat.parquet");
    expect(d.rows).toBe(3);
    expect(d.source.format).toBe("parquet");
    expect(numbers(column(d, "x"))).toEqual([1.5, 2.5, 3.5]);
    expect(numbers(column(d, "n"))).toEqual([1, NaN, 3]);
    expect(numbers(column(d, "big"))).toEqual([10, 20, 30]);
    expect(column(d, "s").values).toEqual(["a", null, "c"]);
    expect(column(d, "flag").values).toEqual(["true", "false", "true"]);
  });

  it("drops nested list and struct columns with a warning naming each; asked for by name, refuses it", async () => {
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: "x", data: new Float64Array([1, 2, 3]) },
        { name: "tags", data: [[1, 2], [3], []] },
        { name: "obj", data: [{ a: 1 }, { a: 2 }, { a: 3 }] },
      ],
      schema: [
        { name: "root", num_children: 3 },
        { name: "x", type: "DOUBLE", repetition_type: "REQUIRED" },
        { name: "tags", repetition_type: "OPTIONAL", num_children: 1, converted_type: "LIST" },
        { name: "list", repetition_type: "REPEATED", num_children: 1 },
        { name: "element", type: "INT32", repetition_type: "OPTIONAL" },
        { name: "obj", repetition_type: "OPTIONAL", num_children: 1 },
        { name: "a", type: "INT32", repetition_type: "OPTIONAL" },
      ],
    });
    await writeFile(file("nested.parquet"), Buffer.from(buffer));
    const d = await dataset("nested.parquet");
    expect([...d.columns.keys()]).toEqual(["x"]);
    expect(d.warnings).toEqual([expect.stringContaining('"tags" dropped: nested list'), expect.stringContaining('"obj" dropped: nested struct')]);
    expect(await read("nested.parquet", { columns: ["x", "obj"] })).toMatchObject({ ok: false, error: { kind: "unsupported", file: file("nested.parquet"), column: "obj" } });
  });

  it("refuses a file with only unsupported columns (timestamps)", async () => {
    await writeFile(file("times.parquet"), Buffer.from(parquetWriteBuffer({ columnData: [{ name: "when", data: [new Date(0), new Date(1)] }] })));
    expect(await read("times.parquet")).toMatchObject({ ok: false, error: { kind: "unsupported", column: "when", detail: "date/time column" } });
  });

  it("calls a truncated file malformed and a 0-byte file empty", async () => {
    const buffer = Buffer.from(parquetWriteBuffer({ columnData: [{ name: "x", data: new Float64Array([1, 2, 3]) }] }));
    await writeFile(file("cut.parquet"), buffer.subarray(0, buffer.length - 10));
    expect(await read("cut.parquet")).toMatchObject({ ok: false, error: { kind: "malformed", file: file("cut.parquet") } });
    await writeFile(file("zero.parquet"), "");
    expect(await read("zero.parquet")).toEqual({ ok: false, error: { kind: "empty", file: file("zero.parquet") } });
  });
});

describe("globs and several files", () => {
  it("concatenates matching files in name order", async () => {
    await mkdir(file("parts"), { recursive: true });
    await writeFile(file("parts/b.csv"), "x,y\n3,c\n");
    await writeFile(file("parts/a.csv"), "y,x\na,1\nb,2\n");
    await writeFile(file("parts/notes.txt"), "ignored");
    const d = await dataset("parts/*.csv");
    expect(d.source.files).toEqual(["parts/a.csv", "parts/b.csv"]);
    // Outside cwd, files stay absolute.
    expect((await dataset(file("parts/*.csv"), { cwd: path.join(dir, "parts", "sub") })).source.files).toEqual([file("parts/a.csv"), file("parts/b.csv")]);
    expect(numbers(column(d, "x"))).toEqual([1, 2, 3]);
    expect(column(d, "y").values).toEqual(["a", "b", "c"]);
  });

  it("refuses files that disagree on their columns, naming the one that differs", async () => {
    await mkdir(file("differ"), { recursive: true });
    await writeFile(file("differ/1.csv"), "a,b\n1,2\n");
    await writeFile(file("differ/2.csv"), "a,c\n1,2\n");
    expect(await read("differ/*.csv")).toEqual({
      ok: false,
      error: { kind: "columns-differ", file: file("differ/2.csv"), expectedFrom: file("differ/1.csv"), missing: ["b"], extra: ["c"] },
    });
  });

  it("concatenates Parquet parts too, and refuses parts with different columns", async () => {
    await mkdir(file("pq"), { recursive: true });
    await writeFile(file("pq/part-0.parquet"), Buffer.from(parquetWriteBuffer({ columnData: [{ name: "x", data: new Float64Array([1, 2]) }] })));
    await writeFile(file("pq/part-1.parquet"), Buffer.from(parquetWriteBuffer({ columnData: [{ name: "x", data: new Float64Array([3]) }] })));
    expect(numbers(column(await dataset("pq"), "x"))).toEqual([1, 2, 3]);
    await writeFile(file("pq/part-2.parquet"), Buffer.from(parquetWriteBuffer({ columnData: [{ name: "z", data: new Float64Array([3]) }] })));
    expect(await read("pq/*.parquet")).toMatchObject({ ok: false, error: { kind: "columns-differ", file: file("pq/part-2.parquet"), missing: ["x"], extra: ["z"] } });
  });

  it("reports a glob that matches nothing, and a missing file, as no-match with the spec", async () => {
    expect(await read("nothing/**/*.parquet")).toEqual({ ok: false, error: { kind: "no-match", spec: "nothing/**/*.parquet" } });
    expect(await read("absent.csv")).toEqual({ ok: false, error: { kind: "no-match", spec: "absent.csv" } });
  });

  it("refuses an unknown extension and a glob mixing formats", async () => {
    await writeFile(file("data.xlsx"), "x");
    expect(await read("data.xlsx")).toEqual({ ok: false, error: { kind: "unknown-format", file: file("data.xlsx") } });
    await mkdir(file("mix"), { recursive: true });
    await writeFile(file("mix/a.csv"), "a\n1\n");
    await writeFile(file("mix/b.jsonl"), '{"a":1}\n');
    expect(await read("mix/*")).toEqual({ ok: false, error: { kind: "mixed-formats", files: [file("mix/a.csv"), file("mix/b.jsonl")] } });
  });
});

describe("limits, sampling, cancellation", () => {
  it("refuses a 50 GB file by its size without reading it", async () => {
    // A sparse file: 50 GB by stat, no blocks on disk, and a read would take minutes.
    await truncate(await writeFile(file("huge.csv"), "a\n1\n").then(() => file("huge.csv")), 50e9);
    const progress: number[] = [];
    const r = await read("huge.csv", { onProgress: (f) => progress.push(f) });
    expect(r).toEqual({ ok: false, error: { kind: "too-large", file: file("huge.csv"), bytes: 50e9, limit: 2 * 1024 ** 3 } });
    expect(progress).toEqual([]);
  });

  it("applies the limit to all files of a glob together", async () => {
    await mkdir(file("sum"), { recursive: true });
    await writeFile(file("sum/a.csv"), "a\n1\n2\n");
    await writeFile(file("sum/b.csv"), "a\n1\n");
    expect(await read("sum/*.csv", { maxBytes: 8 })).toEqual({ ok: false, error: { kind: "too-large", file: file("sum/a.csv"), bytes: 10, limit: 8 } });
  });

  it("samples the same rows for the same seed, in file order, from CSV, JSON Lines and Parquet alike", async () => {
    const n = 1000;
    const values = Array.from({ length: n }, (_, i) => i);
    await writeFile(file("seq.csv"), `i\n${values.join("\n")}\n`);
    await writeFile(file("seq.jsonl"), values.map((i) => JSON.stringify({ i })).join("\n"));
    await writeFile(file("seq.parquet"), Buffer.from(parquetWriteBuffer({ columnData: [{ name: "i", data: new Float64Array(values) }], rowGroupSize: 128 })));
    const sample = { rows: 100, seed: 42 };
    const fromCsv = await dataset("seq.csv", { sample });
    const fromJsonl = await dataset("seq.jsonl", { sample });
    const fromParquet = await dataset("seq.parquet", { sample });
    const picked = numbers(column(fromCsv, "i"));
    expect(picked).toHaveLength(100);
    expect(new Set(picked).size).toBe(100);
    expect(picked).toEqual([...picked].sort((a, b) => a - b));
    expect(numbers(column(fromJsonl, "i"))).toEqual(picked);
    expect(numbers(column(fromParquet, "i"))).toEqual(picked);
    expect(fromCsv.source).toMatchObject({ rows: 100, sampledFrom: n });
    expect(fromParquet.source).toMatchObject({ rows: 100, sampledFrom: n });
    expect(numbers(column(await dataset("seq.csv", { sample: { rows: 100, seed: 7 } }), "i"))).not.toEqual(picked);
    // Asking for more rows than there are is no sampling at all.
    expect((await dataset("seq.csv", { sample: { rows: 5000, seed: 1 } })).source).toMatchObject({ rows: n, sampledFrom: null });
    // A sample far larger than the data allocates for the data, not for the sample.
    expect((await dataset("seq.jsonl", { sample: { rows: 1e9, seed: 1 } })).source).toMatchObject({ rows: n, sampledFrom: null });
  });

  it("a sample is uniform: each row is kept about rows/n of the time over many seeds", async () => {
    await writeFile(file("twenty.csv"), `i\n${Array.from({ length: 20 }, (_, i) => i).join("\n")}\n`);
    const kept = new Array<number>(20).fill(0);
    const seeds = 400;
    for (let seed = 0; seed < seeds; seed++) for (const i of numbers(column(await dataset("twenty.csv", { sample: { rows: 5, seed } }), "i"))) kept[i] = (kept[i] ?? 0) + 1;
    // Each count is Binomial(400, 0.25): mean 100, sd ≈ 8.7; ±45 is over 5 sd.
    for (const k of kept) expect(Math.abs(k - 100)).toBeLessThan(45);
  });

  it("stops when the signal is aborted and reports progress while reading", async () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => `${i},${i % 7}`).join("\n");
    await writeFile(file("long.csv"), `a,b\n${rows}\n`);
    const progress: number[] = [];
    const whole = await read("long.csv", { onProgress: (f) => progress.push(f) });
    expect(whole.ok).toBe(true);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(1);
    const controller = new AbortController();
    const r = await read("long.csv", { signal: controller.signal, onProgress: () => controller.abort() });
    expect(r).toEqual({ ok: false, error: { kind: "cancelled" } });
  }, 30_000); // 200k rows read twice: more than vitest's 5 s default on a busy 2-core machine
});
