import { readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { auditRecordHash } from "../../../../src/core/audit/auditRecord";
import { type BrokenRecord, describeVerification, verifyAuditLog, verifyAuditText } from "../../../../src/core/audit/auditVerify";
import { tempDir, writeLog } from "./auditEntries";

const tmp = tempDir("audit-verify-");
afterAll(tmp.cleanup);

/** Five good records, as the log writes them. */
let original: string;
let lines: string[];
beforeAll(async () => {
  const file = path.join(tmp.dir, "audit.jsonl");
  await writeLog(file, 5);
  original = readFileSync(file, "utf8");
  lines = original.trimEnd().split("\n");
});

const hashOf = (line: string): string => (JSON.parse(line) as { hash: string }).hash;
const join = (ls: readonly string[]): string => `${ls.join("\n")}\n`;
const edit = (line: string, change: (r: Record<string, unknown>) => void): string => {
  const r = JSON.parse(line) as Record<string, unknown>;
  change(r);
  return JSON.stringify(r);
};
/** A forger who knows the format: a new record with a correct hash, chained onto its predecessor. */
const forge = (after: string, seq: number): string => {
  const prev = JSON.parse(after) as Record<string, unknown>;
  const r: Record<string, unknown> = { ...prev, seq, reason: "nothing to see here", prevHash: prev["hash"] };
  return JSON.stringify({ ...r, hash: auditRecordHash(r) });
};

describe("verifyAuditText", () => {
  test("an intact log verifies, naming the count and the last hash", () => {
    expect(verifyAuditText(original)).toEqual({ ok: true, records: 5, lastHash: hashOf(lines[4]!) });
  });

  test("an empty log verifies as 0 records", () => {
    expect(verifyAuditText("")).toEqual({ ok: true, records: 0, lastHash: "0".repeat(64) });
  });

  const cases: { name: string; tamper: (ls: string[]) => string; firstBroken: Omit<BrokenRecord, "detail">; intact: number; detail?: RegExp }[] = [
    { name: "a changed reason", tamper: (ls) => join(ls.map((l, i) => (i === 2 ? edit(l, (r) => (r["reason"] = "routine")) : l))), firstBroken: { line: 3, seq: 3, problem: "edited" }, intact: 2 },
    { name: "a changed outcome", tamper: (ls) => join(ls.map((l, i) => (i === 3 ? edit(l, (r) => (r["outcome"] = "failed")) : l))), firstBroken: { line: 4, seq: 4, problem: "edited" }, intact: 3 },
    {
      name: "an edited hash",
      tamper: (ls) => join(ls.map((l, i) => (i === 1 ? edit(l, (r) => (r["hash"] = "f".repeat(64))) : l))),
      firstBroken: { line: 2, seq: 2, problem: "edited" },
      intact: 1,
    },
    {
      name: "a field added to a record",
      tamper: (ls) => join(ls.map((l, i) => (i === 0 ? edit(l, (r) => (r["approvedBy"] = "mallory")) : l))),
      firstBroken: { line: 1, seq: 1, problem: "edited" },
      intact: 0,
    },
    {
      name: "a deleted middle line",
      tamper: (ls) => join(ls.filter((_, i) => i !== 2)),
      firstBroken: { line: 3, seq: 4, problem: "deleted or reordered" },
      intact: 2,
      detail: /^seq 4 follows seq 2: 1 record\(s\) missing$/,
    },
    {
      name: "a deleted first line",
      tamper: (ls) => join(ls.slice(1)),
      firstBroken: { line: 1, seq: 2, problem: "deleted or reordered" },
      intact: 0,
      detail: /^seq 2 follows the start of the log/,
    },
    {
      name: "two swapped lines",
      tamper: (ls) => join([ls[0]!, ls[2]!, ls[1]!, ls[3]!, ls[4]!]),
      firstBroken: { line: 2, seq: 3, problem: "reordered" },
      intact: 1,
      detail: /^records 2 and 3 are out of order: seq 3 is on line 2, seq 2 further down on line 3$/,
    },
    {
      name: "two swapped lines further apart",
      tamper: (ls) => join([ls[0]!, ls[1]!, ls[4]!, ls[3]!, ls[2]!]),
      firstBroken: { line: 3, seq: 5, problem: "reordered" },
      intact: 2,
      detail: /^records 3 and 5 are out of order: seq 5 is on line 3, seq 3 further down on line 5$/,
    },
    {
      name: "a repeated line",
      tamper: (ls) => join([ls[0]!, ls[1]!, ls[1]!, ls[2]!]),
      firstBroken: { line: 3, seq: 2, problem: "deleted or reordered" },
      intact: 2,
      detail: /out of order or repeated/,
    },
    {
      name: "a renumbered record (seq edited to hide a deletion, hash recomputed)",
      tamper: (ls) => {
        const r = JSON.parse(ls[3]!) as Record<string, unknown>;
        r["seq"] = 3;
        r["hash"] = auditRecordHash(r);
        return join([ls[0]!, ls[1]!, JSON.stringify(r), ls[4]!]);
      },
      firstBroken: { line: 3, seq: 3, problem: "deleted or reordered" },
      intact: 2,
      detail: /prevHash does not match the hash of seq 2/,
    },
    {
      name: "a truncated last line",
      tamper: (ls) => `${ls.slice(0, 4).join("\n")}\n${ls[4]!.slice(0, 40)}`,
      firstBroken: { line: 5, problem: "truncated last line" },
      intact: 4,
    },
    {
      name: "an inserted copy of a record with a new reason",
      tamper: (ls) => join([ls[0]!, ls[1]!, edit(ls[1]!, (r) => ((r["seq"] = 3), (r["reason"] = "forged"))), ...ls.slice(2)]),
      firstBroken: { line: 3, seq: 3, problem: "edited" },
      intact: 2,
    },
    {
      // Its own hash is right, so it passes; the genuine record after it no longer follows.
      name: "an inserted record forged with a correct hash",
      tamper: (ls) => join([ls[0]!, ls[1]!, forge(ls[1]!, 3), ...ls.slice(2)]),
      firstBroken: { line: 4, seq: 3, problem: "deleted or reordered" },
      intact: 3,
    },
    { name: "a line that is not JSON", tamper: (ls) => join([ls[0]!, "{not json", ...ls.slice(1)]), firstBroken: { line: 2, problem: "not JSON" }, intact: 1 },
    { name: "a blank line", tamper: (ls) => join([ls[0]!, "", ...ls.slice(1)]), firstBroken: { line: 2, problem: "not JSON" }, intact: 1 },
    {
      name: "JSON that is not an audit record",
      tamper: (ls) => join([ls[0]!, '{"seq":2,"note":"hello"}', ...ls.slice(1)]),
      firstBroken: { line: 2, seq: 2, problem: "not an audit record (schema)" },
      intact: 1,
    },
    {
      name: "an action outside the enum, rehashed",
      tamper: (ls) =>
        join(
          ls.map((l, i) => {
            if (i !== 1) return l;
            const r = JSON.parse(l) as Record<string, unknown>;
            r["action"] = "delete";
            return JSON.stringify({ ...r, hash: auditRecordHash(r) });
          }),
        ),
      firstBroken: { line: 2, seq: 2, problem: "not an audit record (schema)" },
      intact: 1,
    },
  ];

  test.each(cases)("$name: the first broken record is named", ({ tamper, firstBroken, intact, detail }) => {
    const result = verifyAuditText(tamper([...lines]));
    expect(result).toMatchObject({ ok: false, intactRecords: intact, firstBroken });
    if (detail && !result.ok) expect(result.firstBroken?.detail).toMatch(detail);
  });

  test("removing the last record keeps a valid chain: only the last hash, noted elsewhere, shows it", () => {
    const result = verifyAuditText(join(lines.slice(0, 4)));
    expect(result).toEqual({ ok: true, records: 4, lastHash: hashOf(lines[3]!) });
    expect(result.ok && result.lastHash).not.toBe(hashOf(lines[4]!));
  });

  test("key order and CRLF line ends do not matter: the hash is over the canonical form", () => {
    const reordered = lines.map((l) => JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(l) as object).reverse()))).join("\r\n");
    expect(verifyAuditText(`${reordered}\r\n`)).toMatchObject({ ok: true, records: 5 });
  });
});

describe("verifyAuditLog", () => {
  test("a missing file fails, saying it does not exist", async () => {
    const file = path.join(tmp.dir, "nowhere", "audit.jsonl");
    const result = await verifyAuditLog({ file });
    expect(result).toEqual({ ok: false, intactRecords: 0, message: `${file} does not exist: no change has been recorded there yet` });
  });

  test("an empty file verifies as 0 records", async () => {
    const file = path.join(tmp.dir, "empty.jsonl");
    writeFileSync(file, "");
    expect(await verifyAuditLog({ file })).toMatchObject({ ok: true, records: 0 });
  });

  test("describeVerification says what a person needs: the line, the seq, the problem and how much still holds", () => {
    expect(describeVerification(verifyAuditText(join(lines.filter((_, i) => i !== 2))))).toBe(
      "chain broken at line 3 (seq 4): deleted or reordered: seq 4 follows seq 2: 1 record(s) missing (2 record(s) before it verify)",
    );
    expect(describeVerification(verifyAuditText(original))).toBe(`5 records, chain intact, last hash ${hashOf(lines[4]!)}`);
  });
});

describe("verifyAuditLog checks the chain against its head anchor", () => {
  const logWith = async (name: string): Promise<string> => {
    const file = path.join(tmp.dir, name, "audit.jsonl");
    await writeLog(file, 3);
    return file;
  };

  test("an intact log matches its anchor", async () => {
    const file = await logWith("anchor-intact");
    expect(await verifyAuditLog({ file })).toMatchObject({ ok: true, records: 3 });
  });

  test("the last record replaced by a forged one with a correct hash: the anchor names the rewrite", async () => {
    const file = await logWith("anchor-rewritten");
    const ls = readFileSync(file, "utf8").trimEnd().split("\n");
    writeFileSync(file, join([ls[0]!, ls[1]!, forge(ls[1]!, 3)]));
    const v = await verifyAuditLog({ file });
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.behindAnchor).toMatchObject({ records: 3, anchor: { seq: 3 } });
      expect(describeVerification(v)).toMatch(/the last record \(seq 3\) is not the one its head anchor recorded/);
    }
  });

  test("a deleted log with an anchor says records were appended there", async () => {
    const file = await logWith("anchor-deleted");
    rmSync(file);
    const v = await verifyAuditLog({ file });
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.message).toMatch(/does not exist.*yet its head anchor says 3 record\(s\) were appended/);
  });

  test("the anchor lives next to the log as audit.head", async () => {
    const file = await logWith("anchor-path");
    expect(JSON.parse(readFileSync(path.join(path.dirname(file), "audit.head"), "utf8"))).toEqual({ seq: 3, hash: hashOf(readFileSync(file, "utf8").trimEnd().split("\n")[2]!) });
  });
});
