import type { CoreV1Event } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { AuditRecord } from "../../../../src/core/audit/auditRecord";
import type { RevisionInfo } from "../../../../src/core/kube/rollout/rolloutUndo";
import { triageChanges, workloadWarnings } from "../../../../src/core/triage/triageChanges";

const now = Date.parse("2026-12-01T10:00:00Z") / 1000;
const hoursAgo = (h: number) => new Date((now - h * 3600) * 1000);
const workload = { kind: "Deployment" as const, namespace: "ml", name: "scorer" };

function revision(n: number, created: Date, extra: Partial<RevisionInfo> = {}): RevisionInfo {
  return { revision: n, replicaSet: `scorer-${n}abc`, images: [`acr.io/scorer:${n}.0`], modelVersion: undefined, created, changeCause: undefined, replicas: 0, readyReplicas: 0, current: false, ...extra };
}

function record(seq: number, ts: Date, action: AuditRecord["action"], extra: Partial<AuditRecord> = {}): AuditRecord {
  return {
    v: 1,
    seq,
    ts: ts.toISOString(),
    actor: { kubeUser: "alice@example.com", osUser: "alice", gitUser: { name: "Alice" } },
    cluster: "https://aks.example:443",
    context: "prod",
    namespace: "ml",
    object: { apiVersion: "apps/v1", kind: "Deployment", name: "scorer" },
    action,
    outcome: "succeeded",
    prevHash: "0".repeat(64),
    hash: "1".repeat(64),
    ...extra,
  };
}

describe("triageChanges", () => {
  const revisions = [revision(1, hoursAgo(24 * 10)), revision(2, hoursAgo(48)), revision(3, hoursAgo(1), { current: true })];

  it("keeps the changes inside the window and the latest one before it, oldest first", () => {
    const changes = triageChanges({ context: "prod", workload, revisions, audit: [], warnings: [], windowStart: now - 2 * 3600, now });
    expect(changes.map((c) => [c.kind, c.revision, c.beforeWindow ?? false])).toEqual([
      ["deploy", 2, true],
      ["deploy", 3, false],
    ]);
    expect(changes[1]).toMatchObject({ at: now - 3600, image: "acr.io/scorer:3.0", origin: "rollout history" });
  });

  it("a deploy in both the history and the log is one change, with who, why and the record's seq", () => {
    const audit = [record(7, new Date((now - 3600 + 30) * 1000), "deploy", { revisionAfter: "3", reason: "new tokenizer" })];
    const [, deploy] = triageChanges({ context: "prod", workload, revisions, audit, warnings: [], windowStart: now - 2 * 3600, now });
    expect(deploy).toMatchObject({ kind: "deploy", revision: 3, actor: "Alice", reason: "new tokenizer", auditSeq: 7, origin: "rollout history, audit log" });
  });

  it("rollbacks, scales and canary steps come from the log alone; other workloads', other contexts' and failed ones do not count", () => {
    const audit = [
      record(8, hoursAgo(0.5), "rollback", { revisionAfter: "4" }),
      record(9, hoursAgo(0.4), "scale", { detail: "replicas 3 → 1" }),
      record(10, hoursAgo(0.3), "canary-step", { revisionAfter: "5" }),
      record(11, hoursAgo(0.2), "scale", { object: { apiVersion: "apps/v1", kind: "Deployment", name: "other" } }),
      record(12, hoursAgo(0.2), "scale", { context: "staging" }),
      record(13, hoursAgo(0.1), "deploy", { outcome: "failed" }),
    ];
    const changes = triageChanges({ context: "prod", workload, revisions, audit, warnings: [], windowStart: now - 2 * 3600, now });
    expect(changes.filter((c) => c.origin === "audit log").map((c) => [c.kind, c.auditSeq, c.revision])).toEqual([
      ["rollback", 8, 4],
      ["scale", 9, undefined],
      ["canary-step", 10, 5],
    ]);
    expect(changes.find((c) => c.kind === "scale")?.replicas).toEqual({ before: 3, after: 1 });
  });

  it("warning events inside the window are listed by their last sighting", () => {
    const warning: CoreV1Event = {
      metadata: { name: "e1" },
      involvedObject: { kind: "Pod", name: "scorer-3abc-xxxxx" },
      type: "Warning",
      reason: "BackOff",
      message: "Back-off restarting failed container app",
      firstTimestamp: hoursAgo(0.9),
      lastTimestamp: hoursAgo(0.1),
      count: 40,
    };
    const old: CoreV1Event = { ...warning, metadata: { name: "e0" }, firstTimestamp: hoursAgo(30), lastTimestamp: hoursAgo(29) };
    const changes = triageChanges({ context: "prod", workload, revisions, audit: [], warnings: [warning, old], windowStart: now - 2 * 3600, now });
    expect(changes.filter((c) => c.kind === "warning-event")).toEqual([{ at: now - 360, kind: "warning-event", reason: "BackOff: Back-off restarting failed container app", origin: "events" }]);
  });

  it("no history and no log: no changes", () => {
    expect(triageChanges({ context: "prod", workload, revisions: [], audit: [], warnings: [], windowStart: now - 7200, now })).toEqual([]);
  });
});

describe("workloadWarnings", () => {
  const event = (kind: string, name: string, type = "Warning"): CoreV1Event => ({ metadata: { name: `${name}.1` }, involvedObject: { kind, name }, type, reason: "X" });
  it("keeps warnings about the workload, its ReplicaSets and pods (also pods already gone), and nothing else", () => {
    const events = [
      event("Deployment", "scorer"),
      event("ReplicaSet", "scorer-3abc"),
      event("Pod", "scorer-3abc-q1w2e"),
      event("Pod", "scorer-2abc-gone1"),
      event("Pod", "scorer-3abc-q1w2e", "Normal"),
      event("Pod", "scorer-canary-7d8f9-zzzzz"),
      event("Deployment", "scorer-canary"),
    ];
    const kept = workloadWarnings(events, { workload: "scorer", replicaSets: ["scorer-3abc", "scorer-2abc"], pods: ["scorer-3abc-q1w2e"], podPrefixes: ["scorer-3abc-", "scorer-2abc-"] });
    expect(kept.map((e) => e.involvedObject.name)).toEqual(["scorer", "scorer-3abc", "scorer-3abc-q1w2e", "scorer-2abc-gone1"]);
  });
});
