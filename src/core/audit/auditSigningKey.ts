import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The optional key of a keyed audit chain. Without it the chain is tamper-evident only: whoever
 * can write the file can rewrite a record and re-hash every one after it. With it each record
 * carries an HMAC-SHA256 of its hash, which nobody without the key can make, so a rewrite is
 * caught by the file alone (tamper-proof as far as the key stays secret).
 *
 * The key never leaves this module's closures: an AuditKey prints as its source only, and no
 * message anywhere names the key itself.
 */

/** The environment variable aiplat (and a CI job) takes the key from. */
export const auditKeyEnv = "AIPLAT_AUDIT_HMAC_KEY";

/** Short keys are guessable by brute force from one record and its MAC; 16 characters of a random secret is the floor. */
export const minAuditKeyLength = 16;

export interface AuditKey {
  /** Where the key came from ("AIPLAT_AUDIT_HMAC_KEY", "SecretStorage"): the only thing about it that may be shown. */
  readonly source: string;
  /** HMAC-SHA256 (hex) of a record's hash. */
  mac(hash: string): string;
  /** Whether a record's mac was made with this key over this hash (constant-time). */
  verify(hash: string, mac: string): boolean;
}

export type AuditKeyProblem = { readonly kind: "too-short"; readonly source: string; readonly length: number; readonly min: number };

export type AuditKeyLookup = { readonly kind: "none" } | { readonly kind: "key"; readonly key: AuditKey } | { readonly kind: "unusable"; readonly problem: AuditKeyProblem };

/** The key is the UTF-8 bytes of the text as given (a passphrase or a generated hex string alike). */
export function auditKeyFromText(text: string, source: string): { ok: true; key: AuditKey } | { ok: false; problem: AuditKeyProblem } {
  if (text.length < minAuditKeyLength) return { ok: false, problem: { kind: "too-short", source, length: text.length, min: minAuditKeyLength } };
  const bytes = Buffer.from(text, "utf8");
  const mac = (hash: string): string => createHmac("sha256", bytes).update(hash, "utf8").digest("hex");
  const key: AuditKey = {
    source,
    mac,
    verify: (hash, given) => {
      const expected = Buffer.from(mac(hash), "hex");
      const actual = Buffer.from(given, "hex");
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
  };
  // A key object that ends up in a log or a JSON dump shows where it came from, never the secret.
  Object.defineProperty(key, "toJSON", { value: () => ({ source }), enumerable: false });
  return { ok: true, key };
}

/** The key in an environment (unset or empty: none). */
export function auditKeyFromEnv(env: Readonly<Record<string, string | undefined>>): AuditKeyLookup {
  const text = env[auditKeyEnv];
  if (text === undefined || text === "") return { kind: "none" };
  const made = auditKeyFromText(text, auditKeyEnv);
  return made.ok ? { kind: "key", key: made.key } : { kind: "unusable", problem: made.problem };
}

/** Where appends and verifications get the key of a log file when the caller does not hand one over. */
export type AuditKeySource = (file: string) => Promise<AuditKeyLookup>;

const environmentSource: AuditKeySource = () => Promise.resolve(auditKeyFromEnv(process.env));
let currentSource: AuditKeySource = environmentSource;

/**
 * Installed once by a surface's composition root (the editor: SecretStorage, then the
 * environment). Every writer of the log (deploy, rollback, canary, scaffold, alias) appends
 * through appendAuditRecord, so the key reaches all of them without each threading it through.
 * Returns the undo, for the disposable that owns it.
 */
export function useAuditKeySource(source: AuditKeySource): () => void {
  const previous = currentSource;
  currentSource = source;
  return () => {
    if (currentSource === source) currentSource = previous;
  };
}

/** The key for a log file: from the installed source, which by default reads AIPLAT_AUDIT_HMAC_KEY. */
export function auditKeyFor(file: string): Promise<AuditKeyLookup> {
  return currentSource(file);
}

/** The environment's key when set, else the other source's (the editor: an env key set for CI wins over the stored one, as in aiplat). */
export function withEnvironmentKey(other: AuditKeySource, env: Readonly<Record<string, string | undefined>> = process.env): AuditKeySource {
  return async (file) => {
    const fromEnv = auditKeyFromEnv(env);
    return fromEnv.kind === "none" ? other(file) : fromEnv;
  };
}
