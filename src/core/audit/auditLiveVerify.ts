import type { KubeConfig } from "@kubernetes/client-node";
import { type CrossCheck, crossCheckAnchors } from "./auditCrossCheck";
import { type AuditFileError, readAuditLog } from "./auditLog";
import type { AuditKey } from "./auditSigningKey";
import { type AuditVerification, verifyAuditLog } from "./auditVerify";
import { type ClusterWitnesses, readAuditWitnesses } from "./auditWitnesses";

/**
 * `verify --live`: the file's own chain (and MACs, with the key), then the file held against the
 * anchors the cluster keeps. The chain catches edits within the file; the anchors catch what a
 * chain cannot show about itself: records cut from the end, and a tail rewritten and re-hashed.
 */
export interface LiveVerification {
  /** True when the chain verifies and no anchor contradicts the file. */
  readonly ok: boolean;
  readonly chain: AuditVerification;
  readonly cluster: CrossCheck;
  readonly witnesses: Pick<ClusterWitnesses, "malformed" | "unreadable" | "listed"> & { readonly anchors: number };
}

export type LiveVerifyResult = { readonly ok: true; readonly verification: LiveVerification } | { readonly ok: false; readonly error: AuditFileError };

export async function verifyAuditLive(opts: {
  readonly file: string;
  readonly kc: KubeConfig;
  readonly namespaces?: readonly string[] | undefined;
  /** As verifyAuditLog: absent asks the installed key source, null checks no MACs. */
  readonly key?: AuditKey | null;
  readonly signal?: AbortSignal;
}): Promise<LiveVerifyResult> {
  const [read, chain, found] = await Promise.all([
    readAuditLog(opts.file),
    verifyAuditLog({ file: opts.file }, opts.key !== undefined ? { key: opts.key } : {}),
    readAuditWitnesses(opts.kc, { namespaces: opts.namespaces, ...(opts.signal ? { signal: opts.signal } : {}) }),
  ]);
  // A missing file is held against the cluster all the same: every anchor then witnesses a cut.
  if (!read.ok && read.error.kind !== "missing") return { ok: false, error: read.error };
  const cluster = crossCheckAnchors(read.ok ? read.records : [], found.witnesses);
  return {
    ok: true,
    verification: {
      ok: chain.ok && cluster.findings.length === 0,
      chain,
      cluster,
      witnesses: { anchors: found.witnesses.length, malformed: found.malformed, unreadable: found.unreadable, listed: found.listed },
    },
  };
}
