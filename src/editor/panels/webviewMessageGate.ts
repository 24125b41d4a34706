/**
 * The host's check on every message a webview posts: a size limit first (so a huge message is
 * never walked by a parser), then the dashboard's zod contract. A message that fails either is
 * logged and dropped, never acted on and never thrown.
 */
import type { z } from "zod";

export const maxWebviewMessageBytes = 256 * 1024;

/** Nesting deeper than any contract message; deeper is treated as oversized. */
const maxDepth = 32;

/**
 * An estimate of a structured-clone value's size in bytes, counting strings by length and
 * binary data by byteLength. It stops as soon as it passes `limit`, so a 100 MB string or a
 * million-element array costs no more than the limit to reject.
 */
export function messageBytes(value: unknown, limit = maxWebviewMessageBytes): number {
  let total = 0;
  const seen = new Set<object>();
  const over = limit + 1;
  const visit = (v: unknown, depth: number): boolean => {
    if (total > limit) return false;
    if (typeof v === "string") total += v.length;
    else if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint" || v === null || v === undefined) total += 8;
    else if (typeof v === "object") {
      if (seen.has(v)) return true;
      seen.add(v);
      if (depth > maxDepth) {
        total = over;
        return false;
      }
      if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) total += v.byteLength;
      else if (Array.isArray(v)) {
        total += 8;
        for (const item of v) if (!visit(item, depth + 1)) return false;
      } else if (v instanceof Map || v instanceof Set) {
        total += 8;
        for (const item of v instanceof Map ? [...v.keys(), ...v.values()] : [...v]) if (!visit(item, depth + 1)) return false;
      } else {
        total += 8;
        for (const key of Object.keys(v)) {
          total += key.length;
          if (!visit((v as Record<string, unknown>)[key], depth + 1)) return false;
        }
      }
    } else total += 8;
    return total <= limit;
  };
  visit(value, 0);
  return Math.min(total, over);
}

export interface GateLog {
  warn(message: string): void;
}

/** The message as the contract types it, or undefined after logging why it was dropped. */
export function admitWebviewMessage<T>(schema: z.ZodType<T>, raw: unknown, log: GateLog, from: string, limit = maxWebviewMessageBytes): T | undefined {
  const bytes = messageBytes(raw, limit);
  if (bytes > limit) {
    log.warn(`${from}: dropped a webview message larger than ${Math.round(limit / 1024)} KB.`);
    return undefined;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const type = typeof raw === "object" && raw !== null && typeof (raw as { type?: unknown }).type === "string" ? ` "${String((raw as { type: string }).type).slice(0, 40)}"` : "";
    log.warn(`${from}: dropped a webview message${type} of the wrong shape (${issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "invalid"}).`);
    return undefined;
  }
  return parsed.data;
}
