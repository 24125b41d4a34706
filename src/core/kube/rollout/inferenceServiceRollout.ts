import type { KubeConfig } from "@kubernetes/client-node";
import * as z from "zod";
import { type ActionError, classifyActionError, describeActionError } from "./clusterActions";
import { InferenceService } from "../objects/inferenceService";
import { requestJson } from "../client/kubeRequest";
import { collectionPath, ResourceTypes } from "../client/resourceTypes";

/**
 * Rolling a KServe InferenceService back. In Knative (Serverless) mode KServe keeps the last
 * rolled-out revision and a canary is undone by pinning traffic to it (canaryTrafficPercent 0)
 * or promoted by dropping the field (kserve.github.io, "Canary Rollout Strategy"). In Standard
 * (RawDeployment) mode there are no revisions to route between: we edit the InferenceService
 * back to the predictor our deploy recorded, and KServe regenerates its Deployment, which we
 * never touch (KServe would overwrite it).
 */

/** The predictor spec the service ran before the last deploy, as JSON; written by every deploy. */
export const previousPredictorAnnotation = "aiplatform.dev/previous-predictor";
export const deploymentModeAnnotation = "serving.kserve.io/deploymentMode";

/** KServe's modes by their current names: Serverless is now Knative, RawDeployment is now Standard. */
export type DeploymentMode = "Knative" | "Standard" | "ModelMesh";

function normaliseMode(value: string | undefined): DeploymentMode | undefined {
  switch (value) {
    case "Serverless":
    case "Knative":
      return "Knative";
    case "RawDeployment":
    case "Standard":
      return "Standard";
    case "ModelMesh":
      return "ModelMesh";
    default:
      return undefined;
  }
}

/**
 * KServe's GetDeploymentMode: the mode recorded in status wins, then a valid annotation, then
 * the cluster default. That default lives in the inferenceservice-config ConfigMap, which a
 * namespace user cannot read; we assume Knative (Serverless), KServe's default before 0.16.
 */
export function deploymentMode(isvc: InferenceService): DeploymentMode {
  return normaliseMode(isvc.status?.deploymentMode) ?? normaliseMode(isvc.metadata.annotations?.[deploymentModeAnnotation]) ?? "Knative";
}

export interface TrafficShare {
  readonly revision: string;
  readonly percent: number;
  readonly latest: boolean;
  readonly tag: string | undefined;
}

export interface CanaryState {
  readonly mode: DeploymentMode;
  /** spec.predictor.canaryTrafficPercent: the share asked for the newest revision; absent when no canary is set. */
  readonly canaryPercent?: number;
  /** The newest ready revision (the canary while one runs). */
  readonly latestRevision?: string;
  /** The revision rolled out before the current one. */
  readonly previousRevision?: string;
  /** The last revision that had all the traffic: where a rollback sends it. */
  readonly rolledOutRevision?: string;
  /** Where traffic goes now, from status (Knative leaves out a 0% share's percent). */
  readonly traffic: readonly TrafficShare[];
  /** A canary runs: a share is asked for and the newest revision is not the rolled-out one. */
  readonly canaryRunning: boolean;
}

export function canaryState(isvc: InferenceService): CanaryState {
  const predictor = isvc.status?.components?.predictor;
  const canaryPercent = isvc.spec?.predictor?.canaryTrafficPercent;
  const latestRevision = predictor?.latestReadyRevision ?? predictor?.latestCreatedRevision;
  const rolledOutRevision = predictor?.latestRolledoutRevision;
  return {
    mode: deploymentMode(isvc),
    ...(canaryPercent !== undefined ? { canaryPercent } : {}),
    ...(latestRevision !== undefined ? { latestRevision } : {}),
    ...(predictor?.previousRolledoutRevision !== undefined ? { previousRevision: predictor.previousRolledoutRevision } : {}),
    ...(rolledOutRevision !== undefined ? { rolledOutRevision } : {}),
    traffic: (predictor?.traffic ?? []).map((t) => ({ revision: t.revisionName ?? "", percent: t.percent ?? 0, latest: t.latestRevision ?? false, tag: t.tag })),
    canaryRunning: canaryPercent !== undefined && canaryPercent < 100 && latestRevision !== undefined && rolledOutRevision !== undefined && latestRevision !== rolledOutRevision,
  };
}

type Predictor = NonNullable<NonNullable<InferenceService["spec"]>["predictor"]>;

export type InferenceServiceRollbackPlan =
  | { readonly kind: "canary-rollback"; readonly canaryPercent: number; readonly canaryRevision: string; readonly toRevision: string }
  | { readonly kind: "restore-predictor"; readonly predictor: Predictor }
  | { readonly kind: "skip"; readonly message: string }
  | { readonly kind: "error"; readonly message: string };

const PreviousPredictor = z.looseObject({}).transform((p) => p as Predictor);

/** JSON equality where key order and null/empty values do not matter. */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (typeof v !== "object" || v === null) return v;
    const entries = Object.keys(v)
      .sort()
      .map((k) => [k, canonical((v as Record<string, unknown>)[k])] as const)
      .filter(([, x]) => x !== undefined && x !== null && !(typeof x === "object" && Object.keys(x).length === 0));
    return Object.fromEntries(entries);
  };
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** The predictor our deploy recorded, without a canary share: a rollback gives it all the traffic. */
function previousPredictor(isvc: InferenceService): { predictor: Predictor } | { error: string } | undefined {
  const text = isvc.metadata.annotations?.[previousPredictorAnnotation];
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { error: `the ${previousPredictorAnnotation} annotation of ${isvc.metadata.name} is not valid JSON; redeploy the earlier version instead` };
  }
  const result = PreviousPredictor.safeParse(parsed);
  if (!result.success) return { error: `the ${previousPredictorAnnotation} annotation of ${isvc.metadata.name} does not hold a predictor spec; redeploy the earlier version instead` };
  const { canaryTrafficPercent: _share, ...predictor } = result.data;
  return { predictor };
}

/**
 * What rolling this InferenceService back means: a running canary (Knative mode) goes to 0%;
 * otherwise the predictor recorded by the last deploy comes back. Standard mode has no canary
 * to undo (KServe supports canaries only in Knative mode), ModelMesh is not ours to roll back.
 */
export function planInferenceServiceRollback(isvc: InferenceService): InferenceServiceRollbackPlan {
  const state = canaryState(isvc);
  const name = isvc.metadata.name;
  if (state.mode === "ModelMesh") return { kind: "error", message: `${name} is served by ModelMesh, which places models itself; roll it back by redeploying the earlier model` };
  if (state.mode === "Knative" && state.canaryRunning && state.rolledOutRevision !== undefined && state.latestRevision !== undefined) {
    if (state.canaryPercent === 0) return { kind: "skip", message: `skipped rollback (the canary ${state.latestRevision} already has 0% of traffic; ${state.rolledOutRevision} has it all)` };
    return { kind: "canary-rollback", canaryPercent: state.canaryPercent ?? 0, canaryRevision: state.latestRevision, toRevision: state.rolledOutRevision };
  }
  const previous = previousPredictor(isvc);
  if (previous === undefined) {
    const noCanary = state.mode === "Knative" ? "no canary is running and " : "";
    return { kind: "error", message: `cannot roll back ${name}: ${noCanary}no previous predictor is recorded (the ${previousPredictorAnnotation} annotation is written by each deploy); redeploy the earlier version instead` };
  }
  if ("error" in previous) return { kind: "error", message: previous.error };
  const current = isvc.spec?.predictor ?? {};
  if (sameJson(previous.predictor, current)) return { kind: "skip", message: `skipped rollback (the predictor already matches the one recorded in ${previousPredictorAnnotation})` };
  return { kind: "restore-predictor", predictor: previous.predictor };
}

/** RFC 7386 in reverse: the merge patch that turns `from` into `to` (removed keys become null). */
export function mergePatchBetween(from: unknown, to: unknown): unknown {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObject(from) || !isObject(to)) return to;
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(from)) if (!(key in to) || to[key] === undefined) patch[key] = null;
  for (const [key, value] of Object.entries(to)) {
    if (value === undefined) continue;
    const before = from[key];
    if (isObject(before) && isObject(value)) {
      const inner = mergePatchBetween(before, value);
      if (isObject(inner) && Object.keys(inner).length > 0) patch[key] = inner;
    } else if (JSON.stringify(before) !== JSON.stringify(value)) {
      patch[key] = value;
    }
  }
  return patch;
}

export type InferenceServiceActionResult = { readonly ok: true } | { readonly ok: false; readonly error: ActionError; readonly message: string };

/**
 * Like the Deployment undo's result, so one caller handles both: revisions here are Knative
 * revision names; a restored predictor's revision is KServe's to create, so `toRevision` is unset.
 */
export type InferenceServiceRollbackResult =
  | {
      readonly ok: true;
      readonly skipped: false;
      readonly action: "canary-rollback" | "restore-predictor";
      readonly message: string;
      readonly fromRevision: string | undefined;
      readonly toRevision: string | undefined;
      readonly predictorBefore: Predictor;
      readonly predictorAfter: Predictor;
      readonly dryRun: boolean;
    }
  | { readonly ok: true; readonly skipped: true; readonly message: string }
  | { readonly ok: false; readonly error: ActionError | { readonly kind: "cannot-rollback"; readonly message: string }; readonly message: string };


const objectPath = (namespace: string, name: string): string => `${collectionPath(ResourceTypes.inferenceServices, namespace)}/${encodeURIComponent(name)}`;

async function mergePatch(kc: KubeConfig, namespace: string, name: string, body: unknown, opts: { signal?: AbortSignal | undefined; dryRun?: boolean | undefined }): Promise<InferenceServiceActionResult> {
  try {
    await requestJson(kc, "PATCH", `${objectPath(namespace, name)}${opts.dryRun ? "?dryRun=All" : ""}`, { body, contentType: "application/merge-patch+json", signal: opts.signal });
    return { ok: true };
  } catch (err) {
    const error = classifyActionError(err, { verb: "patch", resource: "inferenceservices.serving.kserve.io", namespace, name });
    return { ok: false, error, message: describeActionError(error) };
  }
}

const withAnnotations = (annotations: Readonly<Record<string, string>> | undefined): object => (annotations && Object.keys(annotations).length > 0 ? { metadata: { annotations } } : {});

/** Pins all traffic to the last rolled-out revision (Knative mode); the canary revision stays, at 0%. */
export function rollbackInferenceServiceCanary(
  kc: KubeConfig,
  namespace: string,
  name: string,
  opts: { readonly signal?: AbortSignal; readonly annotations?: Readonly<Record<string, string>> } = {},
): Promise<InferenceServiceActionResult> {
  return mergePatch(kc, namespace, name, { ...withAnnotations(opts.annotations), spec: { predictor: { canaryTrafficPercent: 0 } } }, opts);
}

/** Gives the newest revision all the traffic by removing canaryTrafficPercent; KServe then rolls it out. */
export function promoteInferenceServiceCanary(
  kc: KubeConfig,
  namespace: string,
  name: string,
  opts: { readonly signal?: AbortSignal; readonly annotations?: Readonly<Record<string, string>> } = {},
): Promise<InferenceServiceActionResult> {
  return mergePatch(kc, namespace, name, { ...withAnnotations(opts.annotations), spec: { predictor: { canaryTrafficPercent: null } } }, opts);
}

export async function readInferenceService(kc: KubeConfig, namespace: string, name: string, signal?: AbortSignal): Promise<{ readonly ok: true; readonly isvc: InferenceService } | { readonly ok: false; readonly error: ActionError; readonly message: string }> {
  try {
    return { ok: true, isvc: InferenceService.parse(await requestJson(kc, "GET", objectPath(namespace, name), { signal })) };
  } catch (err) {
    const error = classifyActionError(err, { verb: "get", resource: "inferenceservices.serving.kserve.io", namespace, name });
    return { ok: false, error, message: describeActionError(error) };
  }
}

/** How often a rollback reads, plans and patches again when the object changed under it. */
const conflictRetries = 5;

/**
 * Reads the InferenceService, plans, and edits it: canary to 0%, or the recorded predictor back
 * with the annotation now holding the predictor it replaced, so a second rollback returns (as a
 * second kubectl rollout undo does). The patch carries the resourceVersion read, so a concurrent
 * edit is never overwritten; KServe writes status all the time, so on a conflict we read and
 * plan again (client-go's RetryOnConflict).
 */
export async function rollbackInferenceService(
  kc: KubeConfig,
  namespace: string,
  name: string,
  opts: { readonly signal?: AbortSignal; readonly annotations?: Readonly<Record<string, string>>; readonly dryRun?: boolean } = {},
): Promise<InferenceServiceRollbackResult> {
  for (let attempt = 1; ; attempt++) {
    const result = await rollbackOnce(kc, namespace, name, opts);
    if (result.ok || result.error.kind !== "conflict" || attempt >= conflictRetries || opts.signal?.aborted) return result;
  }
}

async function rollbackOnce(
  kc: KubeConfig,
  namespace: string,
  name: string,
  opts: { readonly signal?: AbortSignal; readonly annotations?: Readonly<Record<string, string>>; readonly dryRun?: boolean },
): Promise<InferenceServiceRollbackResult> {
  const read = await readInferenceService(kc, namespace, name, opts.signal);
  if (!read.ok) return read;
  const isvc = read.isvc;
  const plan = planInferenceServiceRollback(isvc);
  if (plan.kind === "error") return { ok: false, error: { kind: "cannot-rollback", message: plan.message }, message: plan.message };
  if (plan.kind === "skip") return { ok: true, skipped: true, message: plan.message };
  const current = isvc.spec?.predictor ?? {};
  const resourceVersion = (isvc.metadata as { resourceVersion?: unknown }).resourceVersion;
  const metadata = {
    ...(typeof resourceVersion === "string" ? { resourceVersion } : {}),
    annotations: { ...(plan.kind === "restore-predictor" ? { [previousPredictorAnnotation]: JSON.stringify(current) } : {}), ...opts.annotations },
  };
  const after: Predictor = plan.kind === "canary-rollback" ? { ...current, canaryTrafficPercent: 0 } : plan.predictor;
  const body = { metadata, spec: { predictor: plan.kind === "canary-rollback" ? { canaryTrafficPercent: 0 } : mergePatchBetween(current, after) } };
  const patched = await mergePatch(kc, namespace, name, body, opts);
  if (!patched.ok) return patched;
  const state = canaryState(isvc);
  const dryRun = opts.dryRun ?? false;
  const suffix = dryRun ? " (server dry run)" : "";
  return plan.kind === "canary-rollback"
    ? {
        ok: true,
        skipped: false,
        action: plan.kind,
        message: `rolled back: canary ${plan.canaryRevision} ${plan.canaryPercent}% → 0%, all traffic to ${plan.toRevision}${suffix}`,
        fromRevision: plan.canaryRevision,
        toRevision: plan.toRevision,
        predictorBefore: current,
        predictorAfter: after,
        dryRun,
      }
    : {
        ok: true,
        skipped: false,
        action: plan.kind,
        message: `rolled back: predictor restored from ${previousPredictorAnnotation}${suffix}`,
        fromRevision: state.latestRevision,
        toRevision: undefined,
        predictorBefore: current,
        predictorAfter: after,
        dryRun,
      };
}
