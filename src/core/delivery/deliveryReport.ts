/**
 * Delivery metrics per service, per team and in total, from the audit log and the rollout
 * history. The definitions (stated here and in the report's field comments):
 *
 * - A deploy is an audit record with action "deploy", or a rollout-history revision no audit
 *   record names (a deploy by others). It "succeeded" when its record says so: with --wait (the
 *   editor always follows) the rollout finished healthy; without, the apply succeeded. Revisions
 *   in the history count as succeeded: a ReplicaSet exists.
 * - Deployment frequency: succeeded deploys in the window ÷ the window's length in weeks; the
 *   weekly bars count them per calendar week (Monday 00:00 UTC).
 * - Change failure rate: a succeeded deploy fails when the next change to the same service (the
 *   next succeeded deploy or rollback) comes within 24 h and is a rollback or a hotfix deploy. A
 *   hotfix is a deploy whose reason (or change-cause) matches /hot-?fix|revert/i. Attributing the
 *   failure to the deploy just before the rollback or hotfix counts one incident once, however
 *   many deploys came before it. A deploy younger than 24 h with no change after it is pending,
 *   not judged: counting only the young ones that already failed would inflate the rate.
 * - Deployment success rate: audit-logged deploys that succeeded ÷ those that succeeded or failed
 *   (cancelled and skipped left out). The rollout history only shows deploys that worked, so it
 *   does not count here.
 * - Time to mitigate: a succeeded rollback's time − its detectedAt (triage or a failed canary
 *   analysis set it): regression detected → rollback healthy. Median and p90 (linear, numpy).
 * - Newcomer lead time: a service's first scaffold record in the window → its first succeeded
 *   deploy after it.
 */
import type { AuditRecord } from "../audit/auditRecord";
import {
  type ChangeFailure,
  type DeliveryBlindSpot,
  type DeliveryMetrics,
  type DeliveryReport,
  type DeliveryServiceRef,
  type DeliveryServiceRow,
  type DeliveryTeamRow,
  deliveryTargets,
  type DurationSummary,
} from "../../shared/protocol/delivery";
import { type DeliveryEvent, type ServiceHistory, serviceTimelines, type ServiceTimeline } from "./deliveryTimeline";
import { linearQuantile } from "./linearQuantile";
import { serviceTeam, type TeamSources } from "./serviceTeam";

export const hotfixPattern = /hot-?fix|revert/i;
export const changeFailureWindowSeconds = 24 * 3600;
const weekSeconds = 7 * 86_400;

export interface DeliveryInput {
  /** The window; its end is "now" for deciding which deploys are too young to judge. */
  readonly window: { readonly start: Date; readonly end: Date };
  readonly audit: readonly AuditRecord[];
  /** Rollout histories of the Deployments read from the cluster; empty without a cluster. */
  readonly histories: readonly ServiceHistory[];
  readonly teams: TeamSources;
  readonly filter?: {
    readonly context?: string;
    readonly service?: { readonly namespace: string; readonly name: string };
    readonly team?: string;
  };
  /** What the caller already knows it could not see (no cluster, a history it could not read…). */
  readonly blindSpots?: readonly DeliveryBlindSpot[];
}

/** What one service contributes; rates are summed over services from these, never averaged. */
interface ServiceFacts {
  readonly deploys: readonly { readonly at: number; readonly byOthers: boolean; readonly failed: boolean | "pending" }[];
  /** Audit-logged deploys that succeeded or failed (deployment success). */
  readonly attempts: readonly { readonly at: number; readonly succeeded: boolean }[];
  readonly cancelled: number;
  readonly mitigations: readonly number[];
  readonly withoutDetection: number;
  readonly leadTimes: readonly number[];
  readonly leadPending: number;
  readonly changeFailures: readonly ChangeFailure[];
  readonly scaffold: DeliveryServiceRow["scaffold"];
}

const iso = (unixSeconds: number): string => new Date(unixSeconds * 1000).toISOString();
const isChange = (e: DeliveryEvent): boolean => e.outcome === "succeeded" && (e.kind === "deploy" || e.kind === "rollback");
const isHotfix = (e: DeliveryEvent): boolean => e.kind === "deploy" && e.reason !== undefined && hotfixPattern.test(e.reason);

function factsOf(timeline: ServiceTimeline, start: number, end: number): ServiceFacts {
  const inWindow = (e: DeliveryEvent): boolean => e.at >= start && e.at <= end;
  const changes = timeline.events.filter(isChange);
  const deploys: { at: number; byOthers: boolean; failed: boolean | "pending" }[] = [];
  const changeFailures: ChangeFailure[] = [];
  const attempts: { at: number; succeeded: boolean }[] = [];
  let cancelled = 0;
  for (const e of timeline.events.filter((x) => x.kind === "deploy" && inWindow(x))) {
    if (e.origin === "audit log") {
      if (e.outcome === "succeeded" || e.outcome === "failed") attempts.push({ at: e.at, succeeded: e.outcome === "succeeded" });
      else if (e.outcome === "cancelled") cancelled++;
    }
    if (e.outcome !== "succeeded") continue;
    const next = changes[changes.indexOf(e) + 1];
    let failed: boolean | "pending";
    if (next && next.at - e.at <= changeFailureWindowSeconds) failed = next.kind === "rollback" || isHotfix(next);
    else failed = next || end - e.at >= changeFailureWindowSeconds ? false : "pending";
    if (failed === true && next) {
      changeFailures.push({
        deployedAt: iso(e.at),
        ...(e.revision !== undefined ? { revision: e.revision } : {}),
        ...(e.auditSeq !== undefined ? { auditSeq: e.auditSeq } : {}),
        followedBy: next.kind === "rollback" ? "rollback" : "hotfix",
        followedAt: iso(next.at),
        ...(next.auditSeq !== undefined ? { followedBySeq: next.auditSeq } : {}),
      });
    }
    deploys.push({ at: e.at, byOthers: e.origin === "rollout history", failed });
  }
  const mitigations: number[] = [];
  let withoutDetection = 0;
  for (const e of timeline.events.filter((x) => x.kind === "rollback" && x.outcome === "succeeded" && inWindow(x))) {
    if (e.detectedAt !== undefined && e.detectedAt <= e.at) mitigations.push(e.at - e.detectedAt);
    else withoutDetection++;
  }
  const scaffolded = timeline.events.find((e) => e.kind === "scaffold" && e.outcome === "succeeded" && inWindow(e));
  const firstDeploy = scaffolded && timeline.events.find((e) => e.kind === "deploy" && e.outcome === "succeeded" && e.at >= scaffolded.at && e.at <= end);
  return {
    deploys,
    attempts,
    cancelled,
    mitigations,
    withoutDetection,
    leadTimes: scaffolded && firstDeploy ? [firstDeploy.at - scaffolded.at] : [],
    leadPending: scaffolded && !firstDeploy ? 1 : 0,
    changeFailures,
    scaffold: scaffolded ? { at: iso(scaffolded.at), firstDeployAt: firstDeploy ? iso(firstDeploy.at) : null } : null,
  };
}

/** Monday 00:00 UTC of the week holding t (unix seconds). */
export function weekStartOf(t: number): number {
  const d = new Date(t * 1000);
  const midnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) / 1000;
  return midnight - ((d.getUTCDay() + 6) % 7) * 86_400;
}

function durations(samples: readonly number[]): DurationSummary {
  return { count: samples.length, medianSeconds: linearQuantile(samples, 0.5) ?? null, p90Seconds: linearQuantile(samples, 0.9) ?? null };
}

function summarise(all: readonly ServiceFacts[], start: number, end: number): DeliveryMetrics {
  const deploys = all.flatMap((f) => f.deploys);
  const judged = deploys.filter((d) => d.failed !== "pending");
  const failed = judged.filter((d) => d.failed === true).length;
  const attempts = all.flatMap((f) => f.attempts);
  const attempted = attempts.length;
  const succeededAudit = attempts.filter((a) => a.succeeded).length;
  const weekly: DeliveryMetrics["weekly"] = [];
  for (let w = weekStartOf(start); w <= end; w += weekSeconds) {
    const inWeek = (x: { readonly at: number }): boolean => x.at >= w && x.at < w + weekSeconds;
    const those = deploys.filter(inWeek);
    const tried = attempts.filter(inWeek);
    weekly.push({
      weekStart: iso(w),
      deploys: those.length,
      judged: those.filter((d) => d.failed !== "pending").length,
      changeFailures: those.filter((d) => d.failed === true).length,
      attempted: tried.length,
      succeededAttempts: tried.filter((a) => a.succeeded).length,
    });
  }
  return {
    deploys: {
      succeeded: deploys.length,
      byOthers: deploys.filter((d) => d.byOthers).length,
      failed: attempted - succeededAudit,
      cancelled: all.reduce((n, f) => n + f.cancelled, 0),
    },
    deploysPerWeek: deploys.length / ((end - start) / weekSeconds),
    weekly,
    changeFailure: { judged: judged.length, failed, rate: judged.length > 0 ? failed / judged.length : null, pending: deploys.length - judged.length },
    deploymentSuccess: { attempted, succeeded: succeededAudit, rate: attempted > 0 ? succeededAudit / attempted : null },
    timeToMitigate: { ...durations(all.flatMap((f) => f.mitigations)), withoutDetection: all.reduce((n, f) => n + f.withoutDetection, 0) },
    leadTime: { ...durations(all.flatMap((f) => f.leadTimes)), pending: all.reduce((n, f) => n + f.leadPending, 0) },
  };
}

function matches(service: DeliveryServiceRef, team: string, filter: DeliveryInput["filter"]): boolean {
  if (filter?.context !== undefined && service.context !== filter.context) return false;
  if (filter?.service && (service.namespace !== filter.service.namespace || service.name !== filter.service.name)) return false;
  return filter?.team === undefined || team === filter.team;
}

/** The report for the window: every service the audit log or a history names (after the filter), its team's rows and the total. */
export function computeDeliveryReport(input: DeliveryInput): DeliveryReport {
  const start = input.window.start.getTime() / 1000;
  const end = input.window.end.getTime() / 1000;
  const rows: { row: DeliveryServiceRow; facts: ServiceFacts }[] = [];
  for (const timeline of serviceTimelines(input.audit, input.histories)) {
    const { team, origin } = serviceTeam(timeline.service, input.teams);
    if (!matches(timeline.service, team, input.filter)) continue;
    const facts = factsOf(timeline, start, end);
    rows.push({ row: { service: timeline.service, team, teamOrigin: origin, ...summarise([facts], start, end), changeFailures: [...facts.changeFailures], scaffold: facts.scaffold }, facts });
  }
  const teams = [...new Set(rows.map((r) => r.row.team))].sort((a, b) => a.localeCompare(b, "en"));
  const teamRows: DeliveryTeamRow[] = teams.map((team) => {
    const members = rows.filter((r) => r.row.team === team);
    return { team, services: members.length, ...summarise(members.map((m) => m.facts), start, end) };
  });
  const kserve = rows.filter((r) => r.row.service.kind === "InferenceService").length;
  const historiesRead = input.histories.length > 0 || (input.blindSpots ?? []).every((b) => b.kind !== "no-rollout-history");
  return {
    window: { start: iso(start), end: iso(end), days: (end - start) / 86_400 },
    targets: { ...deliveryTargets },
    hotfixPattern: hotfixPattern.source,
    services: rows.map((r) => r.row),
    teams: teamRows,
    total: summarise(
      rows.map((r) => r.facts),
      start,
      end,
    ),
    blindSpots: [...(input.blindSpots ?? []), ...(historiesRead && kserve > 0 ? [{ kind: "no-history-for-kind" as const, services: kserve }] : [])],
  };
}
