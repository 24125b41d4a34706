/**
 * What triage reads from the workspace's audit log: the records (or why there are none, which the
 * report states as a blind spot), and, after a mitigation, the rollback record naming the incident.
 */
import { readAuditLog } from "../../core/audit/auditLog";
import type { AuditRecord } from "../../core/audit/auditRecord";
import type { TriageInput } from "../../core/triage/triageReport";

export async function triageAuditOf(file: string): Promise<TriageInput["auditRecords"]> {
  const read = await readAuditLog(file);
  return read.ok ? read.records : { unavailable: read.error.message };
}

/**
 * The rollback recorded as this incident's mitigation (the newest, if it was tried twice): what
 * was taken is what the audit log says, whichever way the Roll Back flow ended.
 */
export function mitigationRecordOf(records: readonly AuditRecord[], incident: string): AuditRecord | undefined {
  return records.filter((r) => r.action === "rollback" && r.incident === incident).at(-1);
}

/** The audit actor as one name for the report: the git e-mail, else the kube user. */
export function actorName(r: AuditRecord): string {
  return r.actor.gitUser?.email ?? r.actor.gitUser?.name ?? `${r.actor.kubeUser} (${r.actor.osUser})`;
}
