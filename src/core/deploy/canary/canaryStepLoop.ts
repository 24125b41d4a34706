import { assessAnalysis, countMeasurement, emptyCounts, judgeMeasurement } from "./canaryAnalysis";
import { measureCanary, readCanaryBaseline } from "./canaryMeasurement";
import { audit, cancelled, commit, defaultBaselineWindowSeconds, measurementFacts, stopOnConflict, type CanaryResult, type Run } from "./canaryRun";
import { maxKeptMeasurements, type CanaryAnalysisSpec, type CanaryMeasurement, type CanaryState, type CanaryStopReason } from "./canaryState";

/**
 * A baseline the start could not read (the source answered without data for that window, or not
 * at all) is asked again for the same window before each measurement, so a passing blip at the
 * start does not hold the whole canary; it stays null only while the source keeps not knowing.
 */
async function refreshBaseline(run: Run, state: CanaryState): Promise<CanaryState> {
  if (state.baseline?.p95Ms !== null && state.baseline?.p95Ms !== undefined) return state;
  const window = state.baseline?.window;
  const end = window ? new Date(window.end * 1000) : new Date(Date.parse(state.startedAt));
  const seconds = window ? window.end - window.start : defaultBaselineWindowSeconds;
  const baseline = await readCanaryBaseline(run.opts.metrics.source, run.opts.metrics.target, end, seconds, run.opts.signal);
  return baseline && baseline.p95Ms !== null ? { ...state, baseline } : state;
}

async function measure(run: Run, state: CanaryState, spec: CanaryAnalysisSpec): Promise<CanaryMeasurement | "cancelled"> {
  const at = run.now();
  const { source, target } = run.opts.metrics;
  const podRegex = await run.driver.canaryPodRegex(run.opts.signal);
  const base = { at: at.toISOString(), step: state.step };
  if (podRegex === undefined) return { ...base, phase: "error", p95Ms: null, errorRatio: null, rps: null, reasons: ["metrics-unavailable"], error: "the canary has no pods yet" };
  const r = await measureCanary(source, { ...target, podRegex }, Math.floor(at.getTime() / 1000), spec.interval, run.opts.signal);
  if (!r.ok) {
    if (r.cancelled || run.opts.signal.aborted) return "cancelled";
    return { ...base, phase: "error", p95Ms: null, errorRatio: null, rps: null, reasons: ["metrics-unavailable"], error: r.error };
  }
  const verdict = judgeMeasurement(r.reading, { slo: target.slo, baseline: state.baseline, tolerance: state.tolerance });
  return { ...base, phase: verdict.phase, p95Ms: r.reading.p95Ms, errorRatio: r.reading.errorRatio, rps: r.reading.rps, reasons: [...verdict.reasons] };
}

/**
 * The step loop, from whatever phase the state is in: "progressing" enters the current step
 * (sets its traffic), "paused" waits out the rest of its pause, "analysing" takes measurements
 * until Argo's assessment ends the step. Success moves on (a canary-step record), failure rolls
 * back (a rollback record with the failing measurements), inconclusive holds; the last step's
 * success promotes (a promote record).
 */
export async function runSteps(run: Run, start: CanaryState): Promise<CanaryResult> {
  let state = start;
  const { signal } = run.opts;
  for (;;) {
    if (signal.aborted) return cancelled(run, state);
    const step = state.steps[state.step];
    if (!step) return { kind: "error", error: { kind: "invalid-state", detail: `step ${state.step} is not among the ${state.steps.length} steps` }, state, audit: run.records };
    const spec = step.analysis;
    if (state.phase === "progressing") {
      const entered: CanaryState = {
        ...state,
        ...run.driver.split(step.traffic, state),
        phase: (step.pauseSeconds ?? 0) > 0 ? "paused" : spec ? "analysing" : "progressing",
        stepStartedAt: run.now().toISOString(),
        analysis: emptyCounts,
      };
      const c = await commit(run, entered, { kind: "traffic", percent: step.traffic });
      if (!c.ok) return stopOnConflict(run, state, c);
      state = c.state;
    }
    if (state.phase === "paused") {
      const left = Date.parse(state.stepStartedAt) + (step.pauseSeconds ?? 0) * 1000 - run.now().getTime();
      await run.sleep(left, signal);
      if (signal.aborted) return cancelled(run, state);
      if (spec) {
        const c = await commit(run, { ...state, phase: "analysing" }, { kind: "state" });
        if (!c.ok) return stopOnConflict(run, state, c);
        state = c.state;
      }
    }
    if (state.phase === "analysing" && spec) {
      let verdict = assessAnalysis(state.analysis, spec);
      while (verdict === "running") {
        await run.sleep(spec.interval * 1000, signal);
        if (signal.aborted) return cancelled(run, state);
        state = await refreshBaseline(run, state);
        const m = await measure(run, state, spec);
        if (m === "cancelled") return cancelled(run, state);
        const counted: CanaryState = { ...state, analysis: countMeasurement(state.analysis, m.phase), measurements: [...state.measurements, m].slice(-maxKeptMeasurements) };
        verdict = assessAnalysis(counted.analysis, spec);
        if (verdict === "failed") return rollBack(run, counted, spec);
        if (verdict === "inconclusive") return hold(run, counted, spec);
        const c = await commit(run, counted, { kind: "state" });
        if (!c.ok) return stopOnConflict(run, state, c);
        state = c.state;
      }
    }
    const last = state.step + 1 >= state.steps.length;
    const summary = `step ${state.step + 1}/${state.steps.length} passed at ${Math.round(state.traffic)}%${spec ? ` · analysis ${state.analysis.ok}/${spec.count} ok, ${state.analysis.failed} failed, ${state.analysis.inconclusive} inconclusive` : ""}`;
    if (last) return promote(run, state, summary);
    await audit(run, "canary-step", "succeeded", state, `canary ${state.id}: ${summary}; next ${state.steps[state.step + 1]?.traffic}%`);
    state = { ...state, step: state.step + 1, phase: "progressing" };
  }
}

async function rollBack(run: Run, state: CanaryState, spec: CanaryAnalysisSpec): Promise<CanaryResult> {
  const failing = state.measurements.filter((m) => m.step === state.step && m.phase === "failed");
  const detectedAt = failing[failing.length - 1]?.at ?? run.now().toISOString();
  const stopped: CanaryState = { ...state, ...run.driver.split(0, state), phase: "rolled-back", stopReason: { kind: "analysis-failed", failed: state.analysis.failed, failureLimit: spec.failureLimit } };
  const c = await commit(run, stopped, { kind: "rollback" });
  const slo = run.opts.metrics.target.slo;
  const facts = failing.map((m) => measurementFacts(m, state, slo)).join("; ");
  const detail = `canary ${state.id} failed its analysis at ${Math.round(state.traffic)}% (failed ${state.analysis.failed} > failureLimit ${spec.failureLimit}): ${facts}`;
  if (!c.ok) {
    await audit(run, "rollback", "failed", state, `${detail}; the rollback failed: ${"conflict" in c ? c.conflict : c.error.kind}`, { detectedAt });
    if (run.opts.signal.aborted) return cancelled(run, state);
    return { kind: "error", error: { kind: "rollback-failed", error: "conflict" in c ? { kind: "conflict", message: c.conflict } : c.error, measurements: failing }, state, audit: run.records };
  }
  await audit(run, "rollback", "succeeded", c.state, detail, { detectedAt });
  return { kind: "rolled-back", state: c.state, measurements: failing, audit: run.records };
}

async function hold(run: Run, state: CanaryState, spec: CanaryAnalysisSpec): Promise<CanaryResult> {
  const reason: CanaryStopReason = { kind: "analysis-inconclusive", inconclusive: state.analysis.inconclusive, inconclusiveLimit: spec.inconclusiveLimit ?? 0 };
  const held: CanaryState = { ...state, phase: "held", stopReason: reason };
  const c = await commit(run, held, { kind: "state" });
  if (!c.ok) return stopOnConflict(run, state, c);
  const slo = run.opts.metrics.target.slo;
  const facts = state.measurements.filter((m) => m.step === state.step && (m.phase === "inconclusive" || m.phase === "error")).map((m) => measurementFacts(m, state, slo)).join("; ");
  await audit(run, "canary-step", "skipped", c.state, `canary ${state.id} held at ${Math.round(state.traffic)}%: inconclusive ${reason.inconclusive} > inconclusiveLimit ${reason.inconclusiveLimit}; traffic left as it is until resumed or aborted: ${facts}`);
  return { kind: "held", state: c.state, reason, audit: run.records };
}

async function promote(run: Run, state: CanaryState, summary: string): Promise<CanaryResult> {
  const promoted: CanaryState = { ...state, ...run.driver.split(100, state), phase: "promoted" };
  const c = await commit(run, promoted, { kind: "promote" });
  if (!c.ok) return stopOnConflict(run, state, c);
  await audit(run, "promote", "succeeded", c.state, `canary ${state.id} promoted: ${summary}`);
  return { kind: "promoted", state: c.state, audit: run.records };
}
