import type { KubeConfig, V1Deployment, V1Pod, V1ReplicaSet } from "@kubernetes/client-node";
import { InferenceService, findCondition } from "../objects/inferenceService";
import { KubeApiError, requestJson } from "../client/kubeRequest";
import { podProblems, type PodProblem } from "../workloads/podProblems";
import { collectionPath, ResourceTypes } from "../client/resourceTypes";
import { deploymentRolloutStatus, type RolloutStatus } from "../workloads/rolloutStatus";
import { watchStream } from "../client/watchStream";
import { labelSelectorString } from "../objects/labelSelector";
import { revisionAnnotation } from "../objects/wellKnownAnnotations";
import type { WorkloadRef } from "../objects/workloadRef";
import { canaryState } from "./inferenceServiceRollout";

/**
 * Follows a rollout after an apply until it is complete, has failed, or is failing: the
 * Deployment (or InferenceService) through a watch, its new pods by polling. "Failing" means
 * the new ReplicaSet's pods are stuck in a state that waiting does not fix (ImagePullBackOff,
 * CrashLoopBackOff…) for degradedAfterMs, so nobody waits ten minutes for the progress deadline.
 */

export type TrackResult =
  | { readonly outcome: "complete"; readonly message: string }
  | { readonly outcome: "failed"; readonly reason: "ProgressDeadlineExceeded" | "NotFound" | "Deleted" | "Forbidden" | "Unreachable"; readonly message: string }
  | { readonly outcome: "failing"; readonly message: string; readonly problems: readonly PodProblem[] }
  | { readonly outcome: "cancelled" }
  /** timeoutMs passed first, as `kubectl rollout status --timeout`; the message ends with the last status line. */
  | { readonly outcome: "timedOut"; readonly message: string };

export interface RolloutProgress {
  /** kubectl rollout status's line, e.g. `Waiting for deployment "chat" rollout to finish: 1 of 2 updated replicas are available...`. */
  readonly message: string;
  /** New pods stuck, not yet for degradedAfterMs. */
  readonly problems: readonly PodProblem[];
}

export interface TrackOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (status: RolloutProgress) => void;
  /** How long new pods may stay stuck before the rollout counts as failing (default 15 s). */
  readonly degradedAfterMs?: number;
  /** How often the new pods are read (default 1 s); the workload itself is watched. */
  readonly pollIntervalMs?: number;
  /** Give up after this long with outcome "timedOut" (kubectl rollout status --timeout); absent or 0: wait for ever. */
  readonly timeoutMs?: number;
}

export const defaultDegradedAfterMs = 15_000;
const defaultPollIntervalMs = 1000;

/** Pod problems that waiting does not fix. */
const stuckCodes = new Set<PodProblem["code"]>(["ImagePullBackOff", "ErrImagePull", "CrashLoopBackOff", "CreateContainerConfigError", "OOMKilled"]);
/** One OOM kill can be a spike; by the second restart the limit is simply too low. */
export const repeatedOomRestarts = 2;

/** The problems of the given (new) pods that mean the rollout will not finish by itself. */
export function stuckPodProblems(pods: readonly V1Pod[], now: number): PodProblem[] {
  return pods.flatMap((pod) =>
    podProblems(pod, { now }).filter((p) => {
      if (!stuckCodes.has(p.code)) return false;
      if (p.code !== "OOMKilled") return true;
      const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
      return (statuses.find((s) => s.name === p.container)?.restartCount ?? 0) >= repeatedOomRestarts;
    }),
  );
}

function controlledBy(object: { metadata?: { ownerReferences?: { uid: string; controller?: boolean }[] } }, uid: string | undefined): boolean {
  return uid !== undefined && (object.metadata?.ownerReferences ?? []).some((r) => r.uid === uid && r.controller === true);
}

/** The Deployment's current ReplicaSet: the one it controls whose revision is the Deployment's. */
export function newReplicaSetOf(deployment: V1Deployment, replicaSets: readonly V1ReplicaSet[]): V1ReplicaSet | undefined {
  const revision = deployment.metadata?.annotations?.[revisionAnnotation];
  if (revision === undefined) return undefined;
  return replicaSets.find((rs) => controlledBy(rs, deployment.metadata?.uid) && rs.metadata?.annotations?.[revisionAnnotation] === revision);
}

export function podsOf(replicaSet: V1ReplicaSet, pods: readonly V1Pod[]): V1Pod[] {
  return pods.filter((p) => controlledBy(p, replicaSet.metadata?.uid));
}

interface PredictorStatus {
  latestCreatedRevision?: string;
  latestReadyRevision?: string;
}

function predictorStatusOf(isvc: InferenceService): PredictorStatus {
  const components = (isvc.status as { components?: { predictor?: PredictorStatus } } | undefined)?.components;
  return components?.predictor ?? {};
}

/**
 * An InferenceService's rollout in kubectl's terms: complete once the spec is observed, Ready is
 * True, the latest created revision is the latest ready one and, in RawDeployment mode, the
 * predictor Deployment has rolled out; timed out when that Deployment passed its deadline.
 */
export function inferenceServiceRolloutStatus(isvc: InferenceService, predictor: V1Deployment | undefined): RolloutStatus {
  const name = isvc.metadata.name;
  if ((isvc.metadata.generation ?? 0) > (isvc.status?.observedGeneration ?? 0)) {
    return { state: "waiting", stage: "notObserved", message: "Waiting for InferenceService spec update to be observed..." };
  }
  const deployment = predictor ? deploymentRolloutStatus(predictor) : undefined;
  if (deployment?.state === "timedOut") return { state: "timedOut", message: `inferenceservice "${name}" exceeded its progress deadline (${deployment.message})` };
  const ready = findCondition(isvc, "Ready");
  const { latestCreatedRevision: created, latestReadyRevision: readyRevision } = predictorStatusOf(isvc);
  if (ready?.status === "True" && created !== undefined && created === readyRevision && (deployment === undefined || deployment.state === "complete")) {
    // After a canary rollback the latest revision is ready but has no traffic: then say where traffic goes.
    const shares = canaryState(isvc).traffic;
    const allOnLatest = shares.every((t) => t.percent === 0 || (t.revision === created && t.percent === 100));
    const where = allOnLatest ? `revision ${created}` : `traffic: ${shares.map((t) => `${t.revision} ${t.percent}%`).join(", ")}`;
    return { state: "complete", message: `inferenceservice "${name}" successfully rolled out (${where})` };
  }
  if (deployment?.state === "waiting") return { state: "waiting", stage: deployment.stage, message: deployment.message.replace(/^Waiting for deployment ("[^"]*")/, `Waiting for inferenceservice "${name}" (deployment $1)`) };
  const why = ready?.status !== "True" ? (ready?.message ?? ready?.reason ?? "not ready yet") : `revision ${created ?? "?"} is not ready yet`;
  return { state: "waiting", stage: "becomingAvailable", message: `Waiting for inferenceservice "${name}" to become ready: ${why}` };
}

/** What the tracker remembers between observations. */
export interface RolloutMemory {
  /** When new pods were first seen stuck, in this stretch of trouble. */
  readonly stuckSince: number | undefined;
  /** When they were last seen stuck: a crash-looping container is briefly Running between crashes. */
  readonly lastStuckAt: number | undefined;
}

export const freshMemory: RolloutMemory = { stuckSince: undefined, lastStuckAt: undefined };

function describeProblems(problems: readonly PodProblem[]): string {
  const unique = [...new Set(problems.map((p) => p.message))];
  const shown = unique.slice(0, 3).join("; ");
  return unique.length > 3 ? `${shown}; and ${unique.length - 3} more` : shown;
}

/**
 * The decision, as a pure function of one observation: a result when the rollout is over (or
 * failing), else undefined and the memory to pass next time. Stuck pods count as recovered only
 * once they have looked fine for degradedAfterMs.
 */
export function judgeRollout(
  status: RolloutStatus,
  problems: readonly PodProblem[],
  memory: RolloutMemory,
  now: number,
  degradedAfterMs: number = defaultDegradedAfterMs,
): { readonly result: TrackResult | undefined; readonly memory: RolloutMemory } {
  if (status.state === "complete") return { result: { outcome: "complete", message: status.message }, memory: freshMemory };
  if (status.state === "timedOut") {
    const detail = problems.length > 0 ? `: ${describeProblems(problems)}` : "";
    return { result: { outcome: "failed", reason: "ProgressDeadlineExceeded", message: `${status.message}${detail}` }, memory: freshMemory };
  }
  if (problems.length === 0) {
    const recovered = memory.lastStuckAt === undefined || now - memory.lastStuckAt >= degradedAfterMs;
    return { result: undefined, memory: recovered ? freshMemory : memory };
  }
  const stuckSince = memory.stuckSince ?? now;
  const next = { stuckSince, lastStuckAt: now };
  if (now - stuckSince < degradedAfterMs) return { result: undefined, memory: next };
  const seconds = Math.round((now - stuckSince) / 1000);
  return { result: { outcome: "failing", message: `the new pods have not started for ${seconds} s: ${describeProblems(problems)}`, problems }, memory: next };
}

interface Observation {
  readonly status: RolloutStatus;
  readonly problems: readonly PodProblem[];
}

type Listed<T> = { items?: T[] };

function query(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

async function readOptional<T>(kc: KubeConfig, path: string, signal: AbortSignal | undefined): Promise<T | undefined> {
  try {
    return (await requestJson(kc, "GET", path, signal ? { signal } : {})) as T;
  } catch (err) {
    if (err instanceof KubeApiError && err.statusCode === 404) return undefined;
    throw err;
  }
}

async function newPodsOfDeployment(kc: KubeConfig, deployment: V1Deployment, signal: AbortSignal | undefined): Promise<V1Pod[]> {
  const namespace = deployment.metadata?.namespace ?? "";
  const selector = deployment.spec?.selector;
  // An invalid selector (the API server refuses those) would select everything; ownership filters below.
  const sets = (await requestJson(kc, "GET", `${collectionPath(ResourceTypes.replicaSets, namespace)}?${query({ labelSelector: labelSelectorString(selector) ?? "" })}`, signal ? { signal } : {})) as Listed<V1ReplicaSet>;
  const rs = newReplicaSetOf(deployment, sets.items ?? []);
  const hash = rs?.metadata?.labels?.["pod-template-hash"];
  if (!rs) return [];
  const podSelector = labelSelectorString({ ...selector, matchLabels: { ...selector?.matchLabels, ...(hash ? { "pod-template-hash": hash } : {}) } }) ?? "";
  const pods = (await requestJson(kc, "GET", `${collectionPath(ResourceTypes.pods, namespace)}?${query({ labelSelector: podSelector })}`, signal ? { signal } : {})) as Listed<V1Pod>;
  return podsOf(rs, pods.items ?? []);
}

async function observeDeployment(kc: KubeConfig, deployment: V1Deployment, signal: AbortSignal | undefined): Promise<Observation> {
  const status = deploymentRolloutStatus(deployment);
  if (status.state !== "waiting" || status.stage === "notObserved") return { status, problems: [] };
  return { status, problems: stuckPodProblems(await newPodsOfDeployment(kc, deployment, signal), Date.now()) };
}

async function observeInferenceService(kc: KubeConfig, raw: unknown, signal: AbortSignal | undefined): Promise<Observation> {
  const parsed = InferenceService.safeParse(raw);
  if (!parsed.success) return { status: { state: "waiting", stage: "notObserved", message: "Waiting for the InferenceService to be readable..." }, problems: [] };
  const isvc = parsed.data;
  const namespace = isvc.metadata.namespace ?? "";
  // RawDeployment mode: KServe's predictor Deployment, controlled by the InferenceService.
  const candidate = await readOptional<V1Deployment>(kc, `${collectionPath(ResourceTypes.deployments, namespace)}/${encodeURIComponent(`${isvc.metadata.name}-predictor`)}`, signal);
  const predictor = candidate && controlledBy(candidate, isvc.metadata.uid) ? candidate : undefined;
  const status = inferenceServiceRolloutStatus(isvc, predictor);
  if (status.state !== "waiting" || status.stage === "notObserved") return { status, problems: [] };
  if (predictor) return { status, problems: stuckPodProblems(await newPodsOfDeployment(kc, predictor, signal), Date.now()) };
  // Serverless mode: Knative labels each revision's pods.
  const revision = predictorStatusOf(isvc).latestCreatedRevision;
  if (!revision) return { status, problems: [] };
  const pods = (await requestJson(kc, "GET", `${collectionPath(ResourceTypes.pods, namespace)}?${query({ labelSelector: `serving.knative.dev/revision=${revision}` })}`, signal ? { signal } : {})) as Listed<V1Pod>;
  return { status, problems: stuckPodProblems(pods.items ?? [], Date.now()) };
}

type Followed = { readonly metadata?: { readonly resourceVersion?: string } };

/** The follower's watch: the server ends it within this time and a fresh one starts. */
const followWatchTimeoutSeconds = 240;
/** Bookmarks come about once a minute; a watch silent for longer than this is presumed dead (#958). */
const followIdleTimeoutMs = 90_000;

/**
 * Watches one object by name from a resourceVersion, re-establishing the watch when it drops
 * (with back-off), and re-reading the object when the server says the version is gone (410).
 */
function followObject(
  kc: KubeConfig,
  collection: string,
  name: string,
  from: string | undefined,
  handlers: { readonly onObject: (object: unknown) => void; readonly onDeleted: () => void; readonly onFatal: (err: KubeApiError) => void },
  signal: AbortSignal,
): void {
  let resourceVersion = from;
  let failures = 0;
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  void (async () => {
    while (!signal.aborted) {
      const end = await watchStream<Followed>(kc, {
        path: collection,
        fieldSelector: `metadata.name=${name}`,
        resourceVersion,
        timeoutSeconds: followWatchTimeoutSeconds,
        idleTimeoutMs: followIdleTimeoutMs,
        signal,
        onEvent: (phase, object) => {
          failures = 0;
          if (phase === "DELETED") handlers.onDeleted();
          else handlers.onObject(object);
        },
      });
      if (signal.aborted || end.kind === "aborted") return;
      // A watch that lived until the server or the idle timer ended it was healthy.
      if (end.kind === "closed" || end.kind === "idle") failures = 0;
      if (end.kind !== "gone") resourceVersion = end.resourceVersion ?? resourceVersion;
      if (end.kind === "failed" && end.error instanceof KubeApiError && (end.error.statusCode === 401 || end.error.statusCode === 403)) {
        handlers.onFatal(end.error);
        return;
      }
      if (end.kind === "gone") {
        // Our resourceVersion is out of the server's history: read the object afresh.
        try {
          const current = await readOptional<Followed>(kc, `${collection}/${encodeURIComponent(name)}`, signal);
          if (current === undefined) {
            handlers.onDeleted();
            return;
          }
          resourceVersion = current.metadata?.resourceVersion;
          handlers.onObject(current);
          continue;
        } catch {
          // Fall through to the back-off.
        }
      }
      if (end.kind === "failed" || end.kind === "gone") {
        failures++;
        await pause(Math.min(5000, 250 * 2 ** (failures - 1)));
      }
    }
  })();
}

/** kubectl's words when --timeout passes (wait.ErrWaitTimeout). */
export const timedOutMessage = "timed out waiting for the condition";

/**
 * Follows a Deployment or InferenceService until its rollout completes, fails (the progress
 * deadline), is failing (new pods stuck for degradedAfterMs), timeoutMs passes or the signal
 * aborts. onProgress gets kubectl's waiting line and any stuck pods whenever they change.
 */
export async function trackRollout(kc: KubeConfig, target: WorkloadRef, options: TrackOptions = {}): Promise<TrackResult> {
  const outer = options.signal;
  if (outer?.aborted) return { outcome: "cancelled" };
  const timeoutMs = options.timeoutMs ?? 0;
  if (timeoutMs <= 0) return follow(kc, target, options);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  let lastLine: string | undefined;
  try {
    const result = await follow(kc, target, {
      ...options,
      signal: outer ? AbortSignal.any([outer, deadline.signal]) : deadline.signal,
      onProgress: (progress) => {
        lastLine = progress.message;
        options.onProgress?.(progress);
      },
    });
    if (result.outcome !== "cancelled" || outer?.aborted || !deadline.signal.aborted) return result;
    return { outcome: "timedOut", message: lastLine ? `${timedOutMessage}: ${lastLine}` : timedOutMessage };
  } finally {
    clearTimeout(timer);
  }
}

async function follow(kc: KubeConfig, target: WorkloadRef, options: TrackOptions): Promise<TrackResult> {
  const outer = options.signal;
  if (outer?.aborted) return { outcome: "cancelled" };
  const type = target.kind === "Deployment" ? ResourceTypes.deployments : ResourceTypes.inferenceServices;
  const collection = collectionPath(type, target.namespace);
  const what = `${target.kind === "Deployment" ? "deployment" : "inferenceservice"} "${target.name}" in namespace ${target.namespace}`;
  const degradedAfterMs = options.degradedAfterMs ?? defaultDegradedAfterMs;
  const stop = new AbortController();
  const signal = stop.signal;

  let first: Followed | undefined;
  try {
    first = await readOptional<Followed>(kc, `${collection}/${encodeURIComponent(target.name)}`, outer);
  } catch (err) {
    if (outer?.aborted) return { outcome: "cancelled" };
    if (err instanceof KubeApiError && (err.statusCode === 401 || err.statusCode === 403)) return { outcome: "failed", reason: "Forbidden", message: err.message };
    return { outcome: "failed", reason: "Unreachable", message: `cannot read ${what}: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (first === undefined) return { outcome: "failed", reason: "NotFound", message: `${what} does not exist` };

  return new Promise<TrackResult>((resolve) => {
    let latest: unknown = first;
    let memory = freshMemory;
    let evaluating = false;
    let again = false;
    let lastReported = "";
    // Pods and ReplicaSets are polled; `evaluate` is defined below and first runs at the end of this block.
    const timer = setInterval(() => void evaluate(), options.pollIntervalMs ?? defaultPollIntervalMs);
    const finish = (result: TrackResult): void => {
      if (signal.aborted) return;
      stop.abort();
      clearInterval(timer);
      outer?.removeEventListener("abort", onAbort);
      resolve(result);
    };
    const onAbort = (): void => finish({ outcome: "cancelled" });
    outer?.addEventListener("abort", onAbort);

    const evaluate = async (): Promise<void> => {
      if (evaluating) {
        again = true;
        return;
      }
      evaluating = true;
      try {
        do {
          again = false;
          const observed = target.kind === "Deployment" ? await observeDeployment(kc, latest as V1Deployment, signal) : await observeInferenceService(kc, latest, signal);
          if (signal.aborted) return;
          const judged = judgeRollout(observed.status, observed.problems, memory, Date.now(), degradedAfterMs);
          memory = judged.memory;
          if (judged.result) {
            finish(judged.result);
            return;
          }
          const report = JSON.stringify([observed.status.message, observed.problems.map((p) => p.message)]);
          if (report !== lastReported) {
            lastReported = report;
            options.onProgress?.({ message: observed.status.message, problems: observed.problems });
          }
        } while (again && !signal.aborted);
      } catch {
        // A failed read of pods or ReplicaSets is retried on the next tick; the watch carries on.
      } finally {
        evaluating = false;
      }
    };

    followObject(
      kc,
      collection,
      target.name,
      first.metadata?.resourceVersion,
      {
        onObject: (object) => {
          latest = object;
          void evaluate();
        },
        onDeleted: () => finish({ outcome: "failed", reason: "Deleted", message: `${what} was deleted during the rollout` }),
        onFatal: (err) => finish({ outcome: "failed", reason: "Forbidden", message: err.message }),
      },
      signal,
    );
    void evaluate();
  });
}
