import { seededRandom } from "./statsOracle";

/**
 * Category counts the way Evidently builds them (the union of keys over both samples, 0 for a key missing
 * on one side): a reference over a..e and a current where "e" vanished and "f" is new, plus plain shifts.
 */
export interface CategoryCounts {
  name: string;
  ref: number[];
  cur: number[];
}

function draw(rng: ReturnType<typeof seededRandom>, n: number, weights: readonly number[]): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  const counts = weights.map(() => 0);
  for (let i = 0; i < n; i++) {
    let u = rng.uniform() * total;
    let k = 0;
    while (k < weights.length - 1 && u >= weights[k]!) u -= weights[k++]!;
    counts[k]! += 1;
  }
  return counts;
}

export function categoricalScenarios(): CategoryCounts[] {
  const rng = seededRandom(99);
  return [
    { name: "same distribution, 5 categories", ref: draw(rng, 800, [5, 4, 3, 2, 1]), cur: draw(rng, 600, [5, 4, 3, 2, 1]) },
    { name: "shifted, 3 categories", ref: draw(rng, 900, [1, 1, 1]), cur: draw(rng, 950, [2, 1, 1]) },
    { name: "large, 12 categories", ref: draw(rng, 50000, [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]), cur: draw(rng, 40000, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) },
    // keys a..f: "e" only in the reference (vanished), "f" only in the current (new).
    { name: "vanished e, new f", ref: [...draw(rng, 500, [3, 3, 2, 1, 1]), 0], cur: [...draw(rng, 400, [3, 3, 2, 1]).slice(0, 4), 0, 25] },
    { name: "vanished only", ref: draw(rng, 1000, [4, 3, 2, 1]), cur: [...draw(rng, 700, [4, 3, 2]), 0] },
    { name: "binary", ref: draw(rng, 300, [7, 3]), cur: draw(rng, 250, [5, 5]) },
  ];
}

export const shares = (counts: readonly number[]): number[] => {
  const n = counts.reduce((s, c) => s + c, 0);
  return counts.map((c) => c / n);
};
