import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { appendAuditRecord, readAuditLog } from "../../../../src/core/audit/auditLog";
import { verifyAuditLog } from "../../../../src/core/audit/auditVerify";
import { aliasAuditEntry } from "../../../../src/core/registry/aliasAuditEntry";
import { auditEntry, tempDir } from "../audit/auditEntries";

const tmp = tempDir("alias-audit-");
afterAll(tmp.cleanup);
const actor = { kubeUser: "alice", gitUser: { name: "Alice Example" }, osUser: "alice" };

describe("an alias move in the audit log", () => {
  test("promoting challenger to champion is one record in the same chain as cluster changes, and the chain verifies", async () => {
    const file = path.join(tmp.dir, "a", "audit.jsonl");
    expect((await appendAuditRecord(file, auditEntry({ action: "deploy" }))).ok).toBe(true);
    const appended = await appendAuditRecord(
      file,
      aliasAuditEntry({ actor, registryUrl: "https://mlflow.example.com", context: "aks-ml-prod", model: "llama3-70b-chat", alias: "champion", before: "3", after: "4", reason: "v4 won the October eval", outcome: "succeeded" }),
    );
    if (!appended.ok) throw new Error(appended.error);
    expect(appended.record).toMatchObject({
      seq: 2,
      action: "set-alias",
      cluster: "https://mlflow.example.com",
      context: "aks-ml-prod",
      object: { apiVersion: "mlflow/2.0", kind: "RegisteredModelAlias", name: "llama3-70b-chat@champion" },
      revisionBefore: "3",
      revisionAfter: "4",
      reason: "v4 won the October eval",
      outcome: "succeeded",
    });
    expect(appended.record).not.toHaveProperty("namespace");
    expect(await verifyAuditLog({ file })).toMatchObject({ ok: true, records: 2 });
  });

  test("a new alias has no version before; a failed move keeps the registry's answer, cut to the log's limit", async () => {
    const file = path.join(tmp.dir, "b", "audit.jsonl");
    const set = await appendAuditRecord(file, aliasAuditEntry({ actor, registryUrl: "http://127.0.0.1:5000", context: "kind-gpu-lab", model: "team/fraud detector", alias: "challenger", before: undefined, after: "2", outcome: "succeeded" }));
    const failed = await appendAuditRecord(
      file,
      aliasAuditEntry({ actor, registryUrl: "http://127.0.0.1:5000", context: "kind-gpu-lab", model: "team/fraud detector", alias: "champion", before: "1", after: "2", outcome: "failed", detail: "x".repeat(5000) }),
    );
    expect(set.ok && set.record).not.toHaveProperty("revisionBefore");
    expect(failed.ok && failed.record.detail?.length).toBe(2000);
    const read = await readAuditLog(file);
    if (!read.ok) throw new Error(read.error.kind);
    expect(read.records.map((r) => [r.object.name, r.outcome])).toEqual([
      ["team/fraud detector@challenger", "succeeded"],
      ["team/fraud detector@champion", "failed"],
    ]);
  });
});
