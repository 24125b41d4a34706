import { stringify } from "csv-stringify/sync";
import { type AuditFileError, readAuditText, splitAuditLog } from "./auditLog";
import { parseAuditLine } from "./auditRecord";
import { readAuditHead } from "./auditHead";
import { type AuditKey, auditKeyFor } from "./auditSigningKey";
import { type AuditVerification, verifyAgainstHead, verifyAuditText } from "./auditVerify";

/**
 * The audit log as compliance evidence: CSV for a spreadsheet, JSON for tools. Nothing is left
 * out, a broken chain included; every export carries the verification result, and each CSV row
 * says whether its record is covered by it.
 */

export type AuditExportFormat = "csv" | "json";

export type ExportResult = { readonly ok: true; readonly text: string; readonly verification: AuditVerification } | { readonly ok: false; readonly error: AuditFileError };

/** key: as verifyAuditLog (absent: the installed key source; null: MACs not checked). */
export async function exportAuditLog(file: string, format: AuditExportFormat, options: { now?: Date; key?: AuditKey | null } = {}): Promise<ExportResult> {
  const read = await readAuditText(file);
  if (!read.ok) return read;
  const lookup = options.key === undefined ? await auditKeyFor(file) : undefined;
  const key = options.key ?? (lookup?.kind === "key" ? lookup.key : undefined);
  // Checked against the head anchor too, so an export of an emptied or cut-back log says so.
  const verification = verifyAgainstHead(verifyAuditText(read.text, { key }), await readAuditHead(file));
  const text = format === "csv" ? auditLogCsv(read.text, verification) : auditLogJson(read.text, verification, { source: file, now: options.now ?? new Date() });
  return { ok: true, text, verification };
}

const columns = [
  "line",
  "seq",
  "ts",
  "action",
  "outcome",
  "actor.kubeUser",
  "actor.gitUser.name",
  "actor.gitUser.email",
  "actor.osUser",
  "cluster",
  "context",
  "namespace",
  "object.apiVersion",
  "object.kind",
  "object.name",
  "reason",
  "revisionBefore",
  "revisionAfter",
  "diffDigest",
  "detail",
  "prevHash",
  "hash",
  "chain",
] as const;
type Row = Partial<Record<(typeof columns)[number], string | number>>;

/**
 * RFC 4180 CSV (CRLF, quoted where needed), with a UTF-8 BOM so Excel reads names as UTF-8. A
 * cell that a spreadsheet would run as a formula (= + - @, or a leading tab or CR) is prefixed
 * with ' (OWASP's advice), since the reason and names are whatever someone typed.
 */
export function auditLogCsv(text: string, verification: AuditVerification = verifyAuditText(text)): string {
  const brokenAt = verification.ok ? Number.POSITIVE_INFINITY : (verification.firstBroken?.line ?? 1);
  const chain = (line: number): string =>
    line < brokenAt ? "verified" : line === brokenAt && !verification.ok && verification.firstBroken ? `BROKEN: ${verification.firstBroken.problem}` : "after the break: not verified";
  const rows: Row[] = splitAuditLog(text).map((line) => {
    const parsed = line.complete ? parseAuditLine(line.text) : undefined;
    if (!parsed?.ok) return { line: line.line, detail: parsed ? `${parsed.problem}: ${line.text}` : `truncated last line: ${line.text}`, chain: chain(line.line) };
    const r = parsed.record;
    return {
      line: line.line,
      seq: r.seq,
      ts: r.ts,
      action: r.action,
      outcome: r.outcome,
      "actor.kubeUser": r.actor.kubeUser,
      "actor.gitUser.name": r.actor.gitUser?.name,
      "actor.gitUser.email": r.actor.gitUser?.email,
      "actor.osUser": r.actor.osUser,
      cluster: r.cluster,
      context: r.context,
      namespace: r.namespace,
      "object.apiVersion": r.object.apiVersion,
      "object.kind": r.object.kind,
      "object.name": r.object.name,
      reason: r.reason,
      revisionBefore: r.revisionBefore,
      revisionAfter: r.revisionAfter,
      diffDigest: r.diffDigest,
      detail: r.detail,
      prevHash: r.prevHash,
      hash: r.hash,
      chain: chain(line.line),
    };
  });
  return stringify(rows, {
    header: true,
    columns: [...columns],
    bom: true,
    record_delimiter: "windows",
    // csv-stringify quotes only a whole CRLF by default; a lone CR or LF must be quoted too.
    quoted_match: /[\r\n]/,
    cast: { string: formulaSafe },
  });
}

export function formulaSafe(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** The records exactly as on disk (so anyone can recompute the hashes), lines that are not records, and the verification. */
export function auditLogJson(text: string, verification: AuditVerification = verifyAuditText(text), meta: { source?: string; now?: Date } = {}): string {
  const records: unknown[] = [];
  const unreadableLines: { line: number; problem: string; text: string }[] = [];
  for (const line of splitAuditLog(text)) {
    const parsed = line.complete ? parseAuditLine(line.text) : undefined;
    if (parsed?.ok) records.push(parsed.raw);
    else unreadableLines.push({ line: line.line, problem: parsed ? parsed.problem : "truncated last line", text: line.text });
  }
  const document = {
    ...(meta.source !== undefined ? { source: meta.source } : {}),
    ...(meta.now ? { exportedAt: meta.now.toISOString() } : {}),
    verification,
    records,
    unreadableLines,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
