import { randomBytes } from "node:crypto";
import { link, lstat, mkdir, readdir, readFile, realpath, rename, stat, unlink, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { DriftResult, type DriftHistoryPoint } from "../../shared/protocol/drift";

/**
 * Drift results kept as evidence: one JSON file per check under
 * `<workspace>/.aiplatform/drift/<service>/`, so history survives reloads and can be committed.
 * Each file is a whole DriftResult (the one shape `aiplat drift -o json` prints).
 */

export const driftHistoryFolder = ".aiplatform/drift";

/** History files bigger than this are not results we wrote (a few MB at 5000 features); skipped unread. */
const maxHistoryFileBytes = 64 * 1024 * 1024;

/** The dashboard's history chart holds at most this many points (DriftView.history). */
export const maxHistoryPoints = 1000;

export type DriftHistoryError =
  /** The service name cannot be a folder name: not a DNS-1123 name, or "namespace/name" of them. */
  | { readonly kind: "bad-service"; readonly service: string }
  /** The folder would resolve outside the workspace (a symlinked .aiplatform, say). */
  | { readonly kind: "outside-workspace"; readonly folder: string; readonly workspace: string }
  | { readonly kind: "io"; readonly file: string; readonly code: string | undefined; readonly detail: string };

/** A history file that was skipped, and why; reading goes on without it. */
export type DriftHistoryWarning =
  | { readonly kind: "unreadable"; readonly file: string; readonly detail: string }
  | { readonly kind: "not-json"; readonly file: string; readonly detail: string }
  | { readonly kind: "not-a-result"; readonly file: string; readonly detail: string }
  | { readonly kind: "too-large"; readonly file: string; readonly bytes: number };

// A Kubernetes name (the manifest's name, a namespace) can be a folder name on every OS.
const nameSegment = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** The service's path segments under the history folder: "name" or "namespace/name". */
function serviceSegments(service: string): readonly string[] | undefined {
  const parts = service.split("/");
  if (parts.length > 2 || !parts.every((p) => nameSegment.test(p) && !p.includes(".."))) return undefined;
  return parts;
}

/** Where a service's history lives, or why it cannot (nothing is created). */
export function driftHistoryDir(workspace: string, service: string): { ok: true; dir: string } | { ok: false; error: DriftHistoryError } {
  const segments = serviceSegments(service);
  if (!segments) return { ok: false, error: { kind: "bad-service", service } };
  return { ok: true, dir: path.join(path.resolve(workspace), ...driftHistoryFolder.split("/"), ...segments) };
}

/**
 * A check time as a file name: ISO 8601 with the colons turned into dashes, since Windows (and
 * git checkouts there) refuse ':' in file names. Sorting the names sorts the times.
 */
export function historyFileName(checkedAt: string): string {
  const t = Date.parse(checkedAt);
  const iso = Number.isFinite(t) ? new Date(t).toISOString() : new Date().toISOString();
  return `${iso.replace(/:/g, "-")}.json`;
}

const inside = (parent: string, child: string): boolean => {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
};

const ioError = (file: string, e: unknown): DriftHistoryError => ({ kind: "io", file, code: (e as NodeJS.ErrnoException | undefined)?.code, detail: e instanceof Error ? e.message : String(e) });

/**
 * Writes a result into its service's history: a temporary file in the same folder, then
 * hard-linked to its name, so a reader never sees half a file and a check made in the same
 * millisecond gets a numbered name instead of replacing the first. Each folder on the way is
 * checked (symlinks resolved) to be inside the workspace before anything is created in it.
 */
export async function writeDriftHistory(workspace: string, service: string, result: DriftResult): Promise<{ ok: true; file: string } | { ok: false; error: DriftHistoryError }> {
  const where = driftHistoryDir(workspace, service);
  if (!where.ok) return where;
  const dir = where.dir;
  let realWorkspace: string;
  try {
    realWorkspace = await realpath(path.resolve(workspace));
  } catch (e) {
    return { ok: false, error: ioError(workspace, e) };
  }
  // Check each existing step before creating the next, so a symlink planted anywhere on the way is refused.
  const steps = path.relative(path.resolve(workspace), dir).split(path.sep);
  let at = path.resolve(workspace);
  for (const step of steps) {
    at = path.join(at, step);
    try {
      const real = await realpath(at);
      if (!inside(realWorkspace, real)) return { ok: false, error: { kind: "outside-workspace", folder: at, workspace: realWorkspace } };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") return { ok: false, error: ioError(at, e) };
      try {
        await mkdir(at);
      } catch (made) {
        if ((made as NodeJS.ErrnoException).code !== "EEXIST") return { ok: false, error: ioError(at, made) };
      }
    }
  }
  const text = `${JSON.stringify(DriftResult.parse(result), null, 2)}\n`;
  const base = historyFileName(result.checkedAt).replace(/\.json$/, "");
  const temp = path.join(dir, `.${base}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await writeFile(temp, text, { flag: "wx" });
  } catch (e) {
    return { ok: false, error: ioError(temp, e) };
  }
  for (let n = 0; n < 1000; n++) {
    const file = path.join(dir, `${base}${n === 0 ? "" : `-${n}`}.json`);
    try {
      // link() refuses a name that exists, atomically; rename() would replace a check made in the same millisecond.
      await link(temp, file);
      await unlink(temp).catch(() => undefined);
      return { ok: true, file };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EEXIST") continue;
      // File systems without hard links (some network and FAT mounts): rename, having looked first.
      if (code === "EPERM" || code === "ENOTSUP" || code === "ENOSYS") {
        if (await lstat(file).then(() => true, () => false)) continue;
        try {
          await rename(temp, file);
          return { ok: true, file };
        } catch (renamed) {
          await unlink(temp).catch(() => undefined);
          return { ok: false, error: ioError(file, renamed) };
        }
      }
      await unlink(temp).catch(() => undefined);
      return { ok: false, error: ioError(file, e) };
    }
  }
  await unlink(temp).catch(() => undefined);
  return { ok: false, error: { kind: "io", file: path.join(dir, `${base}.json`), code: "EEXIST", detail: "a thousand checks in one millisecond" } };
}

export interface DriftHistory {
  /** Oldest first, by checkedAt. */
  readonly results: readonly DriftResult[];
  readonly warnings: readonly DriftHistoryWarning[];
}

/**
 * Every result in a service's history, oldest first; files that are not results (hand-edited,
 * cut short, from a newer version) are skipped with a warning so one bad file never hides the
 * rest. A service with no history yet has none, not an error. At most `limit` newest are read.
 */
export async function readDriftHistory(workspace: string, service: string, opts: { limit?: number; signal?: AbortSignal } = {}): Promise<{ ok: true; history: DriftHistory } | { ok: false; error: DriftHistoryError }> {
  const where = driftHistoryDir(workspace, service);
  if (!where.ok) return where;
  let names: string[];
  try {
    names = (await readdir(where.dir, { withFileTypes: true })).filter((d) => d.isFile() && d.name.endsWith(".json") && !d.name.startsWith(".")).map((d) => d.name);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { ok: true, history: { results: [], warnings: [] } };
    return { ok: false, error: ioError(where.dir, e) };
  }
  // Names sort as their times do; read only the newest ones the caller wants.
  names.sort();
  const limit = opts.limit ?? maxHistoryPoints;
  const chosen = names.slice(Math.max(0, names.length - limit));
  const results: DriftResult[] = [];
  const warnings: DriftHistoryWarning[] = [];
  for (const name of chosen) {
    opts.signal?.throwIfAborted();
    const file = path.join(where.dir, name);
    const read = await readHistoryFile(file);
    if ("warning" in read) warnings.push(read.warning);
    else results.push(read.result);
  }
  results.sort((a, b) => Date.parse(a.checkedAt) - Date.parse(b.checkedAt));
  return { ok: true, history: { results, warnings } };
}

async function readHistoryFile(file: string): Promise<{ result: DriftResult } | { warning: DriftHistoryWarning }> {
  let text: string;
  try {
    const info = await stat(file);
    if (info.size > maxHistoryFileBytes) return { warning: { kind: "too-large", file, bytes: info.size } };
    text = await readFile(file, "utf8");
  } catch (e) {
    return { warning: { kind: "unreadable", file, detail: e instanceof Error ? e.message : String(e) } };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { warning: { kind: "not-json", file, detail: e instanceof Error ? e.message : String(e) } };
  }
  const parsed = DriftResult.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { warning: { kind: "not-a-result", file, detail: issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "not a drift result" } };
  }
  return { result: parsed.data };
}

/** One result as a point of the history chart: each feature's score, method and verdict. */
export function toHistoryPoint(result: DriftResult): DriftHistoryPoint {
  // fromEntries defines own properties, so a column named "__proto__" stays a column.
  const scores: DriftHistoryPoint["scores"] = Object.fromEntries(result.features.map((f) => [f.name, { score: f.score, method: f.method, drifted: f.drifted }]));
  return { checkedAt: result.checkedAt, modelVersion: result.modelVersion, datasetDrift: result.datasetDrift, driftShare: result.driftShare, scores };
}
