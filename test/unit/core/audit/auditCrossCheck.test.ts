/**
 * The file held against the cluster's anchors, as data: which cases are intact, cut from the end,
 * rewritten from a seq, or rewritten from the start (the log's id changed with its first record).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { anchorAnnotations, anchorMessageSuffix, auditAnchorKeys, auditLogId, readAnchor } from "../../../../src/core/audit/auditAnchor";
import { crossCheckAnchors, type Witness } from "../../../../src/core/audit/auditCrossCheck";
import { appendAuditRecord } from "../../../../src/core/audit/auditLog";
import { type AuditRecord, parseAuditLine } from "../../../../src/core/audit/auditRecord";
import { changeEvent } from "../../../../src/core/kube/rollout/changeRecord";
import { auditEntry, tempDir } from "./auditEntries";
import { dropLast, rewriteFrom } from "./auditTamper";

const { dir, cleanup } = tempDir("audit-cross-");
afterAll(cleanup);

/** Five records: 1–2 about Deployment llm-serving/a, 3 about Node gpu-0, 4–5 about Deployment llm-serving/b. */
let original: string;
beforeAll(async () => {
  const file = path.join(dir, "audit.jsonl");
  const objects = ["a", "a", "gpu-0", "b", "b"];
  for (const [i, name] of objects.entries()) {
    const node = name.startsWith("gpu");
    const entry = auditEntry({ reason: `change ${i + 1}`, object: { apiVersion: node ? "v1" : "apps/v1", kind: node ? "Node" : "Deployment", name }, action: node ? "cordon" : "scale" });
    const { namespace: _ns, ...clusterScoped } = entry;
    const r = await appendAuditRecord(file, node ? clusterScoped : entry, { now: new Date(Date.UTC(2026, 10, 23, 9, 0, i)), key: null });
    if (!r.ok) throw new Error(r.error);
  }
  original = readFileSync(file, "utf8");
});

const records = (text: string): AuditRecord[] =>
  text
    .trimEnd()
    .split("\n")
    .map((l) => {
      const p = parseAuditLine(l);
      if (!p.ok) throw new Error(p.detail);
      return p.record;
    });

/** What the cluster holds after the five changes: each object its newest record, and one Event per record. */
function anchorsOf(text: string): Witness[] {
  const rs = records(text);
  const logId = auditLogId(rs[0]!.hash);
  const at = (r: AuditRecord) => ({ seq: r.seq, hash: r.hash, logId });
  const newest = new Map<string, AuditRecord>();
  for (const r of rs) newest.set(r.object.name, r);
  const objects: Witness[] = [...newest.values()].map((r) => ({ kind: r.object.kind as "Deployment" | "Node", ...(r.namespace ? { namespace: r.namespace } : {}), name: r.object.name, anchor: at(r) }));
  const events: Witness[] = rs.map((r) => ({
    kind: "Event",
    namespace: r.namespace ?? "default",
    name: `${r.object.name}.${r.seq}`,
    about: { kind: r.object.kind, ...(r.namespace ? { namespace: r.namespace } : {}), name: r.object.name },
    anchor: at(r),
  }));
  return [...objects, ...events];
}

describe("crossCheckAnchors", () => {
  test("an untouched file agrees with every anchor", () => {
    const c = crossCheckAnchors(records(original), anchorsOf(original));
    expect(c).toMatchObject({ fileEnd: 5, checked: 8, intact: 8, newestWitnessed: 5, findings: [], otherLogs: [] });
  });

  test("the last record deleted: seq 5 is named as cut, with the Deployment and the Event that saw it", () => {
    const c = crossCheckAnchors(records(dropLast(original, 1)), anchorsOf(original));
    expect(c.findings).toHaveLength(1);
    const f = c.findings[0]!;
    expect(f.kind === "cut" && { fileEnd: f.fileEnd, missing: f.missing }).toEqual({ fileEnd: 4, missing: { from: 5, to: 5 } });
    expect(f.witnesses.map((w) => `${w.kind} ${w.namespace}/${w.name} #${w.anchor.seq}`)).toEqual(["Deployment llm-serving/b #5", "Event llm-serving/b.5 #5"]);
  });

  test("the last two records deleted: 4–5 cut (the Events of both witness them)", () => {
    const c = crossCheckAnchors(records(dropLast(original, 2)), anchorsOf(original));
    expect(c.findings).toMatchObject([{ kind: "cut", fileEnd: 3, missing: { from: 4, to: 5 } }]);
  });

  test("the tail rewritten from seq 4 and re-hashed: rewritten from seq 4 at the latest", () => {
    const rewritten = rewriteFrom(original, 4, (r) => (r.reason = "routine"));
    const c = crossCheckAnchors(records(rewritten), anchorsOf(original));
    expect(c.findings).toMatchObject([{ kind: "rewritten", fromSeq: 4 }]);
    // Objects a (seq 2) and gpu-0 (seq 3), and the Events of seqs 1–3, still agree.
    expect(c.intact).toBe(5);
  });

  test("only the anchors' newest seqs bound a rewrite: a change to seq 1 is witnessed by its Event", () => {
    const rewritten = rewriteFrom(original, 2, (r) => (r.reason = "routine"));
    expect(crossCheckAnchors(records(rewritten), anchorsOf(original)).findings).toMatchObject([{ kind: "rewritten", fromSeq: 2 }]);
  });

  test("the whole log rewritten from its first record: its id changes, and the anchors about the same objects still tell", () => {
    const rewritten = rewriteFrom(original, 1, (r) => (r.reason = "routine"));
    const c = crossCheckAnchors(records(rewritten), anchorsOf(original));
    expect(c.checked).toBe(0);
    expect(c.findings).toMatchObject([{ kind: "rewritten", fromSeq: 1, logIdWas: auditLogId(records(original)[0]!.hash) }]);
  });

  test("another workspace's log anchoring other objects is counted aside, not a finding", () => {
    const foreign: Witness = { kind: "Deployment", namespace: "ml", name: "other", anchor: { seq: 9, hash: "f".repeat(64), logId: "0123456789ab" } };
    const c = crossCheckAnchors(records(original), [...anchorsOf(original), foreign]);
    expect(c.findings).toEqual([]);
    expect(c.otherLogs).toEqual([{ logId: "0123456789ab", anchors: 1 }]);
  });

  test("an emptied file has no log id to match: the anchors are listed by log for a person to judge (the head file is the local witness)", () => {
    const c = crossCheckAnchors([], anchorsOf(original));
    expect(c.logId).toBeUndefined();
    expect(c.otherLogs).toEqual([{ logId: auditLogId(records(original)[0]!.hash), anchors: 8 }]);
  });
});

describe("anchors on objects and Events", () => {
  const anchor = { seq: 12, hash: "ab".repeat(32), logId: "0123456789ab" };

  test("annotations round-trip; a hand-edited value is malformed, not guessed at", () => {
    expect(readAnchor(anchorAnnotations(anchor))).toEqual({ kind: "anchor", anchor });
    expect(readAnchor({})).toEqual({ kind: "absent" });
    expect(readAnchor({ [auditAnchorKeys.head]: "12:abc", [auditAnchorKeys.log]: "0123456789ab" })).toEqual({ kind: "malformed", value: "12:abc" });
    expect(readAnchor({ [auditAnchorKeys.head]: `12:${"ab".repeat(32)}` })).toMatchObject({ kind: "malformed" });
  });

  test("the Event carries the anchor in its annotations and ends its message with it, even when the reason is cut", () => {
    const actor = { kubeUser: "alice", osUser: "alice" };
    const target = { apiVersion: "apps/v1", kind: "Deployment", namespace: "ml", name: "llm" };
    const event = changeEvent(target, { action: "rollback", reason: "x".repeat(2000), actor, outcome: "succeeded" }, new Date("2026-11-23T10:00:00Z"), "host", anchor) as {
      metadata: { annotations: Record<string, string> };
      message: string;
    };
    expect(event.metadata.annotations).toEqual({ "aiplatform.dev/audit-head": `12:${"ab".repeat(32)}`, "aiplatform.dev/audit-log": "0123456789ab" });
    expect(event.message.endsWith(anchorMessageSuffix(anchor))).toBe(true);
    expect(anchorMessageSuffix(anchor)).toBe(" [audit 0123456789ab #12 abababababab]");
    // The API server's limit on an Event message with an eventTime.
    expect(Buffer.byteLength(event.message, "utf8")).toBeLessThanOrEqual(1024);
  });
});
