/**
 * How finely to ask for a range: Prometheus refuses more than 11,000 intervals per series
 * (web/api/v1/api.go), and a point finer than a pixel is drawn over by its neighbour, so the
 * step is the larger of the scrape interval and range ÷ width, rounded up to a value a person
 * reads easily. Start and end sit on step multiples, as Grafana aligns them, so refreshes ask
 * for the same timestamps and the chart does not shimmer.
 */

/** Prometheus' per-series ceiling; we stay at or below it in points, not only intervals. */
export const maxPointsPerSeries = 11_000;

/**
 * kube-prometheus-stack scrapes every 30 s by default (Prometheus itself: 1 m). Assuming a
 * shorter interval than the real one makes rate windows that hold a single sample: gaps.
 */
export const defaultScrapeIntervalSeconds = 30;

const m = 60;
const h = 3600;
const d = 86_400;
/** Steps a person reads easily, in seconds; beyond a day, whole days. */
export const niceSteps: readonly number[] = [1, 2, 5, 10, 15, 30, m, 2 * m, 5 * m, 10 * m, 15 * m, 30 * m, h, 2 * h, 3 * h, 6 * h, 12 * h, d];

export interface QueryStep {
  /** Unix seconds, a multiple of step. */
  readonly start: number;
  readonly end: number;
  readonly step: number;
  /** Points per series this range returns: (end − start) / step + 1. */
  readonly points: number;
  /** Seconds: Grafana's $__rate_interval, max(step + scrape, 4 × scrape). */
  readonly rateWindowSeconds: number;
}

/** The smallest nice step ≥ seconds. */
export function niceStep(seconds: number): number {
  const s = Math.max(1, Math.ceil(seconds));
  return niceSteps.find((n) => n >= s) ?? Math.ceil(s / d) * d;
}

function nextNiceStep(step: number): number {
  return niceSteps.find((n) => n > step) ?? (Math.floor(step / d) + 1) * d;
}

/** Grafana's $__rate_interval (grafana#77234): a window always holding at least four scrapes and one step. */
export function rateWindowSeconds(step: number, scrapeIntervalSeconds = defaultScrapeIntervalSeconds): number {
  return Math.max(step + scrapeIntervalSeconds, 4 * scrapeIntervalSeconds);
}

export function chooseQueryStep(opts: { start: number; end: number; widthPx: number; scrapeIntervalSeconds?: number }): QueryStep {
  const scrape = opts.scrapeIntervalSeconds && opts.scrapeIntervalSeconds > 0 ? opts.scrapeIntervalSeconds : defaultScrapeIntervalSeconds;
  const maxPoints = Math.max(2, Math.min(Math.floor(opts.widthPx) || 2, maxPointsPerSeries));
  const range = Math.max(0, opts.end - opts.start);
  let step = niceStep(Math.max(scrape, Math.ceil(range / maxPoints)));
  const aligned = (s: number) => ({ start: Math.floor(opts.start / s) * s, end: Math.floor(opts.end / s) * s });
  // Flooring both ends can add one interval; step up until the points fit.
  for (;;) {
    const { start, end } = aligned(step);
    const points = (end - start) / step + 1;
    if (points <= maxPoints) return { start, end, step, points, rateWindowSeconds: rateWindowSeconds(step, scrape) };
    step = nextNiceStep(step);
  }
}
