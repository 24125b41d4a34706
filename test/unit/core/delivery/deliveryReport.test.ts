import { describe, expect, test } from "vitest";
import type { AuditRecord } from "../../../../src/core/audit/auditRecord";
import { computeDeliveryReport, type DeliveryInput, weekStartOf } from "../../../../src/core/delivery/deliveryReport";
import type { ServiceHistory } from "../../../../src/core/delivery/deliveryTimeline";
import { linearQuantile } from "../../../../src/core/delivery/linearQuantile";
import type { TeamSources } from "../../../../src/core/delivery/serviceTeam";
import type { RevisionInfo } from "../../../../src/core/kube/rollout/rolloutUndo";
import { DeliveryReport, type DeliveryServiceRef } from "../../../../src/shared/protocol/delivery";

// A 30-day window ending Tuesday 2026-12-01 00:00 UTC; "now" is its end.
const start = new Date("2026-11-01T00:00:00Z");
const end = new Date("2026-12-01T00:00:00Z");
const hours = (h: number): number => h * 3_600_000;
/** An ISO time `h` hours before the window's end. */
const ago = (h: number): string => new Date(end.getTime() - hours(h)).toISOString();

const vllm: DeliveryServiceRef = { context: "prod", namespace: "llm-serving", kind: "Deployment", name: "vllm-llama3-70b" };

let seq = 0;
function record(action: AuditRecord["action"], ts: string, over: Partial<AuditRecord> = {}): AuditRecord {
  return {
    v: 1,
    seq: ++seq,
    ts,
    actor: { kubeUser: "alice", osUser: "alice" },
    cluster: "https://prod.example:6443",
    context: vllm.context,
    namespace: vllm.namespace,
    object: { apiVersion: "apps/v1", kind: vllm.kind, name: vllm.name },
    action,
    outcome: "succeeded",
    prevHash: "0".repeat(64),
    hash: "0".repeat(64),
    ...over,
  };
}

function revision(n: number, created: string, over: Partial<RevisionInfo> = {}): RevisionInfo {
  return { revision: n, replicaSet: `vllm-llama3-70b-${n}`, images: ["vllm:1"], modelVersion: undefined, created: new Date(created), changeCause: undefined, replicas: 1, readyReplicas: 1, current: false, ...over };
}

function report(audit: readonly AuditRecord[], over: Partial<DeliveryInput> = {}): DeliveryReport {
  const r = computeDeliveryReport({ window: { start, end }, audit, histories: [], teams: { namespaceLabels: [], manifestOwners: [] }, ...over });
  // The CLI's -o json and the dashboard's message carry exactly this shape.
  return DeliveryReport.parse(r);
}

describe("change failure rate: the next change within 24 h is a rollback or a hotfix", () => {
  test.each([
    ["a rollback 2 h later", [record("deploy", ago(100)), record("rollback", ago(98))], { judged: 1, failed: 1 }],
    ["a hotfix deploy 3 h later (the hotfix is judged too)", [record("deploy", ago(100)), record("deploy", ago(97), { reason: "Hot-fix: tokenizer padding" })], { judged: 2, failed: 1 }],
    ["a deploy reverting it", [record("deploy", ago(100)), record("deploy", ago(99), { reason: "Revert model 3.2" })], { judged: 2, failed: 1 }],
    ["a rollback 25 h later", [record("deploy", ago(100)), record("rollback", ago(75))], { judged: 1, failed: 0 }],
    ["an ordinary deploy 1 h later: the rollback after that one fails the second deploy only", [record("deploy", ago(100)), record("deploy", ago(99)), record("rollback", ago(98))], { judged: 2, failed: 1 }],
    ["a failed rollback is no change", [record("deploy", ago(100)), record("rollback", ago(99), { outcome: "failed" })], { judged: 1, failed: 0 }],
    ["a scale is no change", [record("deploy", ago(100)), record("scale", ago(99)), record("rollback", ago(98))], { judged: 1, failed: 1 }],
  ])("%s", (_what, audit, expected) => {
    const cf = report(audit).total.changeFailure;
    expect({ judged: cf.judged, failed: cf.failed }).toEqual(expected);
    expect(cf.rate).toBe(expected.failed / expected.judged);
  });

  test("a deploy younger than 24 h is pending until its next change, and judged once it came", () => {
    const young = report([record("deploy", ago(5))]).total.changeFailure;
    expect(young).toEqual({ judged: 0, failed: 0, rate: null, pending: 1 });
    const rolledBack = report([record("deploy", ago(5)), record("rollback", ago(4))]).total.changeFailure;
    expect(rolledBack).toEqual({ judged: 1, failed: 1, rate: 1, pending: 0 });
    const followed = report([record("deploy", ago(5)), record("deploy", ago(4))]).total.changeFailure;
    expect(followed).toEqual({ judged: 1, failed: 0, rate: 0, pending: 1 });
  });

  test("each failure names the deploy and the change that gave it away, by audit seq", () => {
    const d = record("deploy", ago(50), { revisionAfter: "2" });
    const r = record("rollback", ago(49), { revisionAfter: "3", detectedAt: ago(49.5) });
    expect(report([d, r]).services[0]?.changeFailures).toEqual([{ deployedAt: d.ts, revision: "2", auditSeq: d.seq, followedBy: "rollback", followedAt: r.ts, followedBySeq: r.seq }]);
  });
});

describe("deployment success rate and frequency", () => {
  test("succeeded ÷ (succeeded + failed); cancelled and skipped are not attempts", () => {
    const audit = ["succeeded", "succeeded", "succeeded", "failed", "cancelled", "skipped"].map((outcome, i) => record("deploy", ago(200 - i * 30), { outcome: outcome as AuditRecord["outcome"] }));
    const t = report(audit).total;
    expect(t.deploymentSuccess).toEqual({ attempted: 4, succeeded: 3, rate: 0.75 });
    expect(t.deploys).toEqual({ succeeded: 3, byOthers: 0, failed: 1, cancelled: 1 });
  });

  test("deploys per week over the window's weeks; bars per calendar week starting Monday 00:00 UTC", () => {
    // Sunday 1 Nov 23:00 and Monday 2 Nov 01:00 fall in different weeks; 30 Nov is the last Monday.
    const audit = [record("deploy", "2026-11-01T23:00:00Z"), record("deploy", "2026-11-02T01:00:00Z"), record("deploy", "2026-11-30T12:00:00Z")];
    const t = report(audit).total;
    expect(t.deploysPerWeek).toBeCloseTo(3 / (30 / 7), 12);
    expect(t.weekly.map((w) => [w.weekStart.slice(0, 10), w.deploys])).toEqual([
      ["2026-10-26", 1],
      ["2026-11-02", 1],
      ["2026-11-09", 0],
      ["2026-11-16", 0],
      ["2026-11-23", 0],
      ["2026-11-30", 1],
    ]);
    expect(new Date(weekStartOf(Date.parse("2026-11-29T23:59:59Z") / 1000) * 1000).toISOString()).toBe("2026-11-23T00:00:00.000Z");
  });

  test("records outside the window are not counted, but a change after a deploy still judges it", () => {
    const t = report([record("deploy", "2026-10-31T23:00:00Z"), record("deploy", "2026-11-01T00:30:00Z"), record("rollback", "2026-11-01T01:00:00Z")]).total;
    expect(t.deploys.succeeded).toBe(1);
    expect(t.changeFailure).toMatchObject({ judged: 1, failed: 1 });
  });
});

describe("time to mitigate: rollback healthy − detectedAt", () => {
  test("median and p90 as numpy.quantile computes them (linear)", () => {
    // numpy.quantile([300, 1200, 600, 2400, 900], [0.5, 0.9]) == [900, 1920]
    const minutes = [5, 20, 10, 40, 15];
    const audit = minutes.map((m, i) => record("rollback", ago(300 - i * 10), { detectedAt: new Date(Date.parse(ago(300 - i * 10)) - m * 60_000).toISOString() }));
    const ttm = report(audit).total.timeToMitigate;
    expect(ttm).toEqual({ count: 5, medianSeconds: 900, p90Seconds: 1920, withoutDetection: 0 });
  });

  test("rollbacks without detectedAt, or detected after the rollback, are counted apart; failed rollbacks not at all", () => {
    const audit = [record("rollback", ago(10)), record("rollback", ago(20), { detectedAt: ago(19) }), record("rollback", ago(30), { outcome: "failed", detectedAt: ago(31) })];
    expect(report(audit).total.timeToMitigate).toEqual({ count: 0, medianSeconds: null, p90Seconds: null, withoutDetection: 2 });
  });

  test("linearQuantile matches numpy on even and single samples", () => {
    // numpy.quantile([1, 2, 3, 4], [0.5, 0.9]) == [2.5, 3.7]; numpy.quantile([7], 0.9) == 7
    expect(linearQuantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(linearQuantile([4, 1, 3, 2], 0.9)).toBeCloseTo(3.7, 12);
    expect(linearQuantile([7], 0.9)).toBe(7);
    expect(linearQuantile([], 0.5)).toBeUndefined();
  });
});

describe("newcomer lead time: scaffold → first succeeded deploy", () => {
  test("a failed first attempt does not end it; a service not deployed yet is pending", () => {
    const other = { object: { apiVersion: "apps/v1", kind: "Deployment", name: "reranker" } };
    const audit = [
      record("scaffold", ago(300)),
      record("deploy", ago(290), { outcome: "failed" }),
      record("deploy", ago(280)),
      record("deploy", ago(270)),
      record("scaffold", ago(100), other),
    ];
    const r = report(audit);
    expect(r.total.leadTime).toEqual({ count: 1, medianSeconds: 20 * 3600, p90Seconds: 20 * 3600, pending: 1 });
    const vllmRow = r.services.find((s) => s.service.name === vllm.name);
    expect(vllmRow?.scaffold).toEqual({ at: ago(300), firstDeployAt: ago(280) });
    expect(r.services.find((s) => s.service.name === "reranker")?.scaffold).toEqual({ at: ago(100), firstDeployAt: null });
  });
});

describe("rollout history: revisions no audit record names are deploys by others", () => {
  const history = (revisions: RevisionInfo[]): ServiceHistory[] => [{ service: vllm, revisions }];

  test("a revision pairs with the deploy record naming it (recorded after a long rollout) or, without a revision, one within 10 min", () => {
    const audit = [record("deploy", ago(190), { revisionAfter: "2" }), record("deploy", ago(100))];
    const revisions = [
      revision(1, ago(400)), // kubectl apply: nobody recorded it
      revision(2, ago(192)), // recorded 2 h later, when the rollout finished
      revision(3, ago(100.1)), // a deploy without --wait, recorded 6 min after
      revision(4, ago(90), { changeCause: "revert to 3.1" }), // a GitOps revert 10 h later
    ];
    const t = report(audit, { histories: history(revisions) }).total;
    expect(t.deploys).toEqual({ succeeded: 4, byOthers: 2, failed: 0, cancelled: 0 });
    // Revision 3 is followed within 24 h by revision 4, whose change-cause says it is a revert.
    expect(t.changeFailure).toMatchObject({ judged: 4, failed: 1 });
    // Others' deploys are never attempts: only the audit log sees failures.
    expect(t.deploymentSuccess).toEqual({ attempted: 2, succeeded: 2, rate: 1 });
  });

  test("a rollback record naming the revision it went back to never takes that revision's place as a deploy", () => {
    const audit = [record("rollback", ago(99), { revisionBefore: "2", revisionAfter: "1" })];
    const revisions = [revision(1, ago(100)), revision(2, ago(99.5))];
    const t = report(audit, { histories: history(revisions) }).total;
    expect(t.deploys).toMatchObject({ succeeded: 2, byOthers: 2 });
    expect(t.changeFailure).toMatchObject({ judged: 2, failed: 1 });
  });

  test("a ReplicaSet a rollback renumbered is its first deploy, at its creation, under no number; the rollback adds none", () => {
    // Revision 1 (ago 300) was rolled back to after revision 2 (ago 200): it is revision 3 now.
    const audit = [record("deploy", ago(299), { revisionAfter: "1" }), record("rollback", ago(199), { revisionBefore: "2", revisionAfter: "1" })];
    const revisions = [revision(2, ago(200)), revision(3, ago(300))];
    const r = report(audit, { histories: history(revisions) });
    expect(r.total.deploys).toMatchObject({ succeeded: 2, byOthers: 1 });
    expect(r.services[0]?.changeFailures).toEqual([expect.objectContaining({ deployedAt: ago(200), revision: "2", followedBy: "rollback", followedAt: ago(199) })]);
    const byOthersOnly = report([], { histories: history(revisions) });
    expect(byOthersOnly.total.deploys).toMatchObject({ succeeded: 2, byOthers: 2 });
  });
});

describe("teams: namespace label team, else ai-platform/team, else manifest owner, else unassigned", () => {
  const inNs = (namespace: string, name: string) => ({ namespace, object: { apiVersion: "apps/v1", kind: "Deployment", name } });
  const audit = [
    record("deploy", ago(300), inNs("search", "reranker")),
    record("rollback", ago(299), inNs("search", "reranker")),
    record("deploy", ago(200), inNs("search", "embedder")),
    record("deploy", ago(100), inNs("search", "embedder")),
    record("deploy", ago(300), inNs("vision", "detector")),
    record("deploy", ago(300), inNs("chat", "bot")),
    record("deploy", ago(300), inNs("misc", "orphan")),
  ];
  const teams: TeamSources = {
    namespaceLabels: [
      { context: "prod", namespace: "search", labels: { team: "search-team", "ai-platform/team": "ignored" } },
      { context: "prod", namespace: "vision", labels: { "ai-platform/team": "vision-team" } },
      { context: "staging", namespace: "chat", labels: { team: "wrong-cluster" } },
    ],
    manifestOwners: [{ namespace: "chat", name: "bot", owner: "chat-team" }],
  };

  test("each service's team and where it came from", () => {
    const r = report(audit, { teams });
    expect(r.services.map((s) => [s.service.name, s.team, s.teamOrigin])).toEqual([
      ["bot", "chat-team", "manifest-owner"],
      ["orphan", "unassigned", "unassigned"],
      ["embedder", "search-team", "namespace-label"],
      ["reranker", "search-team", "namespace-label"],
      ["detector", "vision-team", "namespace-label"],
    ]);
  });

  test("a team's rate pools its deploys (1 failure in 3 judged), it does not average its services' rates (0.5)", () => {
    const search = report(audit, { teams }).teams.find((t) => t.team === "search-team");
    expect(search?.services).toBe(2);
    expect(search?.changeFailure).toEqual({ judged: 3, failed: 1, rate: 1 / 3, pending: 0 });
  });

  test("--team, --service and --context filter the services (and so the teams and total)", () => {
    expect(report(audit, { teams, filter: { team: "search-team" } }).services.map((s) => s.service.name)).toEqual(["embedder", "reranker"]);
    const one = report(audit, { teams, filter: { service: { namespace: "search", name: "reranker" } } });
    expect(one.teams.map((t) => t.team)).toEqual(["search-team"]);
    expect(one.total.deploys.succeeded).toBe(1);
    expect(report(audit, { teams, filter: { context: "staging" } }).services).toEqual([]);
  });
});

describe("what it could not see", () => {
  test("InferenceServices have no ReplicaSet history: said when histories were read", () => {
    const isvc = record("deploy", ago(10), { object: { apiVersion: "serving.kserve.io/v1beta1", kind: "InferenceService", name: "sklearn-iris" } });
    const withHistory = report([isvc], { histories: [{ service: vllm, revisions: [] }] });
    expect(withHistory.blindSpots).toEqual([{ kind: "no-history-for-kind", services: 1 }]);
    const auditOnly = report([isvc], { blindSpots: [{ kind: "no-rollout-history" }] });
    expect(auditOnly.blindSpots).toEqual([{ kind: "no-rollout-history" }]);
  });

  test("records of nodes, or without a namespace, are no service's", () => {
    const cordon = record("cordon", ago(10), { object: { apiVersion: "v1", kind: "Node", name: "gpu-1" } });
    const { namespace: _, ...noNs } = record("deploy", ago(10));
    expect(report([cordon, noNs]).services).toEqual([]);
  });
});
