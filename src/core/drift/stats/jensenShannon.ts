/**
 * scipy.spatial.distance.jensenshannon(p, q) with base e (scipy @ 3dbf660a, scipy/spatial/distance.py):
 * p and q are normalised to sum 1, m = (p + q)/2, JS = sqrt((KL(p‖m) + KL(q‖m)) / 2) with scipy.special.rel_entr
 * (0·log(0/y) = 0). Evidently calls it on histogram shares without filling zeros (get_binned_data(..., False)).
 */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const n = p.length;
  if (q.length !== n) return NaN;
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    sp += p[i]!;
    sq += q[i]!;
  }
  let left = 0;
  let right = 0;
  for (let i = 0; i < n; i++) {
    const pi = p[i]! / sp;
    const qi = q[i]! / sq;
    const m = (pi + qi) / 2.0;
    left += relEntr(pi, m);
    right += relEntr(qi, m);
  }
  return Math.sqrt((left + right) / 2.0);
}

function relEntr(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}
