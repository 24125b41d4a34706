/**
 * Interval arithmetic for the cost model: who ran when, as [start, end) spans of unix seconds.
 * The model works on spans, never on per-minute samples, so a 7-day window over 10k pods is a
 * few tens of thousands of numbers.
 */
import type { Interval } from "./costInputs";

export const secondsPerDay = 86_400;

/**
 * Finite, non-empty, clipped to the window, sorted and merged. `dropped` counts spans that were
 * not finite or ended before they started (clock skew between the sources of start and end).
 */
export function normaliseIntervals(intervals: readonly Interval[], window: Interval): { intervals: Interval[]; dropped: number } {
  const kept: Interval[] = [];
  let dropped = 0;
  for (const iv of intervals) {
    if (!Number.isFinite(iv.start) || !Number.isFinite(iv.end) || iv.end < iv.start) {
      dropped++;
      continue;
    }
    const start = Math.max(iv.start, window.start);
    const end = Math.min(iv.end, window.end);
    if (end > start) kept.push({ start, end });
  }
  if (kept.length <= 1) return { intervals: kept, dropped };
  kept.sort((a, b) => a.start - b.start);
  const merged: Interval[] = [kept[0] as Interval];
  for (let i = 1; i < kept.length; i++) {
    const iv = kept[i] as Interval;
    const last = merged[merged.length - 1] as Interval;
    if (iv.start <= last.end) merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, iv.end) };
    else merged.push(iv);
  }
  return { intervals: merged, dropped };
}

/** Both lists sorted and merged (normaliseIntervals); the result is too. */
export function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as Interval;
    const y = b[j] as Interval;
    const start = Math.max(x.start, y.start);
    const end = Math.min(x.end, y.end);
    if (end > start) out.push({ start, end });
    if (x.end < y.end) i++;
    else j++;
  }
  return out;
}

export const secondsIn = (intervals: readonly Interval[]): number => intervals.reduce((s, iv) => s + iv.end - iv.start, 0);

/** Start of the UTC day holding `t` (unix seconds). */
export const utcDayStart = (t: number): number => Math.floor(t / secondsPerDay) * secondsPerDay;

/** The UTC days a window touches: their starts, first to last. */
export function utcDays(window: Interval): number[] {
  const days: number[] = [];
  for (let d = utcDayStart(window.start); d < window.end; d += secondsPerDay) days.push(d);
  return days.length > 0 ? days : [utcDayStart(window.start)];
}

/** Adds `perSecond` × the seconds of `iv` that fall on each UTC day to `into[day index]`, day 0 starting at `firstDay`. */
export function addAcrossDays(into: Float64Array, firstDay: number, iv: Interval, perSecond: number): void {
  let t = iv.start;
  while (t < iv.end) {
    const index = Math.floor((t - firstDay) / secondsPerDay);
    const dayEnd = firstDay + (index + 1) * secondsPerDay;
    const end = Math.min(iv.end, dayEnd);
    if (index >= 0 && index < into.length) into[index] = (into[index] ?? 0) + perSecond * (end - t);
    t = end;
  }
}
