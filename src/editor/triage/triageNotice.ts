/**
 * A triage report in one notification: what is wrong, whose side it is on, the suspect change,
 * and the mitigation as its button. Pure, so the wording and the button's argument are tested
 * without VS Code; the command shows it.
 */
import type { BlindSpotArea, FailureClass, TriageReport } from "../../core/triage/triageReport";
import type { RollbackMitigation } from "../commands/rollbackCommand";

export const failureClassText: Readonly<Record<FailureClass, string>> = {
  "image-pull": "image pull failure",
  scheduling: "pods cannot be scheduled",
  "gpu-starvation": "GPU starvation",
  "node-not-ready": "node NotReady",
  oom: "OOM kills against the memory limit",
  quota: "resource quota exhausted",
  "crash-loop": "crash loop",
  "app-errors": "app errors (5xx)",
  "latency-regression": "p95 latency regression",
};

const blindSpotText: Readonly<Record<BlindSpotArea, string>> = {
  metrics: "metrics",
  "rollout-history": "rollout history",
  "audit-log": "audit log",
  events: "events",
  pods: "pods",
  nodes: "nodes",
  "resource-quotas": "resource quotas",
  workload: "the workload",
};

export type NoticeAction =
  /** Runs Roll Back with this argument (its confirmation modal still asks). */
  | { readonly kind: "rollback"; readonly title: string; readonly arg: RollbackMitigation }
  /** A mitigation that is not ours to run (kubectl scale, cordon): the command, to copy. */
  | { readonly kind: "copy"; readonly title: string; readonly command: string };

export interface TriageNotice {
  readonly severity: "warning" | "info";
  readonly text: string;
  readonly action?: NoticeAction;
}

function revisionText(revision: number | string): string {
  return typeof revision === "number" ? `revision ${revision}` : revision;
}

function numbers(report: TriageReport): string {
  const h = report.headline;
  const parts: string[] = [];
  if (h.p95BeforeMs != null && h.p95AfterMs != null) parts.push(`p95 ${Math.round(h.p95BeforeMs)} → ${Math.round(h.p95AfterMs)} ms`);
  if (h.errorRatioBefore != null && h.errorRatioAfter != null) parts.push(`errors ${percent(h.errorRatioBefore)} → ${percent(h.errorRatioAfter)}`);
  if (h.affectedPods > 0) parts.push(`${h.affectedPods} of ${h.pods} pods affected`);
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}

function percent(ratio: number): string {
  const p = ratio * 100;
  return `${p < 1 ? p.toFixed(2) : p.toFixed(1)} %`;
}

function blindSpots(report: TriageReport): string {
  const areas = [...new Set(report.blindSpots.map((b) => blindSpotText[b.what]))];
  return areas.length > 0 ? ` Not seen: ${areas.join(", ")}.` : "";
}

/** One line for the audit record and the object's change-cause: why this rollback was made. */
export function mitigationReason(report: TriageReport, incident: string | undefined): string {
  const cls = report.headline.primaryClass ? failureClassText[report.headline.primaryClass] : "incident";
  const suspect = report.suspect?.revision != null ? ` after ${revisionText(report.suspect.revision)}` : "";
  const reason = `Mitigation: ${cls}${suspect}${incident ? ` (${incident})` : ""}`;
  return reason.replace(/[\r\n]+/g, " ").slice(0, 300);
}

/**
 * The notification for a report. `incident` is the report's workspace-relative path (absent when
 * it could not be saved); it goes on the rollback's audit record with the detection time.
 */
export function triageNotice(report: TriageReport, workloadId: string, incident: string | undefined): TriageNotice {
  const { service, classification, mitigation } = report;
  const where = `${service.namespace}/${service.name}`;
  if (classification === "none") return { severity: "info", text: `Triage of ${where}: no problem found.${blindSpots(report)}` };
  if (classification === "unknown") return { severity: "warning", text: `Triage of ${where} could not tell what is wrong: too little could be seen.${blindSpots(report)} The report says what it found.` };

  const side = classification === "code" ? "Code" : "Platform";
  const cls = report.headline.primaryClass ? failureClassText[report.headline.primaryClass] : "a problem";
  const suspect = report.suspect?.revision != null ? ` after ${revisionText(report.suspect.revision)}` : "";
  const head = `${side}: ${cls}${suspect} in ${where}${numbers(report)}.`;
  const detectedAt = report.generatedAt;
  const rollback = (title: string, toRevision?: number): NoticeAction => ({
    kind: "rollback",
    title,
    arg: { type: "mitigation", workloadId, ...(toRevision !== undefined ? { toRevision } : {}), detectedAt, ...(incident ? { incident } : {}), reason: mitigationReason(report, incident) },
  });
  switch (mitigation.action) {
    case "rollback": {
      // A Deployment rolls back to a numbered revision; an InferenceService to its previous predictor.
      const to = typeof mitigation.revision === "number" ? mitigation.revision : undefined;
      const label = mitigation.revision !== undefined ? revisionText(mitigation.revision) : "the previous revision";
      return { severity: "warning", text: `${head} Roll back to ${label}?`, action: rollback(`Roll Back to ${label.replace(/^revision/, "Revision")}`, service.kind === "Deployment" ? to : undefined) };
    }
    case "canary-to-zero":
      return { severity: "warning", text: `${head} Send the canary's traffic back to 0 %?`, action: rollback("Canary to 0 %") };
    case "scale-up":
    case "cordon":
      return mitigation.command
        ? { severity: "warning", text: `${head} Recommended: ${mitigation.command}`, action: { kind: "copy", title: "Copy Command", command: mitigation.command } }
        : { severity: "warning", text: head };
    case "none":
      return { severity: "warning", text: `${head} No one-click mitigation: the report and the runbook say what to look at.` };
  }
}
