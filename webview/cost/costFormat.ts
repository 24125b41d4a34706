/** How the cost dashboard writes money, shares, efficiencies and waits. */
import { formatNumber } from "../common/valueFormat";

const moneyFormatters = new Map<string, Intl.NumberFormat | null>();

function moneyFormatter(currency: string, fractionDigits: number): Intl.NumberFormat | null {
  const key = `${currency}/${fractionDigits}`;
  let f = moneyFormatters.get(key);
  if (f === undefined) {
    try {
      f = new Intl.NumberFormat("en-US", { style: "currency", currency, minimumFractionDigits: Math.min(2, fractionDigits), maximumFractionDigits: fractionDigits });
    } catch {
      // Not an ISO 4217 code: the figure is still said, with the code after it.
      f = null;
    }
    moneyFormatters.set(key, f);
  }
  return f;
}

/**
 * "$12,346" for thousands, "$123.45" for ordinary amounts, three significant digits below a unit
 * ("$0.0123"), since cost per 1K inferences of a cheap service is a fraction of a cent.
 */
export function formatMoney(v: number | null | undefined, currency: string): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "—";
  if (!Number.isFinite(v)) return v > 0 ? "+Inf" : "−Inf";
  const abs = Math.abs(v);
  const digits = abs >= 1000 ? 0 : abs >= 1 || abs === 0 ? 2 : Math.min(6, 2 - Math.floor(Math.log10(abs)));
  const f = moneyFormatter(currency, digits);
  return f ? f.format(v) : `${v.toLocaleString("en-US", { minimumFractionDigits: Math.min(2, digits), maximumFractionDigits: digits })} ${currency}`;
}

/** An axis tick: whole amounts without cents ("$1,500", "$500"), fractions as formatMoney writes them. */
export function formatMoneyTick(v: number, currency: string): string {
  if (!Number.isInteger(v)) return formatMoney(v, currency);
  const f = moneyFormatter(currency, 0);
  return f ? f.format(v) : `${v.toLocaleString("en-US")} ${currency}`;
}

/** A ratio (usage ÷ request, a share) as a percentage; above 100 % is real (usage over request). */
export function formatRatio(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  return `${formatNumber(v * 100)} %`;
}

export function formatPercent(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  return `${formatNumber(v)} %`;
}

export function formatCount(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  return Math.round(v).toLocaleString("en-US");
}

export function formatHours(v: number): string {
  return `${formatNumber(v)} h`;
}

/** "45 s", "12 min", "3 h 5 min", "2 d 4 h": how long a pending GPU pod has waited. */
export function formatWait(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "—";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d} d` : `${d} d ${h % 24} h`;
}

/** "2026-11-30" of a unix-seconds day start, in UTC as the report's days are. */
export function formatDay(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 10);
}
