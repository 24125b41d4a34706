/**
 * A dataset spec (a file, a directory, or a glob, relative to cwd) to the sorted files it names and
 * their one format. The glob is ours, small and sync-free: neither tinyglobby nor fast-glob is a
 * dependency of this package (both only arrive transitively through dev tools), and Node 20 has no
 * fs.glob. Supported: `*`, `?`, `**`, `[abc]`/`[!abc]`, `{a,b}`; like shells, `*` skips dotfiles.
 */
import { readdir, stat } from "node:fs/promises";
import * as path from "node:path";
import type { DataSource } from "../../../shared/protocol/drift";
import type { DataError } from "./dataset";

export type DataFormat = DataSource["format"];

export function formatOf(file: string): DataFormat | null {
  const lower = file.toLowerCase();
  if (lower.endsWith(".csv") || lower.endsWith(".tsv")) return "csv";
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) return "jsonl";
  if (lower.endsWith(".parquet") || lower.endsWith(".pq")) return "parquet";
  return null;
}

const globChars = /[*?[{]/;

/** A glob (forward slashes) as an anchored RegExp over forward-slash relative paths. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        const slashAfter = glob[i + 2] === "/";
        const atSegmentStart = i === 0 || glob[i - 1] === "/";
        if (atSegmentStart && (slashAfter || i + 2 === glob.length)) {
          // `**/` matches zero or more directories; a trailing `**` everything below.
          re += slashAfter ? "(?:[^/.][^/]*/)*" : "(?:[^/.][^/]*(?:/[^/.][^/]*)*)?";
          i += slashAfter ? 2 : 1;
          continue;
        }
      }
      re += atSegment(glob, i) ? "(?:[^/.][^/]*)?" : "[^/]*";
    } else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const close = glob.indexOf("]", i + 2);
      if (close < 0) re += "\\[";
      else {
        const body = glob.slice(i + 1, close).replace(/\\/g, "\\\\");
        re += `[${body.startsWith("!") ? `^/${body.slice(1)}` : body}]`;
        i = close;
      }
    } else if (c === "{") {
      braces++;
      re += "(?:";
    } else if (c === "}" && braces > 0) {
      braces--;
      re += ")";
    } else if (c === "," && braces > 0) re += "|";
    else re += c.replace(/[.+^$()|\\\]]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** Is a `*` at the start of a path segment (where it must not match a leading dot)? */
function atSegment(glob: string, i: number): boolean {
  return i === 0 || glob[i - 1] === "/";
}

export type SpecResult = { ok: true; files: string[]; format: DataFormat } | { ok: false; error: DataError };

/** Resolves a spec to absolute file paths in a stable (sorted) order, the order they are concatenated in. */
export async function resolveDatasetSpec(spec: string, cwd: string, signal?: AbortSignal): Promise<SpecResult> {
  const normalised = process.platform === "win32" ? spec.replace(/\\/g, "/") : spec;
  let files: string[];
  if (!globChars.test(normalised)) {
    const full = path.resolve(cwd, spec);
    const info = await stat(full).catch(() => null);
    if (!info) return { ok: false, error: { kind: "no-match", spec } };
    // A directory means its data files, the way Spark and pyarrow write a dataset (part-*.parquet).
    files = info.isDirectory() ? await walk(full, /^(?:[^/._][^/]*\/)*[^/._][^/]*$/, Infinity, signal) : [full];
    if (info.isDirectory()) files = files.filter((f) => formatOf(f) !== null);
  } else {
    const absolute = path.isAbsolute(normalised) || /^[A-Za-z]:\//.test(normalised);
    const full = absolute ? normalised : `${path.resolve(cwd).replace(/\\/g, "/")}/${normalised}`;
    const segments = full.split("/");
    const firstGlob = segments.findIndex((s) => globChars.test(s));
    const base = segments.slice(0, firstGlob).join("/") || "/";
    const pattern = segments.slice(firstGlob).join("/");
    const depth = pattern.includes("**") ? Infinity : pattern.split("/").length;
    files = await walk(path.normalize(base), globToRegExp(pattern), depth, signal);
  }
  if (signal?.aborted) return { ok: false, error: { kind: "cancelled" } };
  files.sort();
  const first = files[0];
  if (first === undefined) return { ok: false, error: { kind: "no-match", spec } };
  const format = formatOf(first);
  if (!format) return { ok: false, error: { kind: "unknown-format", file: first } };
  for (const f of files) {
    const other = formatOf(f);
    if (!other) return { ok: false, error: { kind: "unknown-format", file: f } };
    if (other !== format) return { ok: false, error: { kind: "mixed-formats", files: [first, f] } };
  }
  return { ok: true, files, format };
}

/** Files under `root` whose forward-slash path relative to root matches, at most `depth` segments deep. */
async function walk(root: string, match: RegExp, depth: number, signal: AbortSignal | undefined): Promise<string[]> {
  const found: string[] = [];
  const visit = async (dir: string, rel: string, level: number): Promise<void> => {
    if (signal?.aborted) return;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (level + 1 < depth && entry.name !== "node_modules" && entry.name !== ".git") await visit(path.join(dir, entry.name), relPath, level + 1);
      } else if ((entry.isFile() || entry.isSymbolicLink()) && match.test(relPath)) found.push(path.join(dir, entry.name));
    }
  };
  await visit(root, "", 0);
  return found;
}
