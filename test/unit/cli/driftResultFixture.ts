import { DriftResult, type FeatureDrift } from "../../../src/shared/protocol/drift";

/** A feature's record as the engine writes one; only what a test cares about is given. */
export function featureDrift(name: string, over: Partial<FeatureDrift> = {}): FeatureDrift {
  return {
    name,
    type: "numerical",
    typeOrigin: "inferred",
    method: "wasserstein",
    methodOrigin: "default",
    score: 0.02,
    threshold: 0.1,
    direction: "distance",
    drifted: false,
    psi: null,
    ksStatistic: null,
    referenceRows: 5000,
    currentRows: 5000,
    uniqueValues: 4000,
    quality: { missingShareReference: 0, missingShareCurrent: 0, newCategories: [], newCategoryShare: 0, outOfRangeShare: 0 },
    histograms: { reference: { edges: [0, 1], shares: [1] }, current: { edges: [0, 1], shares: [1] } },
    ecdf: null,
    problem: null,
    ...over,
  };
}

/** A whole result, parsed through the schema so a fixture can never drift from the shape. */
export function driftResult(over: Partial<DriftResult> = {}): DriftResult {
  const features = over.features ?? [featureDrift("age"), featureDrift("income", { score: 0.4, drifted: true })];
  const drifted = features.filter((f) => f.drifted).length;
  return DriftResult.parse({
    schemaVersion: 1,
    service: "fraud-xgboost",
    modelVersion: "3",
    checkedAt: "2026-11-30T10:00:00.000Z",
    reference: { spec: "ref.csv", files: ["ref.csv"], format: "csv", rows: 5000, sampledFrom: null },
    current: { spec: "cur.csv", files: ["cur.csv"], format: "csv", rows: 5000, sampledFrom: null },
    datasetDrift: drifted / features.length >= 0.5,
    driftShare: features.length === 0 ? 0 : drifted / features.length,
    driftShareThreshold: 0.5,
    driftedFeatures: drifted,
    features,
    prediction: null,
    partial: null,
    warnings: [],
    computeMs: 12,
    ...over,
  });
}
