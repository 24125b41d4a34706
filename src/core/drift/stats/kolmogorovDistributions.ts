/**
 * The distributions behind the asymptotic two-sample KS p-value: scipy.stats.kstwo.sf(d, n) (the two-sided
 * one-sample KS statistic D_n) and scipy.special.smirnov(n, d) (the one-sided D_n+), which kstwo uses for
 * its upper tail.
 *
 * Ported from scipy @ 3dbf660a (scipy/stats/_ksstats.py: _kolmogn, _kolmogn_DMTW, _kolmogn_Pomeranz,
 * _kolmogn_PelzGood; scipy/stats/_continuous_distns.py kstwo_gen; rv_continuous.sf's support handling) and
 * scipy/xsf @ 101ee41a (include/xsf/cephes/kolmogorov.h _smirnov). The branch points (Simard & L'Ecuyer 2011)
 * are scipy's, so each region uses the same algorithm as scipy. Two deliberate differences, both far below
 * 1e-9 relative: scipy's DMTW/Pomeranz rescale through numpy longdouble (we stay in double), and xsf's
 * smirnov sums its terms in double-double (we sum logs of each term with an exact mantissa/exponent binomial,
 * which keeps every term to ~1e-10 relative even for n = 10^6).
 */

const E128 = 128;
const EP128 = 2 ** 128;
const EM128 = 2 ** -128;
const SQRT2PI = Math.sqrt(2 * Math.PI);
const LOG_2PI = Math.log(2 * Math.PI);
const MIN_LOG = -708;
const SQRT3 = Math.sqrt(3);
const PI_SQUARED = Math.PI ** 2;
const PI_FOUR = Math.PI ** 4;
const PI_SIX = Math.PI ** 6;
/* eslint-disable no-loss-of-precision -- constants quoted digit for digit from scipy/xsf, rounded to the same
   doubles as there, and checkable against the source. */
/** xsf const.h MINLOG = log(2^-1075). */
const XSF_MINLOG = -7.451332191019412076235245305675398106812e2;
const SMIRNOV_MAX_COMPUTE_N = 1_000_000;
const DBL_EPSILON = 2.220446049250313e-16;

// B_{2j}/(2j)/(2j-1) for j = 8..1, highest power first (np.polyval order), from _ksstats._STIRLING_COEFFS.
const STIRLING_COEFFS = [
  -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
  -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2,
];
/* eslint-enable no-loss-of-precision */

const clip01 = (p: number): number => (p < 0 ? 0 : p > 1 ? 1 : p);

/** log(n! / n^n) by Stirling's series with n·log(n) removed up front (_log_nfactorial_div_n_pow_n). */
function logNFactorialDivNPowN(n: number): number {
  const rn = 1.0 / n;
  const u = rn / n;
  let poly = 0;
  for (const c of STIRLING_COEFFS) poly = poly * u + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

/** Pr(D_n <= d) by the Durbin matrix algorithm as Marsaglia, Tsang & Wang evaluate it. */
function kolmognDmtwCdf(n: number, d: number): number {
  if (d >= 1.0) return 1.0;
  const nd = n * d;
  if (nd <= 0.5) return 0.0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;

  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1.0;
  for (let j = 1; j <= m; j++) {
    v[j - 1] = 1.0 - h ** j;
    w[j - 1] = fac;
    fac /= j;
    v[j - 1]! *= fac;
  }
  const tt = Math.max(2 * h - 1.0, 0) ** m - 2 * h ** m;
  v[m - 1] = (1.0 + tt) * fac;

  let H: Float64Array = new Float64Array(m * m);
  for (let i = 1; i < m; i++) {
    for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - (i - 1)]!;
  }
  for (let r = 0; r < m; r++) H[r * m] = v[r]!;
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c]!;

  let Hpwr: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < m; i++) Hpwr[i * m + i] = 1;
  let nn = n;
  let expnt = 0;
  let Hexpnt = 0;
  while (nn > 0) {
    if (nn % 2) {
      Hpwr = matmul(Hpwr, H, m);
      expnt += Hexpnt;
    }
    H = matmul(H, H, m);
    Hexpnt *= 2;
    if (Math.abs(H[(k - 1) * m + (k - 1)]!) > EP128) {
      for (let i = 0; i < H.length; i++) H[i]! /= EP128;
      Hexpnt += E128;
    }
    nn = Math.floor(nn / 2);
  }
  let p = Hpwr[(k - 1) * m + (k - 1)]!;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < EM128) {
      p *= EP128;
      expnt -= E128;
    }
  }
  if (expnt !== 0) p = p * 2 ** expnt;
  return clip01(p);
}

function matmul(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < m; l++) {
      const ail = a[i * m + l]!;
      if (ail === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j]! += ail * b[l * m + j]!;
    }
  }
  return out;
}

function pomeranzJ1J2(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const ip1div2 = Math.floor((i + 1) / 2);
    const ip1mod2 = (i + 1) % 2;
    if (ip1mod2 === 0) {
      if (ip1div2 === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = ip1div2 - 1 - ll - roundf - 1;
        j2 = ip1div2 + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = ip1div2 - 1 - ll - 1;
      j2 = ip1div2 + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** Pr(D_n <= x) by the Pomeranz recursion. */
function kolmognPomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = 1.0 * (t - ll);
  const g = Math.min(f, 1.0 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  const gpower = new Float64Array(npwrs);
  const twogpower = new Float64Array(npwrs);
  const onem2gpower = new Float64Array(npwrs);
  gpower[0] = 1.0;
  twogpower[0] = 1.0;
  onem2gpower[0] = 1.0;
  let expnt = 0;
  const gOverN = g / n;
  const twoGOverN = (2 * g) / n;
  const oneMinusTwoGOverN = (1 - 2 * g) / n;
  for (let m = 1; m < npwrs; m++) {
    gpower[m] = (gpower[m - 1]! * gOverN) / m;
    twogpower[m] = (twogpower[m - 1]! * twoGOverN) / m;
    onem2gpower[m] = (onem2gpower[m - 1]! * oneMinusTwoGOverN) / m;
  }
  let V0 = new Float64Array(npwrs);
  let V1 = new Float64Array(npwrs);
  V1[0] = 1;
  let V0s = 0;
  let V1s = 0;
  let j1 = pomeranzJ1J2(0, n, ll, ceilf, roundf)[0];
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [V0, V1] = [V1, V0];
    [V0s, V1s] = [V1s, V0s];
    V1.fill(0.0);
    const [nextJ1, j2] = pomeranzJ1J2(i, n, ll, ceilf, roundf);
    j1 = nextJ1;
    const pwrs = i === 1 || i === 2 * n + 1 ? gpower : i % 2 ? twogpower : onem2gpower;
    const ln2 = j2 - k1 + 1;
    if (ln2 > 0) {
      // The slice of np.convolve(V0[k1-V0s : k1-V0s+ln2], pwrs[:ln2]) that scipy keeps.
      const base = k1 - V0s;
      const convStart = j1 - k1;
      const convLen = j2 - j1 + 1;
      let maxV = -Infinity;
      for (let o = 0; o < convLen; o++) {
        const tIdx = convStart + o;
        let s = 0;
        const lo = Math.max(0, tIdx - (ln2 - 1));
        const hi = Math.min(tIdx, ln2 - 1);
        for (let a = lo; a <= hi; a++) s += V0[base + a]! * pwrs[tIdx - a]!;
        V1[o] = s;
        if (s > maxV) maxV = s;
      }
      for (let o = convLen; o < npwrs; o++) if (V1[o]! > maxV) maxV = V1[o]!;
      if (maxV > 0 && maxV < EM128) {
        for (let o = 0; o < npwrs; o++) V1[o]! *= EP128;
        expnt -= E128;
      }
      V1s = V0s + j1 - k1;
    }
  }
  let ans = V1[n - V1s]!;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > EP128) {
      ans *= EM128;
      expnt += E128;
    }
    ans *= m;
  }
  if (expnt !== 0) ans = ans * 2 ** expnt;
  return clip01(ans);
}

/** Pelz-Good approximation to Pr(D_n <= x) (returns the CDF; scipy's cdf=True branch). */
function kolmognPelzGoodCdf(n: number, x: number): number {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const z = Math.sqrt(n) * x;
  const zsquared = z ** 2;
  const zthree = z ** 3;
  const zfour = z ** 4;
  const zsix = z ** 6;
  const qlog = -PI_SQUARED / 8 / zsquared;
  if (qlog < MIN_LOG) return 0.0;
  let q = Math.exp(qlog);

  const k1a = -zsquared;
  const k1b = PI_SQUARED / 4;
  const k2a = 6 * zsix + 2 * zfour;
  const k2b = ((2 * zfour - 5 * zsquared) * PI_SQUARED) / 4;
  const k2c = (PI_FOUR * (1 - 2 * zsquared)) / 16;
  const k3d = (PI_SIX * (5 - 30 * zsquared)) / 64;
  const k3c = (PI_FOUR * (-60 * zsquared + 212 * zfour)) / 16;
  const k3b = (PI_SQUARED * (135 * zfour - 96 * zsix)) / 4;
  const k3a = -30 * zsix - 90 * z ** 8;

  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const msquared = m ** 2;
    const mfour = m ** 4;
    const msix = m ** 6;
    const qpower = q ** (8 * k);
    const coeffs = [
      1.0,
      k1a + k1b * msquared,
      k2a + k2b * msquared + k2c * mfour,
      k3a + k3b * msquared + k3c * mfour + k3d * msix,
    ];
    for (let i = 0; i < 4; i++) K[i] = K[i]! * qpower + coeffs[i]!;
  }
  const denominators = [z, 6 * zfour, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = (K[i]! * q * SQRT2PI) / denominators[i]!;

  q = Math.exp(-PI_SQUARED / 2 / zsquared);
  const sqrt3z = SQRT3 * z;
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxk; k > 0; k--) {
    const ksquared = k * k;
    const kspi = Math.PI * k;
    const qpwer = q ** ksquared;
    k2extra += ksquared * qpwer;
    k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ksquared * qpwer;
  }
  K[2]! += k2extra * ((PI_SQUARED * SQRT2PI) / (-36 * zthree));
  K[3]! += k3extra * ((PI_SQUARED * SQRT2PI) / (216 * zsix));
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += K[i]! / Math.pow(n * 1.0, i / 2.0);
  return sum;
}

/**
 * scipy.special.smirnov(n, x): Pr(D_n+ >= x), the lower-sum formula of Birnbaum & Tingey,
 * sf = x · Σ_{v=0}^{⌊n(1−x)⌋} C(n,v) (x+v/n)^(v−1) (1−x−v/n)^(n−v), with xsf's special cases.
 * xsf switches to the alternating upper sum only for x ≤ 0.5/√n with at most 3 upper terms; kstwo never
 * calls smirnov there (it needs x ≥ 0.5 or n·x² ≥ 2.2), so the lower sum covers every call we make.
 */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && x >= 0.0 && x <= 1.0)) return NaN;
  if (n === 1) return 1 - x;
  if (x === 0.0) return 1.0;
  if (x === 1.0) return 0.0;
  const nx = n * x;
  let nxfl = Math.floor(nx);
  let alpha = nx - nxfl;
  if (alpha >= 1) {
    nxfl += 1;
    alpha = 0;
  }
  let n1mxfl = n - nxfl - (alpha === 0 ? 0 : 1);
  if (alpha === 0) n1mxfl -= 1;
  if (nxfl === 0 || (nxfl === 1 && alpha === 0)) {
    const cdf = x * Math.exp((n - 1) * Math.log1p(x));
    return clip01(1 - cdf);
  }
  if (-2 * n * x * x < XSF_MINLOG) return 0;
  if (nxfl >= n - 1) return clip01(Math.exp(n * Math.log1p(-x)));
  if (n > SMIRNOV_MAX_COMPUTE_N) {
    const logp = -Math.pow(6.0 * n * x + 1, 2) / 18.0 / n;
    // Maximise precision for small p-values, as xsf does.
    return clip01(logp < -Math.LN2 ? Math.exp(logp) : 1 - -Math.expm1(logp));
  }
  const nTerms = n1mxfl + 1;
  const logX = Math.log(x);
  // C(n, v) as mantissa · 2^exponent, updated multiplicatively (xsf updateBinomial) so it never overflows
  // and its relative error grows only like √v · ε.
  let cMan = 1.0;
  let cExp = 0;
  // Σ A_v as sum · e^logScale; terms are positive, so rescaling is exact enough and never cancels.
  let logA = n * Math.log1p(-x) - logX;
  let logScale = logA;
  let sum = 1.0;
  cMan *= n;
  for (let j = 1; j < nTerms; j++) {
    const v = j;
    const t1x = v / n + x;
    const t2x = (n - v) / n - x;
    logA = Math.log(cMan) + cExp * Math.LN2 + (v - 1) * Math.log(t1x) + (n - v) * Math.log(t2x);
    if (logA > logScale + 600) {
      sum *= Math.exp(logScale - logA);
      logScale = logA;
    }
    const term = Math.exp(logA - logScale);
    sum += term;
    if (term !== 0) {
      if (4 * (nTerms - j) * term < DBL_EPSILON * sum && j !== nTerms - 1) break;
    } else if (j > n / 2) {
      break;
    }
    cMan *= (n - j) / (j + 1);
    if (cMan > 2 ** 500 || cMan < 2 ** -500) {
      const e = Math.floor(Math.log2(cMan));
      cMan *= 2 ** -e;
      cExp += e;
    }
  }
  return clip01(x * Math.exp(Math.log(sum) + logScale));
}

/**
 * scipy.stats.kstwo.sf(x, n): Pr(D_n >= x) for the two-sided one-sample KS statistic, n a positive integer.
 * kstwo's support is [0.5/n, 1]: at or below 0.5/n the sf is 1, at or above 1 it is 0 (rv_continuous.sf).
 */
export function kstwoSf(x: number, n: number): number {
  if (Number.isNaN(x) || !(n >= 1) || n !== Math.round(n)) return NaN;
  if (x <= 0.5 / n) return 1.0;
  if (x >= 1.0) return 0.0;
  return kolmognSf(n, x);
}

/** _kolmogn(n, x, cdf=False), Simard & L'Ecuyer's choice of algorithm by n and n·x². */
function kolmognSf(n: number, x: number): number {
  if (x >= 1.0) return 0.0;
  if (x <= 0.0) return 1.0;
  const t = n * x;
  if (t <= 1.0) {
    if (t <= 0.5) return 1.0;
    let prob: number;
    if (n <= 140) {
      prob = 1;
      const twoTm1 = 2 * t - 1;
      for (let i = 1; i <= n; i++) prob *= i * (1.0 / n) * twoTm1;
    } else {
      prob = Math.exp(logNFactorialDivNPowN(n) + n * Math.log(2 * t - 1));
    }
    return clip01(1.0 - prob);
  }
  if (t >= n - 1) return clip01(2 * (1.0 - x) ** n);
  if (x >= 0.5) return clip01(2 * smirnovSf(n, x));
  const nxsquared = t * x;
  if (n <= 140) {
    if (nxsquared <= 0.754693) return clip01(1.0 - kolmognDmtwCdf(n, x));
    if (nxsquared <= 4) return clip01(1.0 - kolmognPomeranzCdf(n, x));
    return clip01(2 * smirnovSf(n, x));
  }
  if (nxsquared >= 370.0) return 0.0;
  if (nxsquared >= 2.2) return clip01(2 * smirnovSf(n, x));
  let cdfprob: number;
  if (nxsquared >= 18.0) cdfprob = 1.0;
  else if (n <= 100000 && n * x ** 1.5 <= 1.4) cdfprob = kolmognDmtwCdf(n, x);
  else cdfprob = kolmognPelzGoodCdf(n, x);
  return clip01(1.0 - cdfprob);
}
