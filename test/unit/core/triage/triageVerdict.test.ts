import type { V1Node, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { RevisionInfo } from "../../../../src/core/kube/rollout/rolloutUndo";
import { judgeErrors, judgeP95 } from "../../../../src/core/triage/regressionTests";
import type { ChangeComparison, FailureClass, TriageChange, TriageFinding } from "../../../../src/core/triage/triageReport";
import { chooseMitigation, classify, currentFindings, latencyFact, metricFindings, rankSuspects } from "../../../../src/core/triage/triageVerdict";

const t0 = Date.parse("2026-11-29T08:00:00Z") / 1000;
const workload = { kind: "Deployment" as const, namespace: "llm-serving", name: "vllm-llama3-70b" };

function revision(n: number, hash: string): RevisionInfo {
  return { revision: n, replicaSet: `vllm-llama3-70b-${hash}`, images: [], modelVersion: undefined, created: new Date((t0 + n * 1000) * 1000), changeCause: undefined, replicas: 0, readyReplicas: 0, current: false };
}
const revisions = [revision(1, "7b4c9d6f8"), revision(2, "6d9f7c8b5"), revision(3, "5c8e6a7d4")];

function comparison(at: number, rev: number, before: { p95: number; err: number }, after: { p95: number; err: number }, n = 21_600): ChangeComparison {
  const b = { p95Ms: before.p95, errorRatio: before.err, rps: n / 3600, requests: n, p95LowerMs: before.p95 * 0.98, p95UpperMs: before.p95 * 1.02 };
  const a = { p95Ms: after.p95, errorRatio: after.err, rps: n / 3600, requests: n, p95LowerMs: after.p95 * 0.98, p95UpperMs: after.p95 * 1.02 };
  return {
    changeAt: at,
    revision: rev,
    kind: "deploy",
    windowSeconds: 3600,
    before: b,
    after: a,
    p95Change: after.p95 / before.p95 - 1,
    latency: judgeP95({ p95Ms: b.p95Ms, lowerMs: b.p95LowerMs, upperMs: b.p95UpperMs }, { p95Ms: a.p95Ms, lowerMs: a.p95LowerMs, upperMs: a.p95UpperMs }),
    errors: judgeErrors(b, a, 0.01),
    underpowered: false,
  };
}

const deploy = (at: number, rev: number): TriageChange => ({ at, kind: "deploy", revision: rev, origin: "rollout history" });

describe("the demo incident's shape: p95 doubles and 5xx rise after revision 2", () => {
  const changes = [deploy(t0, 2)];
  const comparisons = [comparison(t0, 2, { p95: 412, err: 0.002 }, { p95: 871, err: 0.03 })];
  const findings = metricFindings(comparisons, 0.01);
  const suspects = rankSuspects({ findings, comparisons, changes, revisions: revisions.slice(0, 2), hashes: new Map() });

  it("states the regression as a plain fact", () => {
    expect(latencyFact(comparisons[0]!)).toBe(
      "p95 412 ms → 871 ms (+111 %) over 60 min windows around the deploy of revision 2, 21,600 vs 21,600 requests; 95 % CI of the p95 404 ms–420 ms before, 854 ms–888 ms after",
    );
    expect(findings.map((f) => f.class)).toEqual(["latency-regression", "app-errors"]);
  });

  it("revision 2 is the one suspect, code, rolled back to revision 1 with a printed aiplat command", () => {
    expect(suspects).toHaveLength(1);
    expect(suspects[0]).toMatchObject({ revision: 2, changedAt: "2026-11-29T08:00:00.000Z", kind: "deploy", classes: ["latency-regression", "app-errors"] });
    expect(classify(suspects, findings, { pods: false, metrics: false })).toBe("code");
    expect(chooseMitigation({ workload, context: "prod", suspect: suspects[0], findings, revisions: revisions.slice(0, 2), pods: [], nodes: [] })).toEqual({
      action: "rollback",
      revision: 1,
      command: `aiplat rollback llm-serving/vllm-llama3-70b --to-revision 1 --context 'prod' --reason "triage: latency regression after deploy of revision 2" --wait`,
      tool: "aiplat",
    });
  });
});

describe("ranking", () => {
  it("of two deploys, the one after which things got worse is the suspect, not the latest", () => {
    const changes = [deploy(t0, 2), deploy(t0 + 7200, 3)];
    const comparisons = [comparison(t0, 2, { p95: 400, err: 0.002 }, { p95: 900, err: 0.002 }), comparison(t0 + 7200, 3, { p95: 900, err: 0.002 }, { p95: 905, err: 0.002 })];
    const findings = metricFindings(comparisons, 0.01);
    const suspects = rankSuspects({ findings, comparisons, changes, revisions, hashes: new Map() });
    expect(suspects.map((s) => s.revision)).toEqual([2]);
    // Rolling back to the revision before the suspect, not merely the previous one.
    expect(chooseMitigation({ workload, context: "prod", suspect: suspects[0], findings, revisions, pods: [], nodes: [] })).toMatchObject({ action: "rollback", revision: 1 });
  });

  it("a crash loop of the newest revision's pods points at the deploy that brought them", () => {
    const changes = [deploy(t0, 2), deploy(t0 + 7200, 3)];
    const findings: TriageFinding[] = [{ class: "crash-loop", side: "code", evidence: [{ kind: "pod-problem", fact: "pod x: CrashLoopBackOff, 14 restarts, last exit 1 (Error)", pod: "x", reason: "CrashLoopBackOff", exitCode: 1, restarts: 14 }] }];
    const hashes = new Map<FailureClass, Set<string>>([["crash-loop", new Set(["5c8e6a7d4"])]]);
    const suspects = rankSuspects({ findings, comparisons: [], changes, revisions, hashes });
    expect(suspects[0]).toMatchObject({ revision: 3, kind: "deploy", classes: ["crash-loop"], evidence: ["pod x: CrashLoopBackOff, 14 restarts, last exit 1 (Error)"] });
    expect(classify(suspects, findings, { pods: false, metrics: true })).toBe("code");
    expect(chooseMitigation({ workload, context: "prod", suspect: suspects[0], findings, revisions, pods: [], nodes: [] })).toMatchObject({ action: "rollback", revision: 2 });
  });

  it("a new revision's image that cannot be pulled is platform, and rolling back is still the mitigation", () => {
    const findings: TriageFinding[] = [{ class: "image-pull", side: "platform", evidence: [{ kind: "pod-problem", fact: "pod y: ImagePullBackOff, image acr.io/x:3", pod: "y", reason: "ImagePullBackOff" }] }];
    const hashes = new Map<FailureClass, Set<string>>([["image-pull", new Set(["5c8e6a7d4"])]]);
    const suspects = rankSuspects({ findings, comparisons: [], changes: [deploy(t0 + 7200, 3)], revisions, hashes });
    expect(classify(suspects, findings, { pods: false, metrics: false })).toBe("platform");
    expect(chooseMitigation({ workload, context: "prod", suspect: suspects[0], findings, revisions, pods: [], nodes: [] })).toMatchObject({ action: "rollback", revision: 2 });
  });

  it("a NotReady node under running pods is a platform condition of its own: cordon it with kubectl", () => {
    const findings: TriageFinding[] = [
      { class: "node-not-ready", side: "platform", nodes: ["aks-gpu-3"], evidence: [{ kind: "node", fact: "node aks-gpu-3: Ready Unknown", node: "aks-gpu-3", condition: "Ready", status: "Unknown", pods: ["p"] }] },
    ];
    const suspects = rankSuspects({ findings, comparisons: [], changes: [], revisions, hashes: new Map() });
    expect(suspects[0]).toMatchObject({ revision: null, kind: "platform", classes: ["node-not-ready"] });
    expect(chooseMitigation({ workload, context: "it's prod", suspect: suspects[0], findings, revisions, pods: [], nodes: [] })).toEqual({
      action: "cordon",
      node: "aks-gpu-3",
      command: `kubectl --context 'it'\\''s prod' cordon aks-gpu-3`,
      tool: "kubectl",
    });
  });

  it("nothing found: none when everything was seen, unknown when metrics or pods were not", () => {
    expect(classify([], [], { pods: false, metrics: false })).toBe("none");
    expect(classify([], [], { pods: false, metrics: true })).toBe("unknown");
    expect(classify([], [], { pods: true, metrics: false })).toBe("unknown");
  });

  it("a p95 that rose but whose intervals overlap is no finding", () => {
    const c = comparison(t0, 2, { p95: 400, err: 0.002 }, { p95: 450, err: 0.002 }, 400);
    const loose = { ...c, before: { ...c.before, p95LowerMs: 330, p95UpperMs: 470 }, after: { ...c.after, p95LowerMs: 380, p95UpperMs: 520 } };
    const judged = { ...loose, latency: judgeP95({ p95Ms: 400, lowerMs: 330, upperMs: 470 }, { p95Ms: 450, lowerMs: 380, upperMs: 520 }) };
    expect(judged.latency).toMatchObject({ regressed: true, significant: false });
    expect(metricFindings([judged], 0.01)).toEqual([]);
  });
});

describe("mitigations beyond a Deployment rollback", () => {
  const regression = (rev: number | string) => {
    const comparisons = [{ ...comparison(t0, 2, { p95: 400, err: 0.002 }, { p95: 900, err: 0.002 }), revision: rev }];
    const findings = metricFindings(comparisons, 0.01);
    return { findings, suspect: rankSuspects({ findings, comparisons, changes: [deploy(t0, 2)], revisions: [], hashes: new Map() })[0] };
  };

  it("a KServe canary that regressed goes to 0 % through aiplat rollback --kind inferenceservice", () => {
    const { findings, suspect } = regression("sklearn-iris-predictor-00002");
    const isvc = { kind: "InferenceService" as const, namespace: "kserve-models", name: "sklearn-iris" };
    expect(chooseMitigation({ workload: isvc, context: "prod", suspect, findings, revisions: [], inferenceService: { canaryRunning: true, toRevision: "sklearn-iris-predictor-00001", previousPredictor: false }, pods: [], nodes: [] })).toEqual({
      action: "canary-to-zero",
      revision: "sklearn-iris-predictor-00001",
      command: `aiplat rollback kserve-models/sklearn-iris --kind inferenceservice --context 'prod' --reason "triage: latency regression after deploy of revision sklearn-iris-predictor-00002" --wait`,
      tool: "aiplat",
    });
  });

  it("an InferenceService with neither a canary nor a recorded predictor has nothing to roll back to", () => {
    const { findings, suspect } = regression("r2");
    const isvc = { kind: "InferenceService" as const, namespace: "kserve-models", name: "sklearn-iris" };
    expect(chooseMitigation({ workload: isvc, context: "prod", suspect, findings, revisions: [], inferenceService: { canaryRunning: false, previousPredictor: false }, pods: [], nodes: [] }).action).toBe("none");
  });

  it("a scale-down followed by a regression is scaled back to its replicas with kubectl", () => {
    const scale: TriageChange = { at: t0, kind: "scale", origin: "audit log", auditSeq: 4, replicas: { before: 3, after: 1 } };
    const comparisons = [{ ...comparison(t0, 0, { p95: 400, err: 0.002 }, { p95: 900, err: 0.002 }), kind: "scale" as const }];
    const { revision: _none, ...scaleComparison } = comparisons[0]!;
    const findings = metricFindings([scaleComparison], 0.01);
    const suspect = rankSuspects({ findings, comparisons: [scaleComparison], changes: [scale], revisions, hashes: new Map() })[0];
    expect(suspect).toMatchObject({ kind: "scale", revision: null });
    expect(chooseMitigation({ workload, context: "prod", suspect, changes: [scale], findings, revisions, pods: [], nodes: [] })).toEqual({
      action: "scale-up",
      replicas: 3,
      command: "kubectl --context 'prod' -n llm-serving scale deployment/vllm-llama3-70b --replicas=3",
      tool: "kubectl",
    });
  });

  it("GPU starvation asks the cloud for nodes in the pod's pool: GKE and EKS spellings too", () => {
    const findings: TriageFinding[] = [
      { class: "gpu-starvation", side: "platform", pods: ["p"], evidence: [{ kind: "scheduling", fact: "pod p: not enough nvidia.com/gpu", pod: "p", message: "", insufficientGpus: [{ resource: "nvidia.com/gpu", nodes: 2 }], gpusRequested: { "nvidia.com/gpu": 4 } }] },
    ];
    const suspect = rankSuspects({ findings, comparisons: [], changes: [], revisions: [], hashes: new Map() })[0];
    const podIn = (label: string): V1Pod => ({ metadata: { name: "p" }, spec: { containers: [], nodeSelector: { [label]: "gpu-l4" } } });
    const nodes = (label: string): V1Node[] => [1, 2].map((i) => ({ metadata: { name: `n${i}`, labels: { [label]: "gpu-l4" } }, status: { allocatable: { "nvidia.com/gpu": "2" } } }));
    const gke = "cloud.google.com/gke-nodepool";
    expect(chooseMitigation({ workload, context: "prod", suspect, findings, revisions: [], pods: [podIn(gke)], nodes: nodes(gke) })).toEqual({
      action: "scale-up",
      nodePool: "gpu-l4",
      // 4 GPUs asked, 2 per node: two more nodes.
      nodeCount: 4,
      command: "gcloud container clusters resize <cluster> --node-pool gpu-l4 --num-nodes 4",
      tool: "cloud",
    });
    const eks = "eks.amazonaws.com/nodegroup";
    expect(chooseMitigation({ workload, context: "prod", suspect, findings, revisions: [], pods: [podIn(eks)], nodes: null })).toEqual({
      action: "scale-up",
      nodePool: "gpu-l4",
      command: "eksctl scale nodegroup --cluster <cluster> --name gpu-l4 --nodes <node-count>",
      tool: "cloud",
    });
  });
});

describe("currentFindings: 5xx now, with no change to blame", () => {
  const now = (errorRatio: number, requests: number) => ({ p95Ms: 300, errorRatio, rps: requests / 600, requests, p95LowerMs: 290, p95UpperMs: 310, windowSeconds: 600 });

  it("3 % of 2,000 requests against a 1 % SLO: an app-errors finding (code) with the figures", () => {
    const [f, ...rest] = currentFindings(now(0.03, 2000), 0.01, []);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ class: "app-errors", side: "code", evidence: [{ kind: "current", metric: "errorRatio", windowSeconds: 600 }] });
    expect(f!.evidence[0]!.fact).toBe("error ratio 3.0 % over the last 10 min (SLO 1.0 %), 2,000 requests, one-sided z = 9.0 against the SLO rate");
    expect(classify([], [f!], { pods: false, metrics: false })).toBe("code");
  });

  it("1.2 % of 500 requests is within chance of a 1 % SLO: nothing", () => {
    expect(currentFindings(now(0.012, 500), 0.01, [])).toEqual([]);
  });

  it("already explained by a change's comparison: not said twice", () => {
    const explained: TriageFinding[] = [{ class: "app-errors", side: "code", evidence: [] }];
    expect(currentFindings(now(0.03, 2000), 0.01, explained)).toEqual([]);
  });
});
