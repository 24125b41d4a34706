import { failureClassTitle, mitigationCommand, mitigationTitle } from "../core/triage/incidentWording";
import type { IncidentFileError } from "../core/triage/incidentFile";
import type { TriageReport } from "../core/triage/triageReport";

/** `-o json`: the triage report as core made it, and where the incident report was written (null with --no-report or when it could not be). */
export function triageJson(report: TriageReport, reportPath: string | null): object {
  return { ...report, reportPath };
}

/**
 * The few lines a terminal (or a CI log) needs on stderr whatever -o says: the verdict, the
 * suspect, the one command that mitigates, and where the report went.
 */
export function triageSummary(report: TriageReport, reportPath: string | null): string {
  const primary = report.headline.primaryClass;
  const verdict =
    report.classification === "none"
      ? "no problem found"
      : report.classification === "unknown"
        ? "undetermined: too little could be seen"
        : `${report.classification}${primary ? `: ${failureClassTitle[primary]}` : ""}`;
  const lines = [`aiplat: triage of ${report.service.namespace}/${report.service.name}: ${verdict}`];
  if (report.suspect && report.suspect.revision !== null) lines.push(`aiplat: suspect: revision ${report.suspect.revision}${report.suspect.changedAt ? `, changed ${report.suspect.changedAt}` : ""}`);
  const command = mitigationCommand(report.mitigation, reportPath ?? undefined);
  if (report.mitigation.action !== "none") lines.push(`aiplat: mitigation: ${mitigationTitle(report.mitigation)}${command ? `: ${command}` : ""}`);
  if (report.blindSpots.length) lines.push(`aiplat: could not see: ${[...new Set(report.blindSpots.map((b) => b.what))].join(", ")} (see the report's Blind spots)`);
  if (reportPath) lines.push(`aiplat: incident report: ${reportPath}`);
  return `${lines.join("\n")}\n`;
}

export function describeIncidentFileError(e: IncidentFileError): string {
  switch (e.kind) {
    case "outside-folder":
      return `not writing the incident report: ${e.dir} leads outside this folder (to ${e.resolved}); run aiplat where .aiplatform/ is a plain folder, or pass --no-report`;
    case "not-found":
      return `cannot write the incident report: ${e.file} does not exist`;
    case "io":
      return `cannot write the incident report at ${e.path}: ${e.message}; pass --no-report to print it only`;
  }
}
