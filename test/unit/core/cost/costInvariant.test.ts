import { describe, expect, it } from "vitest";
import type { Interval, NodeRecord, PodRecord, PodUsage } from "../../../../src/core/cost/costInputs";
import { aggregateCost } from "../../../../src/core/cost/costAggregation";
import { computeCost } from "../../../../src/core/cost/costModel";
import { createPriceBook } from "../../../../src/core/cost/priceBook";
import { random } from "../kube/cache/clusterModelChanges";
import { gib, hour, inputs, node, pod, windowOf } from "./costScenario";

const types = ["Standard_NC24ads_A100_v4", "Standard_ND96amsr_A100_v4", "Standard_D8s_v5", "Standard_NC4as_T4_v3", "Custom_Unknown", undefined];

/** Random spans inside [start − 1 h, end + 1 h]: some clipped, some overlapping, now and then reversed or NaN. */
function spans(rnd: () => number, start: number, end: number): Interval[] {
  const n = 1 + Math.floor(rnd() * 3);
  return Array.from({ length: n }, () => {
    if (rnd() < 0.03) return { start: Number.NaN, end };
    const a = start - hour + rnd() * (end - start + 2 * hour);
    const b = start - hour + rnd() * (end - start + 2 * hour);
    return rnd() < 0.05 ? { start: Math.max(a, b), end: Math.min(a, b) } : { start: Math.min(a, b), end: Math.max(a, b) };
  });
}

function randomCluster(seed: number) {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const window = windowOf(Date.UTC(2026, 10, 1) / 1000 + Math.floor(rnd() * 86_400), 1 + Math.floor(rnd() * 24 * 9));
  const nodes: NodeRecord[] = Array.from({ length: 1 + Math.floor(rnd() * 12) }, (_, i) => {
    const full = rnd() < 0.6;
    return node(`n${i}`, {
      instanceType: pick(types),
      pool: pick(["a", "b", "c"]),
      gpuProduct: pick([undefined, "NVIDIA-A100-SXM4-80GB", "Tesla-T4"]),
      cpu: pick([0, 4, 8, 24, 96, Number.NaN]),
      ramGiB: pick([0, 16, 32, 220, 1800]),
      gpus: pick([0, 1, 8]),
      intervals: full ? [{ start: window.start, end: window.end }] : spans(rnd, window.start, window.end),
    });
  });
  const pods: PodRecord[] = [];
  const usage: Record<string, PodUsage> = {};
  for (let i = 0; i < Math.floor(rnd() * 80); i++) {
    const name = `p${i}`;
    const ns = pick(["x", "y", "z"]);
    pods.push(pod(ns, name, { node: rnd() < 0.95 ? `n${Math.floor(rnd() * nodes.length)}` : "ghost", service: pick([undefined, `${ns}/s1`, `${ns}/s2`]), team: pick([undefined, "t1", "t2"]), cpu: pick([0, 0.5, 2, 16, 64]), ramGiB: pick([0, 1, 8, 200]), gpus: pick([0, 0, 1, 2, 8]), intervals: spans(rnd, window.start, window.end) }));
    if (rnd() < 0.8) usage[`${ns}/${name}`] = { cpuCoresAvg: pick([undefined, 0, 0.3, 12, 200, -1, Number.NaN]), ramBytesAvg: pick([undefined, 0, 4 * gib, 900 * gib, Number.NaN]), gpuUtilAvg: pick([undefined, 0, 0.4, 1, 7]) };
  }
  return inputs({ window, nodes, pods, usage, requests: { "x/s1": { total: 1000 }, "y/s2": { total: Number.NaN } } });
}

const book = createPriceBook();
const within = (a: number, b: number, rel: number) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-9);

describe("the cost model's invariants over randomized clusters (seeded)", () => {
  it("allocated + idle = total within 0.1%, per cluster, per node and per day; nothing negative or NaN", () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 100; seed++) {
      const cluster = randomCluster(seed);
      const m = computeCost(cluster, book);
      for (const e of m.estimates) seen.add(e.code);
      const context = `seed ${seed}`;
      expect(within(m.allocated + m.idle, m.total, 1e-3), context).toBe(true);
      expect(m.allocated, context).toBeLessThanOrEqual(m.total * (1 + 1e-9));
      for (const n of m.nodes) {
        expect(n.idle, `${context} ${n.node}`).toBeGreaterThanOrEqual(0);
        expect(within(n.allocated + n.idle, n.total, 1e-3), `${context} ${n.node}`).toBe(true);
        expect(n.gpuIdleCost).toBeGreaterThanOrEqual(0);
        expect(n.gpuIdleCost).toBeLessThanOrEqual(n.idle + 1e-9);
      }
      for (const p of m.pods) {
        for (const x of [p.cost, p.cpuCost, p.ramCost, p.gpuCost, p.gpuHours, p.hours]) {
          expect(Number.isFinite(x), `${context} ${p.key}`).toBe(true);
          expect(x).toBeGreaterThanOrEqual(0);
        }
      }
      const podSum = m.pods.reduce((s, p) => s + p.cost, 0);
      expect(within(podSum, m.allocated, 1e-6), context).toBe(true);
      const daySum = m.daily.reduce((s, d) => ({ total: s.total + d.total, allocated: s.allocated + d.allocated }), { total: 0, allocated: 0 });
      expect(within(daySum.total, m.total, 1e-6), context).toBe(true);
      expect(within(daySum.allocated, m.allocated, 1e-6), context).toBe(true);
      for (const d of m.daily) expect(d.idle, context).toBeGreaterThanOrEqual(0);
      for (const by of ["service", "namespace", "team", "pool", "gpu"] as const) {
        const rows = aggregateCost(m, cluster, by);
        expect(within(rows.reduce((s, r) => s + r.cost, 0), m.allocated, 1e-6), `${context} ${by}`).toBe(true);
      }
    }
    // The clusters did exercise the hard cases.
    expect([...seen].sort()).toEqual(expect.arrayContaining(["bad-usage", "clock-skew", "default-price", "no-instance-type", "no-requests", "no-usage", "over-committed", "partial-window"]));
  });
});
