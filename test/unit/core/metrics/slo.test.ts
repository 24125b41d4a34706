import { describe, expect, it } from "vitest";
import { burnAlerts, burnRate, errorBudgetRemaining, evaluateSlo, type SloObservation } from "../../../../src/core/metrics/sloBurn";
import { resolveSlo, type ResolvedSlo } from "../../../../src/core/metrics/sloTargets";
import { ServiceManifest } from "../../../../src/core/manifest/serviceManifest";

describe("resolveSlo", () => {
  it.each([
    { spec: undefined, runtime: "fastapi", want: { tier: "tier-1", availability: 0.999, p95LatencyMs: 200, errorRate: 0.01, origin: "tier-1 default" } },
    { spec: undefined, runtime: "vllm", want: { tier: "tier-1", availability: 0.999, p95LatencyMs: 2000, errorRate: 0.01, origin: "tier-1 default" } },
    { spec: { tier: "internal" }, runtime: "triton", want: { tier: "internal", availability: 0.995, p95LatencyMs: 200, errorRate: 0.01, origin: "internal default" } },
    { spec: { p95LatencyMs: 350 }, runtime: "kserve", want: { tier: "tier-1", availability: 0.999, p95LatencyMs: 350, errorRate: 0.01, origin: "manifest slo + tier-1 default" } },
    {
      spec: { p95LatencyMs: 800, errorRate: 0.02, availability: 0.99, tier: "internal" },
      runtime: "vllm",
      want: { tier: "internal", availability: 0.99, p95LatencyMs: 800, errorRate: 0.02, origin: "manifest slo" },
    },
  ] as const)("$spec on $runtime", ({ spec, runtime, want }) => expect(resolveSlo(spec, runtime)).toEqual(want));

  it("takes a tier from the caller when the manifest names none", () => {
    expect(resolveSlo({}, "fastapi", { tier: "internal" }).availability).toBe(0.995);
    expect(resolveSlo({ tier: "tier-1" }, "fastapi", { tier: "internal" }).availability).toBe(0.999);
  });

  it("reads the manifest's slo, tier included", () => {
    const m = ServiceManifest.parse({
      apiVersion: "aiplatform.dev/v1",
      kind: "InferenceServiceManifest",
      name: "chat",
      runtime: "vllm",
      image: "vllm/vllm-openai:v0.6.3",
      model: { registry: "models:/llama3-chat", version: "3" },
      slo: { p95LatencyMs: 1500, tier: "internal" },
      environments: { dev: { context: "dev", namespace: "llm" } },
    });
    expect(resolveSlo(m.slo, m.runtime === "python" ? "fastapi" : m.runtime)).toEqual({
      tier: "internal",
      availability: 0.995,
      p95LatencyMs: 1500,
      errorRate: 0.01,
      origin: "manifest slo + internal default",
    });
  });
});

const tier1: ResolvedSlo = resolveSlo(undefined, "fastapi");
const internal: ResolvedSlo = resolveSlo({ tier: "internal" }, "fastapi");
const obs = (o: Partial<{ r5m: number | null; r30m: number | null; r1h: number | null; r6h: number | null; r30d: number | null; p95: number | null }>): SloObservation => ({
  errorRatio: { "5m": o.r5m ?? null, "30m": o.r30m ?? null, "1h": o.r1h ?? null, "6h": o.r6h ?? null },
  errorRatio30d: o.r30d ?? null,
  p95Ms: o.p95 ?? null,
  errorRatioNow: o.r5m ?? null,
});

describe("burn rates (SRE workbook, 'Alerting on SLOs')", () => {
  it("derives the thresholds from budget consumed in the long window over a 30-day period", () => {
    // burn = fraction of budget × period ÷ window: 2 % in 1 h → 14.4; 5 % in 6 h → 6.
    const period = 30 * 24;
    expect(burnAlerts.map((a) => [a.status, a.long, a.short, a.threshold])).toEqual([
      ["fast-burn", "1h", "5m", (0.02 * period) / 1],
      ["slow-burn", "6h", "30m", (0.05 * period) / 6],
    ]);
  });

  it.each([
    [0.001, 0.999, 1],
    [0.0144, 0.999, 14.4],
    [0.006, 0.999, 6],
    [0.072, 0.995, 14.4],
    [0, 0.999, 0],
    [null, 0.999, null],
    [NaN, 0.999, null],
  ])("error ratio %s against %s burns at %s×", (ratio, availability, want) => {
    const r = burnRate(ratio, availability);
    if (want === null) expect(r).toBeNull();
    else expect(r).toBeCloseTo(want, 9);
  });

  it("keeps a 100 % objective finite: any error burns a million-fold", () => {
    expect(burnRate(0.001, 1)).toBeCloseTo(1000, 6);
    expect(Number.isFinite(errorBudgetRemaining(0.5, 1))).toBe(true);
  });

  it.each([
    [0.0004, 0.999, 0.6],
    [0.001, 0.999, 0],
    [0.0012, 0.999, -0.2],
    [0.001, 0.995, 0.8],
    [null, 0.999, null],
  ])("30-day error ratio %s against %s leaves %s of the budget", (ratio, availability, want) => {
    const r = errorBudgetRemaining(ratio, availability);
    if (want === null) expect(r).toBeNull();
    else expect(r).toBeCloseTo(want, 9);
  });
});

describe("evaluateSlo", () => {
  it.each([
    { name: "both page windows at exactly 14.4× page", slo: tier1, o: { r1h: 0.0144, r5m: 0.0144, r30d: 0.0005 }, status: "fast-burn" },
    { name: "a 1 h burn whose 5 m window has recovered does not page", slo: tier1, o: { r1h: 0.02, r5m: 0.002, r6h: 0.003, r30m: 0.004, r30d: 0.0005 }, status: "ok" },
    { name: "both ticket windows at ≥ 6× open a ticket", slo: tier1, o: { r1h: 0.007, r5m: 0.007, r6h: 0.0065, r30m: 0.0061, r30d: 0.0005 }, status: "slow-burn" },
    { name: "6 h at 6× but 30 m at 5.9× does not", slo: tier1, o: { r6h: 0.006, r30m: 0.0059, r30d: 0.0005 }, status: "ok" },
    { name: "internal 99.5 %: 7.2 % errors is 14.4×", slo: internal, o: { r1h: 0.072, r5m: 0.08 }, status: "fast-burn" },
    { name: "internal 99.5 %: 1.44 % burns only 2.9× yet breaks the 1 % error-rate objective", slo: internal, o: { r1h: 0.0144, r5m: 0.0144, r6h: 0.0144, r30m: 0.0144 }, status: "breached" },
    { name: "a spent budget is breached", slo: tier1, o: { r1h: 0, r5m: 0, r30d: 0.0012 }, status: "breached" },
    { name: "a p95 over target is breached", slo: tier1, o: { p95: 412, r5m: 0, r30d: 0 }, status: "breached" },
    { name: "nothing known is unknown", slo: tier1, o: {}, status: "unknown" },
    { name: "no traffic (0 ÷ 0) is unknown", slo: tier1, o: { r1h: NaN, r5m: NaN, r30d: NaN, p95: NaN }, status: "unknown" },
  ] as const)("$name", ({ slo, o, status }) => {
    expect(evaluateSlo(slo, obs(o)).status).toBe(status);
  });

  it("reports every burn rate, the budget left and a one-line summary", () => {
    const v = evaluateSlo(tier1, obs({ r5m: 0.016, r30m: 0.01, r1h: 0.015, r6h: 0.005, r30d: 0.0004, p95: 180 }));
    expect(v.burnRates.map((b) => [b.window, Number(b.rate?.toFixed(6))])).toEqual([
      ["1h", 15],
      ["5m", 16],
      ["6h", 5],
      ["30m", 10],
    ]);
    expect(v.errorBudgetRemaining).toBeCloseTo(0.6, 9);
    expect(v.status).toBe("fast-burn");
    expect(v.summary).toBe("budget burning 15× (1h) and 16× (5m) ≥ 14.4×; errors 1.6 % > 1 %");
    expect(v).toMatchObject({ origin: "tier-1 default", availabilityTarget: 0.999, latencyP95TargetMs: 200, errorRateTarget: 0.01 });
  });

  it("words a latency breach the way the Deployments tree shows it", () => {
    expect(evaluateSlo(tier1, obs({ p95: 412.4, r5m: 0 })).summary).toBe("p95 412 ms > 200 ms");
    expect(evaluateSlo(tier1, obs({ p95: 120, r30d: 0.0004 })).summary).toBe("p95 120 ms ≤ 200 ms, 60 % budget left");
  });
});
