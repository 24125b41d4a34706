/**
 * One feature's score by one method, each computed as Evidently's stattest computes it
 * (evidentlyai/evidently src/evidently/legacy/calculations/stattests/*.py), on the statistics of
 * ./stats (which match scipy). The caller has already checked that the method accepts the type.
 */
import type { DriftMethod } from "../../shared/protocol/drift";
import type { CategoricalSide, NumericalSide } from "./columnTypes";
import { categoricalValueBins, numericalValueBins, shares, type Bins } from "./featureBins";
import { chiSquare } from "./stats/chiSquare";
import { jensenShannonDistance } from "./stats/jensenShannon";
import { ks2samp } from "./stats/ks2samp";
import { psi } from "./stats/psi";
import { wassersteinDistance } from "./stats/wasserstein";
import { zTestPValue } from "./stats/zTest";

export type ScoredFeature =
  | { readonly type: "numerical"; readonly reference: NumericalSide; readonly current: NumericalSide }
  | { readonly type: "categorical"; readonly reference: CategoricalSide; readonly current: CategoricalSide };

export interface MethodScore {
  readonly score: number;
  /** KS's D, when KS ran. */
  readonly ksStatistic: number | null;
}

/**
 * np.std(x) (ddof=0) with compensated sums: numpy sums pairwise, and Neumaier's sum is at least as
 * accurate, so both agree far below the 1e-9 the tests hold us to.
 */
export function populationStd(x: Float64Array): number {
  const n = x.length;
  let sum = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    const t = sum + v;
    c += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  const mean = (sum + c) / n;
  let sq = 0;
  let cq = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - mean;
    const v = d * d;
    const t = sq + v;
    cq += sq >= v ? sq - t + v : v - t + sq;
    sq = t;
  }
  return Math.sqrt((sq + cq) / n);
}

function valueBins(feature: ScoredFeature): Extract<Bins, { kind: "values" | "labels" }> {
  return feature.type === "numerical" ? numericalValueBins(feature.reference, feature.current) : categoricalValueBins(feature.reference, feature.current);
}

/** chisquare_stattest.py: chisquare(f_obs = current counts, f_exp = reference counts × n_cur / n_ref) over the union of keys. */
function chiSquarePValue(feature: ScoredFeature): number {
  const bins = valueBins(feature);
  const nRef = sideSize(feature, "reference");
  const kNorm = sideSize(feature, "current") / nRef;
  const expected = new Float64Array(bins.reference.length);
  for (let i = 0; i < expected.length; i++) expected[i] = bins.reference[i]! * kNorm;
  return chiSquare(bins.current, expected).pvalue;
}

/**
 * z_stattest.py: p = 1 when both sides hold the same single value; otherwise the first key in
 * sorted order is coded 0, every other value 1, and the two proportions of ones are compared.
 */
function zPValue(feature: ScoredFeature): number {
  const bins = valueBins(feature);
  const refKeys = bins.reference.reduce((k, c) => k + (c > 0 ? 1 : 0), 0);
  const curKeys = bins.current.reduce((k, c) => k + (c > 0 ? 1 : 0), 0);
  if (refKeys === 1 && curKeys === 1 && bins.reference.findIndex((c) => c > 0) === bins.current.findIndex((c) => c > 0)) return 1;
  const nRef = sideSize(feature, "reference");
  const nCur = sideSize(feature, "current");
  return zTestPValue(nRef - bins.reference[0]!, nRef, nCur - bins.current[0]!, nCur);
}

function sideSize(feature: ScoredFeature, side: "reference" | "current"): number {
  const s = feature[side];
  return s.type === "numerical" ? s.sorted.length : s.n;
}

/** Both sides are non-empty (the engine reports all-missing columns as problems before scoring). */
export function scoreMethod(method: DriftMethod, feature: ScoredFeature, bins: () => Bins): MethodScore {
  switch (method) {
    case "ks": {
      if (feature.type !== "numerical") throw new Error("ks needs numbers");
      const ks = ks2samp(feature.reference.sorted, feature.current.sorted);
      return { score: ks.pvalue, ksStatistic: ks.statistic };
    }
    case "wasserstein": {
      // wasserstein_distance_norm.py: distance ÷ max(np.std(reference), 0.001).
      if (feature.type !== "numerical") throw new Error("wasserstein needs numbers");
      const norm = Math.max(populationStd(feature.reference.sorted), 0.001);
      return { score: wassersteinDistance(feature.reference.sorted, feature.current.sorted) / norm, ksStatistic: null };
    }
    case "chisquare":
      return { score: chiSquarePValue(feature), ksStatistic: null };
    case "z":
      return { score: zPValue(feature), ksStatistic: null };
    case "jensenshannon":
      return { score: binnedScore(feature, bins(), jensenShannonDistance), ksStatistic: null };
    case "psi":
      return { score: psiScore(feature, bins()), ksStatistic: null };
  }
}

function binnedScore(feature: ScoredFeature, bins: Bins, f: (p: Float64Array, q: Float64Array) => number): number {
  return f(shares(bins.reference, sideSize(feature, "reference")), shares(bins.current, sideSize(feature, "current")));
}

/** psi.py: get_binned_data with feel_zeroes, then Σ (ref − cur)·ln(ref / cur); ./stats/psi fills the zeroes. */
export function psiScore(feature: ScoredFeature, bins: Bins): number {
  return binnedScore(feature, bins, psi);
}

