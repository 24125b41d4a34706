/**
 * What a Deployments row says about a canary, read from the aiplatform.dev/canary annotation as
 * another client (aiplat deploy in CI) wrote it: the same line for a KServe canary and a
 * Deployment pair (≈ for the replica-ratio split), Resume/Abort only while one is under way.
 */
import { describe, expect, test } from "vitest";
import { canaryAnnotation, serialiseCanaryState, type CanaryState } from "../../../../src/core/deploy/canary/canaryState";
import { canaryRow } from "../../../../src/editor/canary/canaryRowText";
import type { CanaryState as KServeCanary } from "../../../../src/core/kube/rollout/inferenceServiceRollout";

function state(overrides: Partial<CanaryState> = {}): CanaryState {
  return {
    v: 1,
    id: "c-1",
    mode: "kserve",
    revision: "registry.example/reranker-onnx:1.4.0-rc1",
    steps: [{ traffic: 20, analysis: { interval: 5, count: 5, failureLimit: 1 } }, { traffic: 50, analysis: { interval: 5, count: 5, failureLimit: 1 } }, { traffic: 100 }],
    step: 0,
    traffic: 20,
    phase: "analysing",
    analysis: { ok: 3, failed: 0, inconclusive: 0, count: 3 },
    measurements: [{ at: "2026-12-01T07:00:05.000Z", step: 0, phase: "successful", p95Ms: 120.4, errorRatio: 0.001, rps: 12.5, reasons: [] }],
    baseline: { p95Ms: 118, errorRatio: 0.001, rps: 60, window: { start: 1, end: 2 } },
    tolerance: 0.1,
    startedAt: "2026-12-01T06:59:00.000Z",
    stepStartedAt: "2026-12-01T06:59:00.000Z",
    updatedAt: "2026-12-01T07:00:05.000Z",
    by: "alice",
    resourceVersion: "123",
    ...overrides,
  };
}

const annotated = (s: CanaryState): Record<string, string> => ({ [canaryAnnotation]: serialiseCanaryState(s) });

describe("canary row text", () => {
  test("a KServe canary mid-analysis reads as the issue shows it, and is active", () => {
    const row = canaryRow(annotated(state()), undefined);
    expect(row?.text).toBe("canary 20% · analysis 3/5 ok");
    expect(row?.active).toBe(true);
    expect(row?.details.join("\n")).toContain("step 1 of 3 (20% → 50% → 100%)");
    expect(row?.details.join("\n")).toContain("p95 120 ms");
  });

  test("a Deployment pair says its split is approximate", () => {
    const row = canaryRow(annotated(state({ mode: "deployment-pair", traffic: 25, canaryName: "fraud-canary", replicas: { stable: 3, canary: 1, total: 4 } })), undefined);
    expect(row?.text).toBe("canary ≈25% · analysis 3/5 ok");
    expect(row?.details.join("\n")).toContain("split by replicas (1 canary of 4): the split is approximate");
  });

  test("held stays active (Resume applies); rolled back is shown with why but is not active; promoted is no longer news", () => {
    const held = canaryRow(annotated(state({ phase: "held", stopReason: { kind: "analysis-inconclusive", inconclusive: 2, inconclusiveLimit: 1 } })), undefined);
    expect(held).toMatchObject({ text: "canary held at 20% · analysis inconclusive", active: true });
    expect(held?.details.join("\n")).toContain("2 inconclusive measurements (limit 1)");
    const rolledBack = canaryRow(annotated(state({ phase: "rolled-back", analysis: { ok: 1, failed: 2, inconclusive: 0, count: 3 }, stopReason: { kind: "analysis-failed", failed: 2, failureLimit: 1 } })), undefined);
    expect(rolledBack).toMatchObject({ text: "canary rolled back at 20% · 2 failed", active: false });
    expect(canaryRow(annotated(state({ phase: "promoted" })), undefined)).toBeUndefined();
  });

  test("a KServe canary set by hand (no annotation) still shows its split", () => {
    const kserve: KServeCanary = {
      mode: "Knative",
      canaryPercent: 10,
      latestRevision: "reranker-predictor-00002",
      rolledOutRevision: "reranker-predictor-00001",
      traffic: [
        { revision: "reranker-predictor-00002", percent: 10, latest: true, tag: undefined },
        { revision: "reranker-predictor-00001", percent: 90, latest: false, tag: undefined },
      ],
      canaryRunning: true,
    };
    expect(canaryRow(undefined, kserve)).toEqual({ text: "canary 10% → reranker-predictor-00002", active: true, details: [] });
    expect(canaryRow(undefined, { ...kserve, canaryRunning: false })).toBeUndefined();
  });

  test("the canary Deployment of a pair points at the stable one, where its progress shows", () => {
    expect(canaryRow({ "aiplatform.dev/canary-of": "fraud" }, undefined)).toMatchObject({ text: "canary of fraud", active: false });
  });

  test("an annotation that does not validate is said, never trusted", () => {
    const row = canaryRow({ [canaryAnnotation]: JSON.stringify({ v: 2 }) }, undefined);
    expect(row?.text).toBe("canary state unreadable");
    expect(row?.active).toBe(false);
    expect(canaryRow({ [canaryAnnotation]: "{" }, undefined)?.details[0]).toMatch(/not JSON/);
  });
});
