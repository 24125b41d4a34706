import * as z from "zod";

/**
 * Read-only kube contexts, as k9s' --readonly: every command that changes a cluster refuses on a
 * context that matches one of the user's patterns, until it is unlocked for the session. The
 * patterns come from the `aiPlatform.readOnlyContexts` setting in the editor and from
 * AIPLAT_READONLY_CONTEXTS (comma-separated) for aiplat; AIPLAT_UNLOCK_CONTEXTS names the
 * contexts a shell session has unlocked.
 */

/** A context name, or a pattern with `*` for any run of characters (e.g. `*prod*`). */
export const ReadOnlyContextPatterns = z
  .array(
    z
      .string()
      .trim()
      .min(1, "an empty pattern")
      .max(253, "longer than a context name can be")
      .regex(/^[^\s,]+$/, "no spaces or commas in a pattern"),
  )
  .max(100);

export const readOnlyPatternsEnv = "AIPLAT_READONLY_CONTEXTS";
export const unlockedContextsEnv = "AIPLAT_UNLOCK_CONTEXTS";

export interface ReadOnlyPolicy {
  readonly patterns: readonly string[];
  /** Contexts unlocked for this session. */
  readonly unlocked: ReadonlySet<string>;
}

/** A refusal: the context and the pattern that made it read-only. */
export interface ReadOnlyRefusal {
  readonly kind: "read-only-context";
  readonly context: string;
  readonly pattern: string;
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`);
}

/** The first pattern that matches the context, if any. */
export function matchReadOnly(context: string, patterns: readonly string[]): string | undefined {
  return patterns.find((p) => globToRegExp(p).test(context));
}

/** undefined when the context may be changed; otherwise why not. */
export function checkWritable(context: string, policy: ReadOnlyPolicy): ReadOnlyRefusal | undefined {
  if (policy.unlocked.has(context)) return undefined;
  const pattern = matchReadOnly(context, policy.patterns);
  return pattern === undefined ? undefined : { kind: "read-only-context", context, pattern };
}

const splitList = (raw: string | undefined): string[] =>
  (raw ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/** The policy of a terminal session, from its environment; a bad pattern is a usage error. */
export function readOnlyPolicyFromEnv(env: Readonly<Record<string, string | undefined>>): { ok: true; policy: ReadOnlyPolicy } | { ok: false; variable: string; problem: string } {
  const parsed = ReadOnlyContextPatterns.safeParse(splitList(env[readOnlyPatternsEnv]));
  if (!parsed.success) return { ok: false, variable: readOnlyPatternsEnv, problem: parsed.error.issues[0]?.message ?? "invalid" };
  return { ok: true, policy: { patterns: parsed.data, unlocked: new Set(splitList(env[unlockedContextsEnv])) } };
}
