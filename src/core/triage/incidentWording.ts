/**
 * How the incident report and the CLI word a triage report's codes and numbers: class and change
 * titles, the mitigation, blind spots, times, durations and figures. Plain text; the markdown
 * around it is incidentMarkdown's.
 */
import type { MetricsError } from "../metrics/metricsSource";
import type { BlindSpot, FailureClass, TriageChangeKind, TriageClassification, TriageMitigation } from "./triageReport";

export const failureClassTitle: Readonly<Record<FailureClass, string>> = {
  "image-pull": "image pull failure",
  scheduling: "pods cannot be scheduled",
  "gpu-starvation": "GPU starvation",
  "node-not-ready": "node NotReady",
  oom: "out of memory (against the limit)",
  quota: "namespace quota exceeded",
  "crash-loop": "crash loop",
  "app-errors": "application errors (5xx)",
  "latency-regression": "latency regression after a deploy",
};

export const classificationTitle: Readonly<Record<TriageClassification, string>> = {
  code: "code",
  platform: "platform",
  none: "no problem found",
  unknown: "undetermined",
};

export const changeKindTitle: Readonly<Record<TriageChangeKind, string>> = {
  deploy: "deploy",
  rollback: "rollback",
  scale: "scale",
  restart: "restart",
  promote: "promote",
  "canary-step": "canary step",
  "set-alias": "model alias moved",
  "warning-event": "warning event",
};

export const utcTime = (unixSeconds: number): string => `${new Date(unixSeconds * 1000).toISOString().slice(0, 19).replace("T", " ")} UTC`;
export const isoToUnix = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

export function span(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.floor(s / 3600)} h${s % 3600 >= 60 ? ` ${Math.round((s % 3600) / 60)} min` : ""}`;
  return `${Math.floor(s / 86_400)} d${s % 86_400 >= 3600 ? ` ${Math.floor((s % 86_400) / 3600)} h` : ""}`;
}

export const ms = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? "no data" : v >= 10 ? `${Math.round(v).toLocaleString("en-US")} ms` : `${Number(v.toPrecision(2))} ms`);
export const pct = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? "no data" : `${Number((v * 100).toPrecision(3))} %`);
export const perSecond = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? "no data" : `${Number(v.toPrecision(3))}/s`);
export const count = (v: number | null | undefined): string => (v === null || v === undefined ? "no data" : Math.round(v).toLocaleString("en-US"));
export const signedPct = (v: number | null): string => (v === null || !Number.isFinite(v) ? "" : ` (${v >= 0 ? "+" : "−"}${Math.round(Math.abs(v) * 100)} %)`);

export const revisionText = (r: number | string | undefined | null): string => (r === undefined || r === null ? "" : `revision ${r}`);

export function mitigationTitle(m: Pick<TriageMitigation, "action" | "revision" | "node" | "replicas" | "nodePool" | "nodeCount">): string {
  switch (m.action) {
    case "rollback":
      return m.revision === undefined ? "roll back to the previous revision" : `roll back to revision ${m.revision}`;
    case "canary-to-zero":
      return "send the canary's traffic to 0 %";
    case "scale-up":
      if (m.nodePool !== undefined) return `scale node pool ${m.nodePool} up${m.nodeCount !== undefined ? ` to ${m.nodeCount} nodes` : ""}`;
      return m.replicas === undefined ? "add capacity (scale up)" : `scale up to ${m.replicas} replicas`;
    case "cordon":
      return m.node === undefined ? "cordon the failing node" : `cordon node ${m.node}`;
    case "none":
      return "none needed";
  }
}

export function metricsErrorText(e: MetricsError): string {
  switch (e.kind) {
    case "unauthorized":
      return `the metrics source refused the credentials (401)${e.detail ? `: ${e.detail}` : ""}`;
    case "forbidden":
      return `the metrics source answered 403 Forbidden${e.detail ? `: ${e.detail}` : ""}`;
    case "rate-limited":
      return "the metrics source is rate-limiting requests (429)";
    case "timeout":
      return `the metrics source did not answer within ${Math.round(e.afterMs / 1000)} s`;
    case "unreachable":
      return `the metrics source is unreachable: ${e.detail}`;
    case "bad-response":
      return `the metrics source did not answer with its API's JSON (HTTP ${e.status}): ${e.detail}`;
    case "query-failed":
      return `the metrics source rejected a query (HTTP ${e.status}, ${e.errorType}): ${e.message}`;
    case "too-large":
      return `the metrics source returned more data than accepted: ${e.detail}`;
    case "not-found":
      return `no metrics source: ${e.detail}`;
    case "cancelled":
      return "the metrics queries were cancelled";
  }
}

export const blindSpotArea: Readonly<Record<BlindSpot["what"], string>> = {
  metrics: "Metrics",
  "rollout-history": "Rollout history",
  "audit-log": "Audit log",
  events: "Events",
  pods: "Pods",
  nodes: "Nodes",
  "resource-quotas": "Resource quotas",
  workload: "The workload",
};

export function blindSpotText(b: BlindSpot): string {
  const why = b.why;
  switch (why.kind) {
    case "forbidden":
      return `forbidden: cannot ${why.verb} ${why.resource}${why.namespace ? ` in ${why.namespace}` : ""}`;
    case "unreachable":
      return `unreachable: ${why.detail}`;
    case "not-found":
      return `${why.resource} ${why.name} was not found`;
    case "metrics-error":
      return metricsErrorText(why.error);
    case "unavailable":
      return why.detail;
    case "no-data":
      return "the source had no data for the service";
    case "error":
      return why.detail;
  }
}

const shellQuote = (text: string): string => (/^[\w./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);

/**
 * The mitigation's command; an aiplat rollback gets `--incident <this report>`, so that running
 * it from the workspace folder records the rollback in the report and the incident on its audit record.
 */
export function mitigationCommand(m: Pick<TriageMitigation, "command" | "tool">, incidentPath: string | undefined): string {
  return incidentPath && m.tool === "aiplat" && m.command.startsWith("aiplat rollback ") ? `${m.command} --incident ${shellQuote(incidentPath)}` : m.command;
}
