/**
 * Error-budget burn as the Google SRE workbook defines it ("Alerting on SLOs", multiwindow,
 * multi-burn-rate alerts): burn rate = error ratio over a window ÷ (1 − SLO). Page when both
 * the 1 h and 5 m windows burn at ≥ 14.4× (2 % of a 30-day budget in an hour); open a ticket
 * when both 6 h and 30 m burn at ≥ 6× (5 % in six hours). The short window makes the alert stop
 * soon after the burning does.
 */
import type { SloView } from "../../shared/protocol/latency";
import type { ResolvedSlo } from "./sloTargets";

export type BurnWindow = "1h" | "5m" | "6h" | "30m";
export const burnWindowSeconds: Readonly<Record<BurnWindow, number>> = { "1h": 3600, "5m": 300, "6h": 21_600, "30m": 1800 };
export const burnWindows: readonly BurnWindow[] = ["1h", "5m", "6h", "30m"];

export interface BurnAlert {
  readonly status: "fast-burn" | "slow-burn";
  readonly long: BurnWindow;
  readonly short: BurnWindow;
  readonly threshold: number;
}
export const burnAlerts: readonly BurnAlert[] = [
  { status: "fast-burn", long: "1h", short: "5m", threshold: 14.4 },
  { status: "slow-burn", long: "6h", short: "30m", threshold: 6 },
];

/** The error budget's period. */
export const budgetPeriodSeconds = 30 * 86_400;

/** NaN is 0 ÷ 0: no requests in the window, which says nothing either way. */
function known(x: number | null | undefined): x is number {
  return x !== null && x !== undefined && Number.isFinite(x);
}

/**
 * An SLO of 100 % has no budget at all; a millionth stands in for it so any error burns
 * enormously yet the numbers stay finite (the dashboard contract rejects ±Infinity).
 */
const smallestBudget = 1e-6;

/** error ratio ÷ (1 − availability); null without data. */
export function burnRate(errorRatio: number | null | undefined, availability: number): number | null {
  if (!known(errorRatio)) return null;
  return errorRatio / Math.max(1 - availability, smallestBudget);
}

/**
 * Share of the 30-day budget left, from the error ratio over those 30 days: 1 − ratio ÷ budget.
 * Negative once the budget is overspent.
 */
export function errorBudgetRemaining(errorRatio30d: number | null | undefined, availability: number): number | null {
  const burned = burnRate(errorRatio30d, availability);
  return burned === null ? null : 1 - burned;
}

/** Floating point puts 0.0144 ÷ 0.001 a hair under 14.4; a threshold met exactly must fire. */
function atLeast(value: number, threshold: number): boolean {
  return value >= threshold * (1 - 1e-9);
}

export interface SloObservation {
  /** Error ratio over each burn window, ending now. */
  readonly errorRatio: Readonly<Partial<Record<BurnWindow, number | null>>>;
  readonly errorRatio30d: number | null;
  /** The current p95 (over the last few minutes), ms. */
  readonly p95Ms: number | null;
  /** The current error ratio (over the same few minutes). */
  readonly errorRatioNow: number | null;
}

function ms(x: number): string {
  return x >= 10 ? `${Math.round(x)} ms` : `${Number(x.toPrecision(2))} ms`;
}

function pct(x: number): string {
  const p = x * 100;
  return `${Math.abs(p) >= 10 ? Math.round(p) : Number(p.toPrecision(2))} %`;
}

function times(x: number): string {
  return `${x >= 100 ? Math.round(x) : Number(x.toFixed(1))}×`;
}

/**
 * The SLO's status, most urgent first: fast-burn (page), breached (budget spent, or the current
 * p95 or error ratio beyond its objective), slow-burn (ticket), ok; unknown without any data.
 */
export function evaluateSlo(slo: ResolvedSlo, obs: SloObservation): SloView {
  const rates = Object.fromEntries(burnWindows.map((w) => [w, burnRate(obs.errorRatio[w], slo.availability)])) as Record<BurnWindow, number | null>;
  const remaining = errorBudgetRemaining(obs.errorRatio30d, slo.availability);
  const base = {
    origin: slo.origin,
    availabilityTarget: slo.availability,
    latencyP95TargetMs: slo.p95LatencyMs,
    errorRateTarget: slo.errorRate,
    errorBudgetRemaining: remaining,
    burnRates: burnWindows.map((window) => ({ window, rate: rates[window] })),
  };

  const firing = (a: BurnAlert) => {
    const long = rates[a.long];
    const short = rates[a.short];
    return long !== null && short !== null && atLeast(long, a.threshold) && atLeast(short, a.threshold);
  };
  const burnLine = (a: BurnAlert) => `budget burning ${times(rates[a.long] ?? 0)} (${a.long}) and ${times(rates[a.short] ?? 0)} (${a.short}) ≥ ${a.threshold}×`;

  const breaches: string[] = [];
  if (known(obs.p95Ms) && obs.p95Ms > slo.p95LatencyMs) breaches.push(`p95 ${ms(obs.p95Ms)} > ${ms(slo.p95LatencyMs)}`);
  if (known(obs.errorRatioNow) && obs.errorRatioNow > slo.errorRate) breaches.push(`errors ${pct(obs.errorRatioNow)} > ${pct(slo.errorRate)}`);
  if (remaining !== null && remaining <= 0) breaches.push(`error budget spent (${pct(remaining)} left)`);

  const fast = burnAlerts.find((a) => a.status === "fast-burn" && firing(a));
  if (fast) return { ...base, status: "fast-burn", summary: [burnLine(fast), ...breaches].join("; ") };
  if (breaches.length > 0) return { ...base, status: "breached", summary: breaches.join("; ") };
  const slow = burnAlerts.find((a) => a.status === "slow-burn" && firing(a));
  if (slow) return { ...base, status: "slow-burn", summary: burnLine(slow) };

  const anyData = known(obs.p95Ms) || known(obs.errorRatioNow) || remaining !== null || burnWindows.some((w) => rates[w] !== null);
  if (!anyData) return { ...base, status: "unknown", summary: "no data" };
  const parts: string[] = [];
  if (known(obs.p95Ms)) parts.push(`p95 ${ms(obs.p95Ms)} ≤ ${ms(slo.p95LatencyMs)}`);
  if (remaining !== null) parts.push(`${pct(remaining)} budget left`);
  return { ...base, status: "ok", summary: parts.join(", ") || "within objectives" };
}
