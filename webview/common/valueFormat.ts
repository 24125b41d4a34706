/** How a value of each contract unit reads in the table, the legend and the axis. */
import type { Unit } from "../../src/shared/protocol/latency";

const suffix: Record<Unit, string> = {
  ms: " ms",
  ratio: " %",
  rps: " req/s",
  count: "",
  "tokens/s": " tokens/s",
  percent: " %",
};

/** The unit as a column header says it. */
export function unitLabel(unit: Unit): string {
  return unit === "ratio" ? "%" : unit === "rps" ? "req/s" : unit;
}

/** Three significant digits at most, grouped thousands, never exponent notation. */
export function formatNumber(v: number): string {
  const abs = Math.abs(v);
  const digits = abs === 0 || abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : Math.min(6, 2 - Math.floor(Math.log10(abs)));
  return v.toLocaleString("en-US", { minimumFractionDigits: 0, maximumFractionDigits: digits });
}

/**
 * A value with its unit: "412 ms", "1.23 %" (a ratio shown as a percentage), "12.5 req/s".
 * NaN means the source had no sample; ±Inf is what Prometheus returned (a quantile above the
 * last finite bucket) and is said as such rather than hidden.
 */
export function formatValue(v: number, unit: Unit): string {
  if (Number.isNaN(v)) return "—";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "−Inf";
  const shown = unit === "ratio" ? v * 100 : v;
  return `${formatNumber(shown)}${suffix[unit]}`;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** Building a formatter costs far more than using one; a table page formats 500 times. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? "";
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
    formatters.set(key, f);
  }
  return f;
}

/** "2026-11-30 21:54:00" in the given time zone (the viewer's own when undefined). */
export function formatTime(unixSeconds: number, timeZone?: string): string {
  const parts = formatter(timeZone).formatToParts(new Date(unixSeconds * 1000));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return `${get("year")}-${pad(get("month"))}-${pad(get("day"))} ${pad(get("hour"))}:${pad(get("minute"))}:${pad(get("second"))}`;
}
