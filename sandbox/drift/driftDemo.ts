/**
 * The drift demo's data: transactions scored by the demo cluster's fraud model
 * (kserve-models/fraud-xgboost), a reference window (what the model was validated on) and a
 * current window (last week's traffic). Generated from a seed, so every run and every machine
 * gets the same rows; the features in `driftDemoShiftedFeatures` are shifted far past Evidently's
 * default thresholds, the others are drawn from the same distribution on both sides (their
 * scores are sampling noise, an order of magnitude under the thresholds).
 */

export const driftDemoService = { namespace: "kserve-models", name: "fraud-xgboost", kind: "InferenceService", modelVersion: "3" } as const;

/** The model's input features, in column order. */
export const driftDemoFeatures = [
  "amount",
  "distance_from_home_km",
  "customer_age",
  "account_age_days",
  "transaction_hour",
  "txn_count_24h",
  "merchant_risk_score",
  "merchant_category",
  "country",
  "device_type",
  "card_present",
] as const;
export type DriftDemoFeature = (typeof driftDemoFeatures)[number];

/**
 * What the current window changes, and so exactly the features a check must find drifted:
 * bigger baskets (amount ×1.65), card-not-present fraud from afar (distance, card_present),
 * and a new merchant mix with a category the reference never saw ("crypto").
 */
export const driftDemoShiftedFeatures: readonly DriftDemoFeature[] = ["amount", "distance_from_home_km", "merchant_category", "card_present"];

/** The label and the model's score, for prediction drift; not features. */
export const driftDemoTarget = "is_fraud";
export const driftDemoPrediction = "fraud_score";
/** More fraud, scored higher: both the target and the prediction drift too. */
export const driftDemoPredictionDrifts = { target: true, prediction: true } as const;

export const driftDemoRows = 20_000;
export const driftDemoSeed = 20_261_130;

export type DemoColumn = { readonly kind: "numeric"; readonly name: string; readonly integer: boolean; readonly values: Float64Array } | { readonly kind: "text"; readonly name: string; readonly values: readonly (string | null)[] };

export interface DriftDemoSide {
  readonly rows: number;
  /** Features, then target and prediction; NaN / null = missing. */
  readonly columns: readonly DemoColumn[];
}

/** sfc32 (Chris Doty-Humphrey's small fast counting generator): uniform [0, 1) from a 32-bit seed. */
function sfc32(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // The first outputs still show the constant state; discard them.
  for (let i = 0; i < 15; i++) next();
  return next;
}

/** Categories and their weights, with the running sums a draw searches. */
interface Categorical<T extends string> {
  readonly keys: readonly T[];
  readonly cumulative: readonly number[];
  readonly total: number;
}

function categorical<T extends string>(weights: Readonly<Record<T, number>>): Categorical<T> {
  const keys = Object.keys(weights) as T[];
  let sum = 0;
  const cumulative = keys.map((k) => (sum += weights[k]));
  return { keys, cumulative, total: sum };
}

class Draw {
  private spare: number | undefined;
  constructor(readonly uniform: () => number) {}
  /** Box–Muller; the second value is kept for the next call. */
  normal(mean: number, sd: number): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return mean + sd * z;
    }
    const u = 1 - this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + sd * r * Math.cos(2 * Math.PI * v);
  }
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.uniform());
  }
  /** Knuth's method; fine for the small means used here. */
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.uniform();
    while (p > limit) {
      k++;
      p *= this.uniform();
    }
    return k;
  }
  /** Beta(2, 5) as the 2nd smallest of 6 uniforms (order statistics). */
  beta25(): number {
    let first = 1;
    let second = 1;
    for (let k = 0; k < 6; k++) {
      const u = this.uniform();
      if (u < first) {
        second = first;
        first = u;
      } else if (u < second) second = u;
    }
    return second;
  }
  pick<T extends string>(table: Categorical<T>): T {
    const u = this.uniform() * table.total;
    const i = table.cumulative.findIndex((c) => u < c);
    return table.keys[i === -1 ? table.keys.length - 1 : i] as T;
  }
  chance(p: number): boolean {
    return this.uniform() < p;
  }
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

const referenceMerchants = categorical<string>({ grocery: 25, restaurants: 18, fuel: 12, fashion: 12, electronics: 10, travel: 8, entertainment: 8, health: 7 });
const currentMerchants = categorical<string>({ grocery: 16, restaurants: 14, fuel: 9, fashion: 10, electronics: 24, travel: 3, entertainment: 8, health: 6, crypto: 10 });
const countries = categorical({ DE: 34, FR: 21, NL: 14, ES: 12, IT: 11, PL: 8 });
const devices = categorical({ web: 45, ios: 30, android: 25 });
/** Transactions per hour of day: quiet nights, a lunch bump and an evening peak. */
const hours = categorical(Object.fromEntries([1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.5, 4, 4.5, 4.8, 5.2, 6, 5.5, 5, 4.8, 5, 5.5, 6.2, 6.5, 5.8, 4.5, 3, 1.8].map((w, h) => [String(h), w])) as Record<string, number>);

function side(draw: Draw, rows: number, current: boolean): DriftDemoSide {
  const num = (): Float64Array => new Float64Array(rows);
  const amount = num();
  const distance = num();
  const age = num();
  const accountAge = num();
  const hour = num();
  const txnCount = num();
  const risk = num();
  const cardPresent = num();
  const isFraud = num();
  const score = num();
  const merchant: (string | null)[] = [];
  const country: string[] = [];
  const device: (string | null)[] = [];
  for (let i = 0; i < rows; i++) {
    amount[i] = round(Math.exp(draw.normal(3.6, 0.9)) * (current ? 1.65 : 1), 2);
    distance[i] = round(draw.exponential(current ? 21 : 12), 1);
    const a = Math.round(draw.normal(42, 13));
    age[i] = draw.chance(0.01) ? Number.NaN : Math.min(90, Math.max(18, a));
    accountAge[i] = Math.floor(draw.exponential(700));
    hour[i] = Number(draw.pick(hours));
    txnCount[i] = draw.poisson(2.5);
    risk[i] = round(draw.beta25(), 3);
    cardPresent[i] = draw.chance(current ? 0.38 : 0.64) ? 1 : 0;
    merchant.push(draw.pick(current ? currentMerchants : referenceMerchants));
    country.push(draw.pick(countries));
    const d = draw.pick(devices);
    // Some clients stopped sending the device: a data-quality finding, not drift.
    device.push(current && draw.chance(0.02) ? null : d);
    const logit = -4.4 + 0.9 * Math.log1p((amount[i] ?? 0) / 100) + 0.05 * (distance[i] ?? 0) + 2.2 * (risk[i] ?? 0) - 0.9 * (cardPresent[i] ?? 0) + (merchant[i] === "crypto" ? 2.5 : 0);
    const p = 1 / (1 + Math.exp(-logit));
    score[i] = round(p, 4);
    isFraud[i] = draw.chance(p) ? 1 : 0;
  }
  const n = (name: string, values: Float64Array, integer: boolean): DemoColumn => ({ kind: "numeric", name, integer, values });
  return {
    rows,
    columns: [
      n("amount", amount, false),
      n("distance_from_home_km", distance, false),
      n("customer_age", age, true),
      n("account_age_days", accountAge, true),
      n("transaction_hour", hour, true),
      n("txn_count_24h", txnCount, true),
      n("merchant_risk_score", risk, false),
      { kind: "text", name: "merchant_category", values: merchant },
      { kind: "text", name: "country", values: country },
      { kind: "text", name: "device_type", values: device },
      n("card_present", cardPresent, true),
      n(driftDemoTarget, isFraud, true),
      n(driftDemoPrediction, score, false),
    ],
  };
}

/** The reference and current windows; the same seed gives the same rows. */
export function generateDriftDemo(opts: { readonly seed?: number; readonly rows?: number } = {}): { readonly reference: DriftDemoSide; readonly current: DriftDemoSide } {
  const seed = opts.seed ?? driftDemoSeed;
  const rows = opts.rows ?? driftDemoRows;
  // One stream per side: the current window does not depend on how many rows the reference has.
  return { reference: side(new Draw(sfc32(seed)), rows, false), current: side(new Draw(sfc32(seed ^ 0x5bd1e995)), rows, true) };
}
