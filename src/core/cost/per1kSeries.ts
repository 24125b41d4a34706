/**
 * Cost per 1K inferences of each service over time, step by step, for the chart with deploy
 * markers. A step's cost is what the service's pods cost during it (each pod's charge spread
 * evenly over the time it ran); its requests are the source's count for the step.
 * Step convention (RequestCounts.steps, as a Prometheus range query of increase(x[step])
 * returns them): the value at time t counts the requests in (t − step, t], where step is the
 * spacing of the timestamps.
 */
import type { ChangeMarker } from "../../shared/protocol/latency";
import type { Per1kSeries } from "../../shared/protocol/cost";
import type { CostInputs } from "./costInputs";
import type { ModelledCost, PodCost } from "./costModel";

const maxPoints = 2000;
const maxMarkers = 500;

function stepSeconds(times: readonly number[], window: { start: number; end: number }): number {
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) {
    const gap = (times[i] ?? 0) - (times[i - 1] ?? 0);
    if (gap > 0) gaps.push(gap);
  }
  if (gaps.length === 0) return Math.max(1, window.end - window.start);
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)] ?? 1;
}

/** First index whose time is > t (times sorted ascending). */
function firstAfter(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] ?? 0) > t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** One series per service with request steps, the most expensive first, at most `maxSeries` (the report holds 200). */
export function per1kSeries(m: ModelledCost, inputs: CostInputs, opts: { markers?: (service: string) => readonly ChangeMarker[]; maxSeries?: number } = {}): Per1kSeries[] {
  const podsOf = new Map<string, PodCost[]>();
  for (const p of m.pods) {
    if (p.service === undefined) continue;
    const list = podsOf.get(p.service);
    if (list) list.push(p);
    else podsOf.set(p.service, [p]);
  }
  const candidates = [...inputs.requests]
    .filter(([, counts]) => (counts.steps?.length ?? 0) > 0)
    .map(([service, counts]) => ({ service, counts, cost: (podsOf.get(service) ?? []).reduce((s, p) => s + p.cost, 0) }))
    .sort((a, b) => b.cost - a.cost || a.service.localeCompare(b.service))
    .slice(0, opts.maxSeries ?? 200);
  return candidates.map(({ service, counts }) => {
    const steps = [...(counts.steps ?? [])].filter(([t]) => Number.isFinite(t)).sort((a, b) => a[0] - b[0]).slice(-maxPoints);
    const times = steps.map(([t]) => t);
    const step = stepSeconds(times, inputs.window);
    const cost = new Float64Array(times.length);
    for (const p of podsOf.get(service) ?? []) {
      if (p.hours <= 0 || p.cost <= 0) continue;
      const perSecond = p.cost / (p.hours * 3600);
      for (const iv of p.ran) {
        // Steps overlapping [iv.start, iv.end): those with t > iv.start and t − step < iv.end.
        for (let i = firstAfter(times, iv.start); i < times.length; i++) {
          const t = times[i] ?? 0;
          const from = t - step;
          if (from >= iv.end) break;
          const overlap = Math.min(t, iv.end) - Math.max(from, iv.start);
          if (overlap > 0) cost[i] = (cost[i] ?? 0) + perSecond * overlap;
        }
      }
    }
    const values = steps.map(([, requests], i) => (Number.isFinite(requests) && requests > 0 ? (cost[i] ?? 0) / (requests / 1000) : null));
    return { service: service.slice(0, 500), timestamps: times, values, markers: [...(opts.markers?.(service) ?? [])].slice(0, maxMarkers) };
  });
}
