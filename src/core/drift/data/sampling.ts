/**
 * Seeded reservoir sampling (Vitter's Algorithm R): one pass, fixed memory, and the same seed picks
 * the same rows whatever the file format, because rows are numbered in file order across the whole
 * glob. Readers that know the row count up front (Parquet) run the same reservoir over row indices.
 */

import { seededRandom } from "../../seededRandom";

export interface Reservoir {
  readonly capacity: number;
  /** Rows offered so far. */
  readonly seen: number;
  /** The slot the next row goes to, or -1 to skip it. Slots fill 0, 1, 2… first. */
  offer(): number;
  /** Original row index held by each filled slot. */
  readonly rowOfSlot: Float64Array;
}

export function createReservoir(capacity: number, seed: number): Reservoir {
  const random = seededRandom(seed);
  // Grown as rows arrive: a sample of a billion rows from a 100-row file must not allocate 8 GB.
  let rowOfSlot = new Float64Array(Math.min(capacity, 1 << 16));
  let seen = 0;
  return {
    capacity,
    get seen() {
      return seen;
    },
    get rowOfSlot() {
      return rowOfSlot;
    },
    offer() {
      const row = seen++;
      if (row < capacity) {
        if (row >= rowOfSlot.length) {
          const bigger = new Float64Array(Math.min(capacity, rowOfSlot.length * 2));
          bigger.set(rowOfSlot);
          rowOfSlot = bigger;
        }
        rowOfSlot[row] = row;
        return row;
      }
      // Row i (0-based) replaces a uniform slot with probability capacity / (i + 1).
      const j = Math.floor(random() * (row + 1));
      if (j >= capacity) return -1;
      rowOfSlot[j] = row;
      return j;
    },
  };
}

/** The sorted row indices a reservoir of `capacity` with `seed` keeps out of `total` rows. */
export function sampleRowIndices(total: number, capacity: number, seed: number): Float64Array {
  const reservoir = createReservoir(capacity, seed);
  for (let i = 0; i < total; i++) reservoir.offer();
  return reservoir.rowOfSlot.slice(0, Math.min(total, capacity)).sort();
}

/** The slot permutation that puts a filled reservoir back in file order. */
export function fileOrder(reservoir: Reservoir): Uint32Array {
  const filled = Math.min(reservoir.seen, reservoir.capacity);
  const order = new Uint32Array(filled);
  for (let i = 0; i < filled; i++) order[i] = i;
  const rows = reservoir.rowOfSlot;
  return order.sort((a, b) => (rows[a] as number) - (rows[b] as number));
}
