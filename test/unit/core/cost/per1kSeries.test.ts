import { describe, expect, it } from "vitest";
import { Per1kSeries } from "../../../../src/shared/protocol/cost";
import { computeCost } from "../../../../src/core/cost/costModel";
import { per1kSeries } from "../../../../src/core/cost/per1kSeries";
import { createPriceBook } from "../../../../src/core/cost/priceBook";
import { hour, inputs, node, pod, windowOf } from "./costScenario";

const window = windowOf(Date.UTC(2026, 10, 3, 0) / 1000, 4);
const start = window.start;
/** Hourly steps; the value at t counts requests in (t − 1 h, t], as increase(x[1h]) at t does. */
const steps: [number, number][] = [
  [start + hour, 2000],
  [start + 2 * hour, 4000],
  [start + 3 * hour, 0],
  [start + 4 * hour, 1000],
];
const cluster = inputs({
  window,
  nodes: [node("g", { instanceType: "Standard_NC24ads_A100_v4", cpu: 24, ramGiB: 220, gpus: 1, intervals: [{ start, end: window.end }] })],
  pods: [
    // Starts half-way into the first step.
    pod("llm", "a", { node: "g", service: "llm/a", cpu: 2, ramGiB: 8, gpus: 1, intervals: [{ start: start + 0.5 * hour, end: window.end }] }),
    pod("llm", "quiet", { node: "g", service: "llm/quiet", cpu: 1, intervals: [{ start, end: window.end }] }),
  ],
  requests: { "llm/a": { total: 7000, steps }, "llm/quiet": { total: 0 } },
});
const m = computeCost(cluster, createPriceBook());

describe("per1kSeries", () => {
  const marker = { time: start + 2.5 * hour, kind: "deploy" as const, revision: 3, origin: "rollout history" };
  const series = per1kSeries(m, cluster, { markers: (s) => (s === "llm/a" ? [marker] : []) });

  it("one series per service with request steps, its markers attached", () => {
    expect(series.map((s) => s.service)).toEqual(["llm/a"]);
    Per1kSeries.parse(series[0]);
    expect(series[0]?.markers).toEqual([marker]);
    expect(series[0]?.timestamps).toEqual(steps.map(([t]) => t));
  });

  it("each step: the pods' cost during it ÷ (its requests ÷ 1000); no requests → null", () => {
    // The pod ran 3.5 h; its cost is spread evenly over them.
    const hourly = (m.pods[0]?.cost ?? 0) / 3.5;
    const values = series[0]?.values ?? [];
    expect(values[0]).toBeCloseTo((hourly * 0.5) / 2, 12);
    expect(values[1]).toBeCloseTo(hourly / 4, 12);
    expect(values[2]).toBeNull();
    expect(values[3]).toBeCloseTo(hourly / 1, 12);
  });
});
