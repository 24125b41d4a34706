import { describe, expect, it } from "vitest";
import { chooseQueryStep, maxPointsPerSeries, niceStep, niceSteps, rateWindowSeconds } from "../../../../src/core/metrics/queryStep";

const t0 = 1_780_000_000;
const h = 3600;
const d = 86_400;

describe("chooseQueryStep", () => {
  // Expected steps worked by hand: range ÷ min(width, 11 000), at least the scrape interval, rounded up to the next nice value.
  it.each([
    { range: h, width: 1000, scrape: 15, step: 15, why: "3.6 s per pixel, the scrape interval wins" },
    { range: 6 * h, width: 1000, scrape: 15, step: 30, why: "21.6 s → 30 s" },
    { range: 24 * h, width: 1000, scrape: 15, step: 120, why: "86.4 s → 2 min" },
    { range: 7 * d, width: 1000, scrape: 15, step: 900, why: "604.8 s → 15 min" },
    { range: 7 * d, width: 40_000, scrape: 15, step: 60, why: "wider than 11 000 px: 54.98 s → 1 min" },
    { range: 32 * d, width: 20_000, scrape: 15, step: 300, why: "251.3 s → 5 min" },
    { range: 365 * d, width: 1000, scrape: 15, step: 12 * h, why: "31 536 s → 12 h" },
    { range: 365 * d, width: 100, scrape: 15, step: 4 * d, why: "beyond a day, whole days: 315 360 s → 4 d" },
    { range: h, width: 1000, scrape: 60, step: 60, why: "a slower scrape sets the floor" },
    { range: 10 * 60, width: 1000, scrape: 1, step: 1, why: "a 1 s scrape allows 1 s steps" },
  ])("$range s over $width px, scrape $scrape s: step $step s ($why)", ({ range, width, scrape, step }) => {
    const start = Math.floor(t0 / d) * d;
    const r = chooseQueryStep({ start, end: start + range, widthPx: width, scrapeIntervalSeconds: scrape });
    expect(r.step).toBe(step);
    expect(r.points).toBeLessThanOrEqual(Math.min(width, 11_000));
  });

  it("assumes kube-prometheus-stack's 30 s scrape interval unless told otherwise", () => {
    // 1 h over 1000 px would be 5 s a point; no finer than one scrape, and a rate window of 4 scrapes.
    expect(chooseQueryStep({ start: 0, end: 3600, widthPx: 1000 })).toMatchObject({ step: 30, rateWindowSeconds: 120 });
  });

  it("aligns start and end down to step multiples, and steps up when alignment would add a point too many", () => {
    // 3600 s over 240 px at a 15 s scrape: 15 s, but 7 → 0 and 3607 → 3600 gives 241 points: 30 s instead.
    const r = chooseQueryStep({ start: 7, end: 3607, widthPx: 240, scrapeIntervalSeconds: 15 });
    expect(r).toEqual({ start: 0, end: 3600, step: 30, points: 121, rateWindowSeconds: 60 });
    const aligned = chooseQueryStep({ start: 1_000_007, end: 1_003_607, widthPx: 1000, scrapeIntervalSeconds: 15 });
    expect(aligned.start % 15).toBe(0);
    expect(aligned.end % 15).toBe(0);
    expect(aligned.start).toBe(1_000_005);
    expect(aligned.end).toBe(1_003_605);
  });

  it("never returns more than 11 000 points, nor more points than pixels, nor a step Prometheus would refuse", () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 5000; i++) {
      const start = Math.floor(1.7e9 + rand() * 1e7);
      const range = Math.floor(1 + rand() * 40 * d);
      const width = Math.floor(1 + rand() * 30_000);
      const scrape = [1, 5, 10, 15, 30, 60][Math.floor(rand() * 6)]!;
      const r = chooseQueryStep({ start, end: start + range, widthPx: width, scrapeIntervalSeconds: scrape });
      expect(r.points).toBeLessThanOrEqual(Math.max(2, Math.min(width, maxPointsPerSeries)));
      expect(r.points).toBe((r.end - r.start) / r.step + 1);
      // web/api/v1/api.go: end.Sub(start)/step > 11000 is refused.
      expect(Math.floor((r.end - r.start) / r.step)).toBeLessThanOrEqual(11_000);
      expect(r.step).toBeGreaterThanOrEqual(scrape);
      expect(niceSteps.includes(r.step) || r.step % d === 0).toBe(true);
      expect(r.start % r.step).toBe(0);
      expect(r.start).toBeLessThanOrEqual(start);
      expect(r.end).toBeLessThanOrEqual(start + range);
    }
  });

  it.each([
    [0.2, 1],
    [1, 1],
    [3, 5],
    [15, 15],
    [16, 30],
    [61, 120],
    [301, 600],
    [3601, 7200],
    [7201, 3 * h],
    [13 * h, d],
    [d + 1, 2 * d],
  ])("niceStep(%s) = %s", (s, n) => expect(niceStep(s)).toBe(n));

  // Grafana's $__rate_interval: max(step + scrape, 4 × scrape).
  it.each([
    [15, 15, 60],
    [30, 15, 60],
    [60, 15, 75],
    [900, 15, 915],
    [15, 30, 120],
    [120, 60, 240],
  ])("rate window for step %s s, scrape %s s is %s s", (step, scrape, w) => expect(rateWindowSeconds(step, scrape)).toBe(w));
});
