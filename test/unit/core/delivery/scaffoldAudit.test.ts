import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { appendAuditRecord, readAuditLog } from "../../../../src/core/audit/auditLog";
import { verifyAuditLog } from "../../../../src/core/audit/auditVerify";
import { computeDeliveryReport } from "../../../../src/core/delivery/deliveryReport";
import { scaffoldService } from "../../../../src/core/scaffold/scaffoldService";

const templatesDir = path.resolve(__dirname, "../../../../templates");
const actor = { kubeUser: "newcomer", osUser: "newcomer" };
let work: string;
beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), "aiplat-scaffold-audit-"));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

describe("a scaffold with an audit file records itself, and starts the newcomer's lead time", () => {
  test.each([
    ["vllm", "Deployment", "apps/v1"],
    ["kserve", "InferenceService", "serving.kserve.io/v1beta1"],
  ])("%s: a chained 'scaffold' record naming the first environment's %s", async (templateId, kind, apiVersion) => {
    const file = path.join(work, ".aiplatform", "audit.jsonl");
    const now = new Date("2026-11-20T09:00:00Z");
    const result = await scaffoldService({ templatesDir, templateId, name: "chat", outDir: path.join(work, "chat"), set: [], now, audit: { file, actor } });
    if (!result.ok) throw new Error(result.error.kind);
    expect(result.audit).toEqual({ ok: true, seq: 1 });
    const envName = Object.keys(result.manifest.environments)[0]!;
    const env = result.manifest.environments[envName]!;
    const log = await readAuditLog(file);
    if (!log.ok) throw new Error(log.error.message);
    expect(log.records).toHaveLength(1);
    expect(log.records[0]).toMatchObject({ action: "scaffold", outcome: "succeeded", ts: now.toISOString(), context: env.context, cluster: env.context, namespace: env.namespace, object: { apiVersion, kind, name: "chat" }, actor });
    expect((await verifyAuditLog({ file })).ok).toBe(true);

    // The first deploy, two hours later, ends the lead time.
    await appendAuditRecord(file, { actor, cluster: "https://dev.example:6443", context: env.context, namespace: env.namespace, object: { apiVersion, kind, name: "chat" }, action: "deploy", outcome: "succeeded", ts: "2026-11-20T11:00:00.000Z" });
    const records = await readAuditLog(file);
    const report = computeDeliveryReport({ window: { start: new Date("2026-11-01T00:00:00Z"), end: new Date("2026-12-01T00:00:00Z") }, audit: records.ok ? records.records : [], histories: [], teams: { namespaceLabels: [], manifestOwners: [] } });
    expect(report.total.leadTime).toEqual({ count: 1, medianSeconds: 7200, p90Seconds: 7200, pending: 0 });
  });

  test("without an audit file nothing is recorded", async () => {
    const result = await scaffoldService({ templatesDir, templateId: "vllm", name: "chat", outDir: path.join(work, "chat"), set: [] });
    expect(result.ok && result.audit).toBe(undefined);
    expect((await readAuditLog(path.join(work, ".aiplatform", "audit.jsonl"))).ok).toBe(false);
  });
});
