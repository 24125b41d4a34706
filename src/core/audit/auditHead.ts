import { promises as fs } from "node:fs";
import * as z from "zod";

/**
 * The audit log's head anchor: the seq and hash of the last record appended, written next to
 * the log after every append. A log that verifies but is shorter than its anchor (emptied,
 * or cut back to an earlier record) was recorded into and then lost records; the chain alone
 * cannot tell, because a prefix of a valid chain is itself valid. Whoever can rewrite the log
 * can rewrite this file too: it catches accidents and careless tampering, and the records'
 * copies on the cluster are the witness against the rest.
 */

export const AuditHead = z.object({ seq: z.number().int().min(0), hash: z.string().regex(/^[0-9a-f]{64}$/) }).strict();
export type AuditHead = z.infer<typeof AuditHead>;

/** `.aiplatform/audit.jsonl` → `.aiplatform/audit.head`. */
export function auditHeadPath(logFile: string): string {
  return `${logFile.replace(/\.jsonl$/, "")}.head`;
}

/** Written under the log's lock, after the record is on disk; a crash in between leaves the anchor one behind, which verifies. */
export async function writeAuditHead(logFile: string, head: AuditHead): Promise<void> {
  const file = auditHeadPath(logFile);
  const temp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temp, `${JSON.stringify(head)}\n`);
  await fs.rename(temp, file);
}

export type ReadHead = { readonly kind: "absent" } | { readonly kind: "present"; readonly head: AuditHead } | { readonly kind: "unreadable"; readonly reason: string };

export async function readAuditHead(logFile: string): Promise<ReadHead> {
  let text: string;
  try {
    text = await fs.readFile(auditHeadPath(logFile), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { kind: "absent" };
    return { kind: "unreadable", reason: err instanceof Error ? err.message : String(err) };
  }
  try {
    const parsed = AuditHead.safeParse(JSON.parse(text));
    return parsed.success ? { kind: "present", head: parsed.data } : { kind: "unreadable", reason: "not a {seq, hash} anchor" };
  } catch {
    return { kind: "unreadable", reason: "not JSON" };
  }
}
