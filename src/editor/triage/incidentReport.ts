/**
 * The incident report of one triage in the editor: written under the workspace folder's
 * .aiplatform/incidents/ (core's writeIncidentReport), or, without a folder or when it cannot be
 * written, rendered for an unsaved editor so the findings are never lost. The saved one can later
 * record the mitigation taken.
 */
import { readFile } from "node:fs/promises";
import type { AuditRecord } from "../../core/audit/auditRecord";
import type { IncidentFileError } from "../../core/triage/incidentFile";
import type { MitigationTaken } from "../../core/triage/incidentMarkdown";
import type { Runbooks } from "../../core/triage/runbookLinks";
import type { TriageReport } from "../../core/triage/triageReport";
import { actorName } from "./triageSources";

export type IncidentFile =
  | {
      readonly kind: "saved";
      readonly file: string;
      /** Workspace-relative, as the rollback's audit record names it. */
      readonly relative: string;
    }
  | { readonly kind: "unsaved"; readonly markdown: string; readonly why: string };

export function describeIncidentFileError(e: IncidentFileError): string {
  switch (e.kind) {
    case "outside-folder":
      return `${e.dir} leads outside the workspace folder (to ${e.resolved}); reports are only written inside it`;
    case "not-found":
      return `${e.file} does not exist (any more)`;
    case "io":
      return `cannot write ${e.path}: ${e.message}`;
  }
}

async function runbooksOf(serviceRunbook: string | undefined, builtIn: string): Promise<Runbooks> {
  if (!serviceRunbook) return { builtIn };
  try {
    return { service: { path: serviceRunbook, text: await readFile(serviceRunbook, "utf8") }, builtIn };
  } catch {
    return { builtIn };
  }
}

export async function incidentReportOf(input: {
  readonly workspaceDir: string | undefined;
  readonly report: TriageReport;
  readonly auditFile: string;
  readonly serviceRunbook: string | undefined;
  readonly builtInRunbook: string;
}): Promise<IncidentFile> {
  const { renderIncidentMarkdown, writeIncidentReport } = await import("../../core/triage/incidentFile");
  const runbooks = await runbooksOf(input.serviceRunbook, input.builtInRunbook);
  const options = { runbooks, auditFile: input.auditFile };
  if (!input.workspaceDir) return { kind: "unsaved", markdown: renderIncidentMarkdown(input.report, options), why: "no folder is open, so there is no .aiplatform/incidents/ to keep it in" };
  const written = await writeIncidentReport(input.workspaceDir, input.report, options);
  if (!written.ok) return { kind: "unsaved", markdown: renderIncidentMarkdown(input.report, options), why: describeIncidentFileError(written.error) };
  return { kind: "saved", file: written.file, relative: written.relativePath };
}

/** The mitigation as the audit log recorded it, in the report's words. */
export function mitigationTakenOf(record: AuditRecord, report: TriageReport): MitigationTaken {
  // The revision rolled back to, as the report recommended it (a Deployment's undo gives that template a new revision number).
  const revision = report.mitigation.revision ?? record.revisionAfter;
  return {
    action: report.mitigation.action,
    at: record.ts,
    outcome: record.outcome,
    by: actorName(record),
    ...(revision !== undefined ? { revision } : {}),
    auditSeq: record.seq,
    ...(record.detail ? { detail: record.detail } : {}),
  };
}

export async function recordMitigationInReport(file: string, taken: MitigationTaken, auditFile: string): Promise<{ readonly ok: true } | { readonly ok: false; readonly error: string }> {
  const { recordMitigationTaken } = await import("../../core/triage/incidentFile");
  const r = await recordMitigationTaken(file, taken, { auditFile });
  return r.ok ? { ok: true } : { ok: false, error: describeIncidentFileError(r.error) };
}
