/**
 * Ascending sort of a Float64Array (NaN already removed) into a new array, by LSD radix sort on the IEEE-754
 * bits: 4 passes of 16 bits, with every digit's histogram counted in one read. About 3× faster than
 * Float64Array.prototype.sort on 10^6 values, and the sort dominates a drift check (one per column side,
 * reused by KS, Wasserstein and the histograms). Order equals the numeric sort's (−0 before +0, ±Infinity at
 * the ends). Small arrays use the built-in sort, which is faster there.
 */
export function sortFloat64(values: Float64Array): Float64Array {
  const n = values.length;
  if (n < 2048) return Float64Array.from(values).sort();
  let src = new Uint32Array(n * 2);
  let dst = new Uint32Array(n * 2);
  new Float64Array(src.buffer).set(values);

  // Map each double to an unsigned key that orders like the number: negative → flip every bit, else flip the
  // sign bit. (Little-endian words: [2i] low, [2i+1] high; all supported Node platforms are little-endian.)
  const counts = new Uint32Array(4 * 65536);
  for (let i = 0; i < n; i++) {
    const hi = src[2 * i + 1]!;
    const lo = src[2 * i]!;
    let khi: number;
    let klo: number;
    if (hi & 0x80000000) {
      khi = ~hi >>> 0;
      klo = ~lo >>> 0;
    } else {
      khi = (hi | 0x80000000) >>> 0;
      klo = lo;
    }
    src[2 * i + 1] = khi;
    src[2 * i] = klo;
    counts[klo & 0xffff]!++;
    counts[65536 + (klo >>> 16)]!++;
    counts[131072 + (khi & 0xffff)]!++;
    counts[196608 + (khi >>> 16)]!++;
  }

  for (let pass = 0; pass < 4; pass++) {
    const base = pass * 65536;
    // A pass where every key has the same digit would only copy; skip it.
    let trivial = false;
    for (let d = 0; d < 65536; d++) {
      const c = counts[base + d]!;
      if (c === n) trivial = true;
      if (c !== 0) break;
    }
    if (trivial) continue;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = counts[base + d]!;
      counts[base + d] = sum;
      sum += c;
    }
    const word = pass < 2 ? 0 : 1;
    const shift = pass % 2 === 0 ? 0 : 16;
    for (let i = 0; i < n; i++) {
      const lo = src[2 * i]!;
      const hi = src[2 * i + 1]!;
      const digit = ((word === 0 ? lo : hi) >>> shift) & 0xffff;
      const pos = counts[base + digit]!++;
      dst[2 * pos] = lo;
      dst[2 * pos + 1] = hi;
    }
    [src, dst] = [dst, src];
  }

  for (let i = 0; i < n; i++) {
    const khi = src[2 * i + 1]!;
    if (khi & 0x80000000) {
      src[2 * i + 1] = (khi & 0x7fffffff) >>> 0;
    } else {
      src[2 * i + 1] = ~khi >>> 0;
      src[2 * i] = ~src[2 * i]! >>> 0;
    }
  }
  return new Float64Array(src.buffer);
}
