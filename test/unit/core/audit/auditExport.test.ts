import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { auditLogCsv, exportAuditLog, formulaSafe } from "../../../../src/core/audit/auditExport";
import { appendAuditRecord } from "../../../../src/core/audit/auditLog";
import { auditRecordHash } from "../../../../src/core/audit/auditRecord";
import { auditEntry, tempDir, writeLog } from "./auditEntries";
import { parseCsv } from "../../parseCsv";

const tmp = tempDir("audit-export-");
afterAll(tmp.cleanup);
let n = 0;
const freshLog = (): string => path.join(tmp.dir, `log-${++n}.jsonl`);


describe("CSV export", () => {
  test("starts with a BOM and a header of flattened columns, ends every row with CRLF", async () => {
    const file = freshLog();
    await writeLog(file, 2);
    const r = await exportAuditLog(file, "csv");
    if (!r.ok) throw new Error(r.error.message);
    expect(r.text.startsWith("\uFEFFline,seq,ts,action,outcome,actor.kubeUser,actor.gitUser.name,actor.gitUser.email,actor.osUser,cluster,context,namespace,")).toBe(true);
    expect(r.text.split("\r\n")).toHaveLength(4); // header, 2 rows, and the empty string after the last CRLF
    const [header, first] = parseCsv(r.text.slice(1));
    const row = Object.fromEntries(header!.map((h, i) => [h, first![i]]));
    expect(row).toMatchObject({
      line: "1",
      seq: "1",
      action: "rollback",
      outcome: "succeeded",
      "actor.kubeUser": "alice",
      "actor.gitUser.name": "Alice Example",
      "actor.gitUser.email": "alice@example.com",
      "object.kind": "Deployment",
      "object.name": "vllm-llama3-70b",
      reason: "change 1",
      prevHash: "0".repeat(64),
      chain: "verified",
    });
  });

  test("quotes commas, quotes and line breaks (RFC 4180), and each record stays one row", async () => {
    const file = freshLog();
    const reason = 'rolled back, "hotfix"\nsee INC-42\rand more';
    await appendAuditRecord(file, auditEntry({ reason }));
    const r = await exportAuditLog(file, "csv");
    if (!r.ok) throw new Error(r.error.message);
    expect(r.text).toContain(`,"rolled back, ""hotfix""\nsee INC-42\rand more",`);
    const rows = parseCsv(r.text.slice(1));
    expect(rows).toHaveLength(2);
    expect(rows[1]![rows[0]!.indexOf("reason")]).toBe(reason);
  });

  test("a bare line break is quoted too, so a spreadsheet does not split the record", async () => {
    const file = freshLog();
    await appendAuditRecord(file, auditEntry({ reason: "line one\nline two", detail: "cr\ronly" }));
    const r = await exportAuditLog(file, "csv");
    if (!r.ok) throw new Error(r.error.message);
    expect(r.text).toContain(',"line one\nline two",');
    expect(r.text).toContain(',"cr\ronly",');
  });

  test.each([
    ["=HYPERLINK(\"http://evil.example\",\"click\")", "'=HYPERLINK(\"http://evil.example\",\"click\")"],
    ["+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1:A9)", "'@SUM(A1:A9)"],
    ["\t=1", "'\t=1"],
    ["\r=1", "'\r=1"],
    ["rollback because p99 = 2x", "rollback because p99 = 2x"],
    ["", ""],
  ])("formula injection: %j becomes %j", (cell, safe) => {
    expect(formulaSafe(cell)).toBe(safe);
  });

  test("every text cell is made formula-safe, names included, not only the reason", async () => {
    const file = freshLog();
    await appendAuditRecord(file, auditEntry({ actor: { kubeUser: "@admin", gitUser: { name: "=cmd()" }, osUser: "-root" }, reason: "+1" }));
    const r = await exportAuditLog(file, "csv");
    if (!r.ok) throw new Error(r.error.message);
    const [header, row] = parseCsv(r.text.slice(1));
    const cell = (name: string): string | undefined => row![header!.indexOf(name)];
    expect([cell("actor.kubeUser"), cell("actor.gitUser.name"), cell("actor.osUser"), cell("reason")]).toEqual(["'@admin", "'=cmd()", "'-root", "'+1"]);
  });

  test("a broken chain is exported all the same, each row saying whether the verification covers it", async () => {
    const file = freshLog();
    await writeLog(file, 4);
    const ls = readFileSync(file, "utf8").trimEnd().split("\n");
    ls[1] = ls[1]!.replace("change 2", "nothing happened");
    writeFileSync(file, `${ls.join("\n")}\n{oops\n`);
    const r = await exportAuditLog(file, "csv");
    if (!r.ok) throw new Error(r.error.message);
    expect(r.verification).toMatchObject({ ok: false, firstBroken: { line: 2, problem: "edited" } });
    const [header, ...rows] = parseCsv(r.text.slice(1));
    const chain = header!.indexOf("chain");
    const detail = header!.indexOf("detail");
    expect(rows.map((row) => row[chain])).toEqual(["verified", "BROKEN: edited", "after the break: not verified", "after the break: not verified", "after the break: not verified"]);
    expect(rows[1]![header!.indexOf("reason")]).toBe("nothing happened");
    expect(rows[4]![detail]).toBe("not JSON: {oops");
  });

  test("a missing log is an error, not an empty export", async () => {
    const file = path.join(tmp.dir, "missing.jsonl");
    expect(await exportAuditLog(file, "csv")).toEqual({ ok: false, error: { kind: "missing", message: `${file} does not exist: no change has been recorded there yet` } });
  });

  test("auditLogCsv of an empty log is the header alone", () => {
    expect(parseCsv(auditLogCsv("").slice(1))).toHaveLength(1);
  });
});

describe("JSON export", () => {
  test("holds the records as written, so each hash can be recomputed from the export alone, and the verification", async () => {
    const file = freshLog();
    await writeLog(file, 3);
    const r = await exportAuditLog(file, "json", { now: new Date("2026-11-24T08:00:00.000Z") });
    if (!r.ok) throw new Error(r.error.message);
    const doc = JSON.parse(r.text) as { source: string; exportedAt: string; verification: unknown; records: Record<string, unknown>[]; unreadableLines: unknown[] };
    expect(doc.source).toBe(file);
    expect(doc.exportedAt).toBe("2026-11-24T08:00:00.000Z");
    expect(doc.verification).toEqual({ ok: true, records: 3, lastHash: doc.records[2]!["hash"] });
    expect(doc.records.map((rec) => rec["seq"])).toEqual([1, 2, 3]);
    for (const rec of doc.records) expect(auditRecordHash(rec)).toBe(rec["hash"]);
    expect(doc.unreadableLines).toEqual([]);
  });

  test("a torn last line is listed as unreadable, with the verification saying so", async () => {
    const file = freshLog();
    await writeLog(file, 2);
    writeFileSync(file, `${readFileSync(file, "utf8")}{"v":1,"seq":3`);
    const r = await exportAuditLog(file, "json");
    if (!r.ok) throw new Error(r.error.message);
    const doc = JSON.parse(r.text) as { verification: unknown; records: unknown[]; unreadableLines: unknown[] };
    expect(doc.records).toHaveLength(2);
    expect(doc.unreadableLines).toEqual([{ line: 3, problem: "truncated last line", text: '{"v":1,"seq":3' }]);
    expect(doc.verification).toMatchObject({ ok: false, intactRecords: 2, firstBroken: { line: 3, problem: "truncated last line" } });
  });
});
