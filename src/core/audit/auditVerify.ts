import { readAuditHead, type AuditHead, type ReadHead } from "./auditHead";
import { readAuditText, splitAuditLog } from "./auditLog";
import { auditRecordHash, genesisHash, parseAuditLine } from "./auditRecord";
import { type AuditKey, auditKeyFor } from "./auditSigningKey";

/**
 * Walks the chain from the first line and stops at the first line that breaks it, saying how.
 * The hash alone is not keyed: someone who rewrites every record after the one they change,
 * hashes and all, goes undetected here unless the log is keyed (a MAC per record, checked when
 * the key is at hand); the anchors on the cluster (auditCrossCheck.ts) are the witness otherwise.
 */

export type AuditProblem = "edited" | "deleted or reordered" | "reordered" | "truncated last line" | "not JSON" | "not an audit record (schema)" | "MAC mismatch" | "MAC missing";

/**
 * What became of the MACs of a keyed chain; absent when no record has one and no key was given.
 * checked: every MAC was verified with the key; `unkeyed` records (before the first keyed one)
 * have none, which is how a log looks that was keyed from some point on.
 */
export type MacCheck =
  | { readonly kind: "checked"; readonly source: string; readonly keyed: number; readonly unkeyed: number }
  | { readonly kind: "not-checked"; readonly keyed: number };

export interface BrokenRecord {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly seq?: number;
  readonly problem: AuditProblem;
  readonly detail: string;
}

export type AuditVerification =
  | { readonly ok: true; readonly records: number; readonly lastHash: string; readonly macs?: MacCheck }
  | {
      readonly ok: false;
      /** Records before the break, which do verify. */
      readonly intactRecords: number;
      /** Absent when there was no file to check, or when the chain verifies but is shorter than its anchor. */
      readonly firstBroken?: BrokenRecord;
      /** The chain verifies, but the head anchor (auditHead.ts) says more records were appended than the log holds. */
      readonly behindAnchor?: { readonly anchor: AuditHead; readonly records: number };
      readonly message: string;
    };

export function verifyAuditText(text: string, options: { readonly key?: AuditKey | undefined } = {}): AuditVerification {
  const key = options.key;
  let prevHash = genesisHash;
  let prevSeq = 0;
  let intact = 0;
  let keyed = 0;
  let firstKeyedSeq: number | undefined;
  const broken = (b: BrokenRecord): AuditVerification => ({
    ok: false,
    intactRecords: intact,
    firstBroken: b,
    message: `line ${b.line}${b.seq !== undefined ? ` (seq ${b.seq})` : ""}: ${b.problem}: ${b.detail}`,
  });
  const lines = splitAuditLog(text);
  // Where each seq sits, so a record that comes early can be told from one that is gone.
  const lineOfSeq = new Map<number, number>();
  for (const l of lines) {
    const seq = l.complete ? seqOf(l.text) : undefined;
    if (seq !== undefined && !lineOfSeq.has(seq)) lineOfSeq.set(seq, l.line);
  }
  for (const line of lines) {
    if (!line.complete) {
      return broken({ line: line.line, problem: "truncated last line", detail: `the file ends in ${Buffer.byteLength(line.text)} bytes with no newline: a write that did not finish` });
    }
    const parsed = parseAuditLine(line.text);
    if (!parsed.ok) return broken({ line: line.line, ...(parsed.seq !== undefined ? { seq: parsed.seq } : {}), problem: parsed.problem, detail: parsed.detail });
    const { record, raw } = parsed;
    const at = { line: line.line, seq: record.seq };
    if (auditRecordHash(raw) !== record.hash) {
      return broken({ ...at, problem: "edited", detail: "its content does not match its hash" });
    }
    const expected = prevSeq + 1;
    const expectedAt = lineOfSeq.get(expected);
    if (record.seq > expected && expectedAt !== undefined && expectedAt > line.line) {
      return broken({ ...at, problem: "reordered", detail: `records ${expected} and ${record.seq} are out of order: seq ${record.seq} is on line ${line.line}, seq ${expected} further down on line ${expectedAt}` });
    }
    if (record.seq !== prevSeq + 1) {
      const detail =
        record.seq > prevSeq + 1
          ? `seq ${record.seq} follows ${prevSeq === 0 ? "the start of the log" : `seq ${prevSeq}`}: ${record.seq - prevSeq - 1} record(s) missing`
          : `seq ${record.seq} follows seq ${prevSeq}: out of order or repeated`;
      return broken({ ...at, problem: "deleted or reordered", detail });
    }
    if (record.prevHash !== prevHash) {
      return broken({ ...at, problem: "deleted or reordered", detail: `its prevHash does not match the hash of ${prevSeq === 0 ? "the start of the log" : `seq ${prevSeq}`}` });
    }
    if (record.mac === undefined && firstKeyedSeq !== undefined) {
      // Without the key a rewrite can only drop the MACs; a keyed log does not go back to unkeyed by itself.
      return broken({ ...at, problem: "MAC missing", detail: `it has no MAC, though seq ${firstKeyedSeq} before it has one: written without the key, or rewritten and its MAC dropped` });
    }
    if (record.mac !== undefined) {
      if (key && !key.verify(record.hash, record.mac)) {
        return broken({ ...at, problem: "MAC mismatch", detail: `its MAC was not made with the key from ${key.source}: rewritten by someone without the key, or keyed with another key` });
      }
      firstKeyedSeq ??= record.seq;
      keyed++;
    }
    prevHash = record.hash;
    prevSeq = record.seq;
    intact++;
  }
  const macs: MacCheck | undefined = key ? { kind: "checked", source: key.source, keyed, unkeyed: intact - keyed } : keyed > 0 ? { kind: "not-checked", keyed } : undefined;
  return { ok: true, records: intact, lastHash: prevHash, ...(macs ? { macs } : {}) };
}

function seqOf(line: string): number | undefined {
  try {
    const seq = (JSON.parse(line) as { seq?: unknown } | null)?.seq;
    return typeof seq === "number" && Number.isInteger(seq) ? seq : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A file is read from disk; a missing file fails (nothing to vouch for), an empty one verifies
 * as 0 records unless its head anchor says records were appended: then it was emptied or cut
 * back, and that fails too. The anchor being ahead of an intact chain, or naming a different
 * hash for the same seq, is reported the same way.
 */
export async function verifyAuditLog(source: { readonly file: string } | { readonly text: string }, options: { readonly key?: AuditKey | null } = {}): Promise<AuditVerification> {
  if ("text" in source) return verifyAuditText(source.text, options.key ? { key: options.key } : {});
  // Absent: the installed key source (the environment by default); an unusable key checks nothing, and says so through macs.
  const lookup = options.key === undefined ? await auditKeyFor(source.file) : undefined;
  const key = options.key ?? (lookup?.kind === "key" ? lookup.key : undefined);
  const [read, head] = await Promise.all([readAuditText(source.file), readAuditHead(source.file)]);
  if (!read.ok) {
    if (head.kind === "present" && head.head.seq > 0) return { ok: false, intactRecords: 0, behindAnchor: { anchor: head.head, records: 0 }, message: `${read.error.message}, yet its head anchor says ${head.head.seq} record(s) were appended` };
    return { ok: false, intactRecords: 0, message: read.error.message };
  }
  return verifyAgainstHead(verifyAuditText(read.text, { key }), head);
}

/** An intact chain compared with the head anchor written on every append (auditHead.ts). */
export function verifyAgainstHead(verified: AuditVerification, head: ReadHead): AuditVerification {
  if (!verified.ok || head.kind !== "present") return verified;
  const { seq, hash } = head.head;
  if (verified.records < seq) {
    const what = verified.records === 0 ? "the log is empty" : `the log ends at seq ${verified.records}`;
    return { ok: false, intactRecords: verified.records, behindAnchor: { anchor: head.head, records: verified.records }, message: `${what}, but its head anchor says ${seq} record(s) were appended: ${seq - verified.records} record(s) were removed from the end` };
  }
  if (verified.records === seq && verified.lastHash !== hash) {
    return { ok: false, intactRecords: verified.records, behindAnchor: { anchor: head.head, records: verified.records }, message: `the last record (seq ${seq}) is not the one its head anchor recorded (hash ${hash}): the end of the log was rewritten` };
  }
  return verified;
}

export function describeVerification(v: AuditVerification): string {
  if (v.ok) return `${v.records} records, chain intact, last hash ${v.lastHash}${v.macs ? `; ${describeMacs(v.macs)}` : ""}`;
  if (!v.firstBroken) return v.message;
  return `chain broken at ${v.message} (${v.intactRecords} record(s) before it verify)`;
}

function describeMacs(m: MacCheck): string {
  if (m.kind === "not-checked") return `${m.keyed} record(s) carry a MAC, not checked: no audit key was given`;
  if (m.keyed === 0) return `no record carries a MAC: the log is not keyed (key from ${m.source})`;
  return `${m.keyed} MAC(s) verified with the key from ${m.source}${m.unkeyed > 0 ? `, ${m.unkeyed} earlier record(s) unkeyed` : ""}`;
}
