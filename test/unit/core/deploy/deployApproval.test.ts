/** Four eyes before a deploy: approvals read only from a log whose chain verifies, by someone else, for this change, within 7 days. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { appendAuditRecord } from "../../../../src/core/audit/auditLog";
import type { Actor } from "../../../../src/core/audit/auditRecord";
import { checkDeployApproval, type ApprovalRequest } from "../../../../src/core/deploy/deployApproval";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "deploy-approval-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const deployer: Actor = { kubeUser: "ci", osUser: "runner", gitUser: { email: "dev@example.com" } };
const teammate: Actor = { kubeUser: "alice", osUser: "alice", gitUser: { email: "alice@example.com" } };
const digest = `sha256:${"ab".repeat(32)}`;
const now = new Date("2026-11-30T12:00:00Z");
const daysAgo = (d: number) => new Date(now.getTime() - d * 24 * 3600 * 1000).toISOString();

const request = (): ApprovalRequest => ({ env: "prod", auditFile: path.join(dir, "audit.jsonl"), context: "aks-prod", namespace: "llm", object: { kind: "Deployment", name: "chat" }, desiredDigest: digest, deployer, now });

async function approve(by: Actor, opts: { digest?: string; ts?: string } = {}): Promise<void> {
  const appended = await appendAuditRecord(path.join(dir, "audit.jsonl"), {
    ...(opts.ts ? { ts: opts.ts } : {}),
    actor: by,
    cluster: "https://aks-prod:443",
    context: "aks-prod",
    namespace: "llm",
    object: { apiVersion: "apps/v1", kind: "Deployment", name: "chat" },
    action: "approve",
    reason: "CHG-42",
    diffDigest: opts.digest ?? digest,
    outcome: "succeeded",
  });
  if (!appended.ok) throw new Error(appended.error);
}

describe("checkDeployApproval", () => {
  test("no log yet: no approval", async () => {
    expect(await checkDeployApproval(request())).toEqual({ ok: false, error: { kind: "approval-missing", env: "prod", why: "none", desiredDigest: digest } });
  });

  test("a teammate's approval of exactly this change, 2 days old: approved, by them", async () => {
    await approve(teammate, { ts: daysAgo(2) });
    const checked = await checkDeployApproval(request());
    expect(checked.ok && checked.by.actor).toEqual(teammate);
  });

  test.each([
    { what: "approved by the deployer", by: deployer, opts: {}, why: "self-approved" },
    { what: "approved for another change", by: teammate, opts: { digest: `sha256:${"cd".repeat(32)}` }, why: "other-change" },
    { what: "approved 8 days ago", by: teammate, opts: { ts: daysAgo(8) }, why: "expired" },
  ])("$what: refused ($why)", async ({ by, opts, why }) => {
    await approve(by, opts);
    expect(await checkDeployApproval(request())).toMatchObject({ ok: false, error: { kind: "approval-missing", why } });
  });

  test("an approval in a log whose chain was edited is not believed", async () => {
    await approve(teammate, { ts: daysAgo(1) });
    const file = path.join(dir, "audit.jsonl");
    writeFileSync(file, readFileSync(file, "utf8").replace("CHG-42", "CHG-43"));
    const checked = await checkDeployApproval(request());
    expect(checked).toMatchObject({ ok: false, error: { kind: "audit-log-broken", env: "prod", file } });
  });
});
