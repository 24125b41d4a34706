import * as z from "zod";

/**
 * A metric-gated canary's state, kept in one annotation on the object it shifts traffic on (the
 * InferenceService, or the stable Deployment of a Deployment pair) so another client, the tree
 * or the CLI sees it and can resume it. JSON, validated on every read: a hand-edited or newer
 * value reads as "no state we understand", never as a half-trusted one.
 */
export const canaryAnnotation = "aiplatform.dev/canary";

/** Seconds; Argo Rollouts' AnalysisTemplate metric fields, under the names Argo uses (interval, count, failureLimit, inconclusiveLimit). */
export const CanaryAnalysisSpec = z
  .object({
    /** Seconds between measurements. */
    interval: z.number().int().min(1).max(3600),
    /** How many measurements the analysis takes in total. */
    count: z.number().int().min(1).max(1000),
    /** More failed measurements than this fail the analysis (Argo's default 0: the first failure fails it). */
    failureLimit: z.number().int().min(0).max(1000),
    /** More inconclusive measurements than this make it Inconclusive (Argo's default 0). */
    inconclusiveLimit: z.number().int().min(0).max(1000).optional(),
  })
  .strict();
export type CanaryAnalysisSpec = z.infer<typeof CanaryAnalysisSpec>;

export const CanaryStateStep = z
  .object({ traffic: z.number().int().min(0).max(100), pauseSeconds: z.number().int().min(0).optional(), analysis: CanaryAnalysisSpec.optional() })
  .strict();
export type CanaryStateStep = z.infer<typeof CanaryStateStep>;

export const canaryPhases = ["progressing", "paused", "analysing", "promoted", "rolled-back", "held", "aborted"] as const;
export const CanaryPhase = z.enum(canaryPhases);
export type CanaryPhase = z.infer<typeof CanaryPhase>;

/** Argo's measurement phases; "error" (metrics unreachable) counts as inconclusive for the limits. */
export const MeasurementPhase = z.enum(["successful", "failed", "inconclusive", "error"]);
export type MeasurementPhase = z.infer<typeof MeasurementPhase>;

/** Why a measurement was not successful, as codes the surfaces word. */
export const MeasurementReason = z.enum([
  "p95-over-slo",
  "p95-over-baseline",
  "errors-over-slo",
  "no-traffic",
  /** Within the SLO, but no pre-canary baseline to compare the p95 with. */
  "no-baseline",
  "metrics-unavailable",
]);
export type MeasurementReason = z.infer<typeof MeasurementReason>;

export const CanaryMeasurement = z
  .object({
    at: z.iso.datetime({ offset: true }),
    step: z.number().int().min(0),
    phase: MeasurementPhase,
    p95Ms: z.number().nullable(),
    errorRatio: z.number().nullable(),
    rps: z.number().nullable(),
    reasons: z.array(MeasurementReason),
    /** The metrics error kind when phase is "error" (unreachable, timeout, …). */
    error: z.string().max(500).optional(),
  })
  .strict();
export type CanaryMeasurement = z.infer<typeof CanaryMeasurement>;

export const CanaryBaseline = z
  .object({
    p95Ms: z.number().nullable(),
    errorRatio: z.number().nullable(),
    rps: z.number().nullable(),
    /** Unix seconds: the window before the canary started that the baseline covers. */
    window: z.object({ start: z.number(), end: z.number() }).strict(),
  })
  .strict();
export type CanaryBaseline = z.infer<typeof CanaryBaseline>;

export const CanaryAnalysisCounts = z
  .object({ ok: z.number().int().min(0), failed: z.number().int().min(0), inconclusive: z.number().int().min(0), count: z.number().int().min(0) })
  .strict();
export type CanaryAnalysisCounts = z.infer<typeof CanaryAnalysisCounts>;

/** Why the canary stopped, as a code with its data; the CLI and the editor word it. */
export const CanaryStopReason = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("analysis-failed"), failed: z.number().int(), failureLimit: z.number().int() }).strict(),
  z.object({ kind: z.literal("analysis-inconclusive"), inconclusive: z.number().int(), inconclusiveLimit: z.number().int() }).strict(),
  z.object({ kind: z.literal("conflict"), detail: z.string().max(1000) }).strict(),
  z.object({ kind: z.literal("aborted"), by: z.string().max(300) }).strict(),
  z.object({ kind: z.literal("rollback-failed"), detail: z.string().max(1000) }).strict(),
]);
export type CanaryStopReason = z.infer<typeof CanaryStopReason>;

export const CanaryState = z
  .object({
    v: z.literal(1),
    /** Unique per canary run; audit records and the resume command name it. */
    id: z.string().min(1).max(64),
    /** "kserve": canaryTrafficPercent; "deployment-pair": a `<name>-canary` Deployment next to the stable one, weighted by replicas. */
    mode: z.enum(["kserve", "deployment-pair"]),
    /** What is being tried: the canary's image (or predictor storage URI / model version). */
    revision: z.string().min(1).max(600),
    steps: z.array(CanaryStateStep).min(1),
    /** Index into steps of the step running now. */
    step: z.number().int().min(0),
    /** The canary's share of traffic now, percent (approximate for a Deployment pair). */
    traffic: z.number().min(0).max(100),
    phase: CanaryPhase,
    /** The current step's analysis so far. */
    analysis: CanaryAnalysisCounts,
    /** The latest measurements (newest last), at most `maxKeptMeasurements`. */
    measurements: z.array(CanaryMeasurement),
    baseline: CanaryBaseline.nullable(),
    tolerance: z.number().min(0).max(10),
    startedAt: z.iso.datetime({ offset: true }),
    /** When the current step began (its pause and analysis count from here). */
    stepStartedAt: z.iso.datetime({ offset: true }),
    updatedAt: z.iso.datetime({ offset: true }),
    /** Who runs it: the audit actor's kube user (and OS user). */
    by: z.string().min(1).max(300),
    /**
     * The object's metadata.resourceVersion and generation when we last read it before writing this
     * state: our writes carry the resourceVersion as a precondition, and a later spec change by
     * someone else shows as a generation we did not write.
     */
    resourceVersion: z.string().max(64),
    generation: z.number().int().min(0).optional(),
    /** Deployment pair: the canary Deployment's name and the replica split now. */
    canaryName: z.string().max(253).optional(),
    replicas: z.object({ stable: z.number().int().min(0), canary: z.number().int().min(0), total: z.number().int().min(0) }).strict().optional(),
    stopReason: CanaryStopReason.optional(),
  })
  .strict();
export type CanaryState = z.infer<typeof CanaryState>;

export const maxKeptMeasurements = 10;

export type CanaryStateRead =
  | { readonly kind: "none" }
  | { readonly kind: "ok"; readonly state: CanaryState }
  | { readonly kind: "invalid"; readonly detail: string };

/** The canary state in an object's annotations: none, valid, or present but not ours to trust. */
export function readCanaryState(annotations: Readonly<Record<string, string>> | undefined): CanaryStateRead {
  const text = annotations?.[canaryAnnotation];
  if (text === undefined || text === "") return { kind: "none" };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { kind: "invalid", detail: `not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  const parsed = CanaryState.safeParse(raw);
  if (!parsed.success) return { kind: "invalid", detail: parsed.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ") };
  return { kind: "ok", state: parsed.data };
}

export function serialiseCanaryState(state: CanaryState): string {
  return JSON.stringify({ ...state, measurements: state.measurements.slice(-maxKeptMeasurements) });
}

/** A phase the canary cannot leave by itself: only a new deploy (or resume, for held) moves it on. */
export function isFinishedPhase(phase: CanaryPhase): boolean {
  return phase === "promoted" || phase === "rolled-back" || phase === "aborted";
}

const percent = (n: number): string => `${Math.round(n * 10) / 10}%`;

/**
 * One short line for a tree row, a status bar or a progress notification:
 * "canary 20% · analysis 3/5 ok", "canary 20% · paused", "canary held at 20% · analysis inconclusive",
 * "canary rolled back at 20% · 2 failed" (the step it stopped at), "canary promoted". "≈" marks a
 * replica-ratio split.
 */
export function describeCanaryProgress(state: CanaryState): string {
  const approx = state.mode === "deployment-pair" ? "≈" : "";
  const traffic = `${approx}${percent(state.traffic)}`;
  const spec = state.steps[state.step]?.analysis;
  const a = state.analysis;
  const analysisText = spec ? `analysis ${a.ok}/${spec.count} ok${a.failed > 0 ? `, ${a.failed} failed` : ""}${a.inconclusive > 0 ? `, ${a.inconclusive} inconclusive` : ""}` : undefined;
  // Once stopped, the traffic is back at 0: say which step's share it was stopped at.
  const stoppedAt = `${approx}${percent(state.steps[state.step]?.traffic ?? state.traffic)}`;
  switch (state.phase) {
    case "promoted":
      return "canary promoted";
    case "rolled-back":
      return `canary rolled back at ${stoppedAt}${a.failed > 0 ? ` · ${a.failed} failed` : ""}`;
    case "aborted":
      return `canary aborted at ${stoppedAt}`;
    case "held":
      return `canary held at ${traffic} · analysis inconclusive`;
    case "paused":
      return `canary ${traffic} · paused`;
    case "analysing":
      return `canary ${traffic} · ${analysisText ?? "analysis"}`;
    case "progressing":
      return `canary ${traffic} · step ${state.step + 1}/${state.steps.length}`;
  }
}
