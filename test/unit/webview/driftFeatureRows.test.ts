import { describe, expect, test } from "vitest";
import { DriftView } from "../../../src/shared/protocol/drift";
import { featureRows, filterRows } from "../../../webview/drift/featureRows";
import { bySeverity, thresholdRatio } from "../../../webview/drift/featureSeverity";
import { featureOf, fixtureResult, fixtureView } from "./driftViewFixture";

const names = (rows: { feature: { name: string } }[]): string[] => rows.map((r) => r.feature.name);

describe("thresholdRatio: how many times past its threshold a score is", () => {
  test.each([
    // Distances drift at or above the threshold (Evidently: score >= threshold).
    ["wasserstein 0.42 against 0.1", { score: 0.42, threshold: 0.1, direction: "distance" as const }, 4.2],
    ["a distance exactly at the threshold", { score: 0.1, threshold: 0.1, direction: "distance" as const }, 1],
    ["a distance of 0", { score: 0, threshold: 0.1, direction: "distance" as const }, 0],
    // p-values drift below it: 1e-8 is 5 million times below 0.05.
    ["KS p = 1e-8 against 0.05", { score: 1e-8, threshold: 0.05, direction: "p-value" as const }, 5e6],
    ["chi-square p = 0.5", { score: 0.5, threshold: 0.05, direction: "p-value" as const }, 0.1],
    ["a p-value that underflowed to 0", { score: 0, threshold: 0.05, direction: "p-value" as const }, Number.POSITIVE_INFINITY],
    ["no score", { score: null, threshold: 0.05, direction: "p-value" as const }, null],
  ])("%s", (_name, f, expected) => {
    const r = thresholdRatio(f);
    if (expected === null || !Number.isFinite(expected)) expect(r).toBe(expected);
    else expect(r).toBeCloseTo(expected, 12);
  });
});

describe("severity order", () => {
  const features = [
    featureOf({ name: "chi_quiet", type: "categorical", method: "chisquare", score: 0.3, drifted: false }),
    featureOf({ name: "constant", method: "wasserstein", score: null, drifted: false, problem: { kind: "constant", detail: "one value" } }),
    featureOf({ name: "js_barely", type: "categorical", method: "jensenshannon", score: 0.12, drifted: true }),
    featureOf({ name: "psi_at_threshold", method: "psi", score: 0.1, drifted: true }),
    featureOf({ name: "ws_close", method: "wasserstein", score: 0.09, drifted: false }),
    featureOf({ name: "ks_tiny_p", method: "ks", score: 1e-8, drifted: true }),
    featureOf({ name: "ws_far", method: "wasserstein", score: 0.42, drifted: true }),
    featureOf({ name: "ks_zero_p", method: "ks", score: 0, drifted: true }),
    featureOf({ name: "ws_far_too", method: "wasserstein", score: 0.42, drifted: true }),
  ];

  test("drifted first, furthest past the threshold first across methods; then the closest calls; no verdict last", () => {
    const sorted = [...features].sort(bySeverity);
    expect(names(sorted.map((feature) => ({ feature })))).toEqual([
      "ks_zero_p", // p = 0: as far past as it gets
      "ks_tiny_p", // 0.05 / 1e-8
      "ws_far", // 4.2 × (equal scores keep name order)
      "ws_far_too",
      "js_barely", // 1.2 ×
      "psi_at_threshold", // 1 ×
      "ws_close", // 0.9 ×: not drifted, but nearly
      "chi_quiet", // 0.05 / 0.3
      "constant", // no score
    ]);
  });

  test("the engine's verdict wins over the ratio: a drifted feature is never below an undrifted one", () => {
    // A manifest threshold can make a small score drift; it still comes first.
    const strict = featureOf({ name: "strict", method: "wasserstein", score: 0.02, threshold: 0.01, drifted: true });
    const loose = featureOf({ name: "loose", method: "wasserstein", score: 0.9, threshold: 1, drifted: false });
    expect([loose, strict].sort(bySeverity).map((f) => f.name)).toEqual(["strict", "loose"]);
  });

  test("the table's rows: the fixture's drifted features lead, the one without a verdict trails", () => {
    expect(names(featureRows(fixtureResult))).toEqual(["amount", "merchant_category", "country", "hour", "device_id"]);
  });

  test("target and prediction are rows of their own, keyed apart from a feature of the same name", () => {
    const target = featureOf({ name: "is_fraud", type: "categorical", method: "jensenshannon", score: 0.3, drifted: true });
    const prediction = featureOf({ name: "amount", method: "wasserstein", score: 0.01, drifted: false });
    const rows = featureRows({ ...fixtureResult, prediction: { target, prediction } });
    expect(rows.map((r) => [r.key, r.role])).toEqual([
      ["feature:amount", "feature"],
      ["target:is_fraud", "target"],
      ["feature:merchant_category", "feature"],
      ["feature:country", "feature"],
      ["feature:hour", "feature"],
      ["prediction:amount", "prediction"],
      ["feature:device_id", "feature"],
    ]);
  });

  test("the fixture is a view the contract accepts", () => {
    expect(DriftView.safeParse(fixtureView).success).toBe(true);
  });
});

describe("filter", () => {
  const target = featureOf({ name: "is_fraud", type: "categorical", method: "z", score: 0.5, drifted: false });
  const rows = featureRows({ ...fixtureResult, prediction: { target, prediction: null } });

  test("no text and not drifted-only: every row, in severity order", () => {
    expect(names(filterRows(rows, { text: "", driftedOnly: false }))).toEqual(names(rows));
    expect(names(filterRows(rows, { text: "   ", driftedOnly: false }))).toEqual(names(rows));
  });

  test("drifted only keeps the drifted rows in their order", () => {
    expect(names(filterRows(rows, { text: "", driftedOnly: true }))).toEqual(["amount", "merchant_category"]);
  });

  test("text matches the name, the type, the method or the role, case-insensitively; every word must match", () => {
    expect(names(filterRows(rows, { text: "AMO", driftedOnly: false }))).toEqual(["amount"]);
    expect(names(filterRows(rows, { text: "categorical", driftedOnly: false }))).toEqual(["merchant_category", "country", "is_fraud", "device_id"]);
    expect(names(filterRows(rows, { text: "jensen", driftedOnly: false }))).toEqual(["merchant_category", "country", "device_id"]);
    expect(names(filterRows(rows, { text: "wasserstein", driftedOnly: false }))).toEqual(["amount", "hour"]);
    expect(names(filterRows(rows, { text: "target", driftedOnly: false }))).toEqual(["is_fraud"]);
    expect(names(filterRows(rows, { text: "categorical co", driftedOnly: false }))).toEqual(["country"]);
    expect(names(filterRows(rows, { text: "categorical", driftedOnly: true }))).toEqual(["merchant_category"]);
    expect(names(filterRows(rows, { text: "no-such-feature", driftedOnly: false }))).toEqual([]);
  });
});
