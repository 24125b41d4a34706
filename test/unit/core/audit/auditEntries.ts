import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { appendAuditRecord } from "../../../../src/core/audit/auditLog";
import { type AuditEntry } from "../../../../src/core/audit/auditRecord";

/** A rollback as the extension would record it; tests override what they look at. */
export function auditEntry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    actor: { kubeUser: "alice", gitUser: { name: "Alice Example", email: "alice@example.com" }, osUser: "alice" },
    cluster: "https://aks-ml-prod.hcp.westeurope.azmk8s.io:443",
    context: "aks-ml-prod",
    namespace: "llm-serving",
    object: { apiVersion: "apps/v1", kind: "Deployment", name: "vllm-llama3-70b" },
    action: "rollback",
    reason: "p99 latency doubled after revision 5",
    revisionBefore: "5",
    revisionAfter: "6",
    outcome: "succeeded",
    ...overrides,
  };
}

/** A temporary folder per test file, removed afterwards. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Appends n records (reasons "change 1".."change n") one second apart, failing loudly if any append fails. */
export async function writeLog(file: string, n: number, start = Date.parse("2026-11-23T09:00:00Z")): Promise<void> {
  for (let i = 1; i <= n; i++) {
    const r = await appendAuditRecord(file, auditEntry({ reason: `change ${i}` }), { now: new Date(start + i * 1000) });
    if (!r.ok) throw new Error(r.error);
  }
}
