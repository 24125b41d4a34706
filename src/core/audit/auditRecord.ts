import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import * as z from "zod";

/**
 * One line of the audit log (`.aiplatform/audit.jsonl`). Records form a hash chain: each holds
 * the hash of the one before it, and its own hash covers everything else in it, so an edited,
 * deleted, reordered or inserted line breaks the chain at a line `verifyAuditLog` can name.
 */

/**
 * "set-alias" moves a model registry alias: its object is the RegisteredModelAlias and its cluster the registry's URL.
 * "canary-step" moves a metric-gated canary to its next traffic step. "scaffold" records a new service's files being
 * written (its object is the workload it will deploy, its cluster the environment's context), so delivery metrics can
 * measure a newcomer's lead time from scaffold to first healthy deploy.
 */
export const auditActions = ["deploy", "rollback", "scale", "restart", "cordon", "uncordon", "promote", "approve", "set-alias", "canary-step", "scaffold"] as const;
export const AuditAction = z.enum(auditActions);
export type AuditAction = z.infer<typeof AuditAction>;

export const AuditOutcome = z.enum(["succeeded", "failed", "cancelled", "skipped"]);
export type AuditOutcome = z.infer<typeof AuditOutcome>;

/** Who made the change. Names only: never a token, certificate or password. */
export const Actor = z.object({
  /** The kubeconfig user the request was made as. */
  kubeUser: z.string().min(1),
  gitUser: z.object({ name: z.string().optional(), email: z.string().optional() }).optional(),
  osUser: z.string().min(1),
});
export type Actor = z.infer<typeof Actor>;

export const AuditObjectRef = z.object({ apiVersion: z.string().min(1), kind: z.string().min(1), name: z.string().min(1) });
export type AuditObjectRef = z.infer<typeof AuditObjectRef>;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "64 lower-case hex digits (SHA-256)");
export const DiffDigest = z.string().regex(/^sha256:[0-9a-f]{64}$/, "sha256:<64 hex digits>");

export const AuditRecord = z.object({
  v: z.literal(1),
  seq: z.number().int().min(1),
  ts: z.iso.datetime({ offset: true }),
  actor: Actor,
  /** The cluster's server URL, or its kubeconfig name when there is no URL. */
  cluster: z.string().min(1),
  context: z.string().min(1),
  namespace: z.string().min(1).optional(),
  object: AuditObjectRef,
  action: AuditAction,
  reason: z.string().optional(),
  revisionBefore: z.string().optional(),
  revisionAfter: z.string().optional(),
  diffDigest: DiffDigest.optional(),
  outcome: AuditOutcome,
  /** A short note, such as the error a failed change met. */
  detail: z.string().max(2000).optional(),
  /**
   * A rollback (or canary-to-0 %) made to mitigate a detected regression: when the regression was
   * detected (triage or a failed canary analysis). Delivery metrics' time to mitigate is ts − detectedAt.
   */
  detectedAt: z.iso.datetime({ offset: true }).optional(),
  /** The incident report (workspace-relative path) the mitigation came from. */
  incident: z.string().max(500).optional(),
  prevHash: sha256Hex,
  hash: sha256Hex,
  /**
   * A keyed chain (auditSigningKey.ts): HMAC-SHA256 of `hash` under the team's key, hex. Outside
   * the hash (it is made from it), so a record's hash and the next record's prevHash do not
   * depend on whether a key was used; whoever rewrites records without the key cannot make it.
   */
  mac: sha256Hex.optional(),
});
export type AuditRecord = z.infer<typeof AuditRecord>;

/** What a caller hands to appendAuditRecord: the log fills in the version, sequence number and hashes (and the time when ts is absent). */
export const AuditEntry = AuditRecord.omit({ v: true, seq: true, prevHash: true, hash: true, mac: true, ts: true }).extend({ ts: AuditRecord.shape.ts.optional() });
export type AuditEntry = z.input<typeof AuditEntry>;

/** The prevHash of the first record. */
export const genesisHash = "0".repeat(64);

/**
 * SHA-256 (hex) of the RFC 8785 (JCS) serialisation of the record without its `hash` and `mac` fields.
 * Hashing the canonical form, not the line as written, keeps verification independent of key
 * order and whitespace, so only a change of content breaks it.
 */
export function auditRecordHash(record: Readonly<Record<string, unknown>>): string {
  const { hash: _hash, mac: _mac, ...content } = record;
  const text = canonicalize(content);
  if (text === undefined) throw new Error("the record has nothing to serialise");
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** `sha256:<hex>` of the diff that was applied, so the record can prove which change it was without holding it. */
export function auditDiffDigest(diffText: string): string {
  return `sha256:${createHash("sha256").update(diffText, "utf8").digest("hex")}`;
}

export type AuditLineProblem = "not JSON" | "not an audit record (schema)";

/** One complete line of the log, parsed: the raw object is kept because the hash is checked over what is on disk. */
export type ParsedAuditLine =
  | { readonly ok: true; readonly record: AuditRecord; readonly raw: Record<string, unknown> }
  | { readonly ok: false; readonly problem: AuditLineProblem; readonly detail: string; readonly seq?: number };

export function parseAuditLine(text: string): ParsedAuditLine {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: "not JSON", detail: err instanceof Error ? err.message : String(err) };
  }
  const parsed = AuditRecord.safeParse(raw);
  if (!parsed.success) {
    const seq = typeof (raw as { seq?: unknown } | null)?.seq === "number" ? (raw as { seq: number }).seq : undefined;
    const detail = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
    return { ok: false, problem: "not an audit record (schema)", detail, ...(seq !== undefined ? { seq } : {}) };
  }
  return { ok: true, record: parsed.data, raw: raw as Record<string, unknown> };
}
