/**
 * Delivery metrics (deployment frequency, change failure rate, deployment success, time to
 * mitigate, newcomer lead time): the report core/delivery computes, `aiplat report delivery`
 * prints and the latency dashboard's Delivery section draws. One schema for all three, so the
 * webview parses exactly what the CLI's -o json documents. Times are ISO 8601 (UTC).
 */
import * as z from "zod";

/**
 * The seeds' target lines: change failure rate below 15 % for a team starting out and below
 * 10 % for a mature one; deployment success above 95 %.
 */
export const deliveryTargets = { changeFailureRateInitial: 0.15, changeFailureRateMature: 0.1, deploymentSuccessRate: 0.95 } as const;

const isoTime = z.iso.datetime({ offset: true });
const count = z.number().int().min(0);
const ratio = z.number().min(0).max(1);
const seconds = z.number().min(0);

export const DeliveryServiceRef = z.object({
  context: z.string().min(1).max(253),
  namespace: z.string().min(1).max(63),
  kind: z.enum(["Deployment", "InferenceService"]),
  name: z.string().min(1).max(253),
});
export type DeliveryServiceRef = z.infer<typeof DeliveryServiceRef>;

/** A calendar week (Monday 00:00 UTC); the first and last may lie partly outside the window. */
export const DeliveryWeek = z.object({
  weekStart: isoTime,
  /** Succeeded deploys started that week (including those only the rollout history knows). */
  deploys: count,
  /** Of those, the ones whose outcome is known (see changeFailure.judged), and the change failures among them. */
  judged: count,
  changeFailures: count,
  /** Audit-logged deploys that succeeded or failed that week, and the succeeded ones (deployment success). */
  attempted: count,
  succeededAttempts: count,
});
export type DeliveryWeek = z.infer<typeof DeliveryWeek>;

/** A median and 90th percentile (numpy's default, linear interpolation); null without samples. */
export const DurationSummary = z.object({
  count,
  medianSeconds: seconds.nullable(),
  p90Seconds: seconds.nullable(),
});
export type DurationSummary = z.infer<typeof DurationSummary>;

export const DeliveryMetrics = z.object({
  deploys: z.object({
    /** Succeeded deploys in the window: our audit log's plus the rollout history's. */
    succeeded: count,
    /** Of `succeeded`, the revisions in the rollout history that no audit record names: deploys by others (kubectl, GitOps). */
    byOthers: count,
    failed: count,
    cancelled: count,
  }),
  /** Succeeded deploys ÷ the window's length in weeks. */
  deploysPerWeek: z.number().min(0),
  weekly: z.array(DeliveryWeek).max(60),
  changeFailure: z.object({
    /** Succeeded deploys whose outcome is known: the next change came, or 24 h passed. */
    judged: count,
    failed: count,
    /** failed ÷ judged; null when nothing could be judged. */
    rate: ratio.nullable(),
    /** Deploys younger than 24 h with no change after them yet. */
    pending: count,
  }),
  deploymentSuccess: z.object({
    /** Audit-logged deploys that succeeded or failed (cancelled and skipped ones are left out). */
    attempted: count,
    succeeded: count,
    rate: ratio.nullable(),
  }),
  /** Rollback record time − its detectedAt, over succeeded rollbacks that carry one. */
  timeToMitigate: DurationSummary.extend({
    /** Succeeded rollbacks without a usable detectedAt (none, or after the rollback). */
    withoutDetection: count,
  }),
  /** Scaffold record → the service's first succeeded deploy after it. */
  leadTime: DurationSummary.extend({
    /** Services scaffolded in the window and not deployed yet. */
    pending: count,
  }),
});
export type DeliveryMetrics = z.infer<typeof DeliveryMetrics>;

export const TeamOrigin = z.enum(["namespace-label", "manifest-owner", "unassigned"]);
export type TeamOrigin = z.infer<typeof TeamOrigin>;

/** One change failure, with the change that gave it away. */
export const ChangeFailure = z.object({
  deployedAt: isoTime,
  revision: z.string().max(100).optional(),
  /** The audit record of the failed deploy; absent for a deploy only the rollout history knows. */
  auditSeq: z.number().int().min(1).optional(),
  followedBy: z.enum(["rollback", "hotfix"]),
  followedAt: isoTime,
  followedBySeq: z.number().int().min(1).optional(),
});
export type ChangeFailure = z.infer<typeof ChangeFailure>;

export const DeliveryServiceRow = DeliveryMetrics.extend({
  service: DeliveryServiceRef,
  team: z.string().min(1).max(200),
  teamOrigin: TeamOrigin,
  changeFailures: z.array(ChangeFailure).max(1000),
  /** The service's scaffold record (the first in the window) and its first succeeded deploy after it. */
  scaffold: z.object({ at: isoTime, firstDeployAt: isoTime.nullable() }).nullable(),
});
export type DeliveryServiceRow = z.infer<typeof DeliveryServiceRow>;

export const DeliveryTeamRow = DeliveryMetrics.extend({
  team: z.string().min(1).max(200),
  services: count,
});
export type DeliveryTeamRow = z.infer<typeof DeliveryTeamRow>;

/** What the report could not see; each surface words these. */
export const DeliveryBlindSpot = z.discriminatedUnion("kind", [
  /** No cluster was read: deploys made outside aiplat are not counted. */
  z.object({ kind: z.literal("no-rollout-history") }),
  z.object({ kind: z.literal("audit-log-missing"), file: z.string().max(4096) }),
  z.object({ kind: z.literal("audit-log-problems"), file: z.string().max(4096), lines: count }),
  /** The rollout history of a service could not be read; `detail` is the API server's message. */
  z.object({
    kind: z.literal("history-unreadable"),
    service: DeliveryServiceRef,
    reason: z.enum(["forbidden", "not-found", "unreachable", "other"]),
    detail: z.string().max(2000).optional(),
  }),
  /** Namespaces could not be listed: teams come from manifests only. */
  z.object({ kind: z.literal("namespaces-unreadable"), reason: z.enum(["forbidden", "unreachable", "other"]), detail: z.string().max(2000).optional() }),
  /** InferenceServices keep no ReplicaSet history we read: only the audit log counts their deploys. */
  z.object({ kind: z.literal("no-history-for-kind"), services: count }),
]);
export type DeliveryBlindSpot = z.infer<typeof DeliveryBlindSpot>;

export const DeliveryReport = z.object({
  window: z.object({ start: isoTime, end: isoTime, days: z.number().positive() }),
  targets: z.object({ changeFailureRateInitial: ratio, changeFailureRateMature: ratio, deploymentSuccessRate: ratio }),
  /** The stated definitions, so a reader of -o json knows what was counted. */
  hotfixPattern: z.string().max(200),
  services: z.array(DeliveryServiceRow).max(5000),
  teams: z.array(DeliveryTeamRow).max(5000),
  total: DeliveryMetrics,
  blindSpots: z.array(DeliveryBlindSpot).max(5000),
});
export type DeliveryReport = z.infer<typeof DeliveryReport>;
