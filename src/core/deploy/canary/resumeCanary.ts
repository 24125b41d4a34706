import type { KubeConfig } from "@kubernetes/client-node";
import { checkWritable } from "../../access/readOnlyContexts";
import type { ActionError } from "../../kube/rollout/clusterActions";
import { emptyCounts } from "./canaryAnalysis";
import { readCanaryBaseline } from "./canaryMeasurement";
import { canaryDriverFor, defaultBaselineWindowSeconds, newRun, type CanaryResult, type CanaryRunOptions, type CanaryWorkload } from "./canaryRun";
import { isFinishedPhase, readCanaryState, type CanaryState } from "./canaryState";
import { runSteps } from "./canaryStepLoop";

/** The canary state on the workload now, read fresh: what `aiplat canary status` prints. */
export async function readWorkloadCanary(kc: KubeConfig, workload: CanaryWorkload, signal?: AbortSignal): Promise<{ readonly ok: true; readonly state: CanaryState | undefined; readonly invalid?: string } | { readonly ok: false; readonly error: ActionError }> {
  const seen = await canaryDriverFor(kc, workload).read(signal);
  if (!seen.ok) return seen;
  const read = readCanaryState(seen.observed.annotations);
  return read.kind === "ok" ? { ok: true, state: read.state } : read.kind === "invalid" ? { ok: true, state: undefined, invalid: read.detail } : { ok: true, state: undefined };
}

/**
 * Continues the canary in the workload's annotation where it stopped: a cancelled run from its
 * step and phase (the counts so far stand), a held one re-runs the current step's analysis from
 * zero (as resuming a paused Argo Rollout starts a new AnalysisRun).
 */
export async function resumeCanary(opts: CanaryRunOptions): Promise<CanaryResult> {
  const refusal = checkWritable(opts.context.name, opts.readOnly);
  if (refusal) return { kind: "error", error: refusal, audit: [] };
  const driver = canaryDriverFor(opts.kc, opts.workload);
  const seen = await driver.read(opts.signal);
  if (!seen.ok) return { kind: "error", error: { kind: "cluster", error: seen.error }, audit: [] };
  const read = readCanaryState(seen.observed.annotations);
  if (read.kind === "none") return { kind: "error", error: { kind: "no-canary" }, audit: [] };
  if (read.kind === "invalid") return { kind: "error", error: { kind: "invalid-state", detail: read.detail }, audit: [] };
  const state = read.state;
  if (isFinishedPhase(state.phase)) return { kind: "error", error: { kind: "finished", phase: state.phase }, state, audit: [] };
  const run = newRun(opts, driver, seen.observed);
  const { stopReason: _reason, ...rest } = state;
  const held: CanaryState = state.phase === "held" ? { ...rest, phase: "analysing", analysis: emptyCounts } : state;
  // A baseline the first run could not read (metrics away) is read again, over the same window before the canary started.
  const window = state.baseline?.window;
  const baseline =
    state.baseline?.p95Ms !== null && state.baseline?.p95Ms !== undefined
      ? state.baseline
      : ((await readCanaryBaseline(opts.metrics.source, opts.metrics.target, new Date((window?.end ?? Date.parse(state.startedAt) / 1000) * 1000), window ? window.end - window.start : defaultBaselineWindowSeconds, opts.signal)) ?? state.baseline);
  const resumed: CanaryState = { ...held, baseline, by: opts.actor.kubeUser };
  return runSteps(run, resumed);
}

