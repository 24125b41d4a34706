import { describe, expect, it } from "vitest";
import type { AuditRecord } from "../../../../src/core/audit/auditRecord";
import type { RevisionInfo } from "../../../../src/core/kube/rollout/rolloutUndo";
import { changeMarkers } from "../../../../src/core/metrics/changeMarkers";

const workload = { context: "aks-prod", namespace: "llm-serving", kind: "Deployment", name: "vllm-llama3-70b" };
const t0 = Date.parse("2026-11-20T00:00:00Z");
const at = (hours: number): Date => new Date(t0 + hours * 3_600_000);

function revision(n: number, createdHours: number, extra: Partial<RevisionInfo> = {}): RevisionInfo {
  return { revision: n, replicaSet: `vllm-llama3-70b-${n}`, images: [`vllm/vllm-openai:v0.${n}`], modelVersion: undefined, created: at(createdHours), changeCause: undefined, replicas: 0, readyReplicas: 0, current: false, ...extra };
}

function record(action: AuditRecord["action"], hours: number, extra: Partial<AuditRecord> = {}): AuditRecord {
  return {
    v: 1, seq: 1, ts: at(hours).toISOString(), actor: { kubeUser: "alice@aks", osUser: "alice", gitUser: { name: "Alice Doe" } },
    cluster: "https://aks", context: workload.context, namespace: workload.namespace, object: { apiVersion: "apps/v1", kind: "Deployment", name: workload.name },
    action, outcome: "succeeded", prevHash: "0".repeat(64), hash: "1".repeat(64), ...extra,
  };
}

const all = { start: t0 / 1000 - 86_400, end: t0 / 1000 + 30 * 86_400 };

describe("changeMarkers", () => {
  it("marks each revision at its ReplicaSet's creation, with image, model version and the actor from change-cause", () => {
    const markers = changeMarkers({
      workload, audit: [], ...all,
      revisions: [revision(2, 48, { modelVersion: "7", changeCause: "aiplat deploy to revision 2: new weights (by bob@aks)" }), revision(1, 0)],
    });
    expect(markers.map((m) => [m.kind, m.revision, m.time])).toEqual([["deploy", 1, t0 / 1000], ["deploy", 2, t0 / 1000 + 48 * 3600]]);
    expect(markers[1]).toMatchObject({ image: "vllm/vllm-openai:v0.2", modelVersion: "7", actor: "bob@aks", origin: "rollout history" });
  });

  it("merges the audit record of a deploy into its revision's marker, naming who made it and why", () => {
    const markers = changeMarkers({ workload, revisions: [revision(2, 48)], audit: [record("deploy", 48.05, { revisionAfter: "2", reason: "CVE fix" })], ...all });
    expect(markers).toHaveLength(1);
    expect(markers[0]).toMatchObject({ revision: 2, actor: "Alice Doe", reason: "CVE fix", origin: "rollout history, audit log" });
  });

  it("places a rollback at the audit log's time, not at the reused ReplicaSet's old creation time", () => {
    // kubectl rollout undo gives revision 1's ReplicaSet the number 3 and keeps its creation time.
    const revisions = [revision(3, 0), revision(2, 48)];
    const markers = changeMarkers({ workload, revisions, audit: [record("rollback", 50, { revisionAfter: "3" })], ...all });
    expect(markers.map((m) => [m.kind, m.revision, m.time])).toEqual([["deploy", 2, t0 / 1000 + 48 * 3600], ["rollback", 3, t0 / 1000 + 50 * 3600]]);
  });

  it("marks scales from the audit log and ignores failed changes and other workloads", () => {
    const markers = changeMarkers({
      workload, revisions: [], ...all,
      audit: [record("scale", 10), record("deploy", 11, { outcome: "failed" }), record("scale", 12, { object: { apiVersion: "apps/v1", kind: "Deployment", name: "other" } }), record("scale", 13, { context: "dev" })],
    });
    expect(markers.map((m) => [m.kind, m.time])).toEqual([["scale", t0 / 1000 + 36_000]]);
  });

  it("keeps only the markers inside the range", () => {
    const markers = changeMarkers({ workload, revisions: [revision(1, 0), revision(2, 48)], audit: [], start: t0 / 1000 + 3600, end: t0 / 1000 + 72 * 3600 });
    expect(markers.map((m) => m.revision)).toEqual([2]);
  });
});
