import { findApproval } from "../audit/approvals";
import { readAuditLog } from "../audit/auditLog";
import type { Actor, AuditRecord } from "../audit/auditRecord";
import { verifyAuditLog } from "../audit/auditVerify";
import type { DeployError } from "./deployError";

/** How long an approval counts: a week-old approval of a change is still that change, a month-old one is stale. */
export const approvalWindowMs = 7 * 24 * 3600 * 1000;

export interface ApprovalRequest {
  readonly env: string;
  readonly auditFile: string;
  readonly context: string;
  readonly namespace: string;
  readonly object: { readonly kind: string; readonly name: string };
  readonly desiredDigest: string;
  readonly deployer: Actor;
  readonly now: Date;
}

export type ApprovalResult = { readonly ok: true; readonly by: AuditRecord } | { readonly ok: false; readonly error: Extract<DeployError, { kind: "audit-log-broken" | "approval-missing" }> };

/**
 * Four eyes for environments that need approval: someone else approved exactly this change in
 * the last 7 days. Approvals are only believed from a log whose hash chain verifies; a missing
 * log holds no approvals.
 */
export async function checkDeployApproval(req: ApprovalRequest): Promise<ApprovalResult> {
  const verified = await verifyAuditLog({ file: req.auditFile });
  if (!verified.ok && verified.firstBroken) return { ok: false, error: { kind: "audit-log-broken", env: req.env, file: req.auditFile, verification: verified } };
  const read = verified.ok ? await readAuditLog(req.auditFile) : undefined;
  const check = findApproval(read?.ok ? read.records : [], {
    context: req.context,
    namespace: req.namespace,
    object: req.object,
    desiredDigest: req.desiredDigest,
    deployer: req.deployer,
    notBefore: new Date(req.now.getTime() - approvalWindowMs),
  });
  if (check.approved) return { ok: true, by: check.by };
  return { ok: false, error: { kind: "approval-missing", env: req.env, why: check.why, desiredDigest: req.desiredDigest } };
}
