/**
 * Stacked bars from uPlot, which does not stack: each layer is drawn as a bar from zero to the
 * sum of itself and every layer below, topmost first, so each lower layer paints over the part
 * of the taller bar behind it. The legend and table keep showing each layer's own value.
 */

export interface BarLayer {
  readonly name: string;
  /** Aligned with the x column; a missing value (NaN) stacks as nothing. */
  readonly values: Float64Array;
}

export interface StackedColumns {
  /** Layers in draw order, topmost first. */
  readonly layers: readonly { readonly name: string; readonly layer: number; readonly top: Float64Array; readonly own: Float64Array }[];
  /** The highest stack, for the y scale. */
  readonly max: number;
}

/** `layers` bottom first, as a person reads a stacked bar. */
export function stackColumns(layers: readonly BarLayer[]): StackedColumns {
  const n = layers[0]?.values.length ?? 0;
  const running = new Float64Array(n);
  const built = layers.map((l, layer) => {
    const top = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = l.values[i] ?? Number.NaN;
      running[i] = running[i]! + (Number.isFinite(v) ? v : 0);
      top[i] = running[i]!;
    }
    return { name: l.name, layer, top, own: l.values };
  });
  let max = 0;
  for (let i = 0; i < n; i++) max = Math.max(max, running[i]!);
  return { layers: built.reverse(), max };
}
