/**
 * triageWorkload against the demo sandbox: its real HTTPS API server (read through client-node's
 * credentials) and a real Prometheus over three days of backfilled history and live scrapes. The
 * demo's incident (sandbox/demoIncident.ts: llm-serving/vllm-llama3-70b revision 2, two days
 * old, p95 ×2 and 5xx 0.2 % → 3 %) must come out as code, revision 2, roll back to revision 1;
 * the GPU-starved vllm-mixtral-8x7b (sandbox scenario: FailedScheduling, 4 Insufficient
 * nvidia.com/gpu) as platform. A namespace-limited token and a missing metrics source still
 * give a report that says what it could not see.
 */
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CoreV1Api, type V1Deployment } from "@kubernetes/client-node";
import { appendAuditRecord, readAuditLog } from "../../src/core/audit/auditLog";
import { demoIncidentRevision } from "../../sandbox/demoIncident";
import { kubeconfigSearchPath, loadKubeconfig, type ContextSummary } from "../../src/core/kube/client/kubeconfig";
import { readInferenceService } from "../../src/core/kube/rollout/inferenceServiceRollout";
import { readDeploymentHistory } from "../../src/core/kube/rollout/rolloutUndo";
import { metricsTargetOfDeployment, metricsTargetOfInferenceService, type MetricsTarget } from "../../src/core/metrics/metricsTarget";
import { createPrometheusSource } from "../../src/core/metrics/prometheusSource";
import type { MetricsSource } from "../../src/core/metrics/metricsSource";
import { resolveSlo } from "../../src/core/metrics/sloTargets";
import type { TriageInput, TriageReport } from "../../src/core/triage/triageReport";
import { triageWorkload } from "../../src/core/triage/triageWorkload";
import { startSandboxFixture, type SandboxFixture } from "./sandboxFixture";

let sandbox: SandboxFixture;
let context: ContextSummary;
let source: MetricsSource;
const viewerToken = "triage-viewer-token";
const otherToken = "triage-other-namespace-token";

beforeAll(async () => {
  // Three days of history: the incident is two days old, and its baseline lies before it.
  sandbox = await startSandboxFixture({ scenario: "demo", metrics: { backfillDays: 3, scrapeInterval: "2s" }, namespaceTokens: { [viewerToken]: "llm-serving", [otherToken]: "triton" } });
  const loaded = await loadKubeconfig(kubeconfigSearchPath({ configured: [sandbox.kubeconfigFile], env: {} }));
  if (!loaded.ok) throw new Error("kubeconfig");
  context = loaded.contexts.find((c) => c.name === loaded.currentContext)!;
  source = createPrometheusSource({ endpoint: { kind: "url", url: sandbox.metrics!.prometheus.url }, auth: { kind: "none" } });
}, 180_000);

afterAll(async () => {
  await sandbox?.stop();
});

async function deployment(namespace: string, name: string): Promise<V1Deployment> {
  const history = await readDeploymentHistory(sandbox.kc, namespace, name);
  if (!history.ok) throw new Error(JSON.stringify(history.error));
  return history.deployment;
}

/** As the surfaces build it: the runtime from the Deployment's images, the tier defaults for the SLO. */
async function triageTarget(namespace: string, name: string): Promise<MetricsTarget> {
  return metricsTargetOfDeployment(context.name, await deployment(namespace, name), (runtime) => resolveSlo(undefined, runtime));
}

async function triage(namespace: string, name: string, overrides: Partial<TriageInput> = {}): Promise<TriageReport> {
  return triageWorkload({
    kc: sandbox.kc,
    context,
    workload: { kind: "Deployment", namespace, name },
    sinceSeconds: 2 * 3600,
    now: new Date(),
    metrics: overrides.metrics ?? { source, target: await triageTarget(namespace, name) },
    auditRecords: [],
    signal: new AbortController().signal,
    ...overrides,
  });
}

/** The incident revision's ReplicaSet creation: when its pods took the traffic (unix s). */
async function incidentAt(): Promise<number> {
  const history = await readDeploymentHistory(sandbox.kc, demoIncidentRevision.namespace, demoIncidentRevision.deployment);
  if (!history.ok) throw new Error(JSON.stringify(history.error));
  const rs = history.replicaSets.find((r) => r.metadata?.annotations?.["deployment.kubernetes.io/revision"] === demoIncidentRevision.revision);
  return Date.parse(String(rs?.metadata?.creationTimestamp)) / 1000;
}

describe("triage of the demo incident (llm-serving/vllm-llama3-70b)", () => {
  test("names revision 2 as the suspect, classifies it as code, and recommends rolling back to revision 1", async () => {
    const report = await triage(demoIncidentRevision.namespace, demoIncidentRevision.deployment);
    const at = await incidentAt();
    expect(report.classification).toBe("code");
    expect(report.suspect).toMatchObject({ revision: 2, changedAt: new Date(at * 1000).toISOString() });
    expect(report.mitigation).toEqual({
      action: "rollback",
      revision: 1,
      command: `aiplat rollback llm-serving/vllm-llama3-70b --to-revision 1 --context 'sandbox' --reason "triage: latency regression after deploy of revision 2" --wait`,
      tool: "aiplat",
    });
    // The change is two days old and the window two hours: it is kept as the change before the window.
    expect(report.changes).toEqual([expect.objectContaining({ kind: "deploy", revision: 2, at, beforeWindow: true, origin: "rollout history" })]);
    expect(report.blindSpots).toEqual([]);
  }, 60_000);

  test("the comparison is significant on both tests, over windows holding at least 1,825 requests each", async () => {
    const report = await triage(demoIncidentRevision.namespace, demoIncidentRevision.deployment);
    const [c] = report.comparisons;
    if (!c) throw new Error("no comparison");
    expect(c.windowSeconds).toBeGreaterThanOrEqual(300);
    expect(c.windowSeconds).toBeLessThanOrEqual(3600);
    expect(c.before.requests).toBeGreaterThanOrEqual(1825);
    expect(c.after.requests).toBeGreaterThanOrEqual(1825);
    expect(c.underpowered).toBe(false);
    // The after window measures revision 2's ReplicaSet's pods only (the scenario's vllm-llama3-70b-6d9f7c8b5).
    expect(c.afterPods).toBe("vllm-llama3-70b-6d9f7c8b5-[a-z0-9]{5}");
    // The traffic model doubles every request's latency: the p95 at least doubles (bucket interpolation adds to it).
    expect(c.p95Change).toBeGreaterThan(0.9);
    expect(c.latency).toMatchObject({ regressed: true, significant: true });
    expect(c.before.p95LowerMs!).toBeLessThan(c.before.p95Ms!);
    expect(c.before.p95UpperMs!).toBeGreaterThan(c.before.p95Ms!);
    expect(c.after.p95LowerMs!).toBeGreaterThan(c.before.p95UpperMs! * 1.1);
    // 5xx from ~0.2 % to ~3 % (trafficModel: 0.002 per pod, revision 2's annotation 0.03), over the 1 % SLO.
    expect(c.before.errorRatio!).toBeLessThan(0.01);
    expect(c.after.errorRatio!).toBeGreaterThan(0.01);
    expect(c.errors).toMatchObject({ regressed: true, significant: true });
    expect(c.errors.pValue!).toBeLessThan(0.05);
    expect(report.findings.map((f) => [f.class, f.side])).toEqual([
      ["latency-regression", "code"],
      ["app-errors", "code"],
    ]);
    expect(report.suspect?.evidence[0]).toMatch(/^p95 [\d,]+ ms → [\d,]+ ms \(\+\d+ %\) over [\d.]+ min windows around the deploy of revision 2, [\d,]+ vs [\d,]+ requests/);
    expect(report.suspect?.evidence[1]).toMatch(/^error ratio [\d.]+ % → [\d.]+ % \(SLO 1\.0 %\)/);
  }, 60_000);

  test("gives the chart series around the suspect change, with the change marked and the SLO lines", async () => {
    const report = await triage(demoIncidentRevision.namespace, demoIncidentRevision.deployment);
    const at = await incidentAt();
    const series = report.series;
    if (!series) throw new Error("no series");
    expect(series.markAt).toBe(at);
    expect(series.start).toBeLessThan(at);
    expect(series.end).toBeGreaterThan(at);
    expect(series.sloP95Ms).toBe(2000);
    expect(series.sloErrorRate).toBe(0.01);
    const mean = (points: typeof series.p95, from: number, to: number) => {
      const values = points.filter(([t, v]) => t >= from && t < to && v !== null).map(([, v]) => v!);
      return values.reduce((a, b) => a + b, 0) / values.length;
    };
    // An hour each side of the change, an hour clear of it: the p95 line at least doubles.
    expect(mean(series.p95, at + 1800, at + 5400)).toBeGreaterThan(1.8 * mean(series.p95, at - 5400, at - 1800));
    expect(series.rps.filter(([, v]) => v !== null).length).toBeGreaterThan(series.rps.length / 2);
  }, 60_000);

  test("an audit record of the deploy names who made it and links its seq", async () => {
    const at = await incidentAt();
    const file = path.join(sandbox.dir, "audit.jsonl");
    const appended = await appendAuditRecord(
      file,
      {
        ts: new Date(at * 1000 + 20_000).toISOString(),
        actor: { kubeUser: "alice", osUser: "alice", gitUser: { name: "Alice" } },
        cluster: "sandbox",
        context: context.name,
        namespace: demoIncidentRevision.namespace,
        object: { apiVersion: "apps/v1", kind: "Deployment", name: demoIncidentRevision.deployment },
        action: "deploy",
        reason: "vLLM 0.6.3",
        revisionBefore: "1",
        revisionAfter: "2",
        outcome: "succeeded",
      },
      { key: null },
    );
    if (!appended.ok) throw new Error(appended.error);
    const log = await readAuditLog(file);
    if (!log.ok) throw new Error(log.error.message);
    const report = await triage(demoIncidentRevision.namespace, demoIncidentRevision.deployment, { auditRecords: log.records });
    expect(report.changes).toEqual([expect.objectContaining({ kind: "deploy", revision: 2, actor: "Alice", reason: "vLLM 0.6.3", auditSeq: 1, origin: "rollout history, audit log" })]);
    expect(report.suspect?.revision).toBe(2);
  }, 60_000);
});

describe("triage of the GPU-starved demo workload (llm-serving/vllm-mixtral-8x7b)", () => {
  test("classifies it as platform (GPU starvation) with the scheduler's words, and recommends adding a node to its pool", async () => {
    const report = await triage("llm-serving", "vllm-mixtral-8x7b");
    expect(report.classification).toBe("platform");
    const finding = report.findings.find((f) => f.class === "gpu-starvation");
    expect(finding).toMatchObject({ side: "platform", pods: ["vllm-mixtral-8x7b-5f7d8c9b6-x2k9p"] });
    expect(finding?.evidence[0]).toMatchObject({ kind: "scheduling", insufficientGpus: [{ resource: "nvidia.com/gpu", nodes: 4 }], gpusRequested: { "nvidia.com/gpu": 8 } });
    expect(report.headline).toMatchObject({ classification: "platform", primaryClass: "gpu-starvation", affectedPods: 1, pods: 1 });
    // The pool the pod's nodeSelector names, and one more node than it has (8 GPUs asked, 8 per A100 node).
    const nodes = await sandbox.kc.makeApiClient(CoreV1Api).listNode({ labelSelector: "kubernetes.azure.com/agentpool=a100pool" });
    expect(report.mitigation).toEqual({
      action: "scale-up",
      nodePool: "a100pool",
      nodeCount: nodes.items.length + 1,
      command: `az aks nodepool scale --resource-group <resource-group> --cluster-name <cluster> --name a100pool --node-count ${nodes.items.length + 1}`,
      tool: "cloud",
    });
    // The new deploy (revision 1, six minutes old) brought the pods that cannot be placed.
    expect(report.suspect).toMatchObject({ revision: 1 });
    expect(report.changes.some((c) => c.kind === "warning-event" && /FailedScheduling/.test(c.reason ?? ""))).toBe(true);
  }, 60_000);
});

describe("triage of a crash-looping KServe InferenceService (kserve-models/fraud-xgboost)", () => {
  test("classifies the crash loop as code with the app's exit code, pinned on the predictor's revision; nothing recorded to roll back to", async () => {
    const read = await readInferenceService(sandbox.kc, "kserve-models", "fraud-xgboost");
    if (!read.ok) throw new Error(read.message);
    const target = metricsTargetOfInferenceService(context.name, read.isvc, (runtime) => resolveSlo(undefined, runtime));
    const report = await triage("kserve-models", "fraud-xgboost", { workload: { kind: "InferenceService", namespace: "kserve-models", name: "fraud-xgboost" }, metrics: { source, target } });
    expect(report.service.kind).toBe("InferenceService");
    expect(report.classification).toBe("code");
    const crash = report.findings.find((f) => f.class === "crash-loop");
    expect(crash).toMatchObject({ side: "code", pods: ["fraud-xgboost-predictor-7c9d8b6f5-p9wzl"] });
    // The sandbox's crashloop behaviour: the container exits 1 (sandbox/scenarios/demo.yaml lastState).
    expect(crash?.evidence[0]).toMatchObject({ kind: "pod-problem", reason: "CrashLoopBackOff", exitCode: 1 });
    // KServe's predictor Deployment (RawDeployment mode) holds the history: its revision 1 brought the crashing pods.
    expect(report.suspect).toMatchObject({ revision: 1 });
    // No canary runs and no deploy of ours recorded a previous predictor: nothing to offer but the facts.
    expect(report.mitigation).toEqual({ action: "none", command: "", tool: "none" });
    // The kubelet's BackOff warning is on the timeline.
    expect(report.changes.some((c) => c.kind === "warning-event" && c.reason?.startsWith("BackOff: Back-off restarting failed container kserve-container"))).toBe(true);
  }, 60_000);
});

describe("what triage could not see", () => {
  test("without metrics it still lists the changes and says metrics were a blind spot; nothing to classify is unknown, not none", async () => {
    const report = await triage(demoIncidentRevision.namespace, demoIncidentRevision.deployment, { metrics: { unavailable: "no Prometheus found in the cluster" } });
    expect(report.blindSpots).toEqual([{ what: "metrics", why: { kind: "unavailable", detail: "no Prometheus found in the cluster" } }]);
    expect(report.changes.map((c) => c.revision)).toEqual([2]);
    expect(report.comparisons).toEqual([]);
    expect(report.series).toBeNull();
    expect(report.classification).toBe("unknown");
    expect(report.mitigation.action).toBe("none");
  }, 60_000);

  test("a metrics source that does not answer is a blind spot; the pod findings still stand", async () => {
    const dead = createPrometheusSource({ endpoint: { kind: "url", url: "http://127.0.0.1:9" }, auth: { kind: "none" } });
    const report = await triage("llm-serving", "vllm-mixtral-8x7b", { metrics: { source: dead, target: await triageTarget("llm-serving", "vllm-mixtral-8x7b") } });
    expect(report.blindSpots).toHaveLength(1);
    expect(report.blindSpots[0]).toMatchObject({ what: "metrics", why: { kind: "metrics-error", error: { kind: "unreachable" } } });
    expect(report.classification).toBe("platform");
  }, 60_000);

  test("a namespace-limited user cannot list nodes: said as a blind spot, and the incident is still found", async () => {
    const report = await triage(demoIncidentRevision.namespace, demoIncidentRevision.deployment, { kc: sandbox.kubeConfigFor(viewerToken) });
    expect(report.blindSpots).toEqual([{ what: "nodes", why: { kind: "forbidden", verb: "list", resource: "nodes", namespace: undefined } }]);
    expect(report).toMatchObject({ classification: "code", suspect: { revision: 2 }, mitigation: { action: "rollback", revision: 1 } });
  }, 60_000);

  test("a user of another namespace sees nothing of the workload: every read is a forbidden blind spot; the metrics alone still show the 5xx", async () => {
    const report = await triage(demoIncidentRevision.namespace, demoIncidentRevision.deployment, { kc: sandbox.kubeConfigFor(otherToken) });
    expect(report.blindSpots.map((b) => [b.what, b.why.kind])).toEqual([
      ["rollout-history", "forbidden"],
      ["pods", "forbidden"],
      ["events", "forbidden"],
      ["nodes", "forbidden"],
    ]);
    expect(report.changes).toEqual([]);
    // Revision 2's 5xx (~3 %) against the 1 % SLO, over the last minutes: code, but no change to blame or roll back.
    expect(report.findings.map((f) => [f.class, f.evidence[0]?.kind])).toEqual([["app-errors", "current"]]);
    expect(report.current?.errorRatio).toBeGreaterThan(0.01);
    expect(report.classification).toBe("code");
    expect(report.suspect).toBeNull();
    expect(report.mitigation).toEqual({ action: "none", command: "", tool: "none" });
  }, 60_000);

  test("seeing neither the cluster nor metrics: unknown, never none", async () => {
    const report = await triage(demoIncidentRevision.namespace, demoIncidentRevision.deployment, { kc: sandbox.kubeConfigFor(otherToken), metrics: { unavailable: "no metrics source configured" } });
    expect(report.blindSpots.map((b) => b.what)).toEqual(["rollout-history", "pods", "events", "nodes", "metrics"]);
    expect(report.findings).toEqual([]);
    expect(report.classification).toBe("unknown");
    expect(report.mitigation.action).toBe("none");
  }, 60_000);

  test("a cancelled triage rejects with the signal's reason", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(triage(demoIncidentRevision.namespace, demoIncidentRevision.deployment, { signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
  });
});
