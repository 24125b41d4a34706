/**
 * The special functions the drift tests need: the normal CDF (for Evidently's z-test, which calls
 * scipy.stats.norm.cdf = scipy.special.ndtr) and the chi-square survival function (scipy.stats.chisquare
 * calls scipy.special.chdtrc(df, x) = igamc(df/2, x/2)).
 *
 * ndtr/erf/erfc are Cephes as shipped in scipy: scipy/xsf include/xsf/cephes/ndtr.h @ 101ee41a
 * (same coefficients, same branch points), so p-values agree with scipy to the last few ulps.
 */

/* eslint-disable no-loss-of-precision -- Cephes constants quoted digit for digit from xsf; JS rounds them to
   the same doubles the C++ compiler does, and quoting them verbatim keeps them checkable against the source. */
const MAXLOG = 7.09782712893383996843e2;
const SQRT1_2 = Math.SQRT1_2;

const ndtrP = [
  2.46196981473530512524e-10, 5.64189564831068821977e-1, 7.46321056442269912687e0, 4.86371970985681366614e1,
  1.96520832956077098242e2, 5.26445194995477358631e2, 9.3452852717195760754e2, 1.02755188689515710272e3,
  5.57535335369399327526e2,
];
const ndtrQ = [
  1.32281951154744992508e1, 8.67072140885989742329e1, 3.54937778887819891062e2, 9.75708501743205489753e2,
  1.82390916687909736289e3, 2.24633760818710981792e3, 1.65666309194161350182e3, 5.57535340817727675546e2,
];
const ndtrR = [
  5.64189583547755073984e-1, 1.27536670759978104416e0, 5.01905042251180477414e0, 6.16021097993053585195e0,
  7.4097426995044893916e0, 2.9788666537210024067e0,
];
const ndtrS = [
  2.2605286322011727659e0, 9.39603524938001434673e0, 1.20489539808096656605e1, 1.70814450747565897222e1,
  9.60896809063285878198e0, 3.3690764510008151605e0,
];
const ndtrT = [
  9.60497373987051638749e0, 9.00260197203842689217e1, 2.23200534594684319226e3, 7.00332514112805075473e3,
  5.55923013010394962768e4,
];
const ndtrU = [
  3.35617141647503099647e1, 5.21357949780152679795e2, 4.59432382970980127987e3, 2.26290000613890934246e4,
  4.92673942608635921086e4,
];

/* eslint-enable no-loss-of-precision */

/** Cephes polevl: coef[0]*x^N + ... + coef[N]. */
function polevl(x: number, coef: readonly number[]): number {
  let ans = coef[0]!;
  for (let i = 1; i < coef.length; i++) ans = ans * x + coef[i]!;
  return ans;
}

/** Cephes p1evl: like polevl with an implied leading coefficient 1. */
function p1evl(x: number, coef: readonly number[]): number {
  let ans = x + coef[0]!;
  for (let i = 1; i < coef.length; i++) ans = ans * x + coef[i]!;
  return ans;
}

export function erfc(a: number): number {
  if (Number.isNaN(a)) return NaN;
  const x = Math.abs(a);
  if (x < 1.0) return 1.0 - erf(a);
  let z = -a * a;
  if (z < -MAXLOG) return a < 0 ? 2.0 : 0.0;
  z = Math.exp(z);
  let p: number;
  let q: number;
  if (x < 8.0) {
    p = polevl(x, ndtrP);
    q = p1evl(x, ndtrQ);
  } else {
    p = polevl(x, ndtrR);
    q = p1evl(x, ndtrS);
  }
  let y = (z * p) / q;
  if (a < 0) y = 2.0 - y;
  if (y !== 0.0) return y;
  return a < 0 ? 2.0 : 0.0;
}

export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0.0) return -erf(-x);
  if (Math.abs(x) > 1.0) return 1.0 - erfc(x);
  const z = x * x;
  return (x * polevl(z, ndtrT)) / p1evl(z, ndtrU);
}

/** Standard normal CDF, scipy.special.ndtr. */
export function normalCdf(a: number): number {
  if (Number.isNaN(a)) return NaN;
  const x = a * SQRT1_2;
  const z = Math.abs(x);
  if (z < 1.0) return 0.5 + 0.5 * erf(x);
  const y = 0.5 * erfc(z);
  return x > 0 ? 1.0 - y : y;
}

// Lanczos approximation (g = 7, n = 9; Godfrey's coefficients), relative error ~1e-15 for x >= 0.5.
const lanczosG = 7;
const lanczosCoef = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const halfLog2Pi = 0.5 * Math.log(2 * Math.PI);

/** log Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) {
    // Reflection keeps the Lanczos sum in its accurate range: Γ(x)Γ(1−x) = π / sin(πx).
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const xm1 = x - 1;
  let s = lanczosCoef[0]!;
  for (let i = 1; i < lanczosCoef.length; i++) s += lanczosCoef[i]! / (xm1 + i);
  const t = xm1 + lanczosG + 0.5;
  return halfLog2Pi + (xm1 + 0.5) * Math.log(t) - t + Math.log(s);
}

const EPS = 2.220446049250313e-16;
const TINY = 1e-300;

/**
 * Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a) (Cephes igamc): the series for P when
 * x < a + 1, the Lentz continued fraction for Q otherwise, so Q keeps its relative accuracy in the tail.
 */
export function regularizedGammaQ(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0 || x < 0) return NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  const logPrefactor = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let ap = a;
    let del = 1 / a;
    let sum = del;
    for (let i = 0; i < 10_000; i++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) break;
    }
    return 1 - sum * Math.exp(logPrefactor);
  }
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(logPrefactor) * h;
}

/** Chi-square survival function, scipy.special.chdtrc(df, x). */
export function chiSquaredSf(x: number, df: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 1;
  return regularizedGammaQ(df / 2, x / 2);
}
