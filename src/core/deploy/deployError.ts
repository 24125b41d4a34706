import type { AuditVerification } from "../audit/auditVerify";
import type { ApprovalCheck } from "../audit/approvals";
import type { ManifestProblem } from "../manifest/parseManifest";
import { describeApplyError, type ApplyError, type ObjectRef } from "../kube/rollout/serverSideApply";
import type { PolicyFinding } from "../policy/policyEvaluator";

/** One object the cluster refused, and how. */
export interface ObjectFailure {
  readonly ref: ObjectRef;
  readonly error: ApplyError;
}

/**
 * Why a deploy cannot go ahead (or did not), as data: the editor (explain.ts) and aiplat
 * (deployErrors.ts) each word these for their own surface.
 */
export type DeployError =
  | { readonly kind: "invalid-manifest"; readonly problems: readonly ManifestProblem[] }
  | { readonly kind: "unknown-environment"; readonly env: string; readonly known: readonly string[] }
  | { readonly kind: "render-failed"; readonly env: string; readonly message: string }
  | { readonly kind: "unknown-context"; readonly context: string; readonly env: string; readonly files: readonly string[] }
  | { readonly kind: "read-only-context"; readonly context: string; readonly pattern: string }
  | { readonly kind: "blocked"; readonly env: string; readonly findings: readonly PolicyFinding[] }
  | { readonly kind: "unreachable"; readonly context: string; readonly message: string }
  /** The live objects could not be read (forbidden, unknown kind…) for a reason other than the network. */
  | { readonly kind: "live-unreadable"; readonly context: string; readonly failures: readonly ObjectFailure[] }
  | { readonly kind: "dry-run-refused"; readonly failures: readonly ObjectFailure[] }
  | { readonly kind: "audit-log-broken"; readonly env: string; readonly file: string; readonly verification: AuditVerification }
  | { readonly kind: "approval-missing"; readonly env: string; readonly why: Exclude<ApprovalCheck, { approved: true }>["why"]; readonly desiredDigest: string }
  | { readonly kind: "cancelled" };

/**
 * The first objects the cluster refused, each named, then how many more: for the audit record's
 * detail and each surface's message (the CLI lists them one per line).
 */
export function describeObjectFailures(failures: readonly ObjectFailure[], layout: { readonly shown: number; readonly separator: string } = { shown: 2, separator: " " }): string {
  const shown = failures.slice(0, layout.shown).map((f) => describeApplyError(f.ref, f.error));
  const more = failures.length - shown.length;
  return shown.join(layout.separator) + (more > 0 ? `${layout.separator}(and ${more} more)` : "");
}

/** The failures of an apply, one per object the cluster refused. */
export function failuresOf(outcomes: readonly ({ readonly ref: ObjectRef; readonly ok: true } | { readonly ref: ObjectRef; readonly ok: false; readonly error: ApplyError })[]): ObjectFailure[] {
  return outcomes.flatMap((o) => (o.ok ? [] : [{ ref: o.ref, error: o.error }]));
}
