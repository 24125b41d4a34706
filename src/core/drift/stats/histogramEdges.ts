/**
 * numpy.histogram_bin_edges(x, bins="sturges") and numpy.histogram(x, edges) counts (numpy 2.x,
 * numpy/lib/_histograms_impl.py _hist_bin_sturges, _get_outer_edges, _get_bin_edges; linspace from
 * numpy/_core/function_base.py). Evidently bins PSI/JS for numeric columns with these on the combined sample
 * (legacy/calculations/stattests/utils.py get_binned_data).
 */

/** Sturges edges for a sample of n finite values with the given min and max (numpy's float arithmetic). */
export function sturgesEdges(min: number, max: number, n: number): Float64Array {
  let first = min;
  let last = max;
  if (first === last) {
    first = first - 0.5;
    last = last + 0.5;
  }
  let bins = 1;
  if (n > 0) {
    const width = (max - min) / (Math.log2(n) + 1.0);
    if (width) bins = Math.ceil((last - first) / width);
  }
  // np.linspace(first, last, bins + 1): i·step + first, the last edge set to `last` exactly.
  const edges = new Float64Array(bins + 1);
  const delta = last - first;
  const step = delta / bins;
  for (let i = 0; i <= bins; i++) edges[i] = step === 0 ? (i / bins) * delta + first : i * step + first;
  edges[bins] = last;
  return edges;
}

/**
 * numpy.histogram(x, edges)[0] for sorted x: bin i holds edges[i] <= x < edges[i+1], the last bin also
 * x == edges[last]; values outside are not counted. numpy itself searchsorts the sorted sample at each edge,
 * which is a handful of binary searches here instead of a pass over the data.
 */
export function histogramCounts(sorted: Float64Array, edges: Float64Array): Float64Array {
  const nb = edges.length - 1;
  const counts = new Float64Array(Math.max(nb, 0));
  if (nb < 1) return counts;
  let prev = lowerBound(sorted, edges[0]!);
  for (let i = 0; i < nb; i++) {
    const next = i === nb - 1 ? upperBound(sorted, edges[nb]!) : lowerBound(sorted, edges[i + 1]!);
    counts[i] = next - prev;
    prev = next;
  }
  return counts;
}

/** First index with sorted[i] >= v (searchsorted side="left"). */
function lowerBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index with sorted[i] > v (searchsorted side="right"). */
function upperBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
