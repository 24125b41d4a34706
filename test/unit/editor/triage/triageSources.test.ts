/**
 * What triage is given besides the cluster, and how the mitigation taken is read back: the metrics
 * source only when it serves the workload's context, the audit log's records or why there are
 * none, and the rollback record that names the incident (the newest, if it was tried twice).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { appendAuditRecord } from "../../../../src/core/audit/auditLog";
import type { AuditEntry } from "../../../../src/core/audit/auditRecord";
import type { MetricsSource } from "../../../../src/core/metrics/metricsSource";
import type { Workload } from "../../../../src/core/kube/workloads/workloadIndex";

vi.mock("vscode", () => ({}));
const { actorName, mitigationRecordOf, triageAuditOf } = await import("../../../../src/editor/triage/triageSources");
const { workloadMetricsOf } = await import("../../../../src/editor/metrics/workloadMetrics");

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "triage-sources-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const workload: Workload = {
  kind: "Deployment",
  namespace: "llm-serving",
  name: "vllm-llama3-70b",
  id: "Deployment/llm-serving/vllm-llama3-70b",
  deployment: { metadata: { name: "vllm-llama3-70b", namespace: "llm-serving" }, spec: { selector: {}, template: { spec: { containers: [{ name: "vllm", image: "vllm/vllm-openai:v0.6.3" }] } } } },
  inferenceService: undefined,
  qualifications: [],
};
const source = { kind: "prometheus", description: "test" } as unknown as MetricsSource;
const entry = { context: "sandbox", kind: "prometheus" as const, url: "http://prometheus:9090" };

describe("the workload's metrics (triage, canary)", () => {
  test("the selected context's source, with the workload's target (runtime from its image)", () => {
    const m = workloadMetricsOf({ kind: "ready", context: "sandbox", entry, source }, "sandbox", workload);
    expect("source" in m && m.source).toBe(source);
    expect("target" in m && m.target).toMatchObject({ context: "sandbox", namespace: "llm-serving", name: "vllm-llama3-70b", kind: "Deployment", runtime: "vllm" });
  });

  test("no source, an unusable one, or another context's: unavailable, with why (the report's blind spot)", () => {
    expect(workloadMetricsOf({ kind: "none", context: "sandbox" }, "sandbox", workload)).toEqual({ unavailable: "no metrics source is connected for sandbox (Connect Metrics… sets one up)" });
    expect(workloadMetricsOf({ kind: "problem", context: "sandbox", entry, problem: "the token is not stored" }, "sandbox", workload)).toEqual({ unavailable: "the metrics source for sandbox cannot be used: the token is not stored" });
    expect(workloadMetricsOf({ kind: "ready", context: "other", entry, source }, "sandbox", workload)).toEqual({ unavailable: "the metrics source is for other, not sandbox" });
  });
});

describe("the audit log", () => {
  const base: Omit<AuditEntry, "action" | "outcome"> = {
    actor: { kubeUser: "alice", osUser: "alice", gitUser: { email: "alice@example.com" } },
    cluster: "https://sandbox:6443",
    context: "sandbox",
    namespace: "llm-serving",
    object: { apiVersion: "apps/v1", kind: "Deployment", name: "vllm-llama3-70b" },
  };

  test("a missing log is unavailable with its reason; a written one gives its records", async () => {
    const file = path.join(dir, "audit.jsonl");
    const missing = await triageAuditOf(file);
    expect("unavailable" in missing && missing.unavailable).toBeTruthy();
    await appendAuditRecord(file, { ...base, action: "deploy", outcome: "succeeded" });
    const read = await triageAuditOf(file);
    if ("unavailable" in read) throw new Error(read.unavailable);
    expect(read.map((r) => r.action)).toEqual(["deploy"]);
  });

  test("the mitigation taken is the newest rollback record naming the incident", async () => {
    const file = path.join(dir, "mitigations.jsonl");
    const incident = ".aiplatform/incidents/20261201T070000Z-vllm-llama3-70b.md";
    await appendAuditRecord(file, { ...base, action: "rollback", outcome: "failed", detectedAt: "2026-12-01T07:00:00.000Z", incident });
    await appendAuditRecord(file, { ...base, action: "rollback", outcome: "succeeded", detectedAt: "2026-12-01T07:00:00.000Z", incident });
    await appendAuditRecord(file, { ...base, action: "rollback", outcome: "succeeded", incident: ".aiplatform/incidents/other.md" });
    const records = await triageAuditOf(file);
    if ("unavailable" in records) throw new Error(records.unavailable);
    const taken = mitigationRecordOf(records, incident);
    expect(taken).toMatchObject({ seq: 2, outcome: "succeeded", detectedAt: "2026-12-01T07:00:00.000Z" });
    expect(taken && actorName(taken)).toBe("alice@example.com");
    expect(mitigationRecordOf(records, ".aiplatform/incidents/none.md")).toBeUndefined();
  });
});
