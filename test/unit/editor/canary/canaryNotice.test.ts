/**
 * How a canary run ends in the editor: each result kind as a person reads it, with the button that
 * moves it on: Resume Canary (with the row argument Resume's own check accepts) after a hold or a
 * cancel, Roll Back when our automatic rollback failed, Unlock for a read-only context.
 */
import { describe, expect, test, vi } from "vitest";
import type { CanaryState } from "../../../../src/core/deploy/canary/canaryState";

vi.mock("vscode", () => ({}));
const { canaryNotice } = await import("../../../../src/editor/canary/canaryNotice");
const { DeploymentsNode } = await import("../../../../src/editor/views/deployments/deploymentsTree");

const state: CanaryState = {
  v: 1,
  id: "c-1",
  mode: "kserve",
  revision: "model 1.4.0-rc1",
  steps: [{ traffic: 20, analysis: { interval: 5, count: 5, failureLimit: 1 } }, { traffic: 100 }],
  step: 0,
  traffic: 20,
  phase: "analysing",
  analysis: { ok: 1, failed: 2, inconclusive: 0, count: 3 },
  measurements: [{ at: "2026-12-01T07:00:10.000Z", step: 0, phase: "failed", p95Ms: 310.2, errorRatio: 0.001, rps: 4, reasons: ["p95-over-baseline"] }],
  baseline: { p95Ms: 120, errorRatio: 0.001, rps: 20, window: { start: 1, end: 2 } },
  tolerance: 0.1,
  startedAt: "2026-12-01T06:59:00.000Z",
  stepStartedAt: "2026-12-01T06:59:00.000Z",
  updatedAt: "2026-12-01T07:00:10.000Z",
  by: "alice",
  resourceVersion: "9",
};
const service = { namespace: "ml", name: "reranker", workloadId: "InferenceService/ml/reranker" };

describe("canary results in the editor", () => {
  test("rolled back: an error naming the failing measurement", () => {
    const n = canaryNotice({ kind: "rolled-back", state: { ...state, phase: "rolled-back" }, measurements: state.measurements, audit: [] }, service, "Deploy");
    expect(n.severity).toBe("error");
    expect(n.message.text).toBe(
      "reranker: the canary failed its analysis and was rolled back automatically (canary rolled back at 20% · 2 failed): 07:00:10 failed · p95 310 ms · errors 0.10 % · 4.0 req/s · p95 over the baseline. The audit log has the failing measurements.",
    );
  });

  test("held and cancelled offer Resume Canary on the workload's row, and say the CLI way too", () => {
    for (const n of [
      canaryNotice({ kind: "held", state: { ...state, phase: "held" }, reason: { kind: "analysis-inconclusive", inconclusive: 1, inconclusiveLimit: 0 }, audit: [] }, service, "Deploy"),
      canaryNotice({ kind: "cancelled", state, audit: [] }, service, "Deploy"),
    ]) {
      expect(n.message.text).toContain("aiplat canary resume ml/reranker");
      const resume = n.message.actions.find((a) => a.title === "Resume Canary");
      expect(resume?.command).toBe("aiPlatform.resumeCanary");
      expect(DeploymentsNode.safeParse(resume?.args?.[0]).success).toBe(true);
    }
  });

  test("promoted is good news; a conflict says who changed what and that traffic was left alone", () => {
    expect(canaryNotice({ kind: "promoted", state: { ...state, phase: "promoted" }, audit: [] }, service, "Deploy")).toEqual({ severity: "info", message: { text: "reranker: the canary passed every step and is promoted.", actions: [] } });
    const c = canaryNotice({ kind: "conflict", state, detail: "the InferenceService reranker spec was changed by someone else (generation 4 → 5; now canaryTrafficPercent 50)", audit: [] }, service, "Deploy");
    expect(c.message.text).toBe("reranker: the canary stopped: the InferenceService reranker spec was changed by someone else (generation 4 → 5; now canaryTrafficPercent 50). Traffic was left as it is.");
  });

  test("errors: a failed automatic rollback offers Roll Back; a read-only context offers Unlock", () => {
    const failed = canaryNotice({ kind: "error", error: { kind: "rollback-failed", error: { kind: "unreachable", message: "connect ECONNREFUSED" }, measurements: [] }, audit: [] }, service, "Deploy");
    expect(failed.message.actions.map((a) => a.title)).toEqual(["Roll Back…", "Show Log"]);
    const readOnly = canaryNotice({ kind: "error", error: { kind: "read-only-context", context: "aks-prod", pattern: "*-prod" }, audit: [] }, service, "Resume Canary");
    expect(readOnly.message.text).toMatch(/^Resume Canary refused: context aks-prod is read-only/);
    const none = canaryNotice({ kind: "error", error: { kind: "no-canary" }, audit: [] }, service, "Resume Canary");
    expect(none.message.text).toBe("Resume Canary of reranker: reranker has no metric-gated canary (no aiplatform.dev/canary state on it).");
  });
});
