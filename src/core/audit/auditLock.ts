import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import * as os from "node:os";

/**
 * An exclusive lock between processes (the extension host and any number of aiplat runs) on
 * one audit log: a file created with O_EXCL that says who holds it. A holder that died, or that
 * has held it far longer than an append takes, is broken so one crash cannot stop the log.
 */

export interface LockOptions {
  /** Give up waiting after this long. */
  readonly timeoutMs?: number;
  /** A lock older than this is taken to be left behind by a crashed or hung writer. */
  readonly staleMs?: number;
}

export const defaultLockTimeoutMs = 5_000;
export const defaultStaleLockMs = 30_000;

export type LockResult =
  | { readonly ok: true; readonly release: () => Promise<void>; readonly notes: readonly string[] }
  | { readonly ok: false; readonly error: string };

interface LockHolder {
  readonly pid?: number;
  readonly host?: string;
  readonly token?: string;
  readonly acquiredAt?: string;
}

interface SeenLock {
  readonly raw: string;
  readonly mtimeMs: number;
  readonly holder: LockHolder;
}

export async function acquireFileLock(lockPath: string, options: LockOptions = {}): Promise<LockResult> {
  const timeoutMs = options.timeoutMs ?? defaultLockTimeoutMs;
  const staleMs = options.staleMs ?? defaultStaleLockMs;
  const token = randomUUID();
  const notes: string[] = [];
  const deadline = Date.now() + timeoutMs;
  let delay = 4;
  for (;;) {
    const created = await tryCreate(lockPath, token);
    if (created === "created") return { ok: true, release: () => release(lockPath, token), notes };
    if (created !== "exists") return { ok: false, error: `cannot create the lock file ${lockPath}: ${created.message}` };

    const seen = await readLock(lockPath);
    if (!seen) continue; // released between our attempt and the read
    const stale = staleness(seen, staleMs);
    if (stale) {
      if (await breakLock(lockPath, seen)) notes.push(`broke a stale lock on the audit log (${describeHolder(seen)}): ${stale}`);
      continue;
    }
    if (Date.now() >= deadline) {
      return { ok: false, error: `the audit log is locked by ${describeHolder(seen)}; gave up after ${timeoutMs / 1000} s. If no aiplat or VS Code is writing to it, delete ${lockPath}.` };
    }
    // Jitter keeps two waiters from retrying in lockstep.
    await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
    delay = Math.min(delay * 2, 200);
  }
}

async function tryCreate(lockPath: string, token: string): Promise<"created" | "exists" | Error> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(lockPath, "wx");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return "exists";
    return err instanceof Error ? err : new Error(String(err));
  }
  try {
    const holder: LockHolder = { pid: process.pid, host: os.hostname(), token, acquiredAt: new Date().toISOString() };
    await handle.writeFile(JSON.stringify(holder));
  } finally {
    await handle.close();
  }
  return "created";
}

async function readLock(lockPath: string): Promise<SeenLock | undefined> {
  try {
    const [raw, stat] = await Promise.all([fs.readFile(lockPath, "utf8"), fs.stat(lockPath)]);
    let holder: LockHolder = {};
    try {
      holder = JSON.parse(raw) as LockHolder;
    } catch {
      // Created but not yet written, or written by a writer that crashed in between: judged by its age.
    }
    return { raw, mtimeMs: stat.mtimeMs, holder };
  } catch {
    return undefined;
  }
}

function staleness(seen: SeenLock, staleMs: number): string | undefined {
  const since = Date.parse(seen.holder.acquiredAt ?? "") || seen.mtimeMs;
  const age = Date.now() - since;
  if (age > staleMs) return `held for ${Math.round(age / 1000)} s, longer than ${staleMs / 1000} s`;
  const { pid, host } = seen.holder;
  if (typeof pid === "number" && host === os.hostname() && !processAlive(pid)) return `process ${pid} is no longer running`;
  return undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Moves the stale lock aside (atomic, so only one breaker wins) and checks that what moved is
 * the lock judged stale; if another waiter replaced it in between, it is put back.
 */
async function breakLock(lockPath: string, seen: SeenLock): Promise<boolean> {
  const aside = `${lockPath}.stale-${process.pid}-${randomUUID()}`;
  try {
    await fs.rename(lockPath, aside);
  } catch {
    return false;
  }
  const moved = await readLock(aside);
  const same = moved !== undefined && moved.raw === seen.raw && moved.mtimeMs === seen.mtimeMs;
  if (!same) await fs.link(aside, lockPath).catch(() => undefined);
  await fs.rm(aside, { force: true });
  return same;
}

async function release(lockPath: string, token: string): Promise<void> {
  const seen = await readLock(lockPath);
  // Only our own: if ours was broken as stale, the lock there now is someone else's.
  if (seen?.holder.token === token) await fs.rm(lockPath, { force: true });
}

function describeHolder(seen: SeenLock): string {
  const { pid, host, acquiredAt } = seen.holder;
  if (pid === undefined) return `an unreadable lock file last written ${new Date(seen.mtimeMs).toISOString()}`;
  return `process ${pid}${host ? ` on ${host}` : ""}${acquiredAt ? ` since ${acquiredAt}` : ""}`;
}
