import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeEach, describe, expect, test } from "vitest";
import { ExitCode } from "../../../src/cli/aiplat";
import { appendAuditRecord, defaultAuditPath } from "../../../src/core/audit/auditLog";
import { auditKeyFromText } from "../../../src/core/audit/auditSigningKey";
import { auditEntry, writeLog } from "../core/audit/auditEntries";
import { rewriteFrom } from "../core/audit/auditTamper";
import { runAiplat } from "./runAiplat";

const root = mkdtempSync(path.join(tmpdir(), "aiplat-audit-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A workspace folder with a three-record log in its default place. */
let ws: string;
let log: string;
let n = 0;
beforeEach(async () => {
  ws = path.join(root, `ws-${++n}`);
  log = defaultAuditPath(ws);
  await writeLog(log, 3);
});
const lastHash = (): string => (JSON.parse(readFileSync(log, "utf8").trimEnd().split("\n").pop()!) as { hash: string }).hash;
const tamper = (): void => writeFileSync(log, readFileSync(log, "utf8").replace("change 2", "change two"));

describe("aiplat audit verify", () => {
  test("reads .aiplatform/audit.jsonl in the current folder and says the chain is intact", async () => {
    const r = await runAiplat(["audit", "verify"], { cwd: ws });
    expect(r).toEqual({ code: ExitCode.ok, out: `3 records, chain intact, last hash ${lastHash()}\n`, err: "" });
  });

  test("exits 1 naming the first broken record", async () => {
    tamper();
    const r = await runAiplat(["audit", "verify"], { cwd: ws });
    expect(r.code).toBe(ExitCode.failed);
    expect(r.out).toBe("");
    expect(r.err).toBe(`aiplat: ${log}: chain broken at line 2 (seq 2): edited: its content does not match its hash (1 record(s) before it verify)\n`);
  });

  test("--file is resolved against the current folder", async () => {
    const r = await runAiplat(["audit", "verify", "--file", path.join(".aiplatform", "audit.jsonl")], { cwd: ws });
    expect(r.code).toBe(ExitCode.ok);
  });

  test("an emptied log whose head anchor says 3 records were appended fails, naming how many went", async () => {
    writeFileSync(log, "");
    const r = await runAiplat(["audit", "verify"], { cwd: ws });
    expect(r.code).toBe(ExitCode.failed);
    expect(r.out).toBe("");
    expect(r.err).toBe(`aiplat: ${log}: the log is empty, but its head anchor says 3 record(s) were appended: 3 record(s) were removed from the end\n`);
  });

  test("a log cut back to its first record fails the same way", async () => {
    writeFileSync(log, `${readFileSync(log, "utf8").split("\n")[0]!}\n`);
    const r = await runAiplat(["audit", "verify"], { cwd: ws });
    expect(r.code).toBe(ExitCode.failed);
    expect(r.err).toContain("the log ends at seq 1, but its head anchor says 3 record(s) were appended: 2 record(s) were removed from the end");
  });

  test("swapped records are named as out of order, not as missing", async () => {
    const [a, b, c] = readFileSync(log, "utf8").trimEnd().split("\n");
    writeFileSync(log, `${a!}\n${c!}\n${b!}\n`);
    const r = await runAiplat(["audit", "verify"], { cwd: ws });
    expect(r.code).toBe(ExitCode.failed);
    expect(r.err).toContain("reordered: records 2 and 3 are out of order");
    expect(r.err).not.toContain("missing");
  });

  test("an empty log with no anchor (nothing was ever recorded) verifies as 0 records", async () => {
    const fresh = path.join(root, `fresh-${++n}`);
    mkdirSync(path.join(fresh, ".aiplatform"), { recursive: true });
    writeFileSync(defaultAuditPath(fresh), "");
    const r = await runAiplat(["audit", "verify"], { cwd: fresh });
    expect(r).toEqual({ code: ExitCode.ok, out: `0 records, chain intact, last hash ${"0".repeat(64)}\n`, err: "" });
  });

  test("a missing log is a failure that says so", async () => {
    const r = await runAiplat(["audit", "verify", "--file", "nope.jsonl"], { cwd: ws });
    expect(r.code).toBe(ExitCode.failed);
    expect(r.err).toBe(`aiplat: ${path.join(ws, "nope.jsonl")}: ${path.join(ws, "nope.jsonl")} does not exist: no change has been recorded there yet\n`);
  });
});

describe("aiplat audit verify with a signing key (AIPLAT_AUDIT_HMAC_KEY)", () => {
  const secret = "a team secret of some length";
  /** A keyed log of four records in a fresh workspace. */
  async function keyedWorkspace(): Promise<{ dir: string; file: string }> {
    const dir = path.join(root, `keyed-${++n}`);
    const file = defaultAuditPath(dir);
    const made = auditKeyFromText(secret, "test");
    if (!made.ok) throw new Error("key");
    for (let i = 1; i <= 4; i++) {
      const r = await appendAuditRecord(file, auditEntry({ reason: `change ${i}` }), { key: made.key, now: new Date(Date.UTC(2026, 10, 23, 9, 0, i)) });
      if (!r.ok) throw new Error(r.error);
    }
    return { dir, file };
  }

  test("with the key, every MAC is verified and the output says so", async () => {
    const { dir } = await keyedWorkspace();
    const r = await runAiplat(["audit", "verify"], { cwd: dir, env: { AIPLAT_AUDIT_HMAC_KEY: secret } });
    expect(r.code).toBe(ExitCode.ok);
    expect(r.out).toMatch(/^4 records, chain intact, last hash [0-9a-f]{64}; 4 MAC\(s\) verified with the key from AIPLAT_AUDIT_HMAC_KEY\n$/);
  });

  test("a tail rewritten and re-hashed (head file too) passes without the key, saying the MACs were not checked, and is caught with it, without --live", async () => {
    const { dir, file } = await keyedWorkspace();
    const rewritten = rewriteFrom(readFileSync(file, "utf8"), 3, (rec) => (rec.reason = "routine"));
    writeFileSync(file, rewritten);
    const last = JSON.parse(rewritten.trimEnd().split("\n").pop()!) as { seq: number; hash: string };
    writeFileSync(path.join(dir, ".aiplatform", "audit.head"), `${JSON.stringify({ seq: last.seq, hash: last.hash })}\n`);

    const without = await runAiplat(["audit", "verify"], { cwd: dir });
    expect(without.code).toBe(ExitCode.ok);
    expect(without.out).toContain("4 record(s) carry a MAC, not checked: no audit key was given");

    const keyed = await runAiplat(["audit", "verify"], { cwd: dir, env: { AIPLAT_AUDIT_HMAC_KEY: secret } });
    expect(keyed.code).toBe(ExitCode.failed);
    expect(keyed.err).toBe(
      `aiplat: ${file}: chain broken at line 3 (seq 3): MAC mismatch: its MAC was not made with the key from AIPLAT_AUDIT_HMAC_KEY: rewritten by someone without the key, or keyed with another key (2 record(s) before it verify)\n`,
    );
  });

  test("-o json carries the MAC check", async () => {
    const { dir, file } = await keyedWorkspace();
    const r = await runAiplat(["audit", "verify", "-o", "json"], { cwd: dir, env: { AIPLAT_AUDIT_HMAC_KEY: secret } });
    expect(r.code).toBe(ExitCode.ok);
    expect(JSON.parse(r.out)).toMatchObject({ file, ok: true, records: 4, macs: { kind: "checked", source: "AIPLAT_AUDIT_HMAC_KEY", keyed: 4, unkeyed: 0 } });
  });

  test("a key shorter than 16 characters is refused with exit 2, and the key is not echoed", async () => {
    const { dir } = await keyedWorkspace();
    const r = await runAiplat(["audit", "verify"], { cwd: dir, env: { AIPLAT_AUDIT_HMAC_KEY: "hunter2" } });
    expect(r).toEqual({ code: ExitCode.usage, out: "", err: "aiplat: error: AIPLAT_AUDIT_HMAC_KEY is 7 characters; an audit key needs at least 16\n" });
  });

  test.each([
    { args: ["--context", "prod"], says: "--context, --kubeconfig and -n say which cluster --live reads; add --live" },
    { args: ["--live", "-n", "Not_A_Namespace"], says: "-n Not_A_Namespace: not a DNS-1123 label" },
  ])("verify $args is refused with exit 2", async ({ args, says }) => {
    const r = await runAiplat(["audit", "verify", ...args], { cwd: ws });
    expect(r.code).toBe(ExitCode.usage);
    expect(r.err).toContain(says);
  });
});

describe("aiplat audit export", () => {
  test("an emptied log is exported with a warning that records were removed", async () => {
    writeFileSync(log, "");
    const r = await runAiplat(["audit", "export", "--format", "json"], { cwd: ws });
    expect(r.code).toBe(ExitCode.ok);
    expect(r.err).toContain("the log is empty, but its head anchor says 3 record(s) were appended");
    expect((JSON.parse(r.out) as { verification: { ok: boolean } }).verification.ok).toBe(false);
  });

  test("--format json prints the records and the verification to stdout", async () => {
    const r = await runAiplat(["audit", "export", "--format", "json"], { cwd: ws });
    expect(r.code).toBe(ExitCode.ok);
    const doc = JSON.parse(r.out) as { verification: unknown; records: { seq: number }[] };
    expect(doc.verification).toEqual({ ok: true, records: 3, lastHash: lastHash() });
    expect(doc.records.map((x) => x.seq)).toEqual([1, 2, 3]);
  });

  test("--format csv --out writes the file relative to the current folder", async () => {
    mkdirSync(path.join(ws, "evidence"));
    const r = await runAiplat(["audit", "export", "--format", "csv", "--out", "evidence/audit.csv"], { cwd: ws });
    expect(r.code).toBe(ExitCode.ok);
    expect(r.out).toBe("");
    const csv = readFileSync(path.join(ws, "evidence", "audit.csv"), "utf8");
    expect(csv.split("\r\n").filter(Boolean)).toHaveLength(4);
    expect(csv).toContain(",change 3,");
  });

  test("refuses to overwrite an existing --out unless --force", async () => {
    const out = path.join(ws, "audit.json");
    writeFileSync(out, "keep me");
    const refused = await runAiplat(["audit", "export", "--format", "json", "--out", "audit.json"], { cwd: ws });
    expect(refused.code).toBe(ExitCode.failed);
    expect(refused.err).toBe(`aiplat: ${out} already exists; pass --force to overwrite it\n`);
    expect(readFileSync(out, "utf8")).toBe("keep me");

    const forced = await runAiplat(["audit", "export", "--format", "json", "--out", "audit.json", "--force"], { cwd: ws });
    expect(forced.code).toBe(ExitCode.ok);
    expect((JSON.parse(readFileSync(out, "utf8")) as { records: unknown[] }).records).toHaveLength(3);
  });

  test("a broken chain is still exported, with a warning and the verification inside", async () => {
    tamper();
    const r = await runAiplat(["audit", "export", "--format", "json"], { cwd: ws });
    expect(r.code).toBe(ExitCode.ok);
    expect(r.err).toMatch(/^aiplat: warning: .*: chain broken at line 2 \(seq 2\): edited/);
    expect((JSON.parse(r.out) as { verification: unknown }).verification).toMatchObject({ ok: false, firstBroken: { line: 2, seq: 2, problem: "edited" } });
  });

  test.each([
    { args: ["audit", "export"], says: "required option '--format <format>' not specified" },
    { args: ["audit", "export", "--format", "xml"], says: "Allowed choices are csv, json" },
    { args: ["audit", "verify", "--file", ""], says: "--file needs a path" },
    { args: ["audit", "shred"], says: "unknown command 'shred'" },
  ])("rejects $args with exit code 2 and says why", async ({ args, says }) => {
    const r = await runAiplat(args, { cwd: ws });
    expect(r.code).toBe(ExitCode.usage);
    expect(r.err).toContain(says);
    expect(existsSync(path.join(ws, "audit.csv"))).toBe(false);
  });
});
