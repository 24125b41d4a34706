/**
 * What a Deployments row says about a canary: our metric-gated canary's state from the
 * aiplatform.dev/canary annotation (an InferenceService, or the stable Deployment of a pair),
 * else a KServe canary someone set by hand. Pure, so the wording is tested without VS Code.
 */
import { describeCanaryProgress, isFinishedPhase, readCanaryState, type CanaryMeasurement, type CanaryState, type CanaryStopReason } from "../../core/deploy/canary/canaryState";
import { canaryOfAnnotation } from "../../core/deploy/canary/deploymentPairDriver";
import type { CanaryState as KServeCanary } from "../../core/kube/rollout/inferenceServiceRollout";

export interface CanaryRow {
  /** For the row's description: "canary 20% · analysis 3/5 ok". */
  readonly text: string;
  /** A canary is under way (or held): Resume and Abort apply, and the row's contextValue says `.canary`. */
  readonly active: boolean;
  /** Markdown-free lines for the tooltip. */
  readonly details: readonly string[];
}

const reasonText: Readonly<Record<CanaryMeasurement["reasons"][number], string>> = {
  "p95-over-slo": "p95 over the SLO",
  "p95-over-baseline": "p95 over the baseline",
  "errors-over-slo": "errors over the SLO",
  "no-traffic": "no traffic",
  "no-baseline": "no baseline",
  "metrics-unavailable": "metrics unavailable",
};

export function describeStopReason(r: CanaryStopReason): string {
  switch (r.kind) {
    case "analysis-failed":
      return `analysis failed: ${r.failed} failed measurements (limit ${r.failureLimit})`;
    case "analysis-inconclusive":
      return `analysis inconclusive: ${r.inconclusive} inconclusive measurements (limit ${r.inconclusiveLimit}); it holds until resumed`;
    case "conflict":
      return `stopped: someone else changed the object (${r.detail})`;
    case "aborted":
      return `aborted by ${r.by}`;
    case "rollback-failed":
      return `the automatic rollback failed: ${r.detail}`;
  }
}

export function describeMeasurement(m: CanaryMeasurement): string {
  const values = [m.p95Ms !== null ? `p95 ${Math.round(m.p95Ms)} ms` : undefined, m.errorRatio !== null ? `errors ${(m.errorRatio * 100).toFixed(2)} %` : undefined, m.rps !== null ? `${m.rps.toFixed(1)} req/s` : undefined];
  const why = m.reasons.map((r) => reasonText[r]);
  return [`${m.at.slice(11, 19)} ${m.phase}`, ...values.filter(Boolean), ...(why.length ? [why.join(", ")] : []), ...(m.error ? [m.error] : [])].join(" · ");
}

function detailsOf(s: CanaryState): string[] {
  const lines = [
    `Canary of ${s.revision}: step ${s.step + 1} of ${s.steps.length} (${s.steps.map((x) => `${x.traffic}%`).join(" → ")}), phase ${s.phase}, since ${s.startedAt}, by ${s.by}.`,
  ];
  if (s.mode === "deployment-pair") lines.push(`Traffic is split by replicas${s.replicas ? ` (${s.replicas.canary} canary of ${s.replicas.total})` : ""}: the split is approximate.`);
  if (s.baseline?.p95Ms != null) lines.push(`Baseline p95 ${Math.round(s.baseline.p95Ms)} ms; tolerance ${Math.round(s.tolerance * 100)} %.`);
  if (s.stopReason) lines.push(`Stopped: ${describeStopReason(s.stopReason)}.`);
  const last = s.measurements.at(-1);
  if (last) lines.push(`Last measurement: ${describeMeasurement(last)}.`);
  return lines;
}

/**
 * The row's canary text, or undefined when there is none. A promoted canary is no longer news
 * (the row shows the version); a rolled-back or aborted one stays until the next deploy, since
 * it says why the new version is not serving. Held counts as under way: Resume and Abort apply.
 */
export function canaryRow(annotations: Readonly<Record<string, string>> | undefined, kserve: KServeCanary | undefined): CanaryRow | undefined {
  const read = readCanaryState(annotations);
  // A promoted canary is no longer news; a KServe canary set by hand afterwards still shows below.
  if (read.kind === "ok" && read.state.phase !== "promoted") {
    const s = read.state;
    return { text: describeCanaryProgress(s), active: !isFinishedPhase(s.phase), details: detailsOf(s) };
  }
  // The `<name>-canary` Deployment of a pair: its progress shows on the stable Deployment's row.
  const stable = annotations?.[canaryOfAnnotation];
  if (stable) return { text: `canary of ${stable}`, active: false, details: [`The canary Deployment of ${stable}: its traffic share and analysis show on ${stable}'s row.`] };
  const invalid = read.kind === "invalid" ? [`The canary annotation cannot be read (${read.detail}); it is ignored.`] : [];
  if (kserve?.canaryRunning) {
    const latest = kserve.traffic.find((t) => t.latest);
    return { text: `canary ${latest?.percent ?? kserve.canaryPercent ?? 0}%${kserve.latestRevision ? ` → ${kserve.latestRevision}` : ""}`, active: true, details: invalid };
  }
  return invalid.length > 0 ? { text: "canary state unreadable", active: false, details: invalid } : undefined;
}
