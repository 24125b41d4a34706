import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { globToRegExp, resolveDatasetSpec } from "../../../../../src/core/drift/data/datasetSpec";

let dir: string;
const tree = [
  "ref.csv",
  "cur.csv",
  ".hidden.csv",
  "data/2026-01/a.parquet",
  "data/2026-01/b.parquet",
  "data/2026-02/a.parquet",
  "data/2026-02/notes.md",
  "data/.cache/x.parquet",
  "data/top.parquet",
  "logs/day1.jsonl",
  "logs/day2.jsonl",
  "logs/day10.jsonl",
];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "aiplat-drift-glob-"));
  for (const f of tree) {
    await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
    await writeFile(path.join(dir, f), "");
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Python's glob.glob(recursive=True), the independent oracle: `*` skips dotfiles, `**` spans directories. */
function pythonGlob(pattern: string): string[] {
  const out = execFileSync("python3", ["-c", "import glob,json,os,sys; os.chdir(sys.argv[1]); print(json.dumps(sorted(p for p in glob.glob(sys.argv[2], recursive=True) if os.path.isfile(p))))", dir, pattern], {
    encoding: "utf8",
  });
  return (JSON.parse(out) as string[]).map((p) => path.join(dir, p));
}

async function ours(spec: string): Promise<string[]> {
  const r = await resolveDatasetSpec(spec, dir);
  return r.ok ? r.files : [];
}

describe("resolveDatasetSpec", () => {
  for (const pattern of ["*.csv", "data/*/*.parquet", "data/**/*.parquet", "**/*.parquet", "logs/day?.jsonl", "logs/day[12].jsonl", "logs/day[!1].jsonl", "data/2026-0*/a.parquet"]) {
    it(`matches ${pattern} as Python's glob does`, async () => {
      const expected = pythonGlob(pattern);
      expect(expected.length).toBeGreaterThan(0);
      expect(await ours(pattern)).toEqual(expected);
    });
  }

  it("expands {a,b} alternatives", async () => {
    expect(await ours("{ref,cur}.csv")).toEqual([path.join(dir, "cur.csv"), path.join(dir, "ref.csv")]);
  });

  it("takes a directory as its data files below it, skipping hidden ones", async () => {
    expect(await ours("data")).toEqual(pythonGlob("data/**/*.parquet"));
  });

  it("takes absolute paths and globs", async () => {
    expect(await ours(path.join(dir, "logs/*.jsonl"))).toEqual(pythonGlob("logs/*.jsonl"));
  });

  it("says what went wrong: nothing matched, an unknown format, or formats mixed", async () => {
    expect(await resolveDatasetSpec("nope/*.csv", dir)).toEqual({ ok: false, error: { kind: "no-match", spec: "nope/*.csv" } });
    expect(await resolveDatasetSpec("data/2026-02/*", dir)).toEqual({ ok: false, error: { kind: "unknown-format", file: path.join(dir, "data/2026-02/notes.md") } });
    expect(await resolveDatasetSpec("**/*.{csv,jsonl}", dir)).toEqual({ ok: false, error: { kind: "mixed-formats", files: [path.join(dir, "cur.csv"), path.join(dir, "logs/day1.jsonl")] } });
  });

  it("escapes regular-expression characters in literal parts", () => {
    expect(globToRegExp("a+b(1).csv").test("a+b(1).csv")).toBe(true);
    expect(globToRegExp("a.csv").test("abcsv")).toBe(false);
  });
});
