import { readAuditHead, type AuditHead, type ReadHead } from "./auditHead";
import { readAuditText, splitAuditLog } from "./auditLog";
import { auditRecordHash, genesisHash, parseAuditLine } from "./auditRecord";

/**
 * Walks the chain from the first line and stops at the first line that breaks it, saying how.
 * The hash is not keyed: someone who rewrites every record after the one they change, hashes
 * and all, goes undetected here; the records' copies on the cluster (Events, annotations) are
 * the independent witness for that.
 */

export type AuditProblem = "edited" | "deleted or reordered" | "reordered" | "truncated last line" | "not JSON" | "not an audit record (schema)";

export interface BrokenRecord {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly seq?: number;
  readonly problem: AuditProblem;
  readonly detail: string;
}

export type AuditVerification =
  | { readonly ok: true; readonly records: number; readonly lastHash: string }
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

export function verifyAuditText(text: string): AuditVerification {
  let prevHash = genesisHash;
  let prevSeq = 0;
  let intact = 0;
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
    prevHash = record.hash;
    prevSeq = record.seq;
    intact++;
  }
  return { ok: true, records: intact, lastHash: prevHash };
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
export async function verifyAuditLog(source: { readonly file: string } | { readonly text: string }): Promise<AuditVerification> {
  if ("text" in source) return verifyAuditText(source.text);
  const [read, head] = await Promise.all([readAuditText(source.file), readAuditHead(source.file)]);
  if (!read.ok) {
    if (head.kind === "present" && head.head.seq > 0) return { ok: false, intactRecords: 0, behindAnchor: { anchor: head.head, records: 0 }, message: `${read.error.message}, yet its head anchor says ${head.head.seq} record(s) were appended` };
    return { ok: false, intactRecords: 0, message: read.error.message };
  }
  return verifyAgainstHead(verifyAuditText(read.text), head);
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
  if (v.ok) return `${v.records} records, chain intact, last hash ${v.lastHash}`;
  if (!v.firstBroken) return v.message;
  return `chain broken at ${v.message} (${v.intactRecords} record(s) before it verify)`;
}
