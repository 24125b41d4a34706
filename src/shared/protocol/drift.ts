/**
 * A drift check's result: what `aiplat drift -o json` prints, what is written under
 * `.aiplatform/drift/<service>/` as history, and what the drift dashboard shows. One shape for
 * all three; every reader parses it with these schemas. Method names and thresholds follow
 * Evidently's defaults (../shared/reference/domain.md §1.1).
 */
import * as z from "zod";
import { ChangeMarker } from "./latency";

export const ColumnType = z.enum(["numerical", "categorical"]);
export type ColumnType = z.infer<typeof ColumnType>;

/** Evidently's stattest names. */
export const DriftMethod = z.enum(["ks", "wasserstein", "chisquare", "z", "jensenshannon", "psi"]);
export type DriftMethod = z.infer<typeof DriftMethod>;

/** Histogram of one side: bin edges (numerical, length = counts + 1) or category labels. */
export const Histogram = z.object({
  edges: z.array(z.number()).max(1025).optional(),
  categories: z.array(z.string().max(200)).max(1000).optional(),
  /** Share of the side's non-missing rows in each bin, 0–1. */
  shares: z.array(z.number()).max(1024),
});
export type Histogram = z.infer<typeof Histogram>;

/** An empirical CDF, down-sampled for the chart: x ascending, y in [0, 1]. */
export const Ecdf = z.object({ x: z.array(z.number()).max(2048), y: z.array(z.number()).max(2048) });
export type Ecdf = z.infer<typeof Ecdf>;

export const FeatureQuality = z.object({
  /** Share of rows with no value (empty, null, NaN) on each side. */
  missingShareReference: z.number().min(0).max(1),
  missingShareCurrent: z.number().min(0).max(1),
  /** Categories in current that reference never had (at most 50 listed), and how many rows carry them. */
  newCategories: z.array(z.string().max(200)).max(50),
  newCategoryShare: z.number().min(0).max(1),
  /** Share of current's numerical values outside reference's [min, max]. */
  outOfRangeShare: z.number().min(0).max(1).nullable(),
});
export type FeatureQuality = z.infer<typeof FeatureQuality>;

/** Why a feature has no verdict, or a partial one. */
export const FeatureProblem = z.object({
  kind: z.enum(["constant", "all-missing", "missing-in-current", "missing-in-reference", "mixed-types", "too-few-rows", "unsupported-type"]),
  detail: z.string().max(2000),
});
export type FeatureProblem = z.infer<typeof FeatureProblem>;

export const FeatureDrift = z.object({
  name: z.string().max(500),
  type: ColumnType,
  /** Was the type inferred from the data or given in the manifest / --features. */
  typeOrigin: z.enum(["inferred", "manifest"]),
  method: DriftMethod,
  methodOrigin: z.enum(["default", "manifest"]),
  /** p-value for ks, chisquare and z (lower = drift); a distance for the others (higher = drift). */
  score: z.number().nullable(),
  threshold: z.number(),
  direction: z.enum(["p-value", "distance"]),
  drifted: z.boolean(),
  /** PSI when asked for besides the method (Evidently's binning), null otherwise. */
  psi: z.number().nullable(),
  /** The two-sample KS statistic D, for the CDF chart, when KS ran. */
  ksStatistic: z.number().nullable(),
  referenceRows: z.number().int().nonnegative(),
  currentRows: z.number().int().nonnegative(),
  uniqueValues: z.number().int().nonnegative(),
  quality: FeatureQuality,
  histograms: z.object({ reference: Histogram, current: Histogram }),
  ecdf: z.object({ reference: Ecdf, current: Ecdf }).nullable(),
  problem: FeatureProblem.nullable(),
});
export type FeatureDrift = z.infer<typeof FeatureDrift>;

export const DataSource = z.object({
  /** The file(s) as given (path or glob) and what they resolved to. */
  spec: z.string().max(2000),
  files: z.array(z.string().max(2000)).max(10_000),
  format: z.enum(["csv", "parquet", "jsonl"]),
  rows: z.number().int().nonnegative(),
  /** Rows read before sampling, when sampled. */
  sampledFrom: z.number().int().nonnegative().nullable(),
});
export type DataSource = z.infer<typeof DataSource>;

export const DriftResult = z.object({
  /** The format of this record, for history files written by older versions. */
  schemaVersion: z.literal(1),
  /** "namespace/name" of the service, or the manifest's name; null for a bare `aiplat drift`. */
  service: z.string().max(500).nullable(),
  modelVersion: z.string().max(200).nullable(),
  /** ISO 8601. */
  checkedAt: z.string().max(40),
  reference: DataSource,
  current: DataSource,
  datasetDrift: z.boolean(),
  driftShare: z.number().min(0).max(1),
  /** Evidently's drift_share: the dataset drifts when driftShare ≥ this (default 0.5). */
  driftShareThreshold: z.number().min(0).max(1),
  driftedFeatures: z.number().int().nonnegative(),
  features: z.array(FeatureDrift).max(5000),
  /** Target and prediction columns, judged like features, when the manifest names them. */
  prediction: z.object({ target: FeatureDrift.nullable(), prediction: FeatureDrift.nullable() }).nullable(),
  /** A partial result (the check was stopped, a file failed part-way) says so here, and why. */
  partial: z.object({ reason: z.string().max(2000) }).nullable(),
  /** Warnings worth a glance: skipped rows, dropped columns, columns only on one side. */
  warnings: z.array(z.string().max(2000)).max(200),
  computeMs: z.number().nonnegative(),
});
export type DriftResult = z.infer<typeof DriftResult>;

/** One past check of a service, for the history chart (scores per feature). */
export const DriftHistoryPoint = z.object({
  checkedAt: z.string().max(40),
  modelVersion: z.string().max(200).nullable(),
  datasetDrift: z.boolean(),
  driftShare: z.number(),
  scores: z.record(z.string().max(500), z.object({ score: z.number().nullable(), method: DriftMethod, drifted: z.boolean() })),
});
export type DriftHistoryPoint = z.infer<typeof DriftHistoryPoint>;

/** Monitoring coverage of production services (the seeds' target: 90 %). */
export const CoverageService = z.object({
  service: z.string().max(500),
  where: z.enum(["workspace", "cluster", "both"]),
  latency: z.boolean(),
  errors: z.boolean(),
  dataQuality: z.boolean(),
  drift: z.boolean(),
});
export const Coverage = z.object({
  productionServices: z.number().int().nonnegative(),
  /** Shares 0–1 of production services with each kind of monitoring. */
  latency: z.number(),
  errors: z.number(),
  dataQuality: z.number(),
  drift: z.number(),
  target: z.number(),
  services: z.array(CoverageService).max(5000),
});
export type Coverage = z.infer<typeof Coverage>;

export const DriftView = z.object({
  latest: DriftResult.nullable(),
  history: z.array(DriftHistoryPoint).max(1000),
  markers: z.array(ChangeMarker).max(1000),
  coverage: Coverage.nullable(),
});
export type DriftView = z.infer<typeof DriftView>;

/** Webview → host. */
export const DriftFromWebview = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ready") }),
  /** Load the view again (Try again after an error). */
  z.object({ type: z.literal("refresh") }),
  z.object({ type: z.literal("runCheck") }),
  z.object({ type: z.literal("openManifest") }),
]);
export type DriftFromWebview = z.infer<typeof DriftFromWebview>;

/** Host → webview. */
export const DriftToWebview = z.discriminatedUnion("type", [
  /** `manifest` lets the webview keep its state (DriftPanelState) before the first view arrives. */
  z.object({ type: z.literal("loading"), service: z.string().max(500), manifest: z.string().max(4000).optional() }),
  z.object({ type: z.literal("progress"), percent: z.number().min(0).max(100), message: z.string().max(500) }),
  z.object({ type: z.literal("view"), service: z.string().max(500), view: DriftView }),
  z.object({ type: z.literal("error"), message: z.string().max(2000), detail: z.string().max(4000).optional() }),
]);
export type DriftToWebview = z.infer<typeof DriftToWebview>;

/** What the serializer keeps across reloads: the service's manifest. */
export const DriftPanelState = z.object({
  service: z.string().min(1).max(500),
  manifest: z.string().min(1).max(4000),
});
export type DriftPanelState = z.infer<typeof DriftPanelState>;

export const driftContract = {
  viewType: "aiPlatform.driftDashboard",
  fromWebview: DriftFromWebview,
  toWebview: DriftToWebview,
  state: DriftPanelState,
} as const;
