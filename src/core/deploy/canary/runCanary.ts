import { randomUUID } from "node:crypto";
import { checkWritable } from "../../access/readOnlyContexts";
import { emptyCounts } from "./canaryAnalysis";
import { readCanaryBaseline } from "./canaryMeasurement";
import { canaryDriverFor, canarySteps, defaultBaselineWindowSeconds, defaultTolerance, newRun, type CanaryResult, type RunCanaryOptions } from "./canaryRun";
import type { CanaryState } from "./canaryState";
import { runSteps } from "./canaryStepLoop";

/**
 * Runs a metric-gated canary of a freshly applied version to its end: promoted, rolled back,
 * held (inconclusive), stopped by a conflicting edit, or cancelled (the state stays in the
 * annotation; resumeCanary continues it). For a Deployment pair, `canaryTemplate` is the new
 * version: the stable Deployment keeps running the old one until promotion.
 */
export async function runCanary(opts: RunCanaryOptions): Promise<CanaryResult> {
  const refusal = checkWritable(opts.context.name, opts.readOnly);
  if (refusal) return { kind: "error", error: refusal, audit: [] };
  const driver = canaryDriverFor(opts.kc, opts.workload, opts.canaryTemplate);
  const seen = await driver.read(opts.signal);
  if (!seen.ok) return { kind: "error", error: { kind: "cluster", error: seen.error }, audit: [] };
  const run = newRun(opts, driver, seen.observed);
  const now = run.now();
  const baseline = await readCanaryBaseline(opts.metrics.source, opts.metrics.target, opts.changedAt ?? now, opts.baselineWindowSeconds ?? defaultBaselineWindowSeconds, opts.signal);
  if (opts.signal.aborted) return { kind: "error", error: { kind: "cluster", error: { kind: "unreachable", message: "cancelled before the canary started" } }, audit: [] };
  const stableReplicas = seen.observed.replicas ?? 1;
  const state: CanaryState = {
    v: 1,
    id: randomUUID().slice(0, 8),
    mode: driver.mode,
    revision: opts.revision.slice(0, 600),
    steps: canarySteps(opts.rollout),
    step: 0,
    traffic: 0,
    phase: "progressing",
    analysis: emptyCounts,
    measurements: [],
    baseline,
    tolerance: opts.rollout.tolerance ?? defaultTolerance,
    startedAt: now.toISOString(),
    stepStartedAt: now.toISOString(),
    updatedAt: now.toISOString(),
    by: opts.actor.kubeUser,
    resourceVersion: seen.observed.resourceVersion,
    generation: seen.observed.generation,
    ...(driver.mode === "deployment-pair" ? { canaryName: `${opts.workload.name}-canary`, replicas: { stable: stableReplicas, canary: 0, total: Math.max(1, stableReplicas) } } : {}),
  };
  return runSteps(run, state);
}

