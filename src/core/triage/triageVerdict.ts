/**
 * From findings and comparisons to a verdict: the metric findings (app 5xx, latency regression
 * after a change), the suspects ranked with their evidence, platform or code, and the one
 * mitigation to offer. Pure, like judgeRollout: everything it weighs is in its input.
 */
import type { V1Node, V1Pod } from "@kubernetes/client-node";
import { poolLabels } from "../kube/gpu/nodePools";
import type { RevisionInfo } from "../kube/rollout/rolloutUndo";
import { alpha, overSloErrorRate, requestsForOnePoint } from "./regressionTests";
import {
  sideOfFailureClass,
  type ChangeComparison,
  type CurrentStats,
  type Evidence,
  type FailureClass,
  type RankedSuspect,
  type TriageChange,
  type TriageClassification,
  type TriageFinding,
  type TriageHeadline,
  type TriageMitigation,
  type TriageWorkloadRef,
} from "./triageReport";

const nf = new Intl.NumberFormat("en-US");

function ms(v: number): string {
  return `${v >= 10 ? nf.format(Math.round(v)) : v.toFixed(1)} ms`;
}

function pct(ratio: number): string {
  const p = ratio * 100;
  return `${p >= 10 ? p.toFixed(0) : p >= 1 ? p.toFixed(1) : p.toFixed(2)} %`;
}

function signedPct(change: number): string {
  const p = Math.round(change * 100);
  return `${p >= 0 ? "+" : ""}${p} %`;
}

function windowText(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${(seconds / 60).toFixed(1)} min`;
}

function changeName(c: { readonly kind: string; readonly revision?: number | string | undefined }): string {
  return `${c.kind}${c.revision !== undefined ? ` of revision ${c.revision}` : ""}`;
}

/** "p95 412 ms → 871 ms (+111 %) over 60 min windows, 21,600 vs 21,480 requests; 95 % CI …". */
export function latencyFact(c: ChangeComparison): string | undefined {
  const { before, after } = c;
  if (before.p95Ms === null || after.p95Ms === null || c.p95Change === null) return undefined;
  const n = before.requests !== null && after.requests !== null ? `, ${nf.format(before.requests)} vs ${nf.format(after.requests)} requests` : "";
  const ci =
    before.p95LowerMs !== null && before.p95UpperMs !== null && after.p95LowerMs !== null && after.p95UpperMs !== null
      ? `; 95 % CI of the p95 ${ms(before.p95LowerMs)}–${ms(before.p95UpperMs)} before, ${ms(after.p95LowerMs)}–${ms(after.p95UpperMs)} after`
      : "";
  return `p95 ${ms(before.p95Ms)} → ${ms(after.p95Ms)} (${signedPct(c.p95Change)}) over ${windowText(c.windowSeconds)} windows around the ${changeName(c)}${n}${ci}`;
}

/** "error ratio 0.20 % → 3.0 % (SLO 1.0 %), one-sided z = 9.1, p < 0.001". */
export function errorFact(c: ChangeComparison, sloErrorRate: number): string | undefined {
  const { before, after } = c;
  if (before.errorRatio === null || after.errorRatio === null) return undefined;
  const z = c.errors.statistic;
  const p = c.errors.pValue;
  const test = z !== null && z !== undefined && p !== null && p !== undefined ? `, one-sided z = ${z.toFixed(1)}, p ${p < 0.001 ? "< 0.001" : `= ${p.toFixed(3)}`}` : "";
  return `error ratio ${pct(before.errorRatio)} → ${pct(after.errorRatio)} (SLO ${pct(sloErrorRate)}) around the ${changeName(c)}${test}`;
}

function isRegression(v: { readonly regressed: boolean | null; readonly significant: boolean | null }): boolean {
  return v.regressed === true && v.significant === true;
}

/** The metric findings: a significant regression after a change. */
export function metricFindings(comparisons: readonly ChangeComparison[], sloErrorRate: number): TriageFinding[] {
  const findings: TriageFinding[] = [];
  comparisons.forEach((c, i) => {
    if (isRegression(c.latency)) {
      findings.push({ class: "latency-regression", side: "code", evidence: [{ kind: "metric", fact: latencyFact(c) ?? "", metric: "p95", comparison: i }], ...(c.revision !== undefined ? { revision: c.revision } : {}) });
    }
    if (isRegression(c.errors)) {
      findings.push({ class: "app-errors", side: "code", evidence: [{ kind: "metric", fact: errorFact(c, sloErrorRate) ?? "", metric: "errorRatio", comparison: i }], ...(c.revision !== undefined ? { revision: c.revision } : {}) });
    }
  });
  return findings;
}

/**
 * App 5xx now, with no change to blame (no comparison found them): over the SLO error rate
 * beyond chance (overSloErrorRate). A code finding without a suspect change.
 */
export function currentFindings(current: CurrentStats | null | undefined, sloErrorRate: number, found: readonly TriageFinding[]): TriageFinding[] {
  if (!current || current.errorRatio === null || current.requests === null || found.some((f) => f.class === "app-errors")) return [];
  const test = overSloErrorRate(current.errorRatio, current.requests, sloErrorRate);
  if (!test || current.errorRatio <= sloErrorRate || test.pValue >= alpha) return [];
  const fact = `error ratio ${pct(current.errorRatio)} over the last ${windowText(current.windowSeconds)} (SLO ${pct(sloErrorRate)}), ${nf.format(current.requests)} requests, one-sided z = ${test.z.toFixed(1)} against the SLO rate`;
  return [{ class: "app-errors", side: "code", evidence: [{ kind: "current", fact, metric: "errorRatio", windowSeconds: current.windowSeconds }] }];
}

function iso(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString();
}

/** Weight of a class when it is pinned on a change: failures that stop pods outrank a slower p95. */
const pinnedWeight: Readonly<Record<FailureClass, number>> = {
  "crash-loop": 0.8,
  "image-pull": 0.85,
  oom: 0.8,
  scheduling: 0.8,
  "gpu-starvation": 0.85,
  quota: 0.8,
  "node-not-ready": 0.75,
  "app-errors": 0.3,
  "latency-regression": 0.5,
};

interface Candidate {
  key: string;
  revision: number | string | null;
  at: number | null;
  kind: RankedSuspect["kind"];
  classes: Map<FailureClass, number>;
  evidence: string[];
}

function revisionOfHash(revisions: readonly RevisionInfo[], hash: string): RevisionInfo | undefined {
  return revisions.find((r) => r.replicaSet.endsWith(`-${hash}`));
}

/** Onset of a platform finding: the earliest time its evidence gives. */
function onsetOf(finding: TriageFinding): number | null {
  const times = finding.evidence.flatMap((e: Evidence) => (e.kind === "scheduling" && e.pendingSince !== undefined ? [e.pendingSince] : e.kind === "event" && e.at !== null ? [e.at] : []));
  return times.length > 0 ? Math.min(...times) : null;
}

/**
 * Suspects, best first. A metric regression points at the change it followed; a pod failure
 * points at the change that brought the revision its pods run (by pod-template-hash), else it
 * stands as a platform condition of its own since its onset. A suspect with several classes
 * scores its strongest plus a little for each other.
 */
export function rankSuspects(input: {
  readonly findings: readonly TriageFinding[];
  readonly comparisons: readonly ChangeComparison[];
  readonly changes: readonly TriageChange[];
  readonly revisions: readonly RevisionInfo[];
  readonly hashes: ReadonlyMap<FailureClass, ReadonlySet<string>>;
}): RankedSuspect[] {
  const candidates = new Map<string, Candidate>();
  const candidate = (key: string, init: Omit<Candidate, "key" | "classes" | "evidence">): Candidate => {
    let c = candidates.get(key);
    if (!c) candidates.set(key, (c = { key, ...init, classes: new Map(), evidence: [] }));
    return c;
  };
  const bump = (c: Candidate, cls: FailureClass, score: number, facts: readonly string[]): void => {
    c.classes.set(cls, Math.max(c.classes.get(cls) ?? 0, score));
    for (const f of facts) if (f && !c.evidence.includes(f)) c.evidence.push(f);
  };

  for (const f of input.findings) {
    const facts = f.evidence.map((e) => e.fact);
    if (f.class === "latency-regression" || f.class === "app-errors") {
      const e = f.evidence[0];
      const comparison = e?.kind === "metric" ? input.comparisons[e.comparison] : undefined;
      if (!comparison) continue;
      const c = candidate(`change@${comparison.changeAt}`, { revision: comparison.revision ?? null, at: comparison.changeAt, kind: comparison.kind });
      // A bigger slowdown is a likelier culprit; +25 % at most for the size.
      const size = f.class === "latency-regression" && comparison.p95Change !== null ? Math.min(0.25, comparison.p95Change / 4) : 0;
      bump(c, f.class, pinnedWeight[f.class] + size, facts);
      continue;
    }
    // Pods of one revision whose arrival is a change we know: that change is the suspect.
    const hashes = [...(input.hashes.get(f.class) ?? [])];
    const revision = hashes.map((h) => revisionOfHash(input.revisions, h)).find((r) => r !== undefined);
    const change = revision ? [...input.changes].reverse().find((c) => c.kind !== "warning-event" && c.revision === revision.revision) : undefined;
    if (change && f.class !== "node-not-ready") {
      bump(candidate(`change@${change.at}`, { revision: change.revision ?? null, at: change.at, kind: change.kind }), f.class, pinnedWeight[f.class], facts);
    } else {
      bump(candidate(`platform:${f.class}`, { revision: null, at: onsetOf(f), kind: "platform" }), f.class, pinnedWeight[f.class] - 0.1, facts);
    }
  }

  // Regressions that did not reach significance are said next to the suspect, not counted.
  for (const c of candidates.values()) {
    const comparison = input.comparisons.find((x) => c.at !== null && x.changeAt === c.at);
    if (comparison && comparison.underpowered && comparison.windowSeconds > 0) {
      c.evidence.push(`fewer than ${nf.format(requestsForOnePoint)} requests in a window: the p95's confidence interval is wider than ±1 percentile point`);
    }
  }

  return [...candidates.values()]
    .map((c) => {
      const scores = [...c.classes.values()].sort((a, b) => b - a);
      const score = Math.min(1, (scores[0] ?? 0) + 0.1 * (scores.length - 1));
      const classes = [...c.classes.entries()].sort((a, b) => b[1] - a[1]).map(([cls]) => cls);
      return { revision: c.revision, changedAt: c.at === null ? null : iso(c.at), evidence: c.evidence, score: Math.round(score * 100) / 100, kind: c.kind, classes };
    })
    .sort((a, b) => b.score - a.score || (b.changedAt ?? "").localeCompare(a.changedAt ?? ""));
}

export function classify(suspects: readonly RankedSuspect[], findings: readonly TriageFinding[], blind: { readonly pods: boolean; readonly metrics: boolean }): TriageClassification {
  const top = suspects[0]?.classes[0];
  if (top !== undefined) return sideOfFailureClass[top];
  if (findings.length > 0) return sideOfFailureClass[findings[0]!.class];
  return blind.pods || blind.metrics ? "unknown" : "none";
}

/** A POSIX shell single-quoted word. */
function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A POSIX shell double-quoted string: \, ", $ and ` escaped. */
function dq(s: string): string {
  return `"${s.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}

const classWords: Readonly<Record<FailureClass, string>> = {
  "image-pull": "image pull failure",
  scheduling: "pods unschedulable",
  "gpu-starvation": "GPU starvation",
  "node-not-ready": "node NotReady",
  oom: "OOM kills",
  quota: "quota exceeded",
  "crash-loop": "crash loop",
  "app-errors": "5xx errors",
  "latency-regression": "latency regression",
};

export interface InferenceServiceRollbackInfo {
  readonly canaryRunning: boolean;
  /** The revision a rollback returns to (KServe's rolled-out or previous revision), when known. */
  readonly toRevision?: string;
  /** A previous predictor is recorded (our deploys write it): a rollback can restore it. */
  readonly previousPredictor: boolean;
}

const rollbackHelps: ReadonlySet<FailureClass> = new Set(["image-pull", "oom", "crash-loop", "scheduling", "quota", "latency-regression", "app-errors"]);

function noMitigation(): TriageMitigation {
  return { action: "none", command: "", tool: "none" };
}

/** The pool a pod asks for by nodeSelector (AKS, GKE, EKS pool labels). */
function poolOfPod(pod: V1Pod): { label: string; name: string } | undefined {
  for (const label of poolLabels) {
    const name = pod.spec?.nodeSelector?.[label];
    if (name) return { label, name };
  }
  return undefined;
}

function gpuScaleUp(findings: readonly TriageFinding[], pods: readonly V1Pod[], nodes: readonly V1Node[] | null): TriageMitigation {
  const starved = findings.find((f) => f.class === "gpu-starvation");
  const podNames = new Set(starved?.pods ?? []);
  const starvedPods = pods.filter((p) => podNames.has(p.metadata?.name ?? ""));
  const pool = starvedPods.map(poolOfPod).find((p) => p !== undefined);
  if (!pool) return { action: "scale-up", command: "", tool: "none" };
  // How many more nodes: the GPUs the pending pods ask for over what one node of the pool has.
  const poolNodes = (nodes ?? []).filter((n) => n.metadata?.labels?.[pool.label] === pool.name);
  const asked = starved?.evidence.reduce((sum, e) => sum + (e.kind === "scheduling" ? Object.values(e.gpusRequested ?? {}).reduce((a, b) => a + b, 0) : 0), 0) ?? 0;
  const perNode = Math.max(0, ...poolNodes.flatMap((n) => Object.entries(n.status?.allocatable ?? {}).filter(([k]) => k.endsWith("/gpu")).map(([, v]) => Number(v) || 0)));
  const nodeCount = nodes === null ? undefined : poolNodes.length + Math.max(1, perNode > 0 ? Math.ceil(asked / perNode) : 1);
  const count = nodeCount !== undefined ? String(nodeCount) : "<node-count>";
  const command =
    pool.label === "kubernetes.azure.com/agentpool"
      ? `az aks nodepool scale --resource-group <resource-group> --cluster-name <cluster> --name ${pool.name} --node-count ${count}`
      : pool.label === "cloud.google.com/gke-nodepool"
        ? `gcloud container clusters resize <cluster> --node-pool ${pool.name} --num-nodes ${count}`
        : `eksctl scale nodegroup --cluster <cluster> --name ${pool.name} --nodes ${count}`;
  return { action: "scale-up", nodePool: pool.name, ...(nodeCount !== undefined ? { nodeCount } : {}), command, tool: "cloud" };
}

/**
 * The one mitigation for the top suspect: roll back to the revision before it (aiplat, audited),
 * put a KServe canary to 0 %, add GPU nodes (the cloud's CLI: growing a pool is not ours), or
 * cordon a NotReady node (kubectl).
 */
export function chooseMitigation(input: {
  readonly workload: TriageWorkloadRef;
  readonly context: string;
  readonly suspect: RankedSuspect | undefined;
  /** The changes, so a scale-down suspect can be scaled back to its replicas before. */
  readonly changes?: readonly TriageChange[];
  readonly findings: readonly TriageFinding[];
  readonly revisions: readonly RevisionInfo[];
  readonly inferenceService?: InferenceServiceRollbackInfo;
  readonly pods: readonly V1Pod[];
  readonly nodes: readonly V1Node[] | null;
}): TriageMitigation {
  const { workload, suspect } = input;
  const top = suspect?.classes[0];
  if (!suspect || top === undefined) return noMitigation();
  if (top === "gpu-starvation") return gpuScaleUp(input.findings, input.pods, input.nodes);
  if (top === "node-not-ready") {
    const node = input.findings.find((f) => f.class === "node-not-ready")?.nodes?.[0];
    return node ? { action: "cordon", node, command: `kubectl --context ${sq(input.context)} cordon ${node}`, tool: "kubectl" } : noMitigation();
  }
  if (suspect.kind === "scale") {
    // A scale-down followed by a regression: back to the replicas it had (kubectl; aiplat has no scale command).
    const at = suspect.changedAt ? Date.parse(suspect.changedAt) / 1000 : undefined;
    const replicas = input.changes?.find((c) => c.kind === "scale" && c.at === at)?.replicas;
    if (!replicas || replicas.after >= replicas.before || workload.kind !== "Deployment") return noMitigation();
    return {
      action: "scale-up",
      replicas: replicas.before,
      command: `kubectl --context ${sq(input.context)} -n ${workload.namespace} scale deployment/${workload.name} --replicas=${replicas.before}`,
      tool: "kubectl",
    };
  }
  if (!rollbackHelps.has(top) || suspect.kind === "platform") return noMitigation();
  const reason = `triage: ${classWords[top]} after ${suspect.kind}${suspect.revision !== null ? ` of revision ${suspect.revision}` : ""}`;
  const ref = `${workload.namespace}/${workload.name}`;
  if (workload.kind === "InferenceService") {
    const isvc = input.inferenceService;
    if (!isvc || (!isvc.canaryRunning && !isvc.previousPredictor)) return noMitigation();
    return {
      action: isvc.canaryRunning ? "canary-to-zero" : "rollback",
      ...(isvc.toRevision !== undefined ? { revision: isvc.toRevision } : {}),
      command: `aiplat rollback ${ref} --kind inferenceservice --context ${sq(input.context)} --reason ${dq(reason)} --wait`,
      tool: "aiplat",
    };
  }
  if (typeof suspect.revision !== "number") return noMitigation();
  const suspectRevision = suspect.revision;
  const previous = input.revisions.filter((r) => r.revision < suspectRevision).sort((a, b) => b.revision - a.revision)[0];
  if (!previous) return noMitigation();
  return {
    action: "rollback",
    revision: previous.revision,
    command: `aiplat rollback ${ref} --to-revision ${previous.revision} --context ${sq(input.context)} --reason ${dq(reason)} --wait`,
    tool: "aiplat",
  };
}

export function headlineOf(input: {
  readonly classification: TriageClassification;
  readonly suspect: RankedSuspect | undefined;
  readonly mitigation: TriageMitigation;
  readonly comparisons: readonly ChangeComparison[];
  readonly findings: readonly TriageFinding[];
  readonly pods: readonly V1Pod[];
}): TriageHeadline {
  const { suspect } = input;
  const at = suspect?.changedAt ? Date.parse(suspect.changedAt) / 1000 : undefined;
  const comparison = at !== undefined ? input.comparisons.find((c) => c.changeAt === at) : undefined;
  const affected = new Set(input.findings.flatMap((f) => f.pods ?? []));
  return {
    classification: input.classification,
    primaryClass: suspect?.classes[0] ?? input.findings[0]?.class ?? null,
    suspectRevision: suspect?.revision ?? null,
    mitigation: input.mitigation.action,
    ...(comparison
      ? { p95BeforeMs: comparison.before.p95Ms, p95AfterMs: comparison.after.p95Ms, errorRatioBefore: comparison.before.errorRatio, errorRatioAfter: comparison.after.errorRatio }
      : {}),
    affectedPods: affected.size,
    pods: input.pods.length,
  };
}
