import type { Actor, AuditRecord } from "./auditRecord";

/** What a deploy to an environment that needs approval looks for in the audit log. */
export interface ApprovalQuery {
  readonly context: string;
  readonly namespace: string;
  readonly object: { readonly kind: string; readonly name: string };
  /** sha256 of exactly what will be applied: an approval is for one change, not for the service. */
  readonly desiredDigest: string;
  readonly deployer: Actor;
  /** Approvals older than this do not count. */
  readonly notBefore: Date;
}

export type ApprovalCheck =
  | { readonly approved: true; readonly by: AuditRecord }
  | { readonly approved: false; readonly why: "none" | "self-approved" | "expired" | "other-change" };

/** The same person, by any name we know: the git e-mail, else the OS user and kube user together. */
export function samePerson(a: Actor, b: Actor): boolean {
  const email = (x: Actor): string | undefined => x.gitUser?.email?.trim().toLowerCase() || undefined;
  if (email(a) && email(b)) return email(a) === email(b);
  return a.osUser === b.osUser && a.kubeUser === b.kubeUser;
}

/**
 * Four eyes: a deploy to an environment with `approvalRequired` needs an `approve` record for
 * the same object, context, namespace and desired digest, by someone else, recently. The
 * newest matching record wins. Records come from a verified chain, so they were not forged
 * by editing the file (a broken chain is refused before this is asked).
 */
export function findApproval(records: readonly AuditRecord[], q: ApprovalQuery): ApprovalCheck {
  const forObject = records.filter(
    (r) => r.action === "approve" && r.outcome === "succeeded" && r.context === q.context && r.namespace === q.namespace && r.object.kind === q.object.kind && r.object.name === q.object.name,
  );
  if (forObject.length === 0) return { approved: false, why: "none" };
  const forChange = forObject.filter((r) => r.diffDigest === q.desiredDigest);
  if (forChange.length === 0) return { approved: false, why: "other-change" };
  const byOthers = forChange.filter((r) => !samePerson(r.actor, q.deployer));
  if (byOthers.length === 0) return { approved: false, why: "self-approved" };
  const recent = byOthers.filter((r) => new Date(r.ts).getTime() >= q.notBefore.getTime());
  const newest = recent.at(-1);
  return newest ? { approved: true, by: newest } : { approved: false, why: "expired" };
}

export function describeMissingApproval(why: Exclude<ApprovalCheck, { approved: true }>["why"], digest: string): string {
  const ask = `ask a teammate to run "AI Platform: Approve Deployment" on this manifest and environment (change ${digest.slice(0, 19)}…), then pull the audit log they committed`;
  switch (why) {
    case "none":
      return `No approval is recorded: ${ask}.`;
    case "other-change":
      return `The recorded approval is for a different change than this one: ${ask}.`;
    case "self-approved":
      return `Only you approved this change, and an approval must come from someone else: ${ask}.`;
    case "expired":
      return `The approval of this change is older than 7 days: ${ask}.`;
  }
}
