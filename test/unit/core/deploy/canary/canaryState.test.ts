import { describe, expect, test } from "vitest";
import { canaryAnnotation, describeCanaryProgress, readCanaryState, serialiseCanaryState, type CanaryState } from "../../../../../src/core/deploy/canary/canaryState";
import { replicaSplit } from "../../../../../src/core/deploy/canary/deploymentPairDriver";

const state: CanaryState = {
  v: 1,
  id: "a1b2c3d4",
  mode: "kserve",
  revision: "models:/fraud 7",
  steps: [{ traffic: 20, analysis: { interval: 60, count: 5, failureLimit: 1 } }, { traffic: 100 }],
  step: 0,
  traffic: 20,
  phase: "analysing",
  analysis: { ok: 3, failed: 0, inconclusive: 0, count: 3 },
  measurements: [],
  baseline: { p95Ms: 120, errorRatio: 0.001, rps: 40, window: { start: 1, end: 601 } },
  tolerance: 0.1,
  startedAt: "2026-12-01T06:00:00.000Z",
  stepStartedAt: "2026-12-01T06:00:00.000Z",
  updatedAt: "2026-12-01T06:03:00.000Z",
  by: "alice",
  resourceVersion: "4711",
  generation: 3,
};

describe("the aiplatform.dev/canary annotation", () => {
  test("round-trips through the annotation, and the tree's line reads as the issue asks", () => {
    const read = readCanaryState({ [canaryAnnotation]: serialiseCanaryState(state) });
    expect(read).toEqual({ kind: "ok", state });
    expect(describeCanaryProgress(state)).toBe("canary 20% · analysis 3/5 ok");
  });

  test("absent, not JSON, or not a state: none or invalid, never a half-trusted state", () => {
    expect(readCanaryState(undefined)).toEqual({ kind: "none" });
    expect(readCanaryState({})).toEqual({ kind: "none" });
    expect(readCanaryState({ [canaryAnnotation]: "{" }).kind).toBe("invalid");
    expect(readCanaryState({ [canaryAnnotation]: JSON.stringify({ ...state, phase: "exploded" }) }).kind).toBe("invalid");
  });

  test.each([
    { patch: { phase: "paused" }, line: "canary 20% · paused" },
    { patch: { phase: "held" }, line: "canary held at 20% · analysis inconclusive" },
    { patch: { phase: "rolled-back", traffic: 0, analysis: { ok: 1, failed: 2, inconclusive: 0, count: 3 } }, line: "canary rolled back at 20% · 2 failed" },
    { patch: { phase: "promoted", traffic: 100 }, line: "canary promoted" },
    { patch: { phase: "aborted", traffic: 0, mode: "deployment-pair" }, line: "canary aborted at ≈20%" },
    { patch: { phase: "analysing", mode: "deployment-pair", traffic: 33.333 }, line: "canary ≈33.3% · analysis 3/5 ok" },
    { patch: { phase: "analysing", analysis: { ok: 2, failed: 1, inconclusive: 1, count: 4 } }, line: "canary 20% · analysis 2/5 ok, 1 failed, 1 inconclusive" },
  ] as const)("$line", ({ patch, line }) => {
    expect(describeCanaryProgress({ ...state, ...patch })).toBe(line);
  });

  test("keeps only the newest measurements, so the annotation stays small", () => {
    const m = { at: "2026-12-01T06:01:00.000Z", step: 0, phase: "successful" as const, p95Ms: 100, errorRatio: 0, rps: 1, reasons: [] };
    const many = { ...state, measurements: Array.from({ length: 25 }, (_, i) => ({ ...m, rps: i })) };
    const read = readCanaryState({ [canaryAnnotation]: serialiseCanaryState(many) });
    expect(read.kind === "ok" ? read.state.measurements.map((x) => x.rps) : []).toEqual([15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
  });
});

describe("replica-ratio weights for a Deployment pair (Argo without a traffic router: canary = ⌈total × weight⌉)", () => {
  test.each([
    { percent: 20, total: 10, split: { stable: 8, canary: 2, total: 10 } },
    { percent: 25, total: 10, split: { stable: 7, canary: 3, total: 10 } },
    { percent: 20, total: 2, split: { stable: 1, canary: 1, total: 2 } },
    { percent: 50, total: 1, split: { stable: 1, canary: 1, total: 1 } },
    { percent: 100, total: 3, split: { stable: 0, canary: 3, total: 3 } },
    { percent: 0, total: 3, split: { stable: 3, canary: 0, total: 3 } },
  ])("$percent % of $total replicas", ({ percent, total, split }) => {
    expect(replicaSplit(percent, total)).toEqual(split);
  });
});
