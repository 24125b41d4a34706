/**
 * Evidently's PSI (evidently @ a4aa4c2b, src/evidently/legacy/calculations/stattests/psi.py and
 * utils.py get_binned_data with feel_zeroes=True): on each side separately, zero shares become
 * min(non-zero share)/10^6 when that minimum is <= 0.0001 and 0.0001 otherwise (no renormalising),
 * then PSI = Σ (ref − cur) · ln(ref / cur).
 */
export function psi(refShares: ArrayLike<number>, curShares: ArrayLike<number>): number {
  const n = refShares.length;
  if (curShares.length !== n) return NaN;
  const ref = fillZeroes(refShares);
  const cur = fillZeroes(curShares);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (ref[i]! - cur[i]!) * Math.log(ref[i]! / cur[i]!);
  return sum;
}

/** Evidently's feel_zeroes replacement on one side. */
export function fillZeroes(shares: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(shares);
  let minNonZero = Infinity;
  for (let i = 0; i < out.length; i++) if (out[i] !== 0 && out[i]! < minNonZero) minNonZero = out[i]!;
  if (minNonZero === Infinity) return out.fill(NaN);
  const fill = minNonZero <= 0.0001 ? minNonZero / 10 ** 6 : 0.0001;
  for (let i = 0; i < out.length; i++) if (out[i] === 0) out[i] = fill;
  return out;
}
