/**
 * A drift view as the dashboard gets it, for the webview's and the panel's tests and for working
 * on the dashboard: a fraud model whose transaction amount and merchant mix shifted, a feature the
 * engine could not judge, a partial read, three past checks and a deploy between them.
 */
import type { DriftHistoryPoint, DriftResult, DriftView, FeatureDrift } from "../../../src/shared/protocol/drift";

type FeatureOverrides = Partial<FeatureDrift> & Pick<FeatureDrift, "name" | "method" | "score" | "drifted">;

const defaults: Record<FeatureDrift["method"], { threshold: number; direction: FeatureDrift["direction"] }> = {
  ks: { threshold: 0.05, direction: "p-value" },
  chisquare: { threshold: 0.05, direction: "p-value" },
  z: { threshold: 0.05, direction: "p-value" },
  wasserstein: { threshold: 0.1, direction: "distance" },
  jensenshannon: { threshold: 0.1, direction: "distance" },
  psi: { threshold: 0.1, direction: "distance" },
};

export function featureOf(o: FeatureOverrides): FeatureDrift {
  const categorical = o.type === "categorical";
  return {
    type: "numerical",
    typeOrigin: "inferred",
    methodOrigin: "default",
    threshold: defaults[o.method].threshold,
    direction: defaults[o.method].direction,
    psi: null,
    ksStatistic: null,
    referenceRows: 20_000,
    currentRows: 20_000,
    uniqueValues: categorical ? 4 : 5_000,
    quality: { missingShareReference: 0, missingShareCurrent: 0, newCategories: [], newCategoryShare: 0, outOfRangeShare: categorical ? null : 0 },
    histograms: categorical
      ? { reference: { categories: ["a", "b"], shares: [0.5, 0.5] }, current: { categories: ["a", "b"], shares: [0.5, 0.5] } }
      : { reference: { edges: [0, 1, 2], shares: [0.5, 0.5] }, current: { edges: [0, 1, 2], shares: [0.5, 0.5] } },
    ecdf: null,
    problem: null,
    ...o,
  };
}

export const fixtureFeatures: FeatureDrift[] = [
  featureOf({ name: "hour", method: "wasserstein", score: 0.031, drifted: false }),
  featureOf({
    name: "amount",
    method: "wasserstein",
    score: 0.42,
    drifted: true,
    psi: 0.61,
    quality: { missingShareReference: 0, missingShareCurrent: 0.002, newCategories: [], newCategoryShare: 0, outOfRangeShare: 0.07 },
    histograms: {
      reference: { edges: [0, 50, 100, 150, 200], shares: [0.4, 0.35, 0.2, 0.05] },
      current: { edges: [0, 50, 100, 150, 200], shares: [0.2, 0.3, 0.3, 0.2] },
    },
    ecdf: { reference: { x: [10, 60, 120, 190], y: [0.25, 0.6, 0.9, 1] }, current: { x: [20, 90, 160, 199], y: [0.1, 0.4, 0.8, 1] } },
  }),
  featureOf({
    name: "merchant_category",
    type: "categorical",
    method: "jensenshannon",
    score: 0.21,
    drifted: true,
    uniqueValues: 5,
    quality: { missingShareReference: 0.01, missingShareCurrent: 0.01, newCategories: ["crypto"], newCategoryShare: 0.08, outOfRangeShare: null },
    histograms: {
      reference: { categories: ["grocery", "travel", "online", "fuel"], shares: [0.4, 0.2, 0.3, 0.1] },
      current: { categories: ["grocery", "travel", "online", "fuel", "crypto"], shares: [0.3, 0.2, 0.35, 0.07, 0.08] },
    },
  }),
  featureOf({ name: "country", type: "categorical", method: "jensenshannon", score: 0.05, drifted: false }),
  featureOf({
    name: "device_id",
    type: "categorical",
    method: "jensenshannon",
    score: null,
    drifted: false,
    uniqueValues: 1,
    problem: { kind: "constant", detail: "device_id holds one value (\"unknown\") on both sides." },
  }),
];

export const fixtureResult: DriftResult = {
  schemaVersion: 1,
  service: "kserve-models/fraud-xgboost",
  modelVersion: "fraud-xgboost:1.4.2",
  checkedAt: "2026-11-30T21:00:00.000Z",
  reference: { spec: "data/reference.parquet", files: ["data/reference.parquet"], format: "parquet", rows: 20_000, sampledFrom: null },
  current: { spec: "data/current-*.csv", files: ["data/current-1.csv", "data/current-2.csv"], format: "csv", rows: 20_000, sampledFrom: 48_000 },
  datasetDrift: false,
  driftShare: 0.4,
  driftShareThreshold: 0.5,
  driftedFeatures: 2,
  features: fixtureFeatures,
  prediction: null,
  partial: null,
  warnings: ["data/current-2.csv: 3 rows had fewer fields than the header and were skipped."],
  computeMs: 182,
};

function point(checkedAt: string, modelVersion: string, amount: number, merchant: number): DriftHistoryPoint {
  return {
    checkedAt,
    modelVersion,
    datasetDrift: false,
    driftShare: amount >= 0.1 ? 0.4 : 0,
    scores: {
      amount: { score: amount, method: "wasserstein", drifted: amount >= 0.1 },
      merchant_category: { score: merchant, method: "jensenshannon", drifted: merchant >= 0.1 },
    },
  };
}

export const fixtureView: DriftView = {
  latest: fixtureResult,
  history: [
    point("2026-11-28T21:00:00.000Z", "fraud-xgboost:1.4.1", 0.04, 0.03),
    point("2026-11-29T21:00:00.000Z", "fraud-xgboost:1.4.2", 0.18, 0.12),
    point("2026-11-30T21:00:00.000Z", "fraud-xgboost:1.4.2", 0.42, 0.21),
  ],
  markers: [{ time: Date.parse("2026-11-29T09:00:00.000Z") / 1000, kind: "deploy", revision: 7, modelVersion: "fraud-xgboost:1.4.2", origin: "rollout history" }],
  coverage: {
    productionServices: 4,
    latency: 1,
    errors: 1,
    dataQuality: 0.5,
    drift: 0.25,
    target: 0.9,
    services: [
      { service: "kserve-models/fraud-xgboost", where: "both", latency: true, errors: true, dataQuality: true, drift: true },
      { service: "llm-serving/vllm-llama3-70b", where: "cluster", latency: true, errors: true, dataQuality: false, drift: false },
      { service: "onnx-api/fastapi-onnx-sentiment", where: "workspace", latency: true, errors: true, dataQuality: true, drift: false },
      { service: "triton/resnet50", where: "cluster", latency: true, errors: true, dataQuality: false, drift: false },
    ],
  },
};
