/**
 * The metric-gated canary against the sandbox: a real HTTPS API server with its Deployment
 * controller running pods, the exporters speaking each runtime's metric names, and a real
 * Prometheus scraping them every second. A Deployment pair (no KServe): the manifest deploys a
 * stable version whole, then each new image goes out as `<name>-canary` next to it. The demo
 * builds' traits (sandbox/metrics/trafficModel.ts demoImageTraits) decide whether a canary is slow.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { AppsV1Api } from "@kubernetes/client-node";
import { describe, expect, test } from "vitest";
import { eventually } from "./eventually";
import { oneNodeScenario } from "./oneNodeScenario";
import { useSandbox } from "./sandboxFixture";
import { runAiplat } from "../unit/cli/runAiplat";
import { loadCliKubeconfig } from "../../src/cli/aiplat";
import type { Actor } from "../../src/core/audit/auditRecord";
import { readAuditLog } from "../../src/core/audit/auditLog";
import { applyDeploy } from "../../src/core/deploy/applyDeploy";
import { canaryHandover, type CanaryHandover } from "../../src/core/deploy/canary/canaryHandover";
import type { CanaryResult } from "../../src/core/deploy/canary/canaryRun";
import { canaryAnnotation, readCanaryState, type CanaryState } from "../../src/core/deploy/canary/canaryState";
import { measureCanary } from "../../src/core/deploy/canary/canaryMeasurement";
import { resumeCanary } from "../../src/core/deploy/canary/resumeCanary";
import { runCanary } from "../../src/core/deploy/canary/runCanary";
import { planDeploy } from "../../src/core/deploy/planDeploy";
import { requestJson } from "../../src/core/kube/client/kubeRequest";
import { resolveSlo } from "../../src/core/metrics/sloTargets";
import { createPrometheusSource } from "../../src/core/metrics/prometheusSource";
import { parseManifest } from "../../src/core/manifest/parseManifest";

const sandbox = useSandbox({
  scenario: oneNodeScenario(["ml", "monitoring"], { cpu: "32", memory: "128Gi" }),
  controllers: { podStartDelayMs: [20, 60] },
  metrics: { backfillDays: 0, scrapeInterval: "1s" },
});
const noLocks = { patterns: [], unlocked: new Set<string>() };
const actor: Actor = { kubeUser: "sandbox", osUser: "ci" };
const auditFile = () => path.join(sandbox.dir, "audit.jsonl");
const apps = () => sandbox.kc.makeApiClient(AppsV1Api);

/**
 * Measurements every 10 s (10 scrapes). The sandbox's exporters count a new pod's requests from the
 * first whole minute after it starts (runtimeMetricsCounters), so the first step pauses 70 s before
 * its analysis: what Argo's initialDelay is for. Tests that never reach a measurement pause 3 s.
 * A p95 from one window of a few hundred requests moves by more than the default 10 % between two
 * windows of the same build (a good build was once rolled back at 89 ms against 80 ms), so these
 * tests allow 30 %: the slow build is 2.5 × slower, the failing one breaks the error SLO.
 */
const rollout = (steps: string) => `rollout:
  strategy: canary
  steps:
${steps}
  analysis: {interval: 10s, count: 3, failureLimit: 0, inconclusiveLimit: 1}
  tolerance: 0.3
`;
const oneStep = "    - {traffic: 50, pauseSeconds: 70}";
const shortPause = "    - {traffic: 50, pauseSeconds: 3}";

function manifest(image: string, steps = oneStep): string {
  return `apiVersion: aiplatform.dev/v1
kind: InferenceServiceManifest
name: reranker
runtime: python
model: {registry: "models:/reranker", version: "3"}
image: ${image}
scaling: {minReplicas: 2, maxReplicas: 2}
resources: {cpu: 500m, memory: 1Gi}
slo: {p95LatencyMs: 1000, errorRate: 0.02}
environments:
  dev: {context: sandbox, namespace: ml}
${rollout(steps)}`;
}

const manifestFile = () => path.join(sandbox.dir, "aiplatform.yaml");

async function plan(image: string, steps?: string) {
  writeFileSync(manifestFile(), manifest(image, steps));
  const parsed = parseManifest(readFileSync(manifestFile(), "utf8"));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const loaded = await loadCliKubeconfig(sandbox.kubeconfigFile, { cwd: sandbox.dir, env: {} });
  if (!loaded.ok) throw new Error("kubeconfig");
  const planned = await planDeploy({ manifest: parsed.manifest, env: "dev", kubeconfig: loaded, readOnly: noLocks, auditFile: auditFile(), actorFor: () => Promise.resolve(actor) }, new AbortController().signal);
  if (!planned.ok) throw new Error(JSON.stringify(planned.error));
  return planned.plan;
}

const source = () => createPrometheusSource({ endpoint: { kind: "url", url: sandbox.metrics!.prometheus.url }, auth: { kind: "none" } });

/** As `aiplat deploy` does: plan, hand over, apply what the handover says, then run the canary. */
async function deployWithCanary(image: string, opts: { steps?: string; signal?: AbortSignal; onProgress?: (s: CanaryState) => void } = {}): Promise<CanaryResult & { handover: Extract<CanaryHandover, { kind: "canary" }> }> {
  const handover = canaryHandover(await plan(image, opts.steps));
  if (handover.kind !== "canary") throw new Error(`expected a canary, got ${handover.kind}`);
  const appliedAt = new Date();
  const applied = await applyDeploy(handover.plan, { reason: `try ${image}`, readOnly: noLocks, auditFile: auditFile(), signal: new AbortController().signal, wait: false });
  expect(applied.kind).toBe("applied");
  const result = await runCanary({
    kc: handover.plan.kc,
    context: handover.plan.context,
    actor,
    workload: handover.workload,
    metrics: { source: source(), target: handover.target },
    auditFile: auditFile(),
    readOnly: noLocks,
    signal: opts.signal ?? new AbortController().signal,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    reason: `try ${image}`,
    rollout: handover.rollout,
    revision: handover.revision,
    ...(handover.canaryTemplate ? { canaryTemplate: handover.canaryTemplate } : {}),
    changedAt: appliedAt,
    baselineWindowSeconds: 60,
  });
  return { ...result, handover };
}

const stableImage = async (): Promise<string | undefined> => (await apps().readNamespacedDeployment({ namespace: "ml", name: "reranker" })).spec?.template.spec?.containers[0]?.image;
const canaryExists = async (): Promise<boolean> => (await apps().listNamespacedDeployment({ namespace: "ml" })).items.some((d) => d.metadata?.name === "reranker-canary");
const stateOnObject = async (): Promise<CanaryState | undefined> => {
  const read = readCanaryState((await apps().readNamespacedDeployment({ namespace: "ml", name: "reranker" })).metadata?.annotations);
  return read.kind === "ok" ? read.state : undefined;
};
const records = async () => {
  const read = await readAuditLog(auditFile());
  if (!read.ok) throw new Error(read.error.message);
  return read.records;
};

/** Waits until the stable pods have served long enough for a whole measurement (p95, errors, rate): what the baseline reads. */
async function stableScraped(): Promise<void> {
  const target = { context: "sandbox", namespace: "ml", name: "reranker", kind: "Deployment" as const, runtime: "fastapi" as const, slo: resolveSlo({}, "fastapi") };
  await eventually(async () => {
    // The baseline's own window (baselineWindowSeconds below), so the canary's baseline reads what this saw.
    const m = await measureCanary(source(), target, Math.floor(Date.now() / 1000), 60);
    expect(m.ok && m.reading.p95Ms !== null && (m.reading.rps ?? 0) > 0).toBe(true);
  }, 120_000);
}

describe("a metric-gated canary of a Deployment pair (real Prometheus)", () => {
  test("the first deploy of a canary manifest goes out whole: there is no stable version to compare with", { timeout: 60_000 }, async () => {
    const first = await plan("registry.example/ml/reranker-onnx:1.3.0");
    expect(canaryHandover(first).kind).toBe("first-deploy");
    const applied = await applyDeploy(first, { reason: "first", readOnly: noLocks, auditFile: auditFile(), signal: new AbortController().signal, wait: true, track: { pollIntervalMs: 100 } });
    expect(applied).toMatchObject({ kind: "followed", rollout: { outcome: "complete" } });
    await stableScraped();
  });

  test("a bad build (2.5 × slower) is rolled back automatically within its analysis window, with an audit record of the failing measurements", { timeout: 240_000 }, async () => {
    const result = await deployWithCanary("registry.example/ml/reranker-onnx:1.4.0-rc1");
    expect(result.kind === "rolled-back" ? "rolled-back" : `${result.kind}: ${JSON.stringify("state" in result ? result.state?.measurements : result)}`).toBe("rolled-back");
    if (result.kind !== "rolled-back") return;
    // failureLimit 0: the first failed measurement ends the analysis, before its count of 3.
    expect(result.state.analysis.failed).toBe(1);
    expect(result.state.analysis.count).toBeLessThanOrEqual(3);
    expect(result.measurements[0]?.reasons).toContain("p95-over-baseline");
    expect(result.measurements[0]!.p95Ms!).toBeGreaterThan(result.state.baseline!.p95Ms! * 1.1);
    // The stable version serves alone again; the state on it says why.
    expect(await stableImage()).toBe("registry.example/ml/reranker-onnx:1.3.0");
    await eventually(async () => expect(await canaryExists()).toBe(false));
    expect(await stateOnObject()).toMatchObject({ phase: "rolled-back", traffic: 0, stopReason: { kind: "analysis-failed", failed: 1, failureLimit: 0 } });
    const rollback = (await records()).at(-1)!;
    expect(rollback).toMatchObject({ action: "rollback", outcome: "succeeded", object: { kind: "Deployment", name: "reranker" } });
    expect(rollback.detectedAt).toBe(result.measurements[0]?.at);
    expect(rollback.detail).toMatch(/failed 1 > failureLimit 0/);
    expect(rollback.detail).toMatch(/p95 \d+ ms/);
  });

  test("a good build is promoted through every step: canary-step records, then the stable Deployment runs it", { timeout: 240_000 }, async () => {
    const seen: string[] = [];
    const result = await deployWithCanary("registry.example/ml/reranker-onnx:1.3.1", {
      steps: `${oneStep}\n    - {traffic: 100}`,
      onProgress: (s) => seen.push(`${s.step}:${s.phase}`),
    });
    expect(result.kind === "promoted" ? "promoted" : `${result.kind}: ${JSON.stringify("state" in result ? result.state?.measurements : result)}`).toBe("promoted");
    if (result.kind !== "promoted") return;
    expect(seen).toContain("0:analysing");
    expect(seen).toContain("1:analysing");
    expect(result.state.traffic).toBe(100);
    expect(await stableImage()).toBe("registry.example/ml/reranker-onnx:1.3.1");
    await eventually(async () => expect(await canaryExists()).toBe(false));
    const actions = (await records()).slice(-2).map((r) => `${r.action}:${r.outcome}`);
    expect(actions).toEqual(["canary-step:succeeded", "promote:succeeded"]);
  });

  test("cancelled mid-step, the state stays on the object and resumeCanary carries it to promotion", { timeout: 240_000 }, async () => {
    const stop = new AbortController();
    const result = await deployWithCanary("registry.example/ml/reranker-onnx:1.3.0", { signal: stop.signal, onProgress: (s) => (s.phase === "paused" ? stop.abort() : undefined) });
    expect(result.kind).toBe("cancelled");
    expect(await stateOnObject()).toMatchObject({ phase: "paused", step: 0 });
    expect(await canaryExists()).toBe(true);
    const { plan: { context }, target } = result.handover;
    const resumed = await resumeCanary({ kc: sandbox.kc, context, actor, workload: { kind: "Deployment", namespace: "ml", name: "reranker" }, metrics: { source: source(), target }, auditFile: auditFile(), readOnly: noLocks, signal: new AbortController().signal });
    expect(resumed.kind).toBe("promoted");
    expect(await stableImage()).toBe("registry.example/ml/reranker-onnx:1.3.0");
  });

  test("someone else edits the stable Deployment mid-canary: the conflict is detected, the canary stops and says what changed", { timeout: 240_000 }, async () => {
    const result = await deployWithCanary("registry.example/ml/reranker-onnx:1.3.1", {
      steps: shortPause,
      onProgress: (s) => {
        // Another client scales the stable Deployment while the canary pauses.
        if (s.phase === "paused") void requestJson(sandbox.kc, "PATCH", "/apis/apps/v1/namespaces/ml/deployments/reranker", { body: { spec: { replicas: 3 } } });
      },
    });
    expect(result.kind).toBe("conflict");
    if (result.kind !== "conflict") return;
    expect(result.detail).toMatch(/spec was changed by someone else \(generation \d+ → \d+; now replicas 3\)/);
    expect(await stateOnObject()).toMatchObject({ phase: "aborted", stopReason: { kind: "conflict" } });
  });

  test("aiplat deploy blocks on the canary: a build failing 5 % of requests (SLO 2 %) is rolled back, exit 1, with the failing measurement in -o json", { timeout: 240_000 }, async () => {
    writeFileSync(manifestFile(), manifest("registry.example/ml/reranker-onnx:1.4.0-rc2"));
    const r = await runAiplat(["deploy", "aiplatform.yaml", "-e", "dev", "--yes", "--source", sandbox.metrics!.prometheus.url, "--audit-log", auditFile(), "-o", "json"], { cwd: sandbox.dir, env: { KUBECONFIG: sandbox.kubeconfigFile } });
    expect(r.code, r.err).toBe(1);
    const report = JSON.parse(r.out) as { outcome: string; canary: { outcome: string; measurements: { reasons: string[]; errorRatio: number }[] } };
    expect(report.outcome).toBe("rolled-back");
    expect(report.canary.outcome).toBe("rolled-back");
    expect(report.canary.measurements[0]?.reasons).toContain("errors-over-slo");
    expect(report.canary.measurements[0]!.errorRatio).toBeGreaterThan(0.02);
    expect(r.err).toContain("rolled back automatically");
    await eventually(async () => expect(await canaryExists()).toBe(false));
  });

  // The analysis itself is exercised on the Deployment pair above; here the KServe driver's traffic moves, with timed steps.
  test("KServe: the canary moves spec.predictor.canaryTrafficPercent step by step and promotion removes it (the newest revision takes all traffic)", { timeout: 240_000 }, async () => {
    const isvcManifest = (version: string) => `apiVersion: aiplatform.dev/v1
kind: InferenceServiceManifest
name: fraud
runtime: kserve
modelFormat: sklearn
model: {storageUri: "s3://models/fraud/${version}", registry: "models:/fraud", version: "${version}"}
resources: {cpu: 500m, memory: 1Gi}
slo: {p95LatencyMs: 500, errorRate: 0.02}
environments:
  dev: {context: sandbox, namespace: ml}
rollout:
  strategy: canary
  steps:
    - {traffic: 30, pauseSeconds: 2}
    - {traffic: 60, pauseSeconds: 2}
`;
    const planFor = async (version: string) => {
      const parsed = parseManifest(isvcManifest(version));
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
      const loaded = await loadCliKubeconfig(sandbox.kubeconfigFile, { cwd: sandbox.dir, env: {} });
      if (!loaded.ok) throw new Error("kubeconfig");
      const planned = await planDeploy({ manifest: parsed.manifest, env: "dev", kubeconfig: loaded, readOnly: noLocks, auditFile: auditFile(), actorFor: () => Promise.resolve(actor) }, new AbortController().signal);
      if (!planned.ok) throw new Error(JSON.stringify(planned.error));
      return planned.plan;
    };
    const first = await planFor("7");
    expect(canaryHandover(first).kind).toBe("first-deploy");
    expect((await applyDeploy(first, { reason: "first", readOnly: noLocks, auditFile: auditFile(), signal: new AbortController().signal, wait: false })).kind).toBe("applied");
    const handover = canaryHandover(await planFor("8"));
    if (handover.kind !== "canary") throw new Error(handover.kind);
    expect(handover.target.runtime).toBe("kserve");
    const appliedAt = new Date();
    expect((await applyDeploy(handover.plan, { reason: "try 8", readOnly: noLocks, auditFile: auditFile(), signal: new AbortController().signal, wait: false })).kind).toBe("applied");
    const shares: (number | undefined)[] = [];
    const isvc = () => requestJson(sandbox.kc, "GET", "/apis/serving.kserve.io/v1beta1/namespaces/ml/inferenceservices/fraud") as Promise<{ spec: { predictor: { canaryTrafficPercent?: number } }; metadata: { annotations?: Record<string, string> } }>;
    const result = await runCanary({
      kc: handover.plan.kc,
      context: handover.plan.context,
      actor,
      workload: handover.workload,
      metrics: { source: source(), target: handover.target },
      auditFile: auditFile(),
      readOnly: noLocks,
      signal: new AbortController().signal,
      onProgress: (st) => void (st.phase === "paused" ? isvc().then((o) => shares.push(o.spec.predictor.canaryTrafficPercent)) : undefined),
      rollout: handover.rollout,
      revision: handover.revision,
      changedAt: appliedAt,
    });
    expect(result.kind === "promoted" ? "promoted" : `${result.kind}: ${JSON.stringify("state" in result ? result.state : result)}`).toBe("promoted");
    expect(shares).toEqual([30, 60]);
    const after = await isvc();
    expect(after.spec.predictor.canaryTrafficPercent).toBeUndefined();
    expect(readCanaryState(after.metadata.annotations)).toMatchObject({ kind: "ok", state: { mode: "kserve", phase: "promoted", traffic: 100 } });
  });

  test("the metrics source goes away mid-analysis: the canary holds (inconclusive) and never promotes", { timeout: 240_000 }, async () => {
    const result = await deployWithCanary("registry.example/ml/reranker-onnx:1.3.1", {
      steps: shortPause,
      onProgress: (s) => (s.phase === "paused" ? void sandbox.metrics!.prometheus.stop() : undefined),
    });
    expect(result.kind).toBe("held");
    if (result.kind !== "held") return;
    expect(result.reason).toEqual({ kind: "analysis-inconclusive", inconclusive: 2, inconclusiveLimit: 1 });
    expect(result.state.measurements.slice(-2).map((m) => m.phase)).toEqual(["error", "error"]);
    const state = await stateOnObject();
    expect(state?.phase).toBe("held");
    expect(state?.traffic).toBe(50);
    expect(await stableImage()).toBe("registry.example/ml/reranker-onnx:1.3.0");
    expect((await apps().readNamespacedDeployment({ namespace: "ml", name: "reranker" })).metadata?.annotations?.[canaryAnnotation]).toBeDefined();
  });

  test("aiplat canary status shows the held canary (exit 0); aiplat canary abort sends all traffic back to the stable version (exit 0)", { timeout: 60_000 }, async () => {
    const env = { KUBECONFIG: sandbox.kubeconfigFile };
    const status = await runAiplat(["canary", "status", "ml/reranker"], { cwd: sandbox.dir, env });
    expect(status.code, status.err).toBe(0);
    expect(status.out).toContain("Deployment ml/reranker: canary held at ≈50% · analysis inconclusive");
    const aborted = await runAiplat(["canary", "abort", "ml/reranker", "--audit-log", auditFile()], { cwd: sandbox.dir, env });
    expect(aborted.code, aborted.err).toBe(0);
    expect(aborted.out).toContain("aborted: all traffic back to the stable version");
    await eventually(async () => expect(await canaryExists()).toBe(false));
    expect(await stateOnObject()).toMatchObject({ phase: "aborted", stopReason: { kind: "aborted" } });
    expect((await records()).at(-1)).toMatchObject({ action: "rollback", outcome: "succeeded" });
    const again = await runAiplat(["canary", "abort", "ml/reranker", "--audit-log", auditFile()], { cwd: sandbox.dir, env });
    expect(again.code).toBe(1);
    expect(again.err).toContain("already ended (aborted)");
  });
});
