import type { KubeConfig } from "@kubernetes/client-node";
import type { ReadOnlyPolicy, ReadOnlyRefusal } from "../../access/readOnlyContexts";
import type { Actor } from "../../audit/auditRecord";
import type { ContextSummary } from "../../kube/client/kubeconfig";
import type { MetricsSource } from "../../metrics/metricsSource";
import type { MetricsTarget } from "../../metrics/metricsTarget";
import type { AuditAction, AuditOutcome } from "../../audit/auditRecord";
import { recordClusterChange, type RecordedChange } from "../../audit/recordChange";
import type { ActionError } from "../../kube/rollout/clusterActions";
import type { CanaryChange, CanaryDriver, ObservedObject } from "./canaryDriver";
import { canaryAnnotation, readCanaryState, type CanaryAnalysisSpec, type CanaryMeasurement, type CanaryState, type CanaryStateStep, type CanaryStopReason } from "./canaryState";
import { deploymentPairDriver, type PodTemplate } from "./deploymentPairDriver";
import { kserveCanaryDriver } from "./kserveCanaryDriver";


/*
 * What every canary operation shares: its options and results; one run's memory of what it last
 * wrote, so a 409 Conflict can be told apart from our own writes and from controllers' status
 * updates; the audit records.
 */

/** The manifest's canary rollout (serviceManifest.ts Rollout, strategy canary), intervals in seconds or "30s"/"5m"/"1h". */
export interface CanaryRolloutSpec {
  readonly steps: readonly { readonly traffic: number; readonly pauseSeconds?: number | undefined; readonly analysis?: AnalysisInput | undefined }[];
  readonly analysis?: AnalysisInput | undefined;
  readonly tolerance?: number | undefined;
}
export interface AnalysisInput {
  readonly interval: number | string;
  readonly count: number;
  readonly failureLimit?: number | undefined;
  readonly inconclusiveLimit?: number | undefined;
}

export const defaultTolerance = 0.1;
/** The baseline: the service's p95 over this long before the canary started. */
export const defaultBaselineWindowSeconds = 600;

export interface CanaryWorkload {
  readonly kind: "InferenceService" | "Deployment";
  readonly namespace: string;
  readonly name: string;
}

export interface CanaryRunOptions {
  readonly kc: KubeConfig;
  readonly context: ContextSummary;
  readonly actor: Actor;
  readonly workload: CanaryWorkload;
  /** The service's metrics: `target` names the whole service (its SLO included); the canary's pods are narrowed with podRegex. */
  readonly metrics: { readonly source: MetricsSource; readonly target: MetricsTarget };
  readonly auditFile: string;
  readonly readOnly: ReadOnlyPolicy;
  readonly signal: AbortSignal;
  readonly onProgress?: (state: CanaryState) => void;
  /** The change cause, on every audit record of this canary. */
  readonly reason?: string;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly now?: () => Date;
}

export interface RunCanaryOptions extends CanaryRunOptions {
  readonly rollout: CanaryRolloutSpec;
  /** What is tried: the new image (or model) reference, shown and recorded. */
  readonly revision: string;
  /** Deployment pair: the new pod template, which the `<name>-canary` Deployment runs. */
  readonly canaryTemplate?: PodTemplate;
  /** When the new version was applied: the baseline window ends here (default: now). */
  readonly changedAt?: Date;
  readonly baselineWindowSeconds?: number;
}

export type CanaryError =
  | ReadOnlyRefusal
  | { readonly kind: "cluster"; readonly error: ActionError }
  | { readonly kind: "no-canary" }
  | { readonly kind: "invalid-state"; readonly detail: string }
  | { readonly kind: "finished"; readonly phase: CanaryState["phase"] }
  | { readonly kind: "rollback-failed"; readonly error: ActionError; readonly measurements: readonly CanaryMeasurement[] };

export type CanaryResult =
  | { readonly kind: "promoted"; readonly state: CanaryState; readonly audit: readonly RecordedChange[] }
  | { readonly kind: "rolled-back"; readonly state: CanaryState; readonly measurements: readonly CanaryMeasurement[]; readonly audit: readonly RecordedChange[] }
  | { readonly kind: "held"; readonly state: CanaryState; readonly reason: CanaryStopReason; readonly audit: readonly RecordedChange[] }
  /** Someone else changed the object (or aborted the canary): we stopped without touching traffic. */
  | { readonly kind: "conflict"; readonly state: CanaryState; readonly detail: string; readonly audit: readonly RecordedChange[] }
  /** Stopped by the signal; the state stays in the annotation, resumable. */
  | { readonly kind: "cancelled"; readonly state: CanaryState; readonly audit: readonly RecordedChange[] }
  | { readonly kind: "error"; readonly error: CanaryError; readonly state?: CanaryState; readonly audit: readonly RecordedChange[] };


/** "30s", "5m", "1h" or seconds → seconds. */
export function durationSeconds(d: number | string): number {
  if (typeof d === "number") return d;
  const m = /^([0-9]+)(s|m|h)$/.exec(d);
  if (!m) throw new Error(`not a duration: ${d}`);
  return Number(m[1]) * (m[2] === "h" ? 3600 : m[2] === "m" ? 60 : 1);
}

function analysisSpec(a: AnalysisInput | undefined): CanaryAnalysisSpec | undefined {
  if (!a) return undefined;
  return { interval: durationSeconds(a.interval), count: a.count, failureLimit: a.failureLimit ?? 0, ...(a.inconclusiveLimit !== undefined ? { inconclusiveLimit: a.inconclusiveLimit } : {}) };
}

/** The steps as the state keeps them: each with its own analysis (the rollout's default filled in). */
export function canarySteps(rollout: CanaryRolloutSpec): CanaryStateStep[] {
  const fallback = analysisSpec(rollout.analysis);
  return rollout.steps.map((s) => {
    const analysis = analysisSpec(s.analysis) ?? fallback;
    return { traffic: s.traffic, ...(s.pauseSeconds !== undefined ? { pauseSeconds: s.pauseSeconds } : {}), ...(analysis ? { analysis } : {}) };
  });
}

export function canaryDriverFor(kc: KubeConfig, workload: CanaryWorkload, canaryTemplate?: PodTemplate): CanaryDriver {
  return workload.kind === "InferenceService" ? kserveCanaryDriver(kc, workload.namespace, workload.name) : deploymentPairDriver(kc, workload.namespace, workload.name, canaryTemplate ? { canaryTemplate } : {});
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** One canary run's memory: what we last wrote, so a 409 can be told apart from our own writes. */
export interface Run extends CanaryRecorder {
  readonly opts: CanaryRunOptions;
  readonly driver: CanaryDriver;
  readonly now: () => Date;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  resourceVersion: string;
  generation: number;
  written: string | undefined;
}

export type Commit = { readonly ok: true; readonly state: CanaryState } | { readonly ok: false; readonly conflict: string; readonly abortedBy?: string } | { readonly ok: false; readonly error: ActionError };

/** How often a write retries when only status (or our own audit annotations) moved the resourceVersion. */
export const conflictRetries = 8;

/**
 * Why a 409 is someone else's edit: the spec moved (a generation we did not write), or the state
 * annotation is not the one we wrote. Status updates by controllers and metadata-only writes
 * (our audit anchors) change neither, and are retried.
 */
function foreignChange(run: Run, seen: ObservedObject): { detail: string; abortedBy?: string } | undefined {
  const who = seen.lastManagers.length > 0 ? `; last written by ${seen.lastManagers.join(", ")}` : "";
  if (seen.generation !== run.generation) return { detail: `the ${run.driver.object.kind} ${run.driver.object.name} spec was changed by someone else (generation ${run.generation} → ${seen.generation}; now ${seen.trafficSetting})${who}` };
  const text = seen.annotations[canaryAnnotation];
  if (text === run.written) return undefined;
  const read = readCanaryState(seen.annotations);
  if (read.kind === "none") return { detail: `the ${canaryAnnotation} annotation was removed by someone else${who}` };
  if (read.kind === "invalid") return { detail: `the ${canaryAnnotation} annotation was overwritten with something else (${read.detail})${who}` };
  if (read.state.phase === "aborted" && read.state.stopReason?.kind === "aborted") return { detail: `the canary was aborted by ${read.state.stopReason.by}`, abortedBy: read.state.stopReason.by };
  return { detail: `the canary state was changed by another client (${read.state.by}, canary ${read.state.id}, phase ${read.state.phase})${who}` };
}

export async function commit(run: Run, state: CanaryState, change: CanaryChange): Promise<Commit> {
  for (let attempt = 1; ; attempt++) {
    const next: CanaryState = { ...state, resourceVersion: run.resourceVersion, generation: run.generation, updatedAt: run.now().toISOString() };
    const r = await run.driver.write(next, change, run.resourceVersion, run.opts.signal);
    if (r.ok) {
      run.resourceVersion = r.observed.resourceVersion;
      run.generation = r.observed.generation;
      run.written = r.observed.annotations[canaryAnnotation];
      run.opts.onProgress?.(next);
      return { ok: true, state: next };
    }
    if (r.error.kind !== "conflict" || attempt >= conflictRetries) return { ok: false, error: r.error };
    const seen = await run.driver.read(run.opts.signal);
    if (!seen.ok) return { ok: false, error: seen.error };
    const foreign = foreignChange(run, seen.observed);
    if (foreign) {
      run.resourceVersion = seen.observed.resourceVersion;
      return { ok: false, conflict: foreign.detail, ...(foreign.abortedBy ? { abortedBy: foreign.abortedBy } : {}) };
    }
    run.resourceVersion = seen.observed.resourceVersion;
  }
}

/** Who records: what an audit record of a canary needs, for the step loop and for abort alike. */
export type CanaryRecorder = Pick<CanaryRunOptions, "kc" | "context" | "actor" | "auditFile" | "reason"> & { readonly driver: CanaryDriver; readonly records: RecordedChange[] };

export async function audit(
  rec: CanaryRecorder,
  action: AuditAction,
  outcome: AuditOutcome,
  state: CanaryState,
  detail: string,
  extra: { detectedAt?: string } = {},
): Promise<void> {
  const { object } = rec.driver;
  const recorded = await recordClusterChange(rec.auditFile, {
    kc: rec.kc,
    context: rec.context,
    actor: rec.actor,
    object: { apiVersion: object.apiVersion, kind: object.kind, namespace: object.namespace, name: object.name },
    action,
    ...(rec.reason ? { reason: rec.reason } : {}),
    revisionAfter: state.revision,
    outcome,
    detail: detail.slice(0, 2000),
    ...extra,
    // The state annotation went out with the change: only the Event is added.
    annotationsApplied: true,
  });
  rec.records.push(recorded);
}

const fmt = (v: number | null, unit: "ms" | "%"): string => (v === null ? "n/a" : unit === "ms" ? `${Math.round(v)} ms` : `${Math.round(v * 10_000) / 100} %`);

/** Plain facts for an audit record: what was measured and against what. */
export function measurementFacts(m: CanaryMeasurement, state: Pick<CanaryState, "baseline" | "tolerance">, slo: { p95LatencyMs: number; errorRate: number }): string {
  if (m.phase === "error") return `${m.at}: metrics unavailable (${m.error ?? "error"})`;
  const base = state.baseline?.p95Ms;
  const limit = base !== null && base !== undefined ? `, baseline ${Math.round(base)} ms × ${1 + state.tolerance}` : "";
  return `${m.at}: ${m.phase}${m.reasons.length ? ` (${m.reasons.join(", ")})` : ""}: p95 ${fmt(m.p95Ms, "ms")} (SLO ${slo.p95LatencyMs} ms${limit}), errors ${fmt(m.errorRatio, "%")} (SLO ${fmt(slo.errorRate, "%")}), ${m.rps === null ? "n/a" : m.rps.toFixed(2)} req/s`;
}

export function cancelled(run: Run, state: CanaryState): CanaryResult {
  return { kind: "cancelled", state, audit: run.records };
}

export function failedCommit(run: Run, state: CanaryState, c: Exclude<Commit, { ok: true }>): CanaryResult {
  if (run.opts.signal.aborted) return cancelled(run, state);
  if ("conflict" in c) return { kind: "conflict", state, detail: c.conflict, audit: run.records };
  return { kind: "error", error: { kind: "cluster", error: c.error }, state, audit: run.records };
}

/** A conflict stops the canary: say so in the annotation (unless someone aborted it, whose state stands), and touch no traffic. */
export async function stopOnConflict(run: Run, state: CanaryState, c: Exclude<Commit, { ok: true }>): Promise<CanaryResult> {
  if (!("conflict" in c) || c.abortedBy !== undefined) return failedCommit(run, state, c);
  const stopped: CanaryState = { ...state, phase: "aborted", stopReason: { kind: "conflict", detail: c.conflict.slice(0, 1000) } };
  // One write on the resourceVersion just read: the stop is recorded on the object unless it moved again.
  const r = await run.driver.write({ ...stopped, resourceVersion: run.resourceVersion, updatedAt: run.now().toISOString() }, { kind: "state" }, run.resourceVersion, run.opts.signal);
  if (r.ok) run.opts.onProgress?.(stopped);
  return { kind: "conflict", state: stopped, detail: c.conflict, audit: run.records };
}

export function newRun(opts: CanaryRunOptions, driver: CanaryDriver, seen: ObservedObject): Run {
  return {
    opts,
    driver,
    now: opts.now ?? (() => new Date()),
    sleep: opts.sleep ?? abortableSleep,
    resourceVersion: seen.resourceVersion,
    generation: seen.generation,
    written: seen.annotations[canaryAnnotation],
    kc: opts.kc,
    context: opts.context,
    actor: opts.actor,
    auditFile: opts.auditFile,
    ...(opts.reason !== undefined ? { reason: opts.reason } : {}),
    records: [],
  };
}

