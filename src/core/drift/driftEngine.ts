/**
 * The drift check: every feature judged by Evidently's default test for its type, size and number
 * of distinct values (or the manifest's choice), with data quality and what the dashboard draws,
 * then the dataset verdict (evidentlyai/evidently legacy/calculations/data_drift.py::
 * get_dataset_drift: drifted share ≥ drift_share, 0.5 by default). Synchronous and CPU-bound: it
 * runs in the drift worker (driftWorker.ts), never on the extension host's thread.
 *
 * Bad input never throws: a column on one side only, all missing, typed wrong or judged by a
 * method that cannot read it becomes a feature with a `problem` and no score; a constant column
 * or a single row still gets Evidently's verdict, with the problem noted beside it.
 */
import type { ColumnType, DriftMethod, DriftResult, FeatureDrift, FeatureProblem } from "../../shared/protocol/drift";
import { typeFeature, typeOfColumn } from "./columnTypes";
import type { Column, Dataset } from "./data/dataset";
import { featureQuality, oneSidedQuality } from "./dataQuality";
import { downsampledEcdf, featureHistograms } from "./featureCharts";
import { distinctLabels, distinctSorted, distinctUnion, evidentlyBins, type Bins } from "./featureBins";
import { psiScore, scoreMethod, type ScoredFeature } from "./featureScore";
import { defaultThreshold, isDrift, methodAccepts, scoreDirection, selectMethod } from "./methodSelection";

export interface FeatureSpec {
  readonly name: string;
  readonly type?: ColumnType;
  readonly method?: DriftMethod;
  readonly threshold?: number;
}

export interface DriftOptions {
  /** The features to judge, in this order; by default every column either side has, but target and prediction. */
  readonly features?: readonly FeatureSpec[];
  readonly target?: string;
  readonly prediction?: string;
  /** Also compute PSI (Evidently's binning) for every feature. */
  readonly psi?: boolean;
  /** Evidently's drift_share: the dataset drifts when this share of judged features drifts (default 0.5). */
  readonly driftShare?: number;
  /** Called as each feature starts, and once more when all are done. */
  readonly onProgress?: (done: number, total: number, feature: string) => void;
  /** Checked between features: a stopped check returns what it has, marked partial. */
  readonly signal?: AbortSignal;
}

/** A drift result before the caller names the service and model version. */
export type DriftComputation = Omit<DriftResult, "service" | "modelVersion">;

const defaultDriftShare = 0.5;
const maxWarnings = 200;
const maxFeatures = 5000;
const maxText = 2000;
const nameLength = 500;

const emptyHistogram = { shares: [] };

interface Judged {
  readonly feature: FeatureDrift;
  readonly warnings: readonly string[];
}

function quote(name: string): string {
  return JSON.stringify(name.length > 120 ? `${name.slice(0, 120)}…` : name);
}

/** A feature with no score: the `problem` says why. */
function unjudged(spec: FeatureSpec, type: ColumnType, method: DriftMethod, rows: { reference: number; current: number }, problem: FeatureProblem, quality = oneSidedQuality(null, null)): FeatureDrift {
  return {
    name: spec.name.slice(0, nameLength),
    type,
    typeOrigin: spec.type ? "manifest" : "inferred",
    method,
    methodOrigin: spec.method ? "manifest" : "default",
    score: null,
    threshold: spec.threshold ?? defaultThreshold(method),
    direction: scoreDirection(method),
    drifted: false,
    psi: null,
    ksStatistic: null,
    referenceRows: rows.reference,
    currentRows: rows.current,
    uniqueValues: 0,
    quality,
    histograms: { reference: emptyHistogram, current: emptyHistogram },
    ecdf: null,
    problem: { kind: problem.kind, detail: problem.detail.slice(0, maxText) },
  };
}

function oneSided(spec: FeatureSpec, reference: Column | undefined, current: Column | undefined, rows: { reference: number; current: number }): FeatureDrift {
  const present = reference ?? current;
  const type = spec.type ?? (present ? typeOfColumn(present) : "numerical");
  const method = spec.method ?? selectMethod(type, rows.reference, 0);
  const side = (column: Column | undefined, n: number): { rows: number; missing: number } | null => (column ? { rows: n, missing: missingValues(column) } : null);
  const quality = oneSidedQuality(side(reference, rows.reference), side(current, rows.current));
  const problem: FeatureProblem =
    !reference && !current
      ? { kind: "missing-in-reference", detail: `no column ${quote(spec.name)} in reference or current` }
      : !current
        ? { kind: "missing-in-current", detail: `column ${quote(spec.name)} is in reference only` }
        : { kind: "missing-in-reference", detail: `column ${quote(spec.name)} is in current only` };
  return unjudged(spec, type, method, rows, problem, quality);
}

function missingValues(column: Column): number {
  let missing = 0;
  if (column.kind === "numeric") for (const v of column.values) missing += Number.isFinite(v) ? 0 : 1;
  else for (const v of column.values) missing += v === null || v === "" ? 1 : 0;
  return missing;
}

function finiteOrNull(x: number | null): number | null {
  return x !== null && Number.isFinite(x) ? x : null;
}

function firstValue(feature: ScoredFeature): string {
  return feature.type === "numerical" ? String(feature.reference.sorted[0]) : JSON.stringify([...feature.reference.counts.keys()][0]!.slice(0, 80));
}

/** Judge one feature. Exported for the tests; computeDrift is the way in. */
export function judgeFeature(spec: FeatureSpec, reference: Column | undefined, current: Column | undefined, opts: { psi?: boolean; rows: { reference: number; current: number } }): Judged {
  if (!reference || !current) return { feature: oneSided(spec, reference, current, opts.rows), warnings: [] };
  const typed = typeFeature(reference, current, spec.type);
  if (!typed.ok) {
    const method = spec.method ?? selectMethod(typed.type, typed.referenceRows, 0);
    return { feature: unjudged(spec, typed.type, method, { reference: typed.referenceRows, current: typed.currentRows }, typed.problem), warnings: [] };
  }
  const feature = typed as ScoredFeature & { mixed: FeatureProblem | null };
  const nRef = feature.type === "numerical" ? feature.reference.sorted.length : feature.reference.n;
  const nCur = feature.type === "numerical" ? feature.current.sorted.length : feature.current.n;
  const rows = { reference: feature.reference.rows, current: feature.current.rows };
  const unique = feature.type === "numerical" ? distinctUnion(feature.reference.sorted, feature.current.sorted) : distinctLabels(feature.reference, feature.current);
  const method = spec.method ?? selectMethod(feature.type, nRef, unique);
  const quality = featureQuality(feature.reference, feature.current);

  if (nRef === 0 || nCur === 0) {
    const where = nRef === 0 && nCur === 0 ? "both reference and current" : nRef === 0 ? "reference" : "current";
    return { feature: { ...unjudged(spec, feature.type, method, rows, { kind: "all-missing", detail: `${quote(spec.name)} has no values in ${where}` }, quality), uniqueValues: unique }, warnings: [] };
  }
  if (!methodAccepts(method, feature.type)) {
    const problem: FeatureProblem = { kind: "unsupported-type", detail: `${method} compares numbers; ${quote(spec.name)} is categorical` };
    return { feature: { ...unjudged(spec, feature.type, method, rows, problem, quality), uniqueValues: unique }, warnings: [] };
  }

  let memo: Bins | null = null;
  const bins = (): Bins => (memo ??= evidentlyBins(feature));
  const threshold = spec.threshold ?? defaultThreshold(method);
  const scored = scoreMethod(method, feature, bins);
  const warnings: string[] = [];
  const score = finiteOrNull(scored.score);
  if (score === null) warnings.push(`${quote(spec.name)}: ${method} gave ${scored.score}, kept as no score`);
  const psi = opts.psi ? finiteOrNull(method === "psi" ? scored.score : psiScore(feature, bins())) : null;
  const histograms = featureHistograms(bins(), nRef, nCur, feature.type === "numerical" ? { reference: feature.reference.sorted, current: feature.current.sorted } : undefined);
  if (histograms.omittedCategories > 0) warnings.push(`${quote(spec.name)}: ${histograms.omittedCategories} rare categories are left out of its histogram`);

  const refDistinct = feature.type === "numerical" ? distinctSorted(feature.reference.sorted) : feature.reference.counts.size;
  const problem: FeatureProblem | null =
    feature.mixed ??
    (Math.min(nRef, nCur) < 2
      ? { kind: "too-few-rows", detail: `${nRef} value(s) in reference and ${nCur} in current: the verdict follows Evidently but says little` }
      : refDistinct === 1
        ? { kind: "constant", detail: unique === 1 ? `${quote(spec.name)} holds one value, ${firstValue(feature)}, on both sides` : `${quote(spec.name)} holds one value in reference, ${firstValue(feature)}` }
        : null);

  return {
    feature: {
      name: spec.name.slice(0, nameLength),
      type: feature.type,
      typeOrigin: spec.type ? "manifest" : "inferred",
      method,
      methodOrigin: spec.method ? "manifest" : "default",
      score,
      threshold,
      direction: scoreDirection(method),
      drifted: !Number.isNaN(scored.score) && isDrift(method, scored.score, threshold),
      psi,
      ksStatistic: finiteOrNull(scored.ksStatistic),
      referenceRows: rows.reference,
      currentRows: rows.current,
      uniqueValues: unique,
      quality,
      histograms: { reference: histograms.reference, current: histograms.current },
      ecdf: feature.type === "numerical" && unique > 5 ? { reference: downsampledEcdf(feature.reference.sorted), current: downsampledEcdf(feature.current.sorted) } : null,
      problem: problem && { kind: problem.kind, detail: problem.detail.slice(0, maxText) },
    },
    warnings,
  };
}

/** The features to judge: the given list (first mention wins), or every column of either side in file order. */
function featureList(reference: Dataset, current: Dataset, opts: DriftOptions, warnings: string[]): FeatureSpec[] {
  const utility = new Set([opts.target, opts.prediction].filter((c): c is string => c !== undefined));
  if (opts.features && opts.features.length > 0) {
    const seen = new Set<string>();
    return opts.features.filter((f) => {
      if (seen.has(f.name)) {
        warnings.push(`feature ${quote(f.name)} is listed more than once; the first entry counts`);
        return false;
      }
      seen.add(f.name);
      return true;
    });
  }
  const names = [...reference.columns.keys()];
  for (const name of current.columns.keys()) if (!reference.columns.has(name)) names.push(name);
  for (const name of names) {
    if (!current.columns.has(name)) warnings.push(`column ${quote(name)} is in reference only`);
    else if (!reference.columns.has(name)) warnings.push(`column ${quote(name)} is in current only`);
  }
  return names.filter((n) => !utility.has(n)).map((name) => ({ name }));
}

export function computeDrift(reference: Dataset, current: Dataset, opts: DriftOptions = {}): DriftComputation {
  const started = performance.now();
  const checkedAt = new Date().toISOString();
  const warnings: string[] = [...reference.warnings.map((w) => `reference: ${w}`), ...current.warnings.map((w) => `current: ${w}`)];
  const listed = featureList(reference, current, opts, warnings);
  // The protocol carries at most this many features (DriftResult.features).
  const specs = listed.slice(0, maxFeatures);
  if (listed.length > maxFeatures) warnings.push(`${listed.length} features; the first ${maxFeatures} are judged`);
  const rows = { reference: reference.rows, current: current.rows };
  const judge = (spec: FeatureSpec): FeatureDrift => {
    const judged = judgeFeature(spec, reference.columns.get(spec.name), current.columns.get(spec.name), { psi: opts.psi, rows });
    warnings.push(...judged.warnings);
    return judged.feature;
  };

  const features: FeatureDrift[] = [];
  let partial: DriftComputation["partial"] = null;
  for (const [i, spec] of specs.entries()) {
    opts.onProgress?.(i, specs.length, spec.name);
    if (opts.signal?.aborted) {
      partial = { reason: `cancelled after ${i} of ${specs.length} features` };
      break;
    }
    features.push(judge(spec));
  }
  const prediction =
    partial === null && (opts.target !== undefined || opts.prediction !== undefined)
      ? { target: opts.target !== undefined ? judge({ name: opts.target }) : null, prediction: opts.prediction !== undefined ? judge({ name: opts.prediction }) : null }
      : null;
  opts.onProgress?.(features.length, specs.length, specs[features.length - 1]?.name ?? "");

  // Evidently raises on a column it cannot judge; here such features stay in the list with their
  // problem, and the share counts only the features that have a verdict.
  const judged = features.filter((f) => f.score !== null || f.drifted);
  const driftedFeatures = judged.filter((f) => f.drifted).length;
  const driftShare = judged.length > 0 ? driftedFeatures / judged.length : 0;
  const driftShareThreshold = opts.driftShare ?? defaultDriftShare;
  const unjudgedCount = features.length - judged.length;
  if (unjudgedCount > 0) warnings.push(`${unjudgedCount} of ${features.length} features have no verdict and are left out of the drift share`);

  return {
    schemaVersion: 1,
    checkedAt,
    reference: { ...reference.source, rows: reference.rows },
    current: { ...current.source, rows: current.rows },
    datasetDrift: judged.length > 0 && driftShare >= driftShareThreshold,
    driftShare,
    driftShareThreshold,
    driftedFeatures,
    features,
    prediction,
    partial,
    warnings: warnings.slice(0, maxWarnings).map((w) => w.slice(0, maxText)),
    computeMs: performance.now() - started,
  };
}
