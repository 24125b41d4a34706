/**
 * Triage Service: one pass over a workload that gathers what changed (rollout history, audit
 * records, warning events), what the pods and nodes say, and the metrics before and after each
 * change; then names platform or code, the suspect change with its evidence, and the one
 * mitigation. Whatever cannot be read (no metrics, no history, 403) becomes a blind spot and the
 * rest is still reported. Cancelling the signal rejects with its reason (an AbortError).
 */
import type { CoreV1Event, KubeConfig, V1Deployment, V1Node, V1Pod, V1ReplicaSet } from "@kubernetes/client-node";
import { requestJson } from "../kube/client/kubeRequest";
import { collectionPath, ResourceTypes } from "../kube/client/resourceTypes";
import { labelSelectorString } from "../kube/objects/labelSelector";
import { classifyActionError, type ActionError } from "../kube/rollout/clusterActions";
import { canaryState, previousPredictorAnnotation, readInferenceService } from "../kube/rollout/inferenceServiceRollout";
import { deploymentRevisions, readDeploymentHistory, type RevisionInfo } from "../kube/rollout/rolloutUndo";
import { usesAzureMonitor } from "../metrics/serviceMetrics";
import { compareChanges, measureNow, seriesAround } from "./changeComparisons";
import { triageChanges, workloadWarnings } from "./triageChanges";
import { podFindings } from "./triageFindings";
import type { BlindSpot, BlindSpotArea, BlindSpotReason, ChangeComparison, CurrentStats, TriageChange, TriageInput, TriageReport, TriageSeries } from "./triageReport";
import { chooseMitigation, classify, currentFindings, headlineOf, metricFindings, rankSuspects, type InferenceServiceRollbackInfo } from "./triageVerdict";

interface Listed<T> {
  readonly items?: T[];
}

function reasonOf(error: ActionError): BlindSpotReason {
  switch (error.kind) {
    case "forbidden":
      return { kind: "forbidden", verb: error.verb, resource: error.resource, namespace: error.namespace };
    case "not-found":
      return { kind: "not-found", resource: error.resource, name: error.name };
    case "unreachable":
      return { kind: "unreachable", detail: error.message };
    default:
      return { kind: "error", detail: error.message };
  }
}

type Read<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly why: BlindSpotReason };

async function list<T>(kc: KubeConfig, path: string, what: { verb: string; resource: string; namespace: string | undefined }, signal: AbortSignal): Promise<Read<T[]>> {
  try {
    const body = (await requestJson(kc, "GET", path, { signal })) as Listed<T>;
    return { ok: true, value: body.items ?? [] };
  } catch (err) {
    signal.throwIfAborted();
    return { ok: false, why: reasonOf(classifyActionError(err, { ...what, name: "" })) };
  }
}

/** RE2 escaping for a literal name inside a PromQL regex matcher. */
function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function withQuery(path: string, params: Record<string, string>): string {
  return `${path}?${new URLSearchParams(params).toString()}`;
}

/** What the workload is in the cluster: the pods to look at and the rollout history to read. */
interface WorkloadShape {
  readonly podSelector: string | undefined;
  /** Pods by name when no selector could be read. */
  readonly podPrefix: string;
  readonly revisions: readonly RevisionInfo[];
  readonly replicaSets: readonly string[];
  readonly inferenceService?: InferenceServiceRollbackInfo;
}

async function readShape(input: TriageInput, blind: (what: BlindSpotArea, why: BlindSpotReason) => void): Promise<WorkloadShape> {
  const { kc, workload, signal } = input;
  const { namespace, name } = workload;
  const fromHistory = (deployment: V1Deployment, replicaSets: V1ReplicaSet[]) => ({
    revisions: deploymentRevisions(deployment, replicaSets),
    replicaSets: replicaSets.map((rs) => rs.metadata?.name ?? ""),
  });
  if (workload.kind === "Deployment") {
    const history = await readDeploymentHistory(kc, namespace, name, signal);
    signal.throwIfAborted();
    if (!history.ok) {
      blind(history.error.kind === "not-found" ? "workload" : "rollout-history", reasonOf(history.error));
      return { podSelector: undefined, podPrefix: `${name}-`, revisions: [], replicaSets: [] };
    }
    return { podSelector: labelSelectorString(history.deployment.spec?.selector), podPrefix: `${name}-`, ...fromHistory(history.deployment, history.replicaSets) };
  }
  const read = await readInferenceService(kc, namespace, name, signal);
  signal.throwIfAborted();
  const podSelector = `serving.kserve.io/inferenceservice=${name}`;
  let inferenceService: InferenceServiceRollbackInfo | undefined;
  if (read.ok) {
    const state = canaryState(read.isvc);
    const toRevision = state.canaryRunning ? state.rolledOutRevision : state.previousRevision;
    inferenceService = {
      canaryRunning: state.canaryRunning,
      ...(toRevision !== undefined ? { toRevision } : {}),
      previousPredictor: read.isvc.metadata.annotations?.[previousPredictorAnnotation] !== undefined,
    };
  } else {
    blind("workload", reasonOf(read.error));
  }
  // RawDeployment (Standard) mode: KServe's `<name>-predictor` Deployment holds a rollout history.
  // Knative mode has none by that name; its revisions are KServe's, not a history we read.
  const predictor = await readDeploymentHistory(kc, namespace, `${name}-predictor`, signal);
  signal.throwIfAborted();
  const history = predictor.ok ? fromHistory(predictor.deployment, predictor.replicaSets) : { revisions: [], replicaSets: [] };
  if (!predictor.ok && predictor.error.kind !== "not-found") blind("rollout-history", reasonOf(predictor.error));
  return { podSelector, podPrefix: `${name}-predictor-`, ...history, ...(inferenceService ? { inferenceService } : {}) };
}

export async function triageWorkload(input: TriageInput): Promise<TriageReport> {
  const { kc, workload, signal } = input;
  const { namespace, name } = workload;
  const now = input.now.getTime() / 1000;
  const windowStart = now - input.sinceSeconds;
  const blindSpots: BlindSpot[] = [];
  const blind = (what: BlindSpotArea, why: BlindSpotReason): void => {
    blindSpots.push({ what, why });
  };
  signal.throwIfAborted();

  const shape = await readShape(input, blind);
  const podsPath = shape.podSelector ? withQuery(collectionPath(ResourceTypes.pods, namespace), { labelSelector: shape.podSelector }) : collectionPath(ResourceTypes.pods, namespace);
  const [podsRead, eventsRead, nodesRead] = await Promise.all([
    list<V1Pod>(kc, podsPath, { verb: "list", resource: "pods", namespace }, signal),
    list<CoreV1Event>(kc, collectionPath(ResourceTypes.events, namespace), { verb: "list", resource: "events", namespace }, signal),
    list<V1Node>(kc, collectionPath(ResourceTypes.nodes), { verb: "list", resource: "nodes", namespace: undefined }, signal),
  ]);
  signal.throwIfAborted();
  if (!podsRead.ok) blind("pods", podsRead.why);
  if (!eventsRead.ok) blind("events", eventsRead.why);
  if (!nodesRead.ok) blind("nodes", nodesRead.why);
  // Without a selector (the Deployment was unreadable) the namespace's pods are narrowed by name.
  const pods = podsRead.ok ? (shape.podSelector ? podsRead.value : podsRead.value.filter((p) => (p.metadata?.name ?? "").startsWith(shape.podPrefix))) : [];
  const events = eventsRead.ok ? eventsRead.value : [];
  const nodes = nodesRead.ok ? nodesRead.value : null;

  const audit = "unavailable" in input.auditRecords ? [] : input.auditRecords;
  if ("unavailable" in input.auditRecords) blind("audit-log", { kind: "unavailable", detail: input.auditRecords.unavailable });

  const warnings = workloadWarnings(events, {
    workload: name,
    replicaSets: shape.replicaSets,
    pods: pods.map((p) => p.metadata?.name ?? ""),
    podPrefixes: shape.replicaSets.length > 0 ? shape.replicaSets.map((rs) => `${rs}-`) : [shape.podPrefix],
  });
  const changes = triageChanges({ context: input.context.name, workload, revisions: shape.revisions, audit, warnings, windowStart, now });
  const pod = podFindings({ pods, events, nodes, warnings, now: input.now.getTime() });

  let comparisons: ChangeComparison[] = [];
  let current: CurrentStats | null = null;
  let metricsSeen = false;
  let slo: TriageReport["slo"] = null;
  const metrics = "unavailable" in input.metrics ? undefined : input.metrics;
  if ("unavailable" in input.metrics) blind("metrics", { kind: "unavailable", detail: input.metrics.unavailable });
  else if (metrics && usesAzureMonitor(metrics.source, metrics.target)) {
    blind("metrics", { kind: "unavailable", detail: "per-change comparisons need a PromQL source; Azure Monitor platform metrics give no request histogram for the p95's confidence interval" });
  } else if (metrics) {
    slo = { p95LatencyMs: metrics.target.slo.p95LatencyMs, errorRate: metrics.target.slo.errorRate, origin: metrics.target.slo.origin };
    const replicaSetOf = new Map(shape.revisions.map((r) => [r.revision, r.replicaSet]));
    // A Deployment's pods are `<replicaset>-<5 chars>` (the ReplicaSet controller's generateName).
    const podRegexOf = (change: TriageChange): string | undefined => {
      const rs = change.kind === "deploy" && typeof change.revision === "number" ? replicaSetOf.get(change.revision) : undefined;
      return rs ? `${escapeRegex(rs)}-[a-z0-9]{5}` : undefined;
    };
    const result = await compareChanges({ source: metrics.source, target: metrics.target, changes, now, signal, podRegexOf });
    signal.throwIfAborted();
    comparisons = result.comparisons;
    const present = result.error ? undefined : await measureNow({ source: metrics.source, target: metrics.target, now, sinceSeconds: input.sinceSeconds, signal });
    signal.throwIfAborted();
    current = present?.current ?? null;
    const error = result.error ?? present?.error;
    if (error) {
      blind("metrics", { kind: "metrics-error", error });
    } else if (result.noData && current === null) {
      blind("metrics", { kind: "no-data", ...(result.firstQuery !== undefined ? { query: result.firstQuery } : {}) });
    }
    metricsSeen = !error && (!result.noData || current !== null);
  }

  const sloErrorRate = metrics?.target.slo.errorRate ?? 0;
  const changeFindings = [...pod.findings, ...metricFindings(comparisons, sloErrorRate)];
  const findings = [...changeFindings, ...currentFindings(current, sloErrorRate, changeFindings)];
  const suspects = rankSuspects({ findings, comparisons, changes, revisions: shape.revisions, hashes: pod.hashes });
  const top = suspects[0];
  const classification = classify(suspects, findings, { pods: !podsRead.ok, metrics: !metricsSeen });
  const mitigation = chooseMitigation({
    workload,
    context: input.context.name,
    suspect: top,
    changes,
    findings,
    revisions: shape.revisions,
    ...(shape.inferenceService ? { inferenceService: shape.inferenceService } : {}),
    pods,
    nodes,
  });

  let series: TriageSeries | null = null;
  if (metrics && metricsSeen) {
    const markAt = top?.changedAt ? Date.parse(top.changedAt) / 1000 : null;
    const drawn = await seriesAround({ source: metrics.source, target: metrics.target, markAt, now, sinceSeconds: input.sinceSeconds, signal });
    signal.throwIfAborted();
    series = drawn.series;
    if (drawn.error && drawn.error.kind !== "cancelled") blind("metrics", { kind: "metrics-error", error: drawn.error });
  }

  return {
    service: { context: input.context.name, namespace, name, kind: workload.kind },
    generatedAt: input.now.toISOString(),
    window: { start: Math.round(windowStart), end: Math.round(now) },
    classification,
    headline: headlineOf({ classification, suspect: top, mitigation, comparisons, findings, pods }),
    findings,
    changes,
    comparisons,
    suspect: top ? { revision: top.revision, changedAt: top.changedAt, evidence: top.evidence } : null,
    suspects,
    mitigation,
    series,
    slo,
    blindSpots,
    ...(current ? { current } : {}),
  };
}
