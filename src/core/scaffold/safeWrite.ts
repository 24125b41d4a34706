import { chmod, lstat, mkdir, mkdtemp, readdir, rename, rm, rmdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import type { PlannedFile } from "./planScaffold";
import type { ScaffoldError } from "./scaffoldError";

/**
 * Writes a whole directory or nothing. The files go into a fresh temporary directory next to
 * the target (same filesystem, so the final rename is atomic) and that directory is renamed
 * into place. rename(2) replaces an empty directory but never a non-empty one, so a target
 * someone fills in the meantime is refused, not overwritten. On any failure the temporary
 * directory, and any parent directories created for it, are removed.
 */

export type WriteResult = { readonly ok: true; readonly dir: string } | { readonly ok: false; readonly error: ScaffoldError };

const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const errorCode = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;

/**
 * A safe relative output path: '/'-separated segments of [A-Za-z0-9._-], none of them '.',
 * '..' or empty, and resolving inside the output directory.
 */
export function isSafeRelativePath(p: string): boolean {
  if (p.length === 0 || p.length > 255 || p.startsWith("/") || path.isAbsolute(p)) return false;
  const segments = p.split("/");
  if (segments.some((s) => s === "" || s === "." || s === ".." || !/^[A-Za-z0-9._-]+$/.test(s))) return false;
  const root = path.resolve("/scaffold-root");
  const resolved = path.resolve(root, p);
  return resolved.startsWith(root + path.sep);
}

/** Why an existing path cannot become the target, or undefined when it can (absent, or an empty directory). */
async function targetProblem(dir: string): Promise<ScaffoldError | undefined> {
  try {
    const stat = await lstat(dir);
    if (stat.isSymbolicLink()) return { kind: "target-exists", dir, reason: "symlink" };
    if (!stat.isDirectory()) return { kind: "target-exists", dir, reason: "not-a-directory" };
    if ((await readdir(dir)).length > 0) return { kind: "target-exists", dir, reason: "not-empty" };
    return undefined;
  } catch (err) {
    if (errorCode(err) === "ENOENT") return undefined;
    return { kind: "io", path: dir, message: errorMessage(err), ...codeOf(err) };
  }
}

export async function writeDirectoryAtomically(outDir: string, files: readonly PlannedFile[]): Promise<WriteResult> {
  const target = path.resolve(outDir);
  // Every path is checked before anything is created.
  for (const f of files) {
    if (!isSafeRelativePath(f.path)) return { ok: false, error: { kind: "outside-target", path: f.path, dir: target } };
  }
  const problem = await targetProblem(target);
  if (problem) return { ok: false, error: problem };

  const parent = path.dirname(target);
  let createdParent: string | undefined;
  let temp: string | undefined;
  try {
    createdParent = await mkdir(parent, { recursive: true });
    temp = await mkdtemp(path.join(parent, `.${path.basename(target)}.aiplat-`));
    for (const f of files) {
      const file = path.resolve(temp, ...f.path.split("/"));
      if (!file.startsWith(temp + path.sep)) return await failed({ kind: "outside-target", path: f.path, dir: target });
      await mkdir(path.dirname(file), { recursive: true });
      // wx: the directory is ours and fresh, so an existing file means something is wrong.
      await writeFile(file, f.content, { flag: "wx", mode: 0o644 });
    }
    await chmod(temp, 0o755);
    await rename(temp, target);
    return { ok: true, dir: target };
  } catch (err) {
    const code = errorCode(err);
    if (temp && (code === "ENOTEMPTY" || code === "EEXIST" || code === "ENOTDIR" || code === "EISDIR")) {
      return await failed({ kind: "target-exists", dir: target, reason: "appeared-while-writing" });
    }
    return await failed({ kind: "io", path: target, message: errorMessage(err), ...codeOf(err) });
  }

  async function failed(error: ScaffoldError): Promise<WriteResult> {
    if (temp) await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    if (createdParent) await removeEmptyDirs(parent, createdParent);
    return { ok: false, error };
  }
}

/** rmdir from `deepest` up to and including `top`, stopping at the first directory that is not empty. */
async function removeEmptyDirs(deepest: string, top: string): Promise<void> {
  for (let dir = deepest; ; dir = path.dirname(dir)) {
    try {
      await rmdir(dir);
    } catch {
      return;
    }
    if (dir === top || path.dirname(dir) === dir) return;
  }
}

function codeOf(err: unknown): { code?: string } {
  const code = errorCode(err);
  return code ? { code } : {};
}
