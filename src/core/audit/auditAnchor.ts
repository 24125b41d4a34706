/**
 * The audit log's anchors outside the file: after a record is appended, its seq and hash go
 * into an annotation on the object it is about and into that change's Event. A prefix of a valid
 * chain is itself valid, and a chain re-hashed from some record on is valid too; only a copy
 * the file's writer does not control tells them apart. `aiplat audit verify --live` reads the
 * anchors back and cross-checks them (auditCrossCheck.ts).
 */

export const auditAnchorKeys = {
  /** `<seq>:<hash>` of the newest record about this object (or of this Event's record). */
  head: "aiplatform.dev/audit-head",
  /** Which log the anchor belongs to, so two workspaces' logs anchoring the same object are told apart. */
  log: "aiplatform.dev/audit-log",
} as const;

export interface AuditAnchor {
  readonly seq: number;
  readonly hash: string;
  readonly logId: string;
}

/**
 * A log's id: the first 12 hex digits of its first record's hash (48 bits; two logs colliding by
 * chance is negligible). Rewriting the first record changes it, which the cross-check allows
 * for by matching anchors of other ids to the objects this log's records name.
 */
export function auditLogId(firstRecordHash: string): string {
  return firstRecordHash.slice(0, 12);
}

export function anchorAnnotations(anchor: AuditAnchor): Record<string, string> {
  return { [auditAnchorKeys.head]: `${anchor.seq}:${anchor.hash}`, [auditAnchorKeys.log]: anchor.logId };
}

/** What `kubectl get events` shows at the end of the message: enough to find the record by eye. */
export function anchorMessageSuffix(anchor: AuditAnchor): string {
  return ` [audit ${anchor.logId} #${anchor.seq} ${anchor.hash.slice(0, 12)}]`;
}

export type ReadAnchor = { readonly kind: "absent" } | { readonly kind: "anchor"; readonly anchor: AuditAnchor } | { readonly kind: "malformed"; readonly value: string };

/** The anchor in an object's (or Event's) annotations; a hand-edited or foreign value is malformed, never guessed at. */
export function readAnchor(annotations: Readonly<Record<string, string>> | undefined): ReadAnchor {
  const head = annotations?.[auditAnchorKeys.head];
  if (head === undefined) return { kind: "absent" };
  const match = /^([1-9][0-9]{0,15}):([0-9a-f]{64})$/.exec(head);
  const logId = annotations?.[auditAnchorKeys.log] ?? "";
  if (!match || !/^[0-9a-f]{12}$/.test(logId)) return { kind: "malformed", value: head };
  return { kind: "anchor", anchor: { seq: Number(match[1]), hash: match[2] ?? "", logId } };
}
