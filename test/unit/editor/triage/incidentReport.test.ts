/**
 * The editor's incident report: saved under the workspace folder's .aiplatform/incidents/ (its
 * workspace-relative path is what the rollback's audit record names), or rendered unsaved with
 * the reason when there is no folder; and the mitigation the audit log recorded, written into the
 * saved report once. Real files in a temporary folder, through core's writer.
 */
import { mkdtemp, readFile, readdir, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { appendAuditRecord, readAuditLog } from "../../../../src/core/audit/auditLog";
import { triageReport } from "./triageReportFixture";

vi.mock("vscode", () => ({}));
const { incidentReportOf, mitigationTakenOf, recordMitigationInReport } = await import("../../../../src/editor/triage/incidentReport");

let ws: string;
beforeAll(async () => {
  ws = await mkdtemp(path.join(tmpdir(), "incident-"));
});
afterAll(() => rm(ws, { recursive: true, force: true }));

const builtInRunbook = "/ext/media/runbooks/triage-runbook.md";

describe("the incident report in the editor", () => {
  test("saved under .aiplatform/incidents/ with a workspace-relative path; a second triage of the same second does not overwrite it", async () => {
    const report = triageReport();
    const auditFile = path.join(ws, ".aiplatform", "audit.jsonl");
    const first = await incidentReportOf({ workspaceDir: ws, report, auditFile, serviceRunbook: undefined, builtInRunbook });
    const second = await incidentReportOf({ workspaceDir: ws, report, auditFile, serviceRunbook: undefined, builtInRunbook });
    expect(first).toMatchObject({ kind: "saved", relative: ".aiplatform/incidents/20261201T070000Z-vllm-llama3-70b.md" });
    expect(second).toMatchObject({ kind: "saved", relative: ".aiplatform/incidents/20261201T070000Z-vllm-llama3-70b-2.md" });
    expect((await readdir(path.join(ws, ".aiplatform", "incidents"))).sort()).toEqual(["20261201T070000Z-vllm-llama3-70b-2.md", "20261201T070000Z-vllm-llama3-70b.md"]);
  });

  test("no folder open: rendered for an unsaved editor, and why", async () => {
    const r = await incidentReportOf({ workspaceDir: undefined, report: triageReport(), auditFile: "/tmp/audit.jsonl", serviceRunbook: undefined, builtInRunbook });
    expect(r.kind).toBe("unsaved");
    if (r.kind !== "unsaved") return;
    expect(r.why).toMatch(/no folder is open/);
    expect(r.markdown).toContain("vllm-llama3-70b");
  });

  test("an incidents folder that links out of the workspace is refused; the report is still shown", async () => {
    const other = await mkdtemp(path.join(tmpdir(), "elsewhere-"));
    const linked = await mkdtemp(path.join(tmpdir(), "linked-ws-"));
    try {
      await symlink(other, path.join(linked, ".aiplatform"));
      const r = await incidentReportOf({ workspaceDir: linked, report: triageReport(), auditFile: "/tmp/audit.jsonl", serviceRunbook: undefined, builtInRunbook });
      expect(r.kind).toBe("unsaved");
      if (r.kind === "unsaved") expect(r.why).toMatch(/leads outside the workspace folder/);
      // No report lands outside (core's writer creates the folder before it checks where it leads).
      expect(await readdir(other, { recursive: true })).not.toContainEqual(expect.stringMatching(/\.md$/));
    } finally {
      await rm(other, { recursive: true, force: true });
      await rm(linked, { recursive: true, force: true });
    }
  });

  test("the mitigation the audit log recorded goes into the saved report, once", async () => {
    const report = triageReport();
    const auditFile = path.join(ws, "mitigation-audit.jsonl");
    const saved = await incidentReportOf({ workspaceDir: ws, report: { ...report, generatedAt: "2026-12-01T07:05:00.000Z" }, auditFile, serviceRunbook: undefined, builtInRunbook });
    if (saved.kind !== "saved") throw new Error("not saved");
    await appendAuditRecord(auditFile, {
      actor: { kubeUser: "admin", osUser: "alice", gitUser: { email: "alice@example.com" } },
      cluster: "https://sandbox:6443",
      context: "sandbox",
      namespace: "llm-serving",
      object: { apiVersion: "apps/v1", kind: "Deployment", name: "vllm-llama3-70b" },
      action: "rollback",
      revisionBefore: "2",
      revisionAfter: "3",
      outcome: "succeeded",
      detectedAt: "2026-12-01T07:05:00.000Z",
      incident: saved.relative,
    });
    const read = await readAuditLog(auditFile);
    if (!read.ok) throw new Error(read.error.message);
    const record = read.records[0];
    if (!record) throw new Error("no record");
    const taken = mitigationTakenOf(record, report);
    // The revision rolled back to is the recommended one (1), not the number the undo gave its template (3).
    expect(taken).toMatchObject({ action: "rollback", outcome: "succeeded", by: "alice@example.com", revision: 1, auditSeq: 1 });
    expect(await recordMitigationInReport(saved.file, taken, auditFile)).toEqual({ ok: true });
    expect(await recordMitigationInReport(saved.file, taken, auditFile)).toEqual({ ok: true });
    const text = await readFile(saved.file, "utf8");
    expect(text.split("\n").filter((l) => l.startsWith("- ") && l.includes("alice@example.com"))).toHaveLength(1);
  });
});
