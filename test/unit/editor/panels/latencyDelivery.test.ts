import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { V1Deployment, V1ReplicaSet } from "@kubernetes/client-node";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import type * as vscode from "vscode";
import { appendAuditRecord } from "../../../../src/core/audit/auditLog";
import type { ClusterConnection } from "../../../../src/editor/clusterConnection";
import { loadDeliveryData } from "../../../../src/editor/metrics/latencyData";
import { registerLatencyDashboard, type LatencyDashboard } from "../../../../src/editor/panels/latencyDashboard";
import type { LatencyToWebview, ServiceRef } from "../../../../src/shared/protocol/latency";
import { fake, fakeLog, FakeUri, resetFake } from "./fakeVscode";

vi.mock("vscode", async () => (await import("./fakeVscode")).fakeVscode);

const web: ServiceRef = { context: "aks-prod", namespace: "ml", kind: "Deployment", name: "web" };
const now = new Date("2026-12-01T00:00:00Z");
const hoursAgo = (h: number): string => new Date(now.getTime() - h * 3_600_000).toISOString();

let work: string;
let log: ReturnType<typeof fakeLog>;
beforeEach(() => {
  resetFake();
  log = fakeLog();
  work = mkdtempSync(path.join(tmpdir(), "aiplat-delivery-"));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

function replicaSet(revision: number, created: string): V1ReplicaSet {
  return {
    metadata: { name: `web-${revision}`, namespace: "ml", creationTimestamp: new Date(created), annotations: { "deployment.kubernetes.io/revision": String(revision) }, ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: "u1", controller: true }] },
    spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "app", image: `web:${revision}` }] } } },
  };
}

/** The parts of the editor's connection the section reads: the selected context, the cluster model and the namespace cache. */
function connection(context: string, teamLabel?: string): ClusterConnection {
  const deployment: V1Deployment = { metadata: { name: "web", namespace: "ml", uid: "u1" }, spec: { selector: { matchLabels: { app: "web" } }, template: replicaSet(2, hoursAgo(50)).spec!.template! } };
  const workload = { kind: "Deployment", namespace: "ml", name: "web", deployment };
  return {
    state: { kind: "ready", context: { name: context } },
    model: { workloads: { workload: (id: string) => (id.endsWith("/web") ? workload : undefined), replicaSetsOf: () => [replicaSet(1, hoursAgo(100)), replicaSet(2, hoursAgo(50))] } },
    current: { namespaces: { get: (name: string) => (name === "ml" && teamLabel ? { metadata: { name, labels: { team: teamLabel } } } : undefined) } },
  } as unknown as ClusterConnection;
}

describe("loadDeliveryData: the Delivery section from the workspace's audit log and the cluster cache", () => {
  test("revisions in the cache no record names are deploys by others; the rollback record marks the failure", async () => {
    const auditFile = path.join(work, ".aiplatform", "audit.jsonl");
    await appendAuditRecord(auditFile, { actor: { kubeUser: "a", osUser: "a" }, cluster: "https://aks", context: "aks-prod", namespace: "ml", object: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, action: "rollback", outcome: "succeeded", ts: hoursAgo(49), detectedAt: hoursAgo(49.5) });
    const message = await loadDeliveryData({ connection: connection("aks-prod", "web-team"), auditFile: () => auditFile, log: log as unknown as vscode.LogOutputChannel }, web, now);
    if (message.type !== "delivery") throw new Error(message.type);
    expect(message.service).toEqual(web);
    expect(message.report.window).toMatchObject({ days: 90 });
    const row = message.report.services[0]!;
    expect([row.team, row.teamOrigin]).toEqual(["web-team", "namespace-label"]);
    expect(row.deploys).toMatchObject({ succeeded: 2, byOthers: 2 });
    expect(row.changeFailure).toMatchObject({ judged: 2, failed: 1 });
    expect(row.timeToMitigate).toMatchObject({ count: 1, medianSeconds: 1800 });
    expect(message.report.blindSpots).toEqual([]);
  });

  test("another context selected: the audit log only, and said so; no log yet: said too", async () => {
    const auditFile = path.join(work, "none.jsonl");
    const message = await loadDeliveryData({ connection: connection("kind-dev"), auditFile: () => auditFile, log: log as unknown as vscode.LogOutputChannel }, web, now);
    if (message.type !== "delivery") throw new Error(message.type);
    expect(message.report.services).toEqual([]);
    expect(message.report.blindSpots).toEqual([{ kind: "audit-log-missing", file: auditFile }, { kind: "no-rollout-history" }]);
  });
});

describe("the dashboard host sends the Delivery section after each load", () => {
  let dashboard: LatencyDashboard;
  afterEach(() => dashboard.dispose());

  test("after the charts, even when there are none (no metrics source); off-contract answers are logged, not posted", async () => {
    const auditFile = path.join(work, "none.jsonl");
    let answer: "ok" | "broken" = "ok";
    dashboard = registerLatencyDashboard({
      extensionUri: FakeUri.file("/ext") as unknown as vscode.Uri,
      log: log as unknown as vscode.LogOutputChannel,
      data: () => Promise.resolve({ type: "unavailable", message: "No metrics source is connected.", action: "connectMetrics" }),
      openRevision: () => undefined,
      connectMetricsCommand: "aiPlatform.connectMetrics",
      delivery: async (service): Promise<LatencyToWebview> => {
        const m = await loadDeliveryData({ connection: connection("kind-dev"), auditFile: () => auditFile, log: log as unknown as vscode.LogOutputChannel }, service, now);
        return answer === "ok" ? m : ({ ...m, report: { broken: true } } as unknown as LatencyToWebview);
      },
    });
    await dashboard.open(web);
    const p = fake.panels[0]!;
    p.send({ type: "ready" });
    // The delivery answer reads the audit log from disk: wait for it rather than for a fixed number of turns.
    await vi.waitFor(() => expect(p.types()).toEqual(["loading", "unavailable", "delivery"]), { timeout: 5_000 });
    expect(p.posted[2]).toMatchObject({ type: "delivery", service: web, report: { services: [], blindSpots: [{ kind: "audit-log-missing" }, { kind: "no-rollout-history" }] } });
    answer = "broken";
    p.send({ type: "refresh" });
    await vi.waitFor(() => expect(log.lines.some((l) => /delivery metrics do not match the contract/.test(l))).toBe(true), { timeout: 5_000 });
    expect(p.types()).toEqual(["loading", "unavailable", "delivery", "loading", "unavailable"]);
  });
});
