import type { z } from "zod";

/**
 * Parses a message that arrived from the host. One that does not match the contract is
 * reported and dropped: acting on it, or throwing from the message listener, would let a stale
 * or broken host take the dashboard down.
 */
export function parseIncoming<T>(schema: z.ZodType<T>, data: unknown, warn: (message: string) => void): T | undefined {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  warn(`Dropped a message that does not match the contract: ${issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "invalid"}`);
  return undefined;
}
