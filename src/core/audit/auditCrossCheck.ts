import { type AuditAnchor, auditLogId } from "./auditAnchor";
import type { AuditRecord } from "./auditRecord";

/**
 * The file held against its anchors in the cluster (auditAnchor.ts). Each object and Event keeps
 * the seq and hash of the newest record about it, so:
 * - an anchor whose seq is past the file's end witnesses records cut from the end;
 * - an anchor whose seq the file holds under another hash witnesses a rewrite from (at most)
 *   that seq: a re-hashed chain verifies on its own, but cannot change what the cluster kept.
 * A record that reached no object (cancelled, skipped, or written where the cluster was not
 * reachable) has no witness, and Events expire (an hour by default), so an intact result means
 * "nothing the cluster still remembers contradicts the file", which the output says.
 */

export type WitnessKind = "Deployment" | "InferenceService" | "Node" | "Event";

export interface Witness {
  readonly kind: WitnessKind;
  readonly namespace?: string;
  readonly name: string;
  /** For an Event: the object it is about. */
  readonly about?: { readonly kind: string; readonly namespace?: string; readonly name: string };
  readonly anchor: AuditAnchor;
}

export type AnchorFinding =
  /** Records fileEnd+1 … lastWitnessed were appended and are gone from the file. */
  | { readonly kind: "cut"; readonly fileEnd: number; readonly missing: { readonly from: number; readonly to: number }; readonly witnesses: readonly Witness[] }
  /**
   * The file's record at a witnessed seq is not the one the cluster saw: rewritten from fromSeq at the latest.
   * logIdWas: the anchors name another log id, because the first record itself was rewritten.
   */
  | { readonly kind: "rewritten"; readonly fromSeq: number; readonly witnesses: readonly Witness[]; readonly logIdWas?: string };

export interface CrossCheck {
  /** This file's log id; undefined when it has no first record. */
  readonly logId: string | undefined;
  readonly fileEnd: number;
  /** Anchors of this log that were compared with the file, and how many of them agree. */
  readonly checked: number;
  readonly intact: number;
  readonly newestWitnessed: number | undefined;
  readonly findings: readonly AnchorFinding[];
  /** Anchors of other logs (another workspace's) that say nothing about this one. */
  readonly otherLogs: readonly { readonly logId: string; readonly anchors: number }[];
}

export function crossCheckAnchors(records: readonly AuditRecord[], witnesses: readonly Witness[]): CrossCheck {
  const bySeq = new Map<number, AuditRecord>();
  for (const r of records) if (!bySeq.has(r.seq)) bySeq.set(r.seq, r);
  const first = bySeq.get(1);
  const logId = first ? auditLogId(first.hash) : undefined;
  const fileEnd = records.reduce((max, r) => Math.max(max, r.seq), 0);

  const cut: Witness[] = [];
  const rewritten: Witness[] = [];
  const renamed = new Map<string, Witness[]>();
  const others = new Map<string, number>();
  let checked = 0;
  let intact = 0;
  for (const w of witnesses) {
    const { seq, hash } = w.anchor;
    if (w.anchor.logId !== logId) {
      // Another log, or this one with its first record rewritten: the record at that seq, about the same object, tells.
      const record = bySeq.get(seq);
      if (record && record.hash !== hash && sameObject(record, w)) renamed.set(w.anchor.logId, [...(renamed.get(w.anchor.logId) ?? []), w]);
      else others.set(w.anchor.logId, (others.get(w.anchor.logId) ?? 0) + 1);
      continue;
    }
    checked++;
    const record = bySeq.get(seq);
    if (record?.hash === hash) intact++;
    else if (seq > fileEnd) cut.push(w);
    else rewritten.push(w);
  }

  const findings: AnchorFinding[] = [];
  if (cut.length > 0) findings.push({ kind: "cut", fileEnd, missing: { from: fileEnd + 1, to: Math.max(...cut.map((w) => w.anchor.seq)) }, witnesses: bySeqThenName(cut) });
  if (rewritten.length > 0) findings.push({ kind: "rewritten", fromSeq: Math.min(...rewritten.map((w) => w.anchor.seq)), witnesses: bySeqThenName(rewritten) });
  for (const [was, ws] of renamed) findings.push({ kind: "rewritten", fromSeq: 1, witnesses: bySeqThenName(ws), logIdWas: was });

  const ours = witnesses.filter((w) => w.anchor.logId === logId).map((w) => w.anchor.seq);
  return {
    logId,
    fileEnd,
    checked,
    intact,
    newestWitnessed: ours.length > 0 ? Math.max(...ours) : undefined,
    findings,
    otherLogs: [...others].map(([id, anchors]) => ({ logId: id, anchors })).sort((a, b) => a.logId.localeCompare(b.logId)),
  };
}

/** The object a witness vouches for: itself, or for an Event the object it is about. */
export function witnessedObject(w: Witness): { readonly kind: string; readonly namespace?: string; readonly name: string } {
  return w.about ?? { kind: w.kind, ...(w.namespace ? { namespace: w.namespace } : {}), name: w.name };
}

function sameObject(record: AuditRecord, w: Witness): boolean {
  const o = witnessedObject(w);
  return o.kind === record.object.kind && o.name === record.object.name && (o.namespace ?? "") === (record.namespace ?? "");
}

function bySeqThenName(ws: readonly Witness[]): Witness[] {
  const key = (w: Witness): string => `${w.kind}/${w.namespace ?? ""}/${w.name}`;
  return [...ws].sort((a, b) => a.anchor.seq - b.anchor.seq || key(a).localeCompare(key(b)));
}
