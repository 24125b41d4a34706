import { stringify } from "csv-stringify/sync";
import { formulaSafe } from "../core/audit/auditExport";
import type { DeliveryBlindSpot, DeliveryMetrics, DeliveryReport } from "../shared/protocol/delivery";

const pct = (x: number | null): string => (x === null ? "–" : `${Number((x * 100).toFixed(1))} %`);

/** 45 s, 12 min, 3.5 h, 2.1 d. */
export function formatSeconds(s: number | null): string {
  if (s === null) return "–";
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 48 * 3600) return `${Number((s / 3600).toFixed(1))} h`;
  return `${Number((s / 86_400).toFixed(1))} d`;
}

/** Which of the seeds' target lines a row misses. */
export function missedTargets(m: DeliveryMetrics, targets: DeliveryReport["targets"]): string[] {
  const missed: string[] = [];
  const cfr = m.changeFailure.rate;
  if (cfr !== null && cfr >= targets.changeFailureRateInitial) missed.push(`CFR ≥ ${pct(targets.changeFailureRateInitial)}`);
  else if (cfr !== null && cfr >= targets.changeFailureRateMature) missed.push(`CFR ≥ ${pct(targets.changeFailureRateMature)} (mature)`);
  const success = m.deploymentSuccess.rate;
  if (success !== null && success <= targets.deploymentSuccessRate) missed.push(`success ≤ ${pct(targets.deploymentSuccessRate)}`);
  return missed;
}

export function describeBlindSpot(b: DeliveryBlindSpot): string {
  switch (b.kind) {
    case "no-rollout-history":
      return "no cluster read (pass --context): deploys made without aiplat are not counted, and teams come from manifests only";
    case "audit-log-missing":
      return `${b.file} does not exist: no change has been recorded there (pass --audit-log to read another log)`;
    case "audit-log-problems":
      return `${b.file}: ${b.lines} ${b.lines === 1 ? "line is" : "lines are"} not audit records and were skipped (aiplat audit verify --file ${b.file} says which)`;
    case "history-unreadable": {
      const what = `${b.service.namespace}/${b.service.name}`;
      const why = b.reason === "forbidden" ? "forbidden (needs get on deployments and list on replicasets)" : b.reason === "not-found" ? "the Deployment is gone" : b.reason === "unreachable" ? "the cluster did not answer" : "the API server refused";
      return `rollout history of ${what} not read: ${why}${b.detail ? ` (${b.detail})` : ""}; only its audit records count`;
    }
    case "namespaces-unreadable":
      return `namespaces not listed (${b.reason}${b.detail ? `: ${b.detail}` : ""}): teams come from manifest owners only`;
    case "no-history-for-kind":
      return `${b.services} InferenceService${b.services === 1 ? "" : "s"}: KServe keeps no rollout history aiplat reads; only audit records count`;
  }
}

function columns(rows: readonly string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((r) => r.map((cell, i) => (i > 0 && i < 6 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join("   ").trimEnd()).join("\n");
}

function cells(m: DeliveryMetrics, targets: DeliveryReport["targets"]): string[] {
  const cf = m.changeFailure;
  const ds = m.deploymentSuccess;
  const ttm = m.timeToMitigate;
  const lead = m.leadTime;
  return [
    `${m.deploys.succeeded}${m.deploys.byOthers > 0 ? ` (${m.deploys.byOthers} by others)` : ""}`,
    m.deploysPerWeek.toFixed(1),
    `${pct(cf.rate)} (${cf.failed}/${cf.judged})`,
    `${pct(ds.rate)} (${ds.succeeded}/${ds.attempted})`,
    ttm.count > 0 ? `${formatSeconds(ttm.medianSeconds)} / ${formatSeconds(ttm.p90Seconds)}` : "–",
    lead.count > 0 ? formatSeconds(lead.medianSeconds) : lead.pending > 0 ? "not deployed yet" : "–",
    missedTargets(m, targets).join(", "),
  ];
}

/** The report for a terminal: window and sources, one block per team with its services, the total, then definitions and blind spots. */
export function deliveryTable(report: DeliveryReport, sources: { readonly auditLog: string; readonly auditRecords: number; readonly context: string | null }): string {
  const t = report.targets;
  const out = [
    `window    ${report.window.start.slice(0, 10)} → ${report.window.end.slice(0, 10)} (${Number(report.window.days.toFixed(1))} days)`,
    `sources   audit log ${sources.auditLog} (${sources.auditRecords} records)${sources.context ? ` · rollout history of ${sources.context}` : ""}`,
    `targets   change failure rate < ${pct(t.changeFailureRateInitial)} (initial), < ${pct(t.changeFailureRateMature)} (mature) · deployment success > ${pct(t.deploymentSuccessRate)}`,
    "",
  ];
  if (report.services.length === 0) out.push("(no deploys, rollbacks or scaffolds recorded for the services asked about)");
  else {
    const rows = [["TEAM / SERVICE", "DEPLOYS", "PER WEEK", "CHANGE FAILURE", "SUCCESS", "MITIGATE MED/P90", "LEAD TIME", "MISSES TARGET"]];
    for (const team of report.teams) {
      rows.push([`${team.team} (${team.services} ${team.services === 1 ? "service" : "services"})`, ...cells(team, t)]);
      for (const s of report.services.filter((x) => x.team === team.team)) rows.push([`  ${s.service.namespace}/${s.service.name}`, ...cells(s, t)]);
    }
    if (report.teams.length > 1) rows.push(["total", ...cells(report.total, t)]);
    out.push(columns(rows));
  }
  const pending = report.total.changeFailure.pending;
  out.push(
    "",
    `change failure: a deploy whose next change, within 24 h, is a rollback or a hotfix (reason matching /${report.hotfixPattern}/i)${pending > 0 ? `; ${pending} ${pending === 1 ? "deploy is" : "deploys are"} younger than 24 h and not judged yet` : ""}`,
    "success: audit-logged deploys that succeeded ÷ those that succeeded or failed · mitigate: rollback healthy − regression detected · lead time: scaffold → first succeeded deploy",
  );
  for (const b of report.blindSpots) out.push(`note: ${describeBlindSpot(b)}`);
  return `${out.join("\n")}\n`;
}

const header = [
  "scope", "team", "context", "namespace", "kind", "name",
  "deploys", "deploysByOthers", "deploysFailed", "deploysCancelled", "deploysPerWeek",
  "changeFailureRate", "changeFailures", "changesJudged", "changesPending",
  "deploymentSuccessRate", "deploysAttempted",
  "mitigations", "mitigateMedianSeconds", "mitigateP90Seconds", "rollbacksWithoutDetection",
  "leadTimes", "leadTimeMedianSeconds", "leadTimeP90Seconds", "leadTimePending",
];

function metricCells(m: DeliveryMetrics): (string | number)[] {
  const n = (x: number | null): string | number => (x === null ? "" : x);
  return [
    m.deploys.succeeded, m.deploys.byOthers, m.deploys.failed, m.deploys.cancelled, m.deploysPerWeek,
    n(m.changeFailure.rate), m.changeFailure.failed, m.changeFailure.judged, m.changeFailure.pending,
    n(m.deploymentSuccess.rate), m.deploymentSuccess.attempted,
    m.timeToMitigate.count, n(m.timeToMitigate.medianSeconds), n(m.timeToMitigate.p90Seconds), m.timeToMitigate.withoutDetection,
    m.leadTime.count, n(m.leadTime.medianSeconds), n(m.leadTime.p90Seconds), m.leadTime.pending,
  ];
}

/** `-o csv`: RFC 4180 (CRLF), one line per service, per team and the total, unrounded; text made formula-safe. */
export function deliveryCsv(report: DeliveryReport): string {
  const text = (s: string): string => formulaSafe(s);
  const rows: (string | number)[][] = [header];
  for (const s of report.services) rows.push(["service", text(s.team), text(s.service.context), s.service.namespace, s.service.kind, s.service.name, ...metricCells(s)]);
  for (const t of report.teams) rows.push(["team", text(t.team), "", "", "", "", ...metricCells(t)]);
  rows.push(["total", "", "", "", "", "", ...metricCells(report.total)]);
  return stringify(rows, { record_delimiter: "windows", quoted_match: /[\r\n]/ });
}
