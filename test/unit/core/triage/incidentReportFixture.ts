/**
 * Hand-built triage reports for the incident report's tests: the sandbox's demo incident
 * (llm-serving/vllm-llama3-70b, revision 2 deployed two days ago, p95 ×2 and errors 0.2 % → 3 %)
 * and the GPU-starved vllm-mixtral-8x7b. Written from the shapes in triageReport.ts, not from
 * triageWorkload, so these tests stand on their own.
 */
import type { TriageReport } from "../../../../src/core/triage/triageReport";

export const generatedAt = "2026-12-01T06:30:00.000Z";
const now = Date.parse(generatedAt) / 1000;
export const deployedAt = now - 2 * 86_400;

/** 30-minute points from 3 h before the deploy to 3 h after: p95 ~430 ms then ~870 ms. */
function around(at: number, before: number, after: number, gapAt?: number): [number, number | null][] {
  const points: [number, number | null][] = [];
  for (let t = at - 3 * 3600; t <= at + 3 * 3600; t += 1800) points.push([t, t === gapAt ? null : t < at ? before : after]);
  return points;
}

export function demoIncidentReport(overrides: Partial<TriageReport> = {}): TriageReport {
  return {
    service: { context: "sandbox", namespace: "llm-serving", name: "vllm-llama3-70b", kind: "Deployment" },
    generatedAt,
    window: { start: now - 7200, end: now },
    classification: "code",
    headline: {
      classification: "code",
      primaryClass: "latency-regression",
      suspectRevision: 2,
      mitigation: "rollback",
      p95BeforeMs: 431,
      p95AfterMs: 872,
      errorRatioBefore: 0.002,
      errorRatioAfter: 0.03,
      affectedPods: 0,
      pods: 2,
    },
    findings: [
      {
        class: "latency-regression",
        side: "code",
        revision: 2,
        evidence: [{ kind: "metric", metric: "p95", comparison: 1, fact: "p95 431 ms → 872 ms (+102 %) over 60 min windows, 21,600 vs 21,480 requests" }],
      },
      {
        class: "app-errors",
        side: "code",
        revision: 2,
        evidence: [{ kind: "metric", metric: "errorRatio", comparison: 1, fact: "errors 0.2 % → 3 % (SLO 1 %), z = 19.6, p < 0.001" }],
      },
    ],
    changes: [
      { at: deployedAt - 30 * 86_400, kind: "deploy", revision: 1, origin: "rollout history", image: "vllm/vllm-openai:v0.6.3", beforeWindow: true },
      {
        at: deployedAt,
        kind: "deploy",
        revision: 2,
        origin: "rollout history, audit log",
        actor: "dev@example.com",
        reason: "bump vLLM | enable prefix caching",
        image: "vllm/vllm-openai:v0.6.4",
        auditSeq: 7,
        beforeWindow: true,
      },
    ],
    comparisons: [
      {
        changeAt: deployedAt,
        revision: 2,
        kind: "deploy",
        windowSeconds: 3600,
        before: { p95Ms: 431, errorRatio: 0.002, rps: 6, requests: 21_600, p95LowerMs: 425, p95UpperMs: 437 },
        after: { p95Ms: 872, errorRatio: 0.03, rps: 5.97, requests: 21_480, p95LowerMs: 860, p95UpperMs: 884 },
        p95Change: 872 / 431 - 1,
        latency: { regressed: true, significant: true, test: "order-statistic 95 % CI of the p95 (n ≥ 1,825)" },
        errors: { regressed: true, significant: true, test: "one-sided two-proportion z-test, α 0.05", statistic: 24.1, pValue: 1e-12 },
        underpowered: false,
      },
    ],
    suspect: { revision: 2, changedAt: new Date(deployedAt * 1000).toISOString(), evidence: ["p95 431 ms → 872 ms (+102 %) over 60 min windows, 21,600 vs 21,480 requests", "errors 0.2 % → 3 %"] },
    suspects: [{ revision: 2, changedAt: new Date(deployedAt * 1000).toISOString(), evidence: ["p95 ×2"], score: 0.93, kind: "deploy", classes: ["latency-regression", "app-errors"] }],
    mitigation: { action: "rollback", revision: 1, command: `aiplat rollback llm-serving/vllm-llama3-70b --to-revision 1 --context 'sandbox' --reason "triage: latency regression after revision 2" --wait`, tool: "aiplat" },
    series: {
      start: deployedAt - 3 * 3600,
      end: deployedAt + 3 * 3600,
      step: 1800,
      p95: around(deployedAt, 431, 872, deployedAt + 2 * 3600),
      errorRatio: around(deployedAt, 0.002, 0.03),
      rps: around(deployedAt, 6, 5.97),
      sloP95Ms: 2000,
      sloErrorRate: 0.01,
      markAt: deployedAt,
    },
    slo: { p95LatencyMs: 2000, errorRate: 0.01, origin: "tier-1 default" },
    blindSpots: [],
    ...overrides,
  };
}

export function gpuStarvedReport(): TriageReport {
  return demoIncidentReport({
    service: { context: "sandbox", namespace: "llm-serving", name: "vllm-mixtral-8x7b", kind: "Deployment" },
    classification: "platform",
    headline: { classification: "platform", primaryClass: "gpu-starvation", suspectRevision: null, mitigation: "scale-up", affectedPods: 1, pods: 1 },
    findings: [
      {
        class: "gpu-starvation",
        side: "platform",
        pods: ["vllm-mixtral-8x7b-6d9c7b8f5-q2x7k"],
        evidence: [
          {
            kind: "scheduling",
            pod: "vllm-mixtral-8x7b-6d9c7b8f5-q2x7k",
            message: "0/3 nodes are available: 3 Insufficient nvidia.com/gpu.",
            insufficientGpus: [{ resource: "nvidia.com/gpu", nodes: 3 }],
            fact: "pod vllm-mixtral-8x7b-6d9c7b8f5-q2x7k: Pending, 0/3 nodes are available: 3 Insufficient nvidia.com/gpu.",
          },
        ],
      },
    ],
    changes: [],
    comparisons: [],
    suspect: null,
    suspects: [],
    mitigation: { action: "scale-up", nodePool: "a100pool", nodeCount: 5, command: "az aks nodepool scale --resource-group <resource-group> --cluster-name <cluster> --name a100pool --node-count 5", tool: "cloud" },
    series: null,
    slo: null,
    blindSpots: [{ what: "metrics", why: { kind: "no-data", query: "sum(rate(vllm:e2e_request_latency_seconds_count[5m]))" } }],
  });
}
