import { promises as fs } from "node:fs";
import * as path from "node:path";
import { auditLogId } from "./auditAnchor";
import { auditHeadPath, writeAuditHead } from "./auditHead";
import { acquireFileLock } from "./auditLock";
import { AuditEntry, type AuditLineProblem, type AuditRecord, auditRecordHash, genesisHash, parseAuditLine } from "./auditRecord";
import { type AuditKey, auditKeyFor } from "./auditSigningKey";

/**
 * The append-only audit log: one JSON record per line, hash-chained. Appends from the extension
 * and the CLI are serialised by a lock file, and each record reaches the file in one write of
 * a whole line, so the chain never forks and never holds half a record.
 */

/** Where the audit log lives by default, relative to the workspace (or, for aiplat, the current folder). */
export const defaultAuditRelativePath = ".aiplatform/audit.jsonl";

export function defaultAuditPath(workspaceDir: string): string {
  return path.join(workspaceDir, defaultAuditRelativePath);
}

export interface AppendOptions {
  /** The record's time when the entry has no ts; also names a .torn file. */
  readonly now?: Date;
  readonly lockTimeoutMs?: number;
  readonly staleLockMs?: number;
  /** The key of a keyed chain; null appends unkeyed; absent asks the installed key source (auditSigningKey.ts). */
  readonly key?: AuditKey | null;
}

export type AppendResult =
  /** logId: the log's id for anchors outside the file (auditAnchor.ts). */
  | { readonly ok: true; readonly record: AuditRecord; readonly logId: string; readonly notes: readonly string[] }
  | { readonly ok: false; readonly error: string };

const maxDetailLength = 2000;

export async function appendAuditRecord(file: string, entry: AuditEntry, options: AppendOptions = {}): Promise<AppendResult> {
  const parsed = AuditEntry.safeParse(entry);
  if (!parsed.success) {
    return { ok: false, error: `not a valid audit entry: ${parsed.error.issues.map((i) => `${i.path.join(".") || "entry"}: ${i.message}`).join("; ")}` };
  }
  const keyNotes: string[] = [];
  let key: AuditKey | undefined;
  if (options.key !== undefined) key = options.key ?? undefined;
  else {
    const lookup = await auditKeyFor(file);
    if (lookup.kind === "key") key = lookup.key;
    // The change is made already: record it unkeyed rather than not at all, and say why it has no MAC.
    if (lookup.kind === "unusable") keyNotes.push(`the audit key from ${lookup.problem.source} is shorter than ${lookup.problem.min} characters and was not used: this record has no MAC`);
  }
  try {
    await fs.mkdir(path.dirname(file), { recursive: true });
  } catch (err) {
    return { ok: false, error: `cannot create the folder of ${file}: ${message(err)}` };
  }
  const lock = await acquireFileLock(`${file}.lock`, {
    ...(options.lockTimeoutMs !== undefined ? { timeoutMs: options.lockTimeoutMs } : {}),
    ...(options.staleLockMs !== undefined ? { staleMs: options.staleLockMs } : {}),
  });
  if (!lock.ok) return lock;
  try {
    const result = await appendLocked(file, parsed.data, options.now ?? new Date(), key);
    return result.ok ? { ...result, notes: [...lock.notes, ...keyNotes, ...result.notes] } : result;
  } catch (err) {
    return { ok: false, error: `cannot write to ${file}: ${message(err)}` };
  } finally {
    await lock.release();
  }
}

async function appendLocked(file: string, entry: AuditEntry, now: Date, key: AuditKey | undefined): Promise<AppendResult> {
  const notes: string[] = [];
  // a+: O_APPEND (every write lands at the end, whoever else has it open) and readable for the tail.
  const handle = await fs.open(file, "a+");
  try {
    let size = (await handle.stat()).size;
    const tail = await readTail(handle, size);
    if (tail.tornStart < size) {
      // A crash in the middle of a write: keep the bytes, but never chain onto them.
      const torn = Buffer.alloc(size - tail.tornStart);
      await handle.read(torn, 0, torn.length, tail.tornStart);
      const kept = await keepTornBytes(file, torn, now);
      await handle.truncate(tail.tornStart);
      await handle.sync();
      notes.push(`the log ended with ${torn.length} bytes of an unfinished record; moved them to ${kept}`);
      size = tail.tornStart;
    }
    const previous = chainHead(tail.lastLine);
    if (!previous.ok) return { ok: false, error: `cannot append to ${file}: its last record ${previous.error}; verify the audit log to find where it breaks` };

    if (previous.mac === undefined && previous.seq > 0 && key) notes.push(`record ${previous.seq + 1} is the first with a MAC (key from ${key.source}): records up to ${previous.seq} are unkeyed`);
    if (previous.mac !== undefined && !key) notes.push(`the log is keyed but no audit key was given: record ${previous.seq + 1} has no MAC, and verifying with the key will flag it`);
    if (previous.mac !== undefined && key && !key.verify(previous.hash, previous.mac)) notes.push(`the MAC of record ${previous.seq} was not made with this key (from ${key.source}): the log was keyed with another key, or record ${previous.seq} was rewritten`);

    const record = seal(entry, previous.seq + 1, previous.hash, now, key);
    const line = Buffer.from(`${JSON.stringify(record)}\n`, "utf8");
    try {
      const { bytesWritten } = await handle.write(line);
      if (bytesWritten !== line.length) throw new Error(`only ${bytesWritten} of ${line.length} bytes were written`);
      await handle.sync();
    } catch (err) {
      // Take back whatever part of the line got in (a full disk), so the chain stays whole.
      await handle.truncate(size).catch(() => undefined);
      return { ok: false, error: `cannot write to ${file}: ${message(err)}` };
    }
    try {
      await writeAuditHead(file, { seq: record.seq, hash: record.hash });
    } catch (err) {
      // The record is written; an anchor left behind only weakens the truncation check.
      notes.push(`could not update ${auditHeadPath(file)}: ${message(err)}`);
    }
    const first = record.seq === 1 ? record.hash : await firstRecordHash(handle);
    return { ok: true, record, logId: auditLogId(first ?? record.hash), notes };
  } finally {
    await handle.close();
  }
}

/** The first line's hash, read from the start of the file (the log's id); undefined when it has none. */
async function firstRecordHash(handle: fs.FileHandle): Promise<string | undefined> {
  const chunk = 16 * 1024;
  let buffer = Buffer.alloc(0);
  for (let at = 0; ; at += chunk) {
    const piece = Buffer.alloc(chunk);
    const { bytesRead } = await handle.read(piece, 0, chunk, at);
    buffer = Buffer.concat([buffer, piece.subarray(0, bytesRead)]);
    const nl = buffer.indexOf(0x0a);
    if (nl >= 0 || bytesRead === 0) {
      const line = buffer.subarray(0, nl >= 0 ? nl : buffer.length).toString("utf8");
      try {
        const hash = (JSON.parse(line) as { hash?: unknown } | null)?.hash;
        return typeof hash === "string" && /^[0-9a-f]{64}$/.test(hash) ? hash : undefined;
      } catch {
        return undefined;
      }
    }
  }
}

function seal(entry: AuditEntry, seq: number, prevHash: string, now: Date, key: AuditKey | undefined): AuditRecord {
  const { ts, actor, cluster, context, namespace, object, action, reason, revisionBefore, revisionAfter, diffDigest, outcome, detail, detectedAt, incident } = wellFormed(entry);
  const content = {
    v: 1 as const,
    seq,
    ts: ts ?? now.toISOString(),
    actor,
    cluster,
    context,
    namespace,
    object,
    action,
    reason,
    revisionBefore,
    revisionAfter,
    diffDigest,
    outcome,
    detail: detail !== undefined && detail.length > maxDetailLength ? `${detail.slice(0, maxDetailLength - 1)}…` : detail,
    detectedAt,
    incident,
    prevHash,
  };
  // Round-trip first, so the hash is over exactly what a reader of the line will see.
  const written = JSON.parse(JSON.stringify(content)) as Omit<AuditRecord, "hash" | "mac">;
  const hash = auditRecordHash(written);
  return { ...written, hash, ...(key ? { mac: key.mac(hash) } : {}) };
}

/** Lone UTF-16 surrogates cannot be canonicalised (RFC 8785); they become U+FFFD rather than lose the record. */
function wellFormed<T>(value: T): T {
  if (typeof value === "string") return value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD") as T;
  if (Array.isArray(value)) return value.map((v: unknown) => wellFormed(v)) as T;
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wellFormed(v)])) as T;
  return value;
}

type ChainHead = { ok: true; seq: number; hash: string; mac?: string } | { ok: false; error: string };

function chainHead(lastLine: string | undefined): ChainHead {
  if (lastLine === undefined) return { ok: true, seq: 0, hash: genesisHash };
  let last: unknown;
  try {
    last = JSON.parse(lastLine);
  } catch {
    return { ok: false, error: "is not JSON" };
  }
  const { seq, hash, mac } = (last ?? {}) as { seq?: unknown; hash?: unknown; mac?: unknown };
  if (typeof seq !== "number" || !Number.isInteger(seq) || seq < 1 || typeof hash !== "string" || !/^[0-9a-f]{64}$/.test(hash)) {
    return { ok: false, error: "has no valid seq and hash" };
  }
  return { ok: true, seq, hash, ...(typeof mac === "string" && /^[0-9a-f]{64}$/.test(mac) ? { mac } : {}) };
}

interface Tail {
  /** Where the bytes after the last newline begin; equal to the size when the file ends with a newline. */
  readonly tornStart: number;
  readonly lastLine: string | undefined;
}

/** Reads backwards from the end just far enough to find the last complete, non-blank line. */
async function readTail(handle: fs.FileHandle, size: number): Promise<Tail> {
  const chunk = 64 * 1024;
  let buffer = Buffer.alloc(0);
  let start = size;
  for (;;) {
    const found = lastCompleteLine(buffer, start === 0);
    if (found) return { tornStart: start + found.tornOffset, lastLine: found.line };
    const from = Math.max(0, start - chunk);
    const piece = Buffer.alloc(start - from);
    const { bytesRead } = await handle.read(piece, 0, piece.length, from);
    if (bytesRead !== piece.length) throw new Error("the log changed size while being read");
    buffer = Buffer.concat([piece, buffer]);
    start = from;
  }
}

/** Undefined when the buffer does not reach back far enough to tell (and is not the whole file). */
function lastCompleteLine(buffer: Buffer, wholeFile: boolean): { tornOffset: number; line: string | undefined } | undefined {
  const lastNl = buffer.lastIndexOf(0x0a);
  if (lastNl < 0) return wholeFile ? { tornOffset: 0, line: undefined } : undefined;
  let end = lastNl;
  for (;;) {
    const prev = end > 0 ? buffer.lastIndexOf(0x0a, end - 1) : -1;
    if (prev < 0 && !wholeFile) return undefined;
    const line = buffer.subarray(prev + 1, end).toString("utf8");
    if (line.trim().length > 0) return { tornOffset: lastNl + 1, line };
    if (prev < 0) return { tornOffset: lastNl + 1, line: undefined };
    end = prev;
  }
}

async function keepTornBytes(file: string, torn: Buffer, now: Date): Promise<string> {
  const stamp = now.toISOString().replace(/[:.]/g, "-");
  for (let n = 0; ; n++) {
    const target = `${file}.torn-${stamp}${n === 0 ? "" : `-${n}`}`;
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(target, "wx");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST") continue;
      throw err;
    }
    try {
      await handle.write(torn);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return target;
  }
}

/** A line of the log as written: the last one is incomplete when the file does not end with a newline. */
export interface AuditLogLine {
  readonly line: number;
  readonly text: string;
  readonly complete: boolean;
}

export function splitAuditLog(text: string): AuditLogLine[] {
  if (text.length === 0) return [];
  const parts = text.split("\n");
  const last = parts.pop() ?? "";
  const lines = parts.map((t, i) => ({ line: i + 1, text: t.replace(/\r$/, ""), complete: true }));
  if (last.length > 0) lines.push({ line: lines.length + 1, text: last, complete: false });
  return lines;
}

export type AuditFileError = { readonly kind: "missing"; readonly message: string } | { readonly kind: "unreadable"; readonly message: string };

export async function readAuditText(file: string): Promise<{ ok: true; text: string } | { ok: false; error: AuditFileError }> {
  try {
    return { ok: true, text: await fs.readFile(file, "utf8") };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { ok: false, error: { kind: "missing", message: `${file} does not exist: no change has been recorded there yet` } };
    return { ok: false, error: { kind: "unreadable", message: `cannot read ${file}: ${message(err)}` } };
  }
}

export interface AuditLineIssue {
  readonly line: number;
  readonly problem: AuditLineProblem | "truncated last line";
  readonly detail: string;
}

/** Every record that parses, and what is wrong with the lines that do not (the chain is verifyAuditLog's business). */
export async function readAuditLog(file: string): Promise<{ ok: true; records: AuditRecord[]; problems: AuditLineIssue[] } | { ok: false; error: AuditFileError }> {
  const read = await readAuditText(file);
  if (!read.ok) return read;
  const records: AuditRecord[] = [];
  const problems: AuditLineIssue[] = [];
  for (const line of splitAuditLog(read.text)) {
    if (!line.complete) {
      problems.push({ line: line.line, problem: "truncated last line", detail: `${Buffer.byteLength(line.text)} bytes with no newline after them` });
      continue;
    }
    const parsed = parseAuditLine(line.text);
    if (parsed.ok) records.push(parsed.record);
    else problems.push({ line: line.line, problem: parsed.problem, detail: parsed.detail });
  }
  return { ok: true, records, problems };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
