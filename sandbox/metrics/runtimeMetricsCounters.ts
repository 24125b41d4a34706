/**
 * A model server process's cumulative state: its counters, histogram buckets and summaries,
 * advanced minute by minute from the traffic model since the process started. The live exporter
 * keeps one per scraped pod and advances it on each scrape; the backfill walks one per pod over the
 * history. Both read the same minutes, so the live counters start where the history ends.
 */
import { type SeriesDef, runtimeSeries } from "./runtimeMetrics";
import { type ModelServerTarget } from "./runtimeMetricsTarget";
import { type MinuteTraffic, type PodTraffic, hashKey, lognormalCdf, lognormalQuantile, minuteMs, minuteTraffic, serviceProfile } from "./trafficModel";

export interface SeriesValue {
  def: SeriesDef;
  /** Counters and gauges. */
  value: number;
  /** Histograms: cumulative counts per upper bound (le), +Inf excluded (it equals count). */
  buckets?: number[];
  count?: number;
  sum?: number;
  /** Summaries: one value per family quantile. */
  quantiles?: number[];
}

/** Slots per series in the flat state: counter [v]; histogram [b0..bk-1, count, sum]; summary [count, sum]. */
function slots(def: SeriesDef): number {
  if (def.kind === "counter" || def.kind === "gauge") return 1;
  if (def.kind === "summary") return 2;
  return (def.family.buckets?.length ?? 0) + 2;
}

/** How one minute moves each slot; integer counts, dithered the same way for every bucket so they stay ordered. */
function minuteIncrements(defs: readonly SeriesDef[], offsets: Int32Array, m: MinuteTraffic, out: Float64Array): void {
  out.fill(0);
  defs.forEach((def, i) => {
    const at = offsets[i] ?? 0;
    switch (def.kind) {
      case "counter":
        out[at] = Math.max(0, def.inc(m));
        return;
      case "gauge":
        return;
      case "summary": {
        const o = def.obs(m);
        out[at] = o.n;
        out[at + 1] = o.n * Math.exp(o.p.mu + (o.p.sigma * o.p.sigma) / 2) * o.unit;
        return;
      }
      case "histogram": {
        const o = def.obs(m);
        const bounds = def.family.buckets ?? [];
        for (let b = 0; b < bounds.length; b++) {
          const cdf = o.n > 0 ? lognormalCdf((bounds[b] ?? 0) / o.unit, o.p.mu, o.p.sigma) : 0;
          out[at + b] = Math.min(o.n, Math.floor(o.n * cdf + m.dither));
        }
        out[at + bounds.length] = o.n;
        out[at + bounds.length + 1] = o.n * Math.exp(o.p.mu + (o.p.sigma * o.p.sigma) / 2) * o.unit;
        return;
      }
    }
  });
}

export class ProcessCounters {
  private readonly offsets: Int32Array;
  private readonly totals: Float64Array;
  private readonly scratch: Float64Array;
  /** The first minute not yet added to the totals. */
  private nextMinute: number;

  /** A process that started at `startMs`: it counts from the first whole minute after its start. */
  constructor(
    readonly defs: readonly SeriesDef[],
    private traffic: PodTraffic,
    readonly startMs: number,
  ) {
    this.offsets = new Int32Array(defs.length);
    let size = 0;
    defs.forEach((def, i) => {
      this.offsets[i] = size;
      size += slots(def);
    });
    this.totals = new Float64Array(size);
    this.scratch = new Float64Array(size);
    this.nextMinute = Math.ceil(startMs / minuteMs);
  }

  /** Minutes from now on follow this traffic (a scaled service spreads its load anew); past ones stay. */
  retarget(traffic: PodTraffic): void {
    this.traffic = traffic;
  }

  /** Adds every whole minute before `minute`. */
  private advance(minute: number): void {
    for (; this.nextMinute < minute; this.nextMinute++) {
      minuteIncrements(this.defs, this.offsets, minuteTraffic(this.traffic, this.nextMinute), this.scratch);
      for (let i = 0; i < this.totals.length; i++) this.totals[i] = (this.totals[i] ?? 0) + (this.scratch[i] ?? 0);
    }
  }

  /**
   * Every series' value at `tMs` (never earlier than a previous call): whole minutes so far plus
   * the elapsed fraction of the current one, rounded down so counters only ever grow.
   */
  valuesAt(tMs: number): SeriesValue[] {
    const minute = Math.floor(tMs / minuteMs);
    this.advance(minute);
    const fraction = minute >= this.nextMinute ? (tMs - minute * minuteMs) / minuteMs : 0;
    const current = minuteTraffic(this.traffic, minute);
    if (fraction > 0) minuteIncrements(this.defs, this.offsets, current, this.scratch);
    const at = (i: number, integral = true): number => {
      const partial = fraction > 0 ? (this.scratch[i] ?? 0) * fraction : 0;
      return (this.totals[i] ?? 0) + (integral ? Math.floor(partial) : partial);
    };
    return this.defs.map((def, i): SeriesValue => {
      const o = this.offsets[i] ?? 0;
      switch (def.kind) {
        case "counter":
          return { def, value: at(o) };
        case "gauge":
          return { def, value: def.value(current) };
        case "summary": {
          const obs = def.obs(current);
          const quantiles = (def.family.quantiles ?? []).map((q) => Math.round(lognormalQuantile(q, obs.p.mu, obs.p.sigma) * obs.unit));
          return { def, value: at(o), count: at(o), sum: Math.round(at(o + 1, false)), quantiles };
        }
        case "histogram": {
          const k = def.family.buckets?.length ?? 0;
          const buckets = Array.from({ length: k }, (_, b) => at(o + b));
          return { def, value: at(o + k), buckets, count: at(o + k), sum: at(o + k + 1, false) };
        }
      }
    });
  }
}

/** The traffic model's view of a target: its service's profile, its revision, its share of the load. */
export function podTraffic(target: ModelServerTarget, seed: number): PodTraffic {
  return {
    profile: serviceProfile(target.runtime, target.serviceKey, seed, target.traffic),
    traits: target.traits,
    serviceKey: hashKey(target.serviceKey),
    podKey: hashKey(`${target.namespace}/${target.pod}`),
    replicas: target.replicas,
    seed,
  };
}

/** The process of a target that started at `startMs`, with its runtime's series (those `only` keeps). */
export function processCounters(target: ModelServerTarget, seed: number, startMs: number, only?: (def: SeriesDef) => boolean): ProcessCounters {
  const defs = runtimeSeries(target);
  return new ProcessCounters(only ? defs.filter(only) : defs, podTraffic(target, seed), startMs);
}
