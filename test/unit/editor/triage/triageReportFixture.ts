/** A triage report as triageWorkload returns it, for the editor's wording tests; each test overrides what it is about. */
import type { TriageReport } from "../../../../src/core/triage/triageReport";

export function triageReport(overrides: Partial<TriageReport> = {}): TriageReport {
  return {
    service: { context: "sandbox", namespace: "llm-serving", name: "vllm-llama3-70b", kind: "Deployment" },
    generatedAt: "2026-12-01T07:00:00.000Z",
    window: { start: 1_764_565_200, end: 1_764_572_400 },
    classification: "code",
    headline: {
      classification: "code",
      primaryClass: "latency-regression",
      suspectRevision: 2,
      mitigation: "rollback",
      p95BeforeMs: 412.4,
      p95AfterMs: 871.2,
      errorRatioBefore: 0.002,
      errorRatioAfter: 0.03,
      affectedPods: 0,
      pods: 2,
    },
    findings: [{ class: "latency-regression", side: "code", evidence: [], revision: 2 }],
    changes: [],
    comparisons: [],
    suspect: { revision: 2, changedAt: "2026-11-29T07:00:00.000Z", evidence: ["p95 412 ms → 871 ms (+111 %) over 60 min windows"] },
    suspects: [],
    mitigation: {
      action: "rollback",
      revision: 1,
      command: "aiplat rollback llm-serving/vllm-llama3-70b --to-revision 1 --context 'sandbox' --reason \"…\" --wait",
      tool: "aiplat",
    },
    series: null,
    slo: null,
    blindSpots: [],
    ...overrides,
  };
}
