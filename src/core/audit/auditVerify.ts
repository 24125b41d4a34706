import { readAuditText, splitAuditLog } from "./auditLog";
import { auditRecordHash, genesisHash, parseAuditLine } from "./auditRecord";

/**
 * Walks the chain from the first line and stops at the first line that breaks it, saying how.
 * The hash is not keyed: someone who rewrites every record after the one they change, hashes
 * and all, goes undetected here; the records' copies on the cluster (Events, annotations) are
 * the independent witness for that.
 */

export type AuditProblem = "edited" | "deleted or reordered" | "truncated last line" | "not JSON" | "not an audit record (schema)";

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
      /** Absent when there was no file to check. */
      readonly firstBroken?: BrokenRecord;
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
  for (const line of splitAuditLog(text)) {
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

/** A file is read from disk; a missing file fails (nothing to vouch for), an empty one verifies as 0 records. */
export async function verifyAuditLog(source: { readonly file: string } | { readonly text: string }): Promise<AuditVerification> {
  if ("text" in source) return verifyAuditText(source.text);
  const read = await readAuditText(source.file);
  if (!read.ok) return { ok: false, intactRecords: 0, message: read.error.message };
  return verifyAuditText(read.text);
}

export function describeVerification(v: AuditVerification): string {
  if (v.ok) return `${v.records} records, chain intact, last hash ${v.lastHash}`;
  if (!v.firstBroken) return v.message;
  return `chain broken at ${v.message} (${v.intactRecords} record(s) before it verify)`;
}
