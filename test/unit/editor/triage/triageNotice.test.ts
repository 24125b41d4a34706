/**
 * The notification a triage ends with: what a person reads (side, failure, suspect, numbers) and
 * what its button does. The button's argument must pass Roll Back's own row check, or the command
 * would drop it: it is parsed here with the schema the command uses.
 */
import { describe, expect, test, vi } from "vitest";
import { triageReport } from "./triageReportFixture";

vi.mock("vscode", () => ({}));
const { triageNotice, mitigationReason } = await import("../../../../src/editor/triage/triageNotice");
const { RollbackMitigation } = await import("../../../../src/editor/commands/rollbackCommand");

const id = "Deployment/llm-serving/vllm-llama3-70b";
const incident = ".aiplatform/incidents/20261201T070000Z-vllm-llama3-70b.md";

describe("triage notice", () => {
  test("the demo incident: code, the suspect revision, the numbers, and Roll Back to the previous revision", () => {
    const n = triageNotice(triageReport(), id, incident);
    expect(n.severity).toBe("warning");
    expect(n.text).toBe("Code: p95 latency regression after revision 2 in llm-serving/vllm-llama3-70b (p95 412 → 871 ms, errors 0.20 % → 3.0 %). Roll back to revision 1?");
    expect(n.action?.kind).toBe("rollback");
    if (n.action?.kind !== "rollback") return;
    expect(n.action.title).toBe("Roll Back to Revision 1");
    const arg = RollbackMitigation.parse(n.action.arg);
    expect(arg).toEqual({
      type: "mitigation",
      workloadId: id,
      toRevision: 1,
      detectedAt: "2026-12-01T07:00:00.000Z",
      incident,
      reason: `Mitigation: p95 latency regression after revision 2 (${incident})`,
    });
  });

  test("an InferenceService's canary goes to 0 % through Roll Back, without a revision number", () => {
    const report = triageReport({
      service: { context: "sandbox", namespace: "ml", name: "reranker", kind: "InferenceService" },
      suspect: { revision: "reranker-predictor-00002", changedAt: null, evidence: [] },
      mitigation: { action: "canary-to-zero", command: "aiplat rollback ml/reranker --kind inferenceservice", tool: "aiplat" },
    });
    const n = triageNotice(report, "InferenceService/ml/reranker", incident);
    expect(n.text).toMatch(/^Code: p95 latency regression after reranker-predictor-00002 in ml\/reranker .*Send the canary's traffic back to 0 %\?$/);
    expect(n.action?.kind === "rollback" && RollbackMitigation.parse(n.action.arg).toRevision).toBeUndefined();
  });

  test("GPU starvation is the platform's: the kubectl command is offered to copy, not run", () => {
    const report = triageReport({
      service: { context: "sandbox", namespace: "llm-serving", name: "vllm-mixtral-8x7b", kind: "Deployment" },
      classification: "platform",
      headline: { classification: "platform", primaryClass: "gpu-starvation", suspectRevision: null, mitigation: "scale-up", affectedPods: 1, pods: 1 },
      suspect: null,
      mitigation: { action: "scale-up", command: "kubectl scale deployment/vllm-mixtral-8x7b -n llm-serving --replicas=0", tool: "kubectl" },
    });
    const n = triageNotice(report, "Deployment/llm-serving/vllm-mixtral-8x7b", incident);
    expect(n.text).toBe("Platform: GPU starvation in llm-serving/vllm-mixtral-8x7b (1 of 1 pods affected). Recommended: kubectl scale deployment/vllm-mixtral-8x7b -n llm-serving --replicas=0");
    expect(n.action).toEqual({ kind: "copy", title: "Copy Command", command: "kubectl scale deployment/vllm-mixtral-8x7b -n llm-serving --replicas=0" });
  });

  test("nothing found, or too little seen: no button, and the blind spots are named", () => {
    const blind = [
      { what: "metrics" as const, why: { kind: "unavailable" as const, detail: "no metrics source" } },
      { what: "audit-log" as const, why: { kind: "unavailable" as const, detail: "missing" } },
    ];
    const none = triageNotice(triageReport({ classification: "none", blindSpots: blind }), id, incident);
    expect(none).toEqual({ severity: "info", text: "Triage of llm-serving/vllm-llama3-70b: no problem found. Not seen: metrics, audit log." });
    const unknown = triageNotice(triageReport({ classification: "unknown", blindSpots: blind }), id, undefined);
    expect(unknown.action).toBeUndefined();
    expect(unknown.text).toContain("Not seen: metrics, audit log.");
  });

  test("without a saved report the rollback still records when it was detected", () => {
    const n = triageNotice(triageReport(), id, undefined);
    const arg = n.action?.kind === "rollback" ? RollbackMitigation.parse(n.action.arg) : undefined;
    expect(arg?.incident).toBeUndefined();
    expect(arg?.detectedAt).toBe("2026-12-01T07:00:00.000Z");
  });

  test("the recorded reason is one line, at most 300 characters, as change reasons must be", () => {
    const long = ".aiplatform/incidents/" + "x".repeat(400) + ".md";
    const reason = mitigationReason(triageReport(), long);
    expect(reason.length).toBe(300);
    expect(reason).not.toMatch(/[\r\n]/);
  });
});
