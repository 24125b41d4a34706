import { parseRange } from "../durationText";

/** How far back triage reads changes and events unless told otherwise: `aiplat triage --since`, `aiPlatform.triage.lookback`. */
export const defaultTriageLookback = "2h";
/** defaultTriageLookback in seconds (a unit test holds the two together). */
export const defaultTriageLookbackSeconds = 2 * 3600;
/** Kubernetes keeps events for an hour and ReplicaSets for ten revisions; a month of audit log is plenty. */
const maxLookbackMs = 30 * 86_400_000;

/**
 * A triage look-back ("30m", "2h", "1h30m", "1d", up to 30d) in seconds, or why it is not one. The
 * latest change before the window still counts, so a short window never hides the suspect.
 */
export function parseTriageLookback(text: string): { readonly ok: true; readonly seconds: number } | { readonly ok: false; readonly problem: string } {
  const ms = parseRange(text.trim());
  if (ms === undefined || ms > maxLookbackMs) return { ok: false, problem: "expected a duration up to 30d, such as 30m, 2h or 1d" };
  return { ok: true, seconds: Math.round(ms / 1000) };
}

/** A setting's look-back in seconds; unset is the default, and a value that is not one is the default with why. */
export function triageLookbackOrDefault(raw: unknown): { readonly seconds: number; readonly problem: string | undefined } {
  if (raw === undefined || raw === null || raw === "") return { seconds: defaultTriageLookbackSeconds, problem: undefined };
  const parsed = typeof raw === "string" ? parseTriageLookback(raw) : { ok: false as const, problem: "expected a duration such as 2h" };
  return parsed.ok ? { seconds: parsed.seconds, problem: undefined } : { seconds: defaultTriageLookbackSeconds, problem: parsed.problem };
}
