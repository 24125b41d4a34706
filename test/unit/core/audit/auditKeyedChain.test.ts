/**
 * The keyed chain: every record carries HMAC-SHA256(key, hash). A tail rewritten and re-hashed
 * verifies as a chain, but not with the key; MACs dropped after a keyed record are caught even
 * without it. Expected MACs come from Python's hmac module, not from the code under test.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { auditLogId } from "../../../../src/core/audit/auditAnchor";
import { appendAuditRecord, readAuditLog } from "../../../../src/core/audit/auditLog";
import { auditKeyEnv, auditKeyFor, auditKeyFromEnv, auditKeyFromText, type AuditKey, useAuditKeySource, withEnvironmentKey } from "../../../../src/core/audit/auditSigningKey";
import { describeVerification, verifyAuditLog, verifyAuditText } from "../../../../src/core/audit/auditVerify";
import { auditEntry, tempDir } from "./auditEntries";
import { rewriteFrom } from "./auditTamper";

const { dir, cleanup } = tempDir("audit-keyed-");
afterAll(cleanup);

const secret = "correct horse battery staple";
const key = (text = secret): AuditKey => {
  const made = auditKeyFromText(text, "test");
  if (!made.ok) throw new Error("test key rejected");
  return made.key;
};
const pythonHmac = (k: string, message: string): string =>
  execFileSync("python3", ["-c", "import hmac,hashlib,sys; print(hmac.new(sys.argv[1].encode(), sys.argv[2].encode(), hashlib.sha256).hexdigest())", k, message], { encoding: "utf8" }).trim();

let n = 0;
async function keyedLog(records: number, opts: { key?: AuditKey | null; unkeyedFirst?: number } = {}): Promise<string> {
  const file = path.join(dir, `log-${++n}`, "audit.jsonl");
  for (let i = 1; i <= records; i++) {
    const k = opts.unkeyedFirst !== undefined && i <= opts.unkeyedFirst ? null : opts.key !== undefined ? opts.key : key();
    const r = await appendAuditRecord(file, auditEntry({ reason: `change ${i}` }), { now: new Date(Date.UTC(2026, 10, 23, 9, 0, i)), key: k });
    if (!r.ok) throw new Error(r.error);
  }
  return file;
}
const text = (file: string): string => readFileSync(file, "utf8");
const recordsOf = (t: string): Record<string, unknown>[] =>
  t
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("appending with a key", () => {
  test("each record's mac is HMAC-SHA256 of its hash under the key, as Python's hmac computes it", async () => {
    const file = await keyedLog(3);
    for (const r of recordsOf(text(file))) expect(r.mac).toBe(pythonHmac(secret, r.hash as string));
  });

  test("the MAC is outside the hash: the same entries give the same hashes keyed or not", async () => {
    const keyed = recordsOf(text(await keyedLog(2)));
    const plain = recordsOf(text(await keyedLog(2, { key: null })));
    expect(keyed.map((r) => r.hash)).toEqual(plain.map((r) => r.hash));
    expect(plain.every((r) => !("mac" in r))).toBe(true);
  });

  test("an append without the key to a keyed log is written, with a note that verification will flag it", async () => {
    const file = await keyedLog(2);
    const r = await appendAuditRecord(file, auditEntry(), { key: null });
    expect(r.ok && r.notes).toEqual(["the log is keyed but no audit key was given: record 3 has no MAC, and verifying with the key will flag it"]);
  });

  test("an append with another key than the log's says so", async () => {
    const file = await keyedLog(1);
    const r = await appendAuditRecord(file, auditEntry(), { key: key("another key, also long") });
    expect(r.ok && r.notes).toEqual(["the MAC of record 1 was not made with this key (from test): the log was keyed with another key, or record 1 was rewritten"]);
  });

  test("the log id is the first record's hash prefix, the same for every append", async () => {
    const file = path.join(dir, "id", "audit.jsonl");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await appendAuditRecord(file, auditEntry(), { key: null });
      if (r.ok) ids.push(r.logId);
    }
    const first = recordsOf(text(file))[0]!.hash as string;
    expect(ids).toEqual([first.slice(0, 12), first.slice(0, 12), first.slice(0, 12)]);
    expect(auditLogId(first)).toBe(first.slice(0, 12));
  });

  test("a mitigation's detectedAt and incident are written and covered by the hash", async () => {
    const file = path.join(dir, "mitigation", "audit.jsonl");
    const r = await appendAuditRecord(file, auditEntry({ detectedAt: "2026-11-23T08:58:00Z", incident: ".aiplatform/incidents/20261123T085800Z-vllm.md" }), { key: null });
    expect(r.ok && r.record).toMatchObject({ detectedAt: "2026-11-23T08:58:00Z", incident: ".aiplatform/incidents/20261123T085800Z-vllm.md" });
    const read = await readAuditLog(file);
    expect(read.ok && read.records[0]).toMatchObject({ detectedAt: "2026-11-23T08:58:00Z" });
    expect(verifyAuditText(text(file).replace("08:58:00Z", "08:59:00Z"))).toMatchObject({ ok: false, firstBroken: { seq: 1, problem: "edited" } });
  });
});

describe("verifying a keyed chain", () => {
  test("with the key: every MAC is checked", async () => {
    const file = await keyedLog(3);
    const v = await verifyAuditLog({ file }, { key: key() });
    expect(v).toMatchObject({ ok: true, records: 3, macs: { kind: "checked", keyed: 3, unkeyed: 0 } });
    expect(describeVerification(v)).toMatch(/; 3 MAC\(s\) verified with the key from test$/);
  });

  test("a tail rewritten and re-hashed verifies as a chain, but not with the key: the first rewritten record is named", async () => {
    const file = await keyedLog(4);
    const rewritten = rewriteFrom(text(file), 3, (r) => (r.reason = "nothing to see"));
    expect(verifyAuditText(rewritten)).toMatchObject({ ok: true, records: 4, macs: { kind: "not-checked", keyed: 4 } });
    expect(verifyAuditText(rewritten, { key: key() })).toMatchObject({ ok: false, intactRecords: 2, firstBroken: { line: 3, seq: 3, problem: "MAC mismatch" } });
  });

  test("MACs dropped from a rewritten tail are caught without the key", async () => {
    const file = await keyedLog(4);
    const rewritten = rewriteFrom(text(file), 3, (r) => (r.reason = "nothing to see"), { macs: "drop" });
    const v = verifyAuditText(rewritten);
    expect(v).toMatchObject({ ok: false, intactRecords: 2, firstBroken: { seq: 3, problem: "MAC missing" } });
    expect(describeVerification(v)).toContain("it has no MAC, though seq 1 before it has one");
  });

  test("the wrong key fails at the first keyed record", async () => {
    const file = await keyedLog(2);
    expect(await verifyAuditLog({ file }, { key: key("not the team's key at all") })).toMatchObject({ ok: false, firstBroken: { seq: 1, problem: "MAC mismatch" } });
  });

  test("without the key the MACs are said to be unchecked", async () => {
    const file = await keyedLog(2);
    const v = await verifyAuditLog({ file }, { key: null });
    expect(v).toMatchObject({ ok: true, macs: { kind: "not-checked", keyed: 2 } });
    expect(describeVerification(v)).toMatch(/; 2 record\(s\) carry a MAC, not checked: no audit key was given$/);
  });

  test("a log keyed from some record on verifies, counting the earlier unkeyed records", async () => {
    const file = await keyedLog(4, { unkeyedFirst: 1 });
    expect(await verifyAuditLog({ file }, { key: key() })).toMatchObject({ ok: true, macs: { kind: "checked", keyed: 3, unkeyed: 1 } });
  });

  test("an unkeyed log verified with a key says it is not keyed", async () => {
    const file = await keyedLog(2, { key: null });
    expect(describeVerification(await verifyAuditLog({ file }, { key: key() }))).toMatch(/; no record carries a MAC: the log is not keyed \(key from test\)$/);
  });
});

describe("where the key comes from", () => {
  afterEach(() => {
    delete process.env[auditKeyEnv];
  });

  test(`${auditKeyEnv}: unset or empty is no key; shorter than 16 characters is unusable, and its length is all that is said`, () => {
    expect(auditKeyFromEnv({})).toEqual({ kind: "none" });
    expect(auditKeyFromEnv({ [auditKeyEnv]: "" })).toEqual({ kind: "none" });
    const short = auditKeyFromEnv({ [auditKeyEnv]: "hunter2" });
    expect(short).toEqual({ kind: "unusable", problem: { kind: "too-short", source: auditKeyEnv, length: 7, min: 16 } });
    expect(JSON.stringify(short)).not.toContain("hunter2");
  });

  test("a key prints as where it came from, never as the secret", () => {
    const found = auditKeyFromEnv({ [auditKeyEnv]: secret });
    expect(found.kind).toBe("key");
    expect(JSON.stringify(found)).toBe(`{"kind":"key","key":{"source":"${auditKeyEnv}"}}`);
  });

  test("appends take the key from the installed source; by default the environment", async () => {
    process.env[auditKeyEnv] = secret;
    const file = path.join(dir, "from-env", "audit.jsonl");
    const r = await appendAuditRecord(file, auditEntry());
    expect(r.ok && r.record.mac).toBe(pythonHmac(secret, r.ok ? r.record.hash : ""));

    const stored = "the key from SecretStorage";
    const restore = useAuditKeySource(withEnvironmentKey(() => Promise.resolve({ kind: "key" as const, key: key(stored) }), {}));
    try {
      const r2 = await appendAuditRecord(path.join(dir, "from-store", "audit.jsonl"), auditEntry());
      expect(r2.ok && r2.record.mac).toBe(pythonHmac(stored, r2.ok ? r2.record.hash : ""));
      // The environment's key wins over the stored one, as in aiplat.
      const both = await withEnvironmentKey(() => Promise.resolve({ kind: "key" as const, key: key(stored) }), { [auditKeyEnv]: secret })("x");
      expect(both.kind === "key" && both.key.source).toBe(auditKeyEnv);
    } finally {
      restore();
    }
    expect((await auditKeyFor("x")).kind).toBe("key");
  });

  test("an unusable key in the environment: the record is still written, unkeyed, with a note", async () => {
    process.env[auditKeyEnv] = "short";
    const r = await appendAuditRecord(path.join(dir, "short", "audit.jsonl"), auditEntry());
    expect(r.ok && r.record.mac).toBeUndefined();
    expect(r.ok && r.notes).toEqual([`the audit key from ${auditKeyEnv} is shorter than 16 characters and was not used: this record has no MAC`]);
  });
});

test("the tamper helper's output is what a person with the file could write (sanity: re-hashed chain verifies)", async () => {
  const file = await keyedLog(3, { key: null });
  const rewritten = rewriteFrom(text(file), 2, (r) => (r.reason = "edited"));
  writeFileSync(file, rewritten);
  expect(verifyAuditText(rewritten)).toMatchObject({ ok: true, records: 3 });
});
