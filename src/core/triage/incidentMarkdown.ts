/**
 * The incident report: a triage report as a markdown document ready for a postmortem. Summary,
 * suspect and its evidence, a timeline, the charts as inline SVG, the before/after comparisons
 * with the tests that judged them, the classifier's evidence with runbook links, the mitigation
 * recommended and taken, and what triage could not see. The mitigation-taken section sits between
 * markers so recordMitigationTaken can fill it in later without touching anyone's edits elsewhere.
 */
import * as path from "node:path";
import type { AuditOutcome } from "../audit/auditRecord";
import {
  blindSpotArea,
  blindSpotText,
  changeKindTitle,
  classificationTitle,
  count,
  failureClassTitle,
  isoToUnix,
  mitigationCommand,
  mitigationTitle,
  ms,
  pct,
  perSecond,
  revisionText,
  signedPct,
  span,
  utcTime,
} from "./incidentWording";
import { incidentCharts } from "./incidentSvg";
import { codeBlock, codeSpan, escapeMarkdown, fileLink, markdownCell as cell } from "./markdownText";
import { runbookLinks, type RunbookLink, type Runbooks } from "./runbookLinks";
import type { ChangeComparison, MitigationAction, TriageChange, TriageReport } from "./triageReport";

/** A mitigation someone carried out, as recorded after the report was written. */
export interface MitigationTaken {
  readonly action: MitigationAction;
  /** ISO 8601: when it was done (the audit record's ts). */
  readonly at: string;
  readonly outcome: AuditOutcome;
  /** Who did it (the audit record's actor, as a name). */
  readonly by: string;
  readonly revision?: number | string;
  readonly node?: string;
  /** The audit record that holds it. */
  readonly auditSeq?: number;
  readonly detail?: string;
}

export interface IncidentMarkdownOptions {
  readonly runbooks: Runbooks;
  /** The audit log the records' sequence numbers refer to. */
  readonly auditFile?: string;
  /** Where the report will be written: links are made relative to its folder. */
  readonly reportFile?: string;
  /** The report's path relative to the workspace folder, for `aiplat rollback --incident` run from there. */
  readonly incidentPath?: string;
  readonly mitigationTaken?: readonly MitigationTaken[];
}

/** The section recordMitigationTaken rewrites, and the line after the timeline table it appends rows above. */
export const mitigationTakenMarkers = { start: "<!-- aiplat:mitigation-taken -->", end: "<!-- /aiplat:mitigation-taken -->" } as const;
export const timelineEndMarker = "<!-- aiplat:timeline-end -->";

function headlineSentence(report: TriageReport): string {
  const h = report.headline;
  const svc = `${report.service.namespace}/${report.service.name}`;
  const parts: string[] = [];
  if (report.classification === "none") parts.push(`Triage found no problem with ${svc} between ${utcTime(report.window.start)} and ${utcTime(report.window.end)}.`);
  else if (report.classification === "unknown") parts.push(`Triage could not see enough of ${svc} to decide whether it is the platform or the code (see Blind spots).`);
  else parts.push(`Triage classifies the incident on ${svc} as a **${report.classification}** problem${h.primaryClass ? `: ${failureClassTitle[h.primaryClass]}` : ""}.`);
  const moves: string[] = [];
  if (h.p95BeforeMs != null || h.p95AfterMs != null) moves.push(`p95 latency ${ms(h.p95BeforeMs)} → ${ms(h.p95AfterMs)}${h.p95BeforeMs && h.p95AfterMs ? signedPct(h.p95AfterMs / h.p95BeforeMs - 1) : ""}`);
  if (h.errorRatioBefore != null || h.errorRatioAfter != null) moves.push(`errors ${pct(h.errorRatioBefore)} → ${pct(h.errorRatioAfter)}`);
  if (report.suspect && (report.suspect.revision !== null || report.suspect.changedAt !== null)) {
    const when = report.suspect.changedAt ? ` (${utcTime(isoToUnix(report.suspect.changedAt))}, ${span(isoToUnix(report.generatedAt) - isoToUnix(report.suspect.changedAt))} before triage)` : "";
    const what = report.suspect.revision !== null ? `revision ${report.suspect.revision}` : "the suspect change";
    parts.push(moves.length ? `${moves.join(", ")} after ${what}${when}.` : `The suspect is ${what}${when}.`);
  } else if (moves.length) parts.push(`${moves.join(", ")}.`);
  if (h.affectedPods > 0) parts.push(`${h.affectedPods} of ${h.pods} ${h.pods === 1 ? "pod has" : "pods have"} a problem.`);
  if (report.mitigation.action !== "none") parts.push(`Recommended mitigation: ${mitigationTitle(report.mitigation)}.`);
  return parts.join(" ");
}

function factsTable(report: TriageReport): string {
  const rows: [string, string][] = [
    ["service", `${cell(`${report.service.namespace}/${report.service.name}`)} (${report.service.kind}) in context ${codeSpan(report.service.context)}`],
    ["triaged", utcTime(isoToUnix(report.generatedAt))],
    ["window", `${utcTime(report.window.start)} → ${utcTime(report.window.end)}`],
    ["classification", `**${classificationTitle[report.classification]}**${report.headline.primaryClass ? ` (${report.headline.primaryClass})` : ""}`],
    ["suspect", report.suspect ? cell([revisionText(report.suspect.revision), report.suspect.changedAt ? `changed ${utcTime(isoToUnix(report.suspect.changedAt))}` : ""].filter(Boolean).join(", ") || "a change without a revision") : "none"],
    ["mitigation", `${mitigationTitle(report.mitigation)}${report.mitigation.command ? `: ${codeSpan(report.mitigation.command)}` : ""}`],
  ];
  if (report.slo) rows.push(["SLO", `p95 ≤ ${ms(report.slo.p95LatencyMs)}, errors ≤ ${pct(report.slo.errorRate)} (${cell(report.slo.origin)})`]);
  return ["| | |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join("\n");
}

function auditLink(seq: number, opts: Pick<IncidentMarkdownOptions, "auditFile" | "reportFile">): string {
  // The log is one record per line from seq 1, so a record's line is its seq while the chain is intact.
  return opts.auditFile ? `[audit #${seq}](${fileLink(opts.auditFile, opts.reportFile, `L${seq}`)})` : `audit #${seq}`;
}

function isSuspect(c: TriageChange, report: TriageReport): boolean {
  const s = report.suspect;
  if (!s) return false;
  if (s.changedAt !== null && Math.abs(isoToUnix(s.changedAt) - c.at) > 1) return false;
  return s.revision === null || c.revision === undefined || String(c.revision) === String(s.revision);
}

/** The timeline table's row for a mitigation taken; recordMitigationTaken appends it. */
export function mitigationTimelineRow(t: MitigationTaken, opts: Pick<IncidentMarkdownOptions, "auditFile" | "reportFile">): string {
  const detail = [t.outcome, t.detail ?? ""].filter(Boolean).join(": ");
  return `| ${utcTime(isoToUnix(t.at))} | **mitigation**: ${cell(mitigationTitle(t))} | ${cell(revisionText(t.revision))} | ${cell(t.by)} | ${cell(detail)} | ${t.auditSeq !== undefined ? auditLink(t.auditSeq, opts) : ""} |`;
}

function timeline(report: TriageReport, opts: IncidentMarkdownOptions): string {
  const rows = report.changes.map((c) => {
    const what = `${changeKindTitle[c.kind]}${isSuspect(c, report) ? " (**suspect**)" : ""}${c.beforeWindow ? " (before the window)" : ""}`;
    const details = [c.reason, c.image ? `image ${c.image}` : undefined, c.modelVersion ? `model ${c.modelVersion}` : undefined].filter((x): x is string => Boolean(x)).join("; ");
    const source = [cell(c.origin), c.auditSeq !== undefined ? auditLink(c.auditSeq, opts) : ""].filter(Boolean).join(", ");
    return { at: c.at, row: `| ${utcTime(c.at)} | ${what} | ${cell(revisionText(c.revision))} | ${cell(c.actor ?? "")} | ${cell(details)} | ${source} |` };
  });
  const detectedAt = isoToUnix(report.generatedAt);
  const detected = `triage: ${classificationTitle[report.classification]}${report.headline.primaryClass ? `, ${report.headline.primaryClass}` : ""}`;
  rows.push({ at: detectedAt, row: `| ${utcTime(detectedAt)} | **detected** | ${cell(revisionText(report.suspect?.revision))} | | ${cell(detected)} | this report |` });
  for (const t of opts.mitigationTaken ?? []) rows.push({ at: isoToUnix(t.at), row: mitigationTimelineRow(t, opts) });
  rows.sort((a, b) => a.at - b.at);
  return ["| time | what | revision | by | details | source |", "|---|---|---|---|---|---|", ...rows.map((r) => r.row), "", timelineEndMarker].join("\n");
}

function charts(report: TriageReport): string {
  if (!report.series) return "No charts: triage had no metrics for this service (see Blind spots).";
  const s = report.series;
  const label = report.suspect?.revision != null ? `revision ${report.suspect.revision}` : "suspect change";
  const svg = incidentCharts(s, label);
  const around = s.markAt === null ? "" : `, the suspect change (${label}, ${utcTime(s.markAt)}) marked`;
  return [`${utcTime(s.start)} → ${utcTime(s.end)}, one point every ${span(s.step)}${around}; dashed red lines are the SLO.`, "", svg.p95, "", svg.errorRatio, "", svg.rps].join("\n");
}

function verdictText(v: ChangeComparison["latency"]): string {
  if (v.regressed === null) return "no data";
  const sig = v.significant === null ? "test not run" : v.significant ? "significant" : "not significant";
  return `${v.regressed ? "**regressed**" : "no regression"}, ${sig}${v.pValue != null ? `, ${v.pValue < 0.001 ? "p < 0.001" : `p = ${Number(v.pValue.toPrecision(2))}`}` : ""}`;
}

const measured = (c: ChangeComparison): boolean => [c.before.p95Ms, c.after.p95Ms, c.before.errorRatio, c.after.errorRatio, c.before.rps, c.after.rps].some((v) => v !== null);

function comparisons(report: TriageReport): string {
  // A change with no figure on either side (no traffic, no series) has nothing to compare.
  const shown = report.comparisons.filter(measured);
  if (shown.length === 0) return "No before/after comparisons: no change in the window had metrics around it.";
  const rows = shown.map((c) => {
    const change = `${utcTime(c.changeAt)} ${changeKindTitle[c.kind]}${c.revision !== undefined ? ` ${revisionText(c.revision)}` : ""}`;
    const window = c.windowSeconds > 0 ? `${span(c.windowSeconds)}${c.underpowered ? " (underpowered)" : ""}` : "none";
    const p95 = `${ms(c.before.p95Ms)} → ${ms(c.after.p95Ms)}${signedPct(c.p95Change)}`;
    const errors = `${pct(c.before.errorRatio)} → ${pct(c.after.errorRatio)}`;
    const requests = `${count(c.before.requests)} (${perSecond(c.before.rps)}) / ${count(c.after.requests)} (${perSecond(c.after.rps)})`;
    return `| ${cell(change)} | ${window} | ${p95} | ${errors} | ${requests} | ${verdictText(c.latency)} | ${verdictText(c.errors)} |`;
  });
  const tests = [...new Set(shown.flatMap((c) => [c.latency.test, c.errors.test]).filter(Boolean))];
  return [
    "| change | window (each side) | p95 before → after | errors before → after | requests (rate) before / after | latency | errors |",
    "|---|---|---|---|---|---|---|",
    ...rows,
    "",
    "Tests:",
    "",
    ...tests.map((t) => `- ${escapeMarkdown(t)}`),
  ].join("\n");
}

function suspectSection(report: TriageReport): string {
  if (!report.suspect) return "No suspect change: nothing in the window explains a problem.";
  const s = report.suspect;
  const lines = [
    `**${escapeMarkdown([revisionText(s.revision), s.changedAt ? `changed ${utcTime(isoToUnix(s.changedAt))}` : ""].filter(Boolean).join(", ") || "a change without a revision")}**`,
    "",
    ...s.evidence.map((e) => `- ${escapeMarkdown(e)}`),
  ];
  const others = report.suspects.slice(1);
  if (others.length) {
    lines.push("", "Other candidates, ranked (the score orders them; it is not a probability):", "", "| rank | change | classes | score |", "|---|---|---|---|");
    report.suspects.forEach((r, i) => {
      const what = [r.kind === "platform" ? "the platform" : changeKindTitle[r.kind], revisionText(r.revision), r.changedAt ? utcTime(isoToUnix(r.changedAt)) : ""].filter(Boolean).join(" ");
      lines.push(`| ${i + 1} | ${cell(what)} | ${cell(r.classes.join(", "))} | ${r.score.toFixed(2)} |`);
    });
  }
  return lines.join("\n");
}

function findings(report: TriageReport, links: readonly RunbookLink[], opts: IncidentMarkdownOptions): string {
  if (report.findings.length === 0) return "The classifier found no failure.";
  return report.findings
    .map((f) => {
      const link = links.find((l) => l.class === f.class);
      const lines = [`### ${f.class}: ${failureClassTitle[f.class]} (${f.side})`, ""];
      if (f.revision !== undefined) lines.push(`Pinned on ${revisionText(f.revision)}.`, "");
      lines.push(...f.evidence.map((e) => `- ${escapeMarkdown(e.fact)}`));
      if (f.pods?.length) lines.push("", `Pods: ${f.pods.map(codeSpan).join(", ")}`);
      if (f.nodes?.length) lines.push("", `Nodes: ${f.nodes.map(codeSpan).join(", ")}`);
      if (link) lines.push("", `Runbook: [${f.class}](${runbookHref(link, opts)}) (${link.origin === "service" ? "the service's runbook" : "built-in runbook"})`);
      return lines.join("\n");
    })
    .join("\n\n");
}

export function mitigationTakenItem(t: MitigationTaken, opts: Pick<IncidentMarkdownOptions, "auditFile" | "reportFile">): string {
  const audit = t.auditSeq !== undefined ? `; ${auditLink(t.auditSeq, opts)}` : "";
  return `- ${utcTime(isoToUnix(t.at))}: ${escapeMarkdown(mitigationTitle(t))} by ${escapeMarkdown(t.by)}, ${t.outcome}${t.detail ? ` (${escapeMarkdown(t.detail)})` : ""}${audit}`;
}

/** The start marker carries when the incident was detected, so a later update can say the time to mitigate. */
export function mitigationStartMarker(detectedAt: string | undefined): string {
  return detectedAt ? mitigationTakenMarkers.start.replace(" -->", ` detected="${detectedAt}" -->`) : mitigationTakenMarkers.start;
}

export function timeToMitigateLine(detectedAt: string, mitigatedAt: string): string {
  return `Time to mitigate: ${span(isoToUnix(mitigatedAt) - isoToUnix(detectedAt))} from detection to the first successful mitigation.`;
}

/** The body between the mitigation-taken markers. */
export function mitigationTakenBody(taken: readonly MitigationTaken[], opts: Pick<IncidentMarkdownOptions, "auditFile" | "reportFile">, detectedAt?: string): string {
  if (taken.length === 0) return "_Not yet. When the mitigation is made with AI Platform Ops, it is recorded here._";
  const lines = taken.map((t) => mitigationTakenItem(t, opts));
  const first = taken.filter((t) => t.outcome === "succeeded").sort((a, b) => Date.parse(a.at) - Date.parse(b.at))[0];
  if (first && detectedAt) lines.push("", timeToMitigateLine(detectedAt, first.at));
  return lines.join("\n");
}

function mitigation(report: TriageReport, opts: IncidentMarkdownOptions): string {
  const m = report.mitigation;
  const lines = ["### Recommended", "", `${mitigationTitle(m)[0]?.toUpperCase() ?? ""}${mitigationTitle(m).slice(1)}.`];
  if (m.command) {
    const command = mitigationCommand(m, opts.incidentPath);
    lines.push("", codeBlock(command, "sh"));
    if (command !== m.command) lines.push("", "Run it from the workspace folder: `--incident` records the rollback in this report and the incident on its audit record.");
    if (m.tool === "kubectl" || m.tool === "cloud") {
      lines.push("", `This is not a change AI Platform Ops makes: it is ${m.tool === "kubectl" ? "kubectl's" : "your cloud CLI's"}, and not in the audit log.${/<[a-z-]+>/.test(m.command) ? " Fill in the `<…>` placeholders: the cluster cannot tell them." : ""}`);
    }
  }
  lines.push("", "### Taken", "", mitigationStartMarker(report.generatedAt), mitigationTakenBody(opts.mitigationTaken ?? [], opts, report.generatedAt), mitigationTakenMarkers.end);
  return lines.join("\n");
}

function blindSpots(report: TriageReport): string {
  if (report.blindSpots.length === 0) return "None: triage saw the rollout history, events, pods, nodes, audit log and metrics it looked for.";
  return report.blindSpots.map((b) => `- **${blindSpotArea[b.what]}**: ${escapeMarkdown(blindSpotText(b))}${b.why.kind === "no-data" && b.why.query ? ` (query ${codeSpan(b.why.query)})` : ""}`).join("\n");
}

const runbookHref = (l: RunbookLink, opts: IncidentMarkdownOptions): string => fileLink(l.file, opts.reportFile, l.anchor);

function runbookSection(links: readonly RunbookLink[], opts: IncidentMarkdownOptions): string {
  const service = opts.runbooks.service;
  const lines = [service ? `The service's runbook: [${escapeMarkdown(path.basename(service.path))}](${fileLink(service.path, opts.reportFile)}).` : `The service has no runbook.md beside its aiplatform.yaml; the links go to the [built-in runbook](${fileLink(opts.runbooks.builtIn, opts.reportFile)}).`];
  if (links.length) lines.push("", ...links.map((l) => `- ${l.class}: [${l.origin === "service" ? "service runbook" : "built-in runbook"} § ${l.anchor}](${runbookHref(l, opts)})`));
  return lines.join("\n");
}

function auditSection(report: TriageReport, opts: IncidentMarkdownOptions): string {
  const audited = report.changes.filter((c) => c.auditSeq !== undefined);
  const taken = (opts.mitigationTaken ?? []).filter((t) => t.auditSeq !== undefined);
  if (!opts.auditFile) return "No audit log was read.";
  const lines = [`Records in [${escapeMarkdown(path.basename(opts.auditFile))}](${fileLink(opts.auditFile, opts.reportFile)}) (check the chain with ${codeSpan("npx aiplat audit verify")}):`, ""];
  if (audited.length === 0 && taken.length === 0) lines.push("- none of the changes in the timeline were made through AI Platform Ops.");
  for (const c of audited) lines.push(`- ${auditLink(c.auditSeq ?? 0, opts)}: ${changeKindTitle[c.kind]}${c.revision !== undefined ? ` to ${revisionText(c.revision)}` : ""}, ${utcTime(c.at)}${c.actor ? ` by ${escapeMarkdown(c.actor)}` : ""}`);
  return lines.join("\n");
}

/** The incident report's markdown. */
export function renderIncidentMarkdown(report: TriageReport, opts: IncidentMarkdownOptions): string {
  const links = runbookLinks(report, opts.runbooks);
  const title = `# Incident: ${escapeMarkdown(`${report.service.namespace}/${report.service.name}`)}, ${utcTime(isoToUnix(report.generatedAt))}`;
  return [
    title,
    "",
    factsTable(report),
    "",
    "## Summary",
    "",
    headlineSentence(report),
    "",
    "## Suspect",
    "",
    suspectSection(report),
    "",
    "## Timeline",
    "",
    timeline(report, opts),
    "",
    "## Charts",
    "",
    charts(report),
    "",
    "## Before and after each change",
    "",
    comparisons(report),
    "",
    "## Findings",
    "",
    findings(report, links, opts),
    "",
    "## Mitigation",
    "",
    mitigation(report, opts),
    "",
    "## Blind spots",
    "",
    blindSpots(report),
    "",
    "## Runbook",
    "",
    runbookSection(links, opts),
    "",
    "## Audit records",
    "",
    auditSection(report, opts),
    "",
  ].join("\n");
}
