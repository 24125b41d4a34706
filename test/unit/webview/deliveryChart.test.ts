import { describe, expect, test } from "vitest";
import { computeDeliveryReport } from "../../../src/core/delivery/deliveryReport";
import type { AuditRecord } from "../../../src/core/audit/auditRecord";
import { deliveryTargets } from "../../../src/shared/protocol/delivery";
import { LatencyToWebview } from "../../../src/shared/protocol/latency";
import { cfrStanding, formatDuration, formatRate, successStanding, weeklyColumns } from "../../../webview/latency/deliveryChart";
import { deliveryBlindSpotText } from "../../../webview/latency/deliveryBlindSpotText";

const week = (weekStart: string, deploys: number, judged: number, changeFailures: number, attempted: number, succeededAttempts: number) => ({ weekStart, deploys, judged, changeFailures, attempted, succeededAttempts });

describe("weeklyColumns", () => {
  test("bars stack the deploys that held under the change failures; a week with nothing to judge is a gap, not 0 %", () => {
    const c = weeklyColumns([week("2026-11-16T00:00:00.000Z", 4, 4, 1, 5, 4), week("2026-11-23T00:00:00.000Z", 0, 0, 0, 0, 0), week("2026-11-30T00:00:00.000Z", 2, 1, 0, 2, 2)]);
    expect(Array.from(c.xs)).toEqual([Date.UTC(2026, 10, 16) / 1000, Date.UTC(2026, 10, 23) / 1000, Date.UTC(2026, 10, 30) / 1000]);
    expect(c.layers.map((l) => [l.name, Array.from(l.values)])).toEqual([
      ["Deploys that held", [3, 0, 2]],
      ["Change failures", [1, 0, 0]],
    ]);
    expect(Array.from(c.cfr)).toEqual([0.25, Number.NaN, 0]);
    expect(Array.from(c.success)).toEqual([0.8, Number.NaN, 1]);
  });
});

describe("standing against the seeds' target lines", () => {
  test.each([
    [0.05, "mature"],
    [0.1, "met"],
    [0.149, "met"],
    [0.15, "missed"],
    [null, "no-data"],
  ] as const)("change failure rate %s → %s (< 10 %% mature, < 15 %% initial)", (rate, standing) => {
    expect(cfrStanding(rate, deliveryTargets)).toBe(standing);
  });

  test.each([
    [0.96, "met"],
    [0.95, "missed"],
    [null, "no-data"],
  ] as const)("deployment success %s → %s (> 95 %%)", (rate, standing) => {
    expect(successStanding(rate, deliveryTargets)).toBe(standing);
  });

  test("rates and durations read as people write them", () => {
    expect([formatRate(1 / 3), formatRate(0.1), formatRate(null), formatRate(Number.NaN)]).toEqual(["33.3 %", "10 %", "no data", "no data"]);
    expect([formatDuration(45), formatDuration(40 * 60), formatDuration(10 * 3600), formatDuration(3 * 86_400), formatDuration(null)]).toEqual(["45 s", "40 min", "10 h", "3 d", "no data"]);
  });
});

describe("the delivery message", () => {
  test("a computed report passes the contract both sides parse; a malformed one is dropped", () => {
    const rec: AuditRecord = {
      v: 1, seq: 1, ts: "2026-11-20T10:00:00.000Z", actor: { kubeUser: "a", osUser: "a" }, cluster: "c", context: "prod", namespace: "llm-serving",
      object: { apiVersion: "apps/v1", kind: "Deployment", name: "vllm" }, action: "deploy", outcome: "succeeded", prevHash: "0".repeat(64), hash: "0".repeat(64),
    };
    const report = computeDeliveryReport({ window: { start: new Date("2026-09-02T00:00:00Z"), end: new Date("2026-12-01T00:00:00Z") }, audit: [rec], histories: [], teams: { namespaceLabels: [], manifestOwners: [] }, blindSpots: [{ kind: "no-rollout-history" }] });
    const service = { context: "prod", namespace: "llm-serving", kind: "Deployment" as const, name: "vllm" };
    expect(LatencyToWebview.safeParse({ type: "delivery", service, report }).success).toBe(true);
    expect(report.services[0]?.weekly).toHaveLength(14);
    expect(LatencyToWebview.safeParse({ type: "delivery", service, report: { ...report, total: { ...report.total, changeFailure: { ...report.total.changeFailure, rate: 1.5 } } } }).success).toBe(false);
    expect(deliveryBlindSpotText(report.blindSpots[0]!)).toContain("deploys made without AI Platform Ops are not counted");
  });
});
