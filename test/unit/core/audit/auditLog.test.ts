import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { appendAuditRecord, defaultAuditPath, readAuditLog } from "../../../../src/core/audit/auditLog";
import { auditDiffDigest, auditRecordHash, genesisHash } from "../../../../src/core/audit/auditRecord";
import { verifyAuditLog } from "../../../../src/core/audit/auditVerify";
import { auditEntry, tempDir, writeLog } from "./auditEntries";

const tmp = tempDir("audit-log-");
afterAll(tmp.cleanup);
let n = 0;
/** A fresh log path in a folder that does not exist yet. */
const freshLog = (): string => path.join(tmp.dir, `ws-${++n}`, ".aiplatform", "audit.jsonl");
const lines = (file: string): string[] => readFileSync(file, "utf8").split("\n").filter(Boolean);

describe("appendAuditRecord", () => {
  test("the first record creates the folder and starts the chain from 64 zeros", async () => {
    const file = freshLog();
    const r = await appendAuditRecord(file, auditEntry(), { now: new Date("2026-11-23T09:00:00.000Z") });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.record).toMatchObject({ v: 1, seq: 1, ts: "2026-11-23T09:00:00.000Z", prevHash: genesisHash, action: "rollback", outcome: "succeeded" });
    expect(lines(file)).toEqual([JSON.stringify(r.record)]);
  });

  test("the hash is SHA-256 over the RFC 8785 form: keys sorted, no whitespace, no hash field", () => {
    // Written out by hand, not by the library under test.
    const canonical =
      '{"action":"scale","actor":{"kubeUser":"bob","osUser":"bob"},"cluster":"kind-gpu-lab","context":"kind-gpu-lab","object":{"apiVersion":"apps/v1","kind":"Deployment","name":"tgi"},"outcome":"succeeded","prevHash":"' +
      genesisHash +
      '","seq":1,"ts":"2026-01-01T00:00:00Z","v":1}';
    const record = {
      v: 1,
      seq: 1,
      ts: "2026-01-01T00:00:00Z",
      actor: { osUser: "bob", kubeUser: "bob" },
      cluster: "kind-gpu-lab",
      context: "kind-gpu-lab",
      object: { name: "tgi", kind: "Deployment", apiVersion: "apps/v1" },
      action: "scale",
      outcome: "succeeded",
      prevHash: genesisHash,
      hash: "ignored",
    };
    expect(auditRecordHash(record)).toBe(createHash("sha256").update(canonical).digest("hex"));
  });

  test("records chain: seq counts up, each prevHash is the hash before it, and the log verifies", async () => {
    const file = freshLog();
    await writeLog(file, 4);
    const read = await readAuditLog(file);
    if (!read.ok) throw new Error(read.error.message);
    expect(read.problems).toEqual([]);
    expect(read.records.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    for (let i = 1; i < 4; i++) expect(read.records[i]!.prevHash).toBe(read.records[i - 1]!.hash);
    expect(await verifyAuditLog({ file })).toEqual({ ok: true, records: 4, lastHash: read.records[3]!.hash });
  });

  test("a diff digest is sha256:<hex> of the diff text", () => {
    expect(auditDiffDigest("")).toBe("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  test("an entry that is not an audit entry is refused as a value, and nothing is written", async () => {
    const file = freshLog();
    const r = await appendAuditRecord(file, { ...auditEntry(), action: "delete" as "deploy" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toContain("action");
    expect(existsSync(file)).toBe(false);
  });

  test("a lone surrogate in a reason is stored as U+FFFD instead of losing the record", async () => {
    const file = freshLog();
    const r = await appendAuditRecord(file, auditEntry({ reason: "bad \uD800 input" }));
    expect(r.ok && r.record.reason).toBe("bad \uFFFD input");
    expect((await verifyAuditLog({ file })).ok).toBe(true);
  });

  test("a log whose last line is not a record is not chained onto: append refuses and says so", async () => {
    const file = freshLog();
    await writeLog(file, 1);
    appendFileSync(file, "hand-edited line\n");
    const r = await appendAuditRecord(file, auditEntry());
    expect(r).toEqual({ ok: false, error: `cannot append to ${file}: its last record is not JSON; verify the audit log to find where it breaks` });
  });

  test("the default location is .aiplatform/audit.jsonl in the workspace", () => {
    expect(defaultAuditPath("/home/alice/llm-service")).toBe(path.join("/home/alice/llm-service", ".aiplatform", "audit.jsonl"));
  });
});

describe("a torn tail (a crash in the middle of a write)", () => {
  test("is reported by verify, then moved to a .torn file by the next append, which chains onto the last whole record", async () => {
    const file = freshLog();
    await writeLog(file, 3);
    const before = readFileSync(file, "utf8");
    const lastHash = (JSON.parse(before.trimEnd().split("\n").pop()!) as { hash: string }).hash;
    const torn = '{"v":1,"seq":4,"ts":"2026-11-23T09:00:04.000Z","actor":{"kubeUser":"al';
    appendFileSync(file, torn);

    expect(await verifyAuditLog({ file })).toMatchObject({ ok: false, intactRecords: 3, firstBroken: { line: 4, problem: "truncated last line" } });

    const r = await appendAuditRecord(file, auditEntry({ reason: "after the crash" }), { now: new Date("2026-11-23T10:00:00.000Z") });
    if (!r.ok) throw new Error(r.error);
    expect(r.record).toMatchObject({ seq: 4, prevHash: lastHash, reason: "after the crash" });

    const tornFile = `${file}.torn-2026-11-23T10-00-00-000Z`;
    expect(readFileSync(tornFile, "utf8")).toBe(torn);
    expect(r.notes).toEqual([`the log ended with ${Buffer.byteLength(torn)} bytes of an unfinished record; moved them to ${tornFile}`]);
    expect(readFileSync(file, "utf8")).toBe(`${before}${JSON.stringify(r.record)}\n`);
    expect(await verifyAuditLog({ file })).toMatchObject({ ok: true, records: 4 });
  });

  test("a file that is nothing but a torn line starts the chain afresh, keeping the bytes", async () => {
    const file = freshLog();
    const dir = path.dirname(file);
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, '{"v":1,"se');
    const r = await appendAuditRecord(file, auditEntry());
    expect(r.ok && r.record.seq).toBe(1);
    expect(r.ok && r.record.prevHash).toBe(genesisHash);
    const kept = readdirSync(dir).filter((f) => f.startsWith("audit.jsonl.torn-"));
    expect(kept.map((f) => readFileSync(path.join(dir, f), "utf8"))).toEqual(['{"v":1,"se']);
  });
});

describe("the lock between writers", () => {
  test("two processes appending 50 records each give 100 records in one intact chain", async () => {
    const file = freshLog();
    const worker = path.join(__dirname, "appendWorker.ts");
    const run = (label: string) => {
      const child = spawn(process.execPath, ["--import", "tsx", worker, file, label, "50"], { cwd: process.cwd(), stdio: ["pipe", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const done = new Promise<void>((resolve, reject) => child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`writer ${label} exited ${code}: ${stderr}`)))));
      // A writer that dies before it is ready fails the test rather than leave it waiting.
      const ready = Promise.race([new Promise<void>((resolve) => child.stdout.once("data", () => resolve())), done]);
      return { child, ready, done };
    };
    const writers = [run("A"), run("B")];
    await Promise.all(writers.map((w) => w.ready));
    for (const w of writers) w.child.stdin.write("go\n");
    await Promise.all(writers.map((w) => w.done));

    expect(await verifyAuditLog({ file })).toMatchObject({ ok: true, records: 100 });
    const read = await readAuditLog(file);
    if (!read.ok) throw new Error(read.error.message);
    expect(read.problems).toEqual([]);
    // Each writer's records are all there, in the order it wrote them.
    for (const label of ["A", "B"]) {
      expect(read.records.map((r) => r.reason).filter((reason) => reason?.startsWith(`${label} `))).toEqual(Array.from({ length: 50 }, (_, i) => `${label} ${i + 1}`));
    }
    expect(existsSync(`${file}.lock`)).toBe(false);
  }, 60_000);

  test("a lock left by a process that is no longer running is broken, with a note", async () => {
    const file = freshLog();
    await writeLog(file, 1);
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: dead, host: hostname(), token: "t", acquiredAt: new Date().toISOString() }));
    const r = await appendAuditRecord(file, auditEntry());
    expect(r.ok && r.record.seq).toBe(2);
    expect(r.ok && r.notes).toEqual([expect.stringMatching(new RegExp(`^broke a stale lock on the audit log \\(process ${dead} on .*\\): process ${dead} is no longer running$`))]);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  test("a lock held longer than the stale limit is broken, even by a live process", async () => {
    const file = freshLog();
    await writeLog(file, 1);
    const acquiredAt = new Date(Date.now() - 60_000).toISOString();
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), token: "t", acquiredAt }));
    const r = await appendAuditRecord(file, auditEntry());
    expect(r.ok && r.notes).toEqual([expect.stringMatching(/: held for 6\d s, longer than 30 s$/)]);
  });

  test("an empty lock file (its writer died before writing it) is judged by its age", async () => {
    const file = freshLog();
    await writeLog(file, 1);
    writeFileSync(`${file}.lock`, "");
    const old = new Date(Date.now() - 120_000);
    utimesSync(`${file}.lock`, old, old);
    const r = await appendAuditRecord(file, auditEntry());
    expect(r.ok && r.record.seq).toBe(2);
    expect(r.ok && r.notes[0]).toMatch(/^broke a stale lock on the audit log \(an unreadable lock file/);
  });

  test("a live lock is waited for, then reported with its holder; the log is untouched", async () => {
    const file = freshLog();
    await writeLog(file, 1);
    const before = readFileSync(file, "utf8");
    const lock = JSON.stringify({ pid: process.pid, host: hostname(), token: "t", acquiredAt: new Date().toISOString() });
    writeFileSync(`${file}.lock`, lock);
    const r = await appendAuditRecord(file, auditEntry(), { lockTimeoutMs: 200 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatch(new RegExp(`^the audit log is locked by process ${process.pid} on .* since .*; gave up after 0.2 s\\. If no aiplat or VS Code is writing to it, delete .*audit\\.jsonl\\.lock\\.$`));
    expect(readFileSync(file, "utf8")).toBe(before);
    // Not ours to remove.
    expect(readFileSync(`${file}.lock`, "utf8")).toBe(lock);
  });
});
