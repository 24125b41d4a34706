import { type AnchorFinding, type Witness, witnessedObject } from "../core/audit/auditCrossCheck";
import type { LiveVerification } from "../core/audit/auditLiveVerify";
import { describeVerification } from "../core/audit/auditVerify";
import type { WitnessListProblem } from "../core/audit/auditWitnesses";

/** `aiplat audit verify --live`, worded for a terminal: the verdict on stdout, findings and what could not be read on stderr. */
export function describeLiveVerification(file: string, context: string, v: LiveVerification): { out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const c = v.cluster;
  (v.chain.ok ? out : err).push(`${v.chain.ok ? "" : "aiplat: "}${file}: ${describeVerification(v.chain)}`);
  for (const f of c.findings) err.push(`aiplat: ${describeFinding(f, c.fileEnd)}`);
  for (const m of v.witnesses.malformed) err.push(`aiplat: warning: ${m.kind} ${where(m)} has an audit anchor this version cannot read: ${JSON.stringify(m.value)}`);
  for (const u of v.witnesses.unreadable) err.push(`aiplat: warning: ${describeUnreadable(u)}`);
  if (c.logId === undefined) out.push(`context ${context}: ${v.witnesses.anchors} audit anchor(s) found; the file has no first record to name its log by`);
  else if (c.checked === 0) out.push(`context ${context}: no anchor of log ${c.logId} found${c.findings.length > 0 ? " under its current id" : ""}: the cluster holds no witness of this file's records`);
  else {
    const agree = c.checked === c.intact ? "all agree with the file" : `${c.intact} agree with the file`;
    out.push(`context ${context}: ${c.checked} anchor(s) of log ${c.logId} checked (newest witnessed record: seq ${c.newestWitnessed ?? "-"}); ${agree}`);
  }
  if (v.ok) out.push("no record was cut or rewritten, as far as the cluster remembers (Events expire; only changes made in this cluster leave anchors)");
  for (const o of c.otherLogs) out.push(`(${o.anchors} anchor(s) belong to another log, ${o.logId})`);
  return { out: lines(out), err: lines(err) };
}

function describeFinding(f: AnchorFinding, fileEnd: number): string {
  if (f.kind === "cut") {
    const seqs = f.missing.from === f.missing.to ? `record ${f.missing.from} was` : `records ${f.missing.from}–${f.missing.to} were`;
    return `${seqs} cut from the end of the file (it ends at ${fileEnd === 0 ? "no record" : `seq ${fileEnd}`}); the cluster saw ${witnessList(f.witnesses)}`;
  }
  const start = f.logIdWas ? `the file was rewritten from its first record (its log id was ${f.logIdWas})` : `the file was rewritten from seq ${f.fromSeq} at the latest`;
  return `${start}: the cluster holds other hashes for ${witnessList(f.witnesses)}`;
}

function witnessList(ws: readonly Witness[]): string {
  return ws.map((w) => `seq ${w.anchor.seq} (${w.anchor.hash.slice(0, 12)}) on ${describeWitness(w)}`).join(", ");
}

function describeWitness(w: Witness): string {
  if (w.kind !== "Event") return `${w.kind} ${where(w)}`;
  const o = witnessedObject(w);
  return `Event ${where(w)} about ${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`;
}

function where(o: { readonly namespace?: string; readonly name: string }): string {
  return `${o.namespace ? `${o.namespace}/` : ""}${o.name}`;
}

function describeUnreadable(u: WitnessListProblem): string {
  const scope = (ns: string | undefined): string => (ns ? ` in ${ns}` : "");
  switch (u.kind) {
    case "forbidden":
      return `cannot list ${u.resource}${scope(u.namespace)} (forbidden): their anchors were not checked`;
    case "not-installed":
      return `${u.resource} are not served by this cluster (KServe not installed): none to check`;
    case "unreachable":
      return `could not list ${u.resource}${scope(u.namespace)}: ${u.message}`;
  }
}

function lines(ls: readonly string[]): string {
  return ls.map((l) => `${l}\n`).join("");
}

/** -o json: the same facts, stable field names for a pipeline. */
export function liveVerificationJson(file: string, context: string, v: LiveVerification): Record<string, unknown> {
  const witness = (w: Witness): Record<string, unknown> => ({ kind: w.kind, ...(w.namespace ? { namespace: w.namespace } : {}), name: w.name, ...(w.about ? { about: w.about } : {}), seq: w.anchor.seq, hash: w.anchor.hash });
  return {
    file,
    context,
    ok: v.ok,
    chain: v.chain,
    logId: v.cluster.logId ?? null,
    fileEnd: v.cluster.fileEnd,
    anchors: { found: v.witnesses.anchors, checked: v.cluster.checked, intact: v.cluster.intact, newestWitnessed: v.cluster.newestWitnessed ?? null },
    findings: v.cluster.findings.map((f) =>
      f.kind === "cut"
        ? { kind: f.kind, missing: f.missing, witnesses: f.witnesses.map(witness) }
        : { kind: f.kind, fromSeq: f.fromSeq, ...(f.logIdWas ? { logIdWas: f.logIdWas } : {}), witnesses: f.witnesses.map(witness) },
    ),
    otherLogs: v.cluster.otherLogs,
    malformed: v.witnesses.malformed,
    unreadable: v.witnesses.unreadable,
    listed: v.witnesses.listed,
  };
}
