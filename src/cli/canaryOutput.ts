import type { AbortCanaryResult } from "../core/deploy/canary/abortCanary";
import { measurementFacts, type CanaryError, type CanaryResult, type CanaryWorkload } from "../core/deploy/canary/canaryRun";
import { describeCanaryProgress, type CanaryMeasurement, type CanaryState, type MeasurementReason } from "../core/deploy/canary/canaryState";
import { describeActionError } from "../core/kube/rollout/clusterActions";
import type { ResolvedSlo } from "../core/metrics/sloTargets";

/**
 * How `aiplat deploy` and `aiplat canary` word a canary for a terminal, and their exit codes:
 * promoted 0, rolled back 1, held 3 (a person decides: resume or abort), anything else 1.
 */
export const canaryExitCode = { promoted: 0, rolledBack: 1, held: 3, other: 1 } as const;

export function exitCodeOfCanary(result: CanaryResult): number {
  switch (result.kind) {
    case "promoted":
      return canaryExitCode.promoted;
    case "rolled-back":
      return canaryExitCode.rolledBack;
    case "held":
      return canaryExitCode.held;
    default:
      return canaryExitCode.other;
  }
}

const shellWord = (s: string): string => (/^[\w./:@=+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The command that continues (or stops) the canary from any terminal. */
export function canaryCommandLine(verb: "resume" | "abort" | "status", workload: CanaryWorkload, opts: { context: string; kubeconfig?: string | undefined; auditLog?: string | undefined; source?: string | undefined }): string {
  return [
    `aiplat canary ${verb}`,
    `${workload.namespace}/${workload.name}`,
    ...(workload.kind === "InferenceService" ? ["--kind inferenceservice"] : []),
    `--context ${shellWord(opts.context)}`,
    ...(opts.kubeconfig ? [`--kubeconfig ${shellWord(opts.kubeconfig)}`] : []),
    ...(verb !== "status" && opts.auditLog ? [`--audit-log ${shellWord(opts.auditLog)}`] : []),
    ...(verb === "resume" && opts.source ? [`--source ${shellWord(opts.source)}`] : []),
  ].join(" ");
}

const reasonText: Record<MeasurementReason, string> = {
  "p95-over-slo": "p95 over the SLO",
  "p95-over-baseline": "p95 over the baseline × (1 + tolerance)",
  "errors-over-slo": "error ratio over the SLO",
  "no-traffic": "no requests reached the canary in the interval",
  "no-baseline": "no pre-canary baseline to compare with",
  "metrics-unavailable": "the metrics source did not answer",
};

/** One progress line: "canary 20% · analysis 3/5 ok", with the newest measurement's figures. */
export function canaryProgressLine(state: CanaryState, slo: Pick<ResolvedSlo, "p95LatencyMs" | "errorRate">): string {
  const last: CanaryMeasurement | undefined = state.measurements.at(-1);
  const approx = state.mode === "deployment-pair" && state.phase !== "promoted" && state.replicas ? ` (replicas ${state.replicas.stable} stable : ${state.replicas.canary} canary, an approximate split)` : "";
  const tail = last && state.phase === "analysing" ? `\n  last measurement ${measurementFacts(last, state, slo)}` : "";
  return `${describeCanaryProgress(state)}${approx}${tail}`;
}

export function describeCanaryError(e: CanaryError): string {
  switch (e.kind) {
    case "read-only-context":
      return `context ${e.context} is read-only (it matches "${e.pattern}"); nothing was changed`;
    case "cluster":
      return describeActionError(e.error);
    case "no-canary":
      return "no canary state on the workload (the aiplatform.dev/canary annotation is absent): nothing to resume or abort";
    case "invalid-state":
      return `the aiplatform.dev/canary annotation is not a canary state this version understands (${e.detail}); abort it by deploying again`;
    case "finished":
      return `the canary already ended (${e.phase}); deploy a new version to start another`;
    case "rollback-failed":
      return `the canary failed its analysis but rolling it back failed: ${describeActionError(e.error)}; roll back by hand (aiplat rollback)`;
  }
}

/** What the run came to, for people; the next command when a person must act. */
export function describeCanaryResult(result: CanaryResult, workload: CanaryWorkload, slo: Pick<ResolvedSlo, "p95LatencyMs" | "errorRate">, commands: { resume: string; abort: string }): string {
  const name = `${workload.namespace}/${workload.name}`;
  switch (result.kind) {
    case "promoted":
      return `canary of ${name} promoted: ${result.state.revision} passed every step and now takes all traffic`;
    case "rolled-back": {
      const facts = result.measurements.map((m) => `  ${measurementFacts(m, result.state, slo)}${m.reasons.length ? ` — ${m.reasons.map((r) => reasonText[r]).join("; ")}` : ""}`);
      return [`canary of ${name} failed its analysis and was rolled back automatically (all traffic to the stable version):`, ...facts].join("\n");
    }
    case "held": {
      const why = result.state.measurements.filter((m) => m.phase === "inconclusive" || m.phase === "error").slice(-3).map((m) => `  ${m.at}: ${m.reasons.map((r) => reasonText[r]).join("; ")}${m.error ? ` (${m.error})` : ""}`);
      return [
        `canary of ${name} is held at ${Math.round(result.state.traffic)}%: its analysis was inconclusive (${result.reason.kind === "analysis-inconclusive" ? `${result.reason.inconclusive} > inconclusiveLimit ${result.reason.inconclusiveLimit}` : result.reason.kind}); it was neither promoted nor rolled back:`,
        ...why,
        `To run the analysis again:\n  ${commands.resume}\nTo roll it back:\n  ${commands.abort}`,
      ].join("\n");
    }
    case "conflict":
      return `canary of ${name} stopped: ${result.detail}. Traffic was left as it is (${describeCanaryProgress(result.state)}); check the change, then deploy again or run:\n  ${commands.abort}`;
    case "cancelled":
      return `stopped following the canary of ${name}; its state stays on the object (${describeCanaryProgress(result.state)}). To continue:\n  ${commands.resume}`;
    case "error":
      return `canary of ${name}: ${describeCanaryError(result.error)}`;
  }
}

export function describeAbort(result: AbortCanaryResult, workload: CanaryWorkload): string {
  return result.kind === "aborted"
    ? `canary of ${workload.namespace}/${workload.name} aborted: all traffic back to the stable version (${describeCanaryProgress(result.state)})`
    : `canary of ${workload.namespace}/${workload.name}: ${describeCanaryError(result.error)}`;
}

/** `-o json`: the result kind, the state as on the object, and what a person must do next. */
export function canaryJson(result: CanaryResult, commands: { resume: string; abort: string }): object {
  return {
    outcome: result.kind,
    state: "state" in result ? (result.state ?? null) : null,
    detail: result.kind === "conflict" ? result.detail : result.kind === "error" ? describeCanaryError(result.error) : null,
    measurements: result.kind === "rolled-back" ? result.measurements : null,
    next: result.kind === "held" || result.kind === "cancelled" ? commands.resume : result.kind === "conflict" ? commands.abort : null,
  };
}
