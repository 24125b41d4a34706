/**
 * The shapes of one triage pass: what `triageWorkload` is given and what it reports. The CLI
 * (`aiplat triage -o json`), the incident report (markdown + SVG) and the editor all read this
 * one value. Facts only: codes and numbers for a surface to word, plus plain-fact evidence
 * strings ("p95 412 ms → 871 ms (+111 %) …") that read the same in JSON, a terminal or a report.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import type { AuditRecord } from "../audit/auditRecord";
import type { ContextSummary } from "../kube/client/kubeconfig";
import type { MetricsError, MetricsSource } from "../metrics/metricsSource";
import type { MetricsTarget } from "../metrics/metricsTarget";

export type TriageWorkloadKind = "Deployment" | "InferenceService";

export interface TriageWorkloadRef {
  readonly kind: TriageWorkloadKind;
  readonly namespace: string;
  readonly name: string;
}

export interface TriageInput {
  readonly kc: KubeConfig;
  readonly context: ContextSummary;
  readonly workload: TriageWorkloadRef;
  /** How far back changes and events count (the most recent change before the window counts too). */
  readonly sinceSeconds: number;
  readonly now: Date;
  /** Where the service's metrics come from, or why there are none (said as a blind spot). */
  readonly metrics: { readonly source: MetricsSource; readonly target: MetricsTarget } | { readonly unavailable: string };
  /** The workspace's audit log (every record; triage keeps the workload's), or why it could not be read. */
  readonly auditRecords: readonly AuditRecord[] | { readonly unavailable: string };
  readonly signal: AbortSignal;
}

/**
 * Platform failures are the cluster's to fix (image pull, scheduling, GPU starvation, node
 * NotReady, OOM against limits, quota); code failures are the service's (crash loop with the
 * app's exit code, app 5xx, latency regression after a deploy).
 */
export const failureClasses = [
  "image-pull",
  "scheduling",
  "gpu-starvation",
  "node-not-ready",
  "oom",
  "quota",
  "crash-loop",
  "app-errors",
  "latency-regression",
] as const;
export type FailureClass = (typeof failureClasses)[number];
export type FailureSide = "code" | "platform";

export const sideOfFailureClass: Readonly<Record<FailureClass, FailureSide>> = {
  "image-pull": "platform",
  scheduling: "platform",
  "gpu-starvation": "platform",
  "node-not-ready": "platform",
  oom: "platform",
  quota: "platform",
  "crash-loop": "code",
  "app-errors": "code",
  "latency-regression": "code",
};

/** "none": nothing wrong was found; "unknown": too little could be seen to say. */
export type TriageClassification = "code" | "platform" | "none" | "unknown";

/**
 * One fact behind a finding. `fact` is the plain-fact sentence; the other fields carry the same
 * numbers for a surface that wants to lay them out itself.
 */
export type Evidence =
  | {
      readonly kind: "pod-problem";
      readonly fact: string;
      readonly pod: string;
      readonly container?: string;
      /** The kubelet's or scheduler's word: CrashLoopBackOff, OOMKilled, ImagePullBackOff, Unschedulable… */
      readonly reason: string;
      readonly exitCode?: number;
      readonly restarts?: number;
      readonly memoryLimit?: string;
    }
  | {
      readonly kind: "scheduling";
      readonly fact: string;
      readonly pod: string;
      /** The scheduler's message, verbatim. */
      readonly message: string;
      /** GPU resources the scheduler found insufficient, and on how many nodes. */
      readonly insufficientGpus: readonly { readonly resource: string; readonly nodes: number }[];
      readonly gpusRequested?: Readonly<Record<string, number>>;
      /** Unix seconds since when the pod has waited. */
      readonly pendingSince?: number;
    }
  | { readonly kind: "node"; readonly fact: string; readonly node: string; readonly condition: string; readonly status: string; readonly pods: readonly string[] }
  | { readonly kind: "event"; readonly fact: string; readonly reason: string; readonly object: string; readonly message: string; readonly count: number; readonly at: number | null }
  | { readonly kind: "quota"; readonly fact: string; readonly message: string }
  | {
      readonly kind: "metric";
      readonly fact: string;
      readonly metric: "p95" | "errorRatio";
      /** The comparison (index into `comparisons`) the numbers come from. */
      readonly comparison: number;
    }
  /** A figure of the last minutes (`current`), when no change explains it. */
  | { readonly kind: "current"; readonly fact: string; readonly metric: "p95" | "errorRatio"; readonly windowSeconds: number };

export interface TriageFinding {
  readonly class: FailureClass;
  readonly side: FailureSide;
  readonly evidence: readonly Evidence[];
  readonly pods?: readonly string[];
  readonly nodes?: readonly string[];
  /** The change the finding is pinned on, when it is (a regression after a deploy, a crash loop of a new revision). */
  readonly revision?: number | string;
}

export type TriageChangeKind = "deploy" | "rollback" | "scale" | "restart" | "promote" | "canary-step" | "set-alias" | "warning-event";

export interface TriageChange {
  /** Unix seconds. */
  readonly at: number;
  readonly kind: TriageChangeKind;
  /** The Deployment revision (number) or InferenceService predictor generation / revision id (string). */
  readonly revision?: number | string;
  readonly actor?: string;
  readonly reason?: string;
  readonly image?: string;
  readonly modelVersion?: string;
  /** "rollout history", "audit log", "rollout history, audit log", "events". */
  readonly origin: string;
  readonly auditSeq?: number;
  /** Before `now − sinceSeconds`: kept because it may still explain an incident that began earlier. */
  readonly beforeWindow?: boolean;
  /** A scale: the replica counts its audit record gives ("replicas 3 → 1"). */
  readonly replicas?: { readonly before: number; readonly after: number };
}

export interface WindowStats {
  readonly p95Ms: number | null;
  readonly errorRatio: number | null;
  readonly rps: number | null;
  /** rps × window seconds, rounded: the n behind the confidence interval and the z-test. */
  readonly requests: number | null;
  /** The p95's distribution-free 95 % confidence interval (histogram_quantile at the order-statistic bounds). */
  readonly p95LowerMs: number | null;
  readonly p95UpperMs: number | null;
}

/** A change made things worse when its verdict is both `regressed` and `significant`. */
export interface TestVerdict {
  /** The point estimate crossed its threshold (p95 > baseline × 1.10; error ratio > the SLO error rate). */
  readonly regressed: boolean | null;
  /** The statistical test agrees at the 95 % level; null when it could not be run (too few requests, no data). */
  readonly significant: boolean | null;
  /** The test, stated: "order-statistic 95 % CI of the p95 …", "one-sided two-proportion z-test …". */
  readonly test: string;
  /** The test's statistic where it has one: z for the proportions, the CI bounds' ratio for the p95. */
  readonly statistic?: number | null;
  readonly pValue?: number | null;
}

export interface CurrentStats extends WindowStats {
  readonly windowSeconds: number;
}

export interface ChangeComparison {
  /** Unix seconds; the change's `at`. */
  readonly changeAt: number;
  readonly revision?: number | string;
  readonly kind: TriageChangeKind;
  /** Each side's length; 0 when no window could be chosen (too recent, no traffic). */
  readonly windowSeconds: number;
  readonly before: WindowStats;
  readonly after: WindowStats;
  /** after p95 ÷ before p95 − 1. */
  readonly p95Change: number | null;
  readonly latency: TestVerdict;
  readonly errors: TestVerdict;
  /** The windows could not be long enough for ±1 percentile point at the observed RPS (n < 1,825). */
  readonly underpowered: boolean;
  /**
   * When the after window measured only the change's revision's pods (a RE2 regex over pod
   * names, MetricsTarget.podRegex); absent when it measured the whole service.
   */
  readonly afterPods?: string;
}

export interface TriageSuspect {
  readonly revision: number | string | null;
  /** ISO 8601. */
  readonly changedAt: string | null;
  readonly evidence: readonly string[];
}

export interface RankedSuspect extends TriageSuspect {
  /** 0…1; higher is more likely. Ranking only: not a probability. */
  readonly score: number;
  readonly kind: TriageChangeKind | "platform";
  readonly classes: readonly FailureClass[];
}

export type MitigationAction = "rollback" | "canary-to-zero" | "scale-up" | "cordon" | "none";

export interface TriageMitigation {
  readonly action: MitigationAction;
  /** The revision to roll back to. */
  readonly revision?: number | string;
  readonly node?: string;
  readonly replicas?: number;
  /** scale-up of GPU capacity: the node pool the starved pods ask for, and the node count it would need. */
  readonly nodePool?: string;
  readonly nodeCount?: number;
  /**
   * One printed command that does it; "" for none. Placeholders the cluster cannot tell us are
   * written `<resource-group>`.
   */
  readonly command: string;
  /** Whose command it is: ours (aiplat, audited), kubectl, the cloud's CLI (az, gcloud, eksctl), or none. */
  readonly tool: "aiplat" | "kubectl" | "cloud" | "none";
}

/** [unix s, value] pairs; value null where the source had no point. */
export type SeriesPoints = readonly (readonly [number, number | null])[];

export interface TriageSeries {
  readonly start: number;
  readonly end: number;
  readonly step: number;
  readonly p95: SeriesPoints;
  readonly errorRatio: SeriesPoints;
  readonly rps: SeriesPoints;
  /** The SLO lines to draw. */
  readonly sloP95Ms: number | null;
  readonly sloErrorRate: number | null;
  /** Unix seconds of the suspect change, for the chart's marker. */
  readonly markAt: number | null;
}

export type BlindSpotArea = "metrics" | "rollout-history" | "audit-log" | "events" | "pods" | "nodes" | "resource-quotas" | "workload";

/** Why triage could not see something; each surface words it. */
export type BlindSpotReason =
  | { readonly kind: "forbidden"; readonly verb: string; readonly resource: string; readonly namespace: string | undefined }
  | { readonly kind: "unreachable"; readonly detail: string }
  | { readonly kind: "not-found"; readonly resource: string; readonly name: string }
  | { readonly kind: "metrics-error"; readonly error: MetricsError }
  /** The caller said it is unavailable (no metrics source configured, audit log unreadable), with its reason. */
  | { readonly kind: "unavailable"; readonly detail: string }
  /** The source answered but had no series for the service (not scraped, wrong runtime guess). */
  | { readonly kind: "no-data"; readonly query?: string }
  | { readonly kind: "error"; readonly detail: string };

export interface BlindSpot {
  readonly what: BlindSpotArea;
  readonly why: BlindSpotReason;
}

/** The one-line summary as facts: a surface turns it into "Code: latency regression after revision 2". */
export interface TriageHeadline {
  readonly classification: TriageClassification;
  readonly primaryClass: FailureClass | null;
  readonly suspectRevision: number | string | null;
  readonly mitigation: MitigationAction;
  readonly p95BeforeMs?: number | null;
  readonly p95AfterMs?: number | null;
  readonly errorRatioBefore?: number | null;
  readonly errorRatioAfter?: number | null;
  /** Pods with a problem / all the workload's pods seen. */
  readonly affectedPods: number;
  readonly pods: number;
}

export interface TriageReport {
  readonly service: { readonly context: string; readonly namespace: string; readonly name: string; readonly kind: TriageWorkloadKind };
  /** ISO 8601. */
  readonly generatedAt: string;
  /** Unix seconds: `now − sinceSeconds` … `now`. */
  readonly window: { readonly start: number; readonly end: number };
  readonly classification: TriageClassification;
  readonly headline: TriageHeadline;
  readonly findings: readonly TriageFinding[];
  /** Oldest first. */
  readonly changes: readonly TriageChange[];
  /** One per change with metrics around it, in the order of `changes`. */
  readonly comparisons: readonly ChangeComparison[];
  readonly suspect: TriageSuspect | null;
  /** Best first; `suspect` is the first one. */
  readonly suspects: readonly RankedSuspect[];
  readonly mitigation: TriageMitigation;
  /** Around the suspect change (or the window's end without one); null without metrics. */
  readonly series: TriageSeries | null;
  /** The SLO the comparisons were judged against, when metrics were available. */
  readonly slo: { readonly p95LatencyMs: number; readonly errorRate: number; readonly origin: string } | null;
  readonly blindSpots: readonly BlindSpot[];
  /** The service now: the last `windowSeconds` before the report (long enough for 1,825 requests, 5 min to 1 h); absent without metrics. */
  readonly current?: CurrentStats;
}
