import { describe, expect, test } from "vitest";
import { findApproval, samePerson, type ApprovalQuery } from "../../../../src/core/audit/approvals";
import type { Actor, AuditRecord } from "../../../../src/core/audit/auditRecord";

const alice: Actor = { kubeUser: "alice@corp", gitUser: { name: "Alice", email: "alice@corp.example" }, osUser: "alice" };
const bob: Actor = { kubeUser: "bob@corp", gitUser: { name: "Bob", email: "Bob@Corp.example" }, osUser: "bob" };
const digest = `sha256:${"a".repeat(64)}`;
const other = `sha256:${"b".repeat(64)}`;

let seq = 0;
const approve = (actor: Actor, diffDigest: string, ts = "2026-11-20T10:00:00.000Z", extra: Partial<AuditRecord> = {}): AuditRecord => ({
  v: 1,
  seq: ++seq,
  ts,
  actor,
  cluster: "https://aks-prod",
  context: "prod",
  namespace: "ml-prod",
  object: { apiVersion: "apps/v1", kind: "Deployment", name: "llama3-chat" },
  action: "approve",
  outcome: "succeeded",
  diffDigest,
  prevHash: "0".repeat(64),
  hash: "1".repeat(64),
  ...extra,
});

const query: ApprovalQuery = {
  context: "prod",
  namespace: "ml-prod",
  object: { kind: "Deployment", name: "llama3-chat" },
  desiredDigest: digest,
  deployer: alice,
  notBefore: new Date("2026-11-16T00:00:00Z"),
};

describe("findApproval: four eyes on production deploys", () => {
  test.each([
    ["no records", [], { approved: false, why: "none" }],
    ["an approval by someone else of exactly this change", [approve(bob, digest)], { approved: true }],
    ["an approval of another change", [approve(bob, other)], { approved: false, why: "other-change" }],
    ["the deployer approving their own change", [approve(alice, digest)], { approved: false, why: "self-approved" }],
    ["an approval older than the window", [approve(bob, digest, "2026-11-01T10:00:00.000Z")], { approved: false, why: "expired" }],
    ["an approval for another namespace", [approve(bob, digest, undefined, { namespace: "ml-dev" })], { approved: false, why: "none" }],
    ["an approval that failed", [approve(bob, digest, undefined, { outcome: "failed" })], { approved: false, why: "none" }],
    ["a deploy record, not an approval", [approve(bob, digest, undefined, { action: "deploy" })], { approved: false, why: "none" }],
  ] as const)("%s", (_what, records, expected) => {
    expect(findApproval(records, query)).toMatchObject(expected);
  });

  test("git e-mails decide identity, case-insensitively; without them the OS and kube users do", () => {
    expect(samePerson(bob, { ...alice, gitUser: { email: "bob@corp.example" } })).toBe(true);
    expect(samePerson({ kubeUser: "k", osUser: "u" }, { kubeUser: "k", osUser: "u" })).toBe(true);
    expect(samePerson({ kubeUser: "k", osUser: "u" }, { kubeUser: "k", osUser: "v" })).toBe(false);
  });
});
