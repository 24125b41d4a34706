/**
 * A stacked bar chart (uPlot): x in unix seconds, one bar per x, layers stacked bottom first
 * (see stackedBars.ts). Hovering shows each layer's own value in the legend.
 */
import { useLayoutEffect, useMemo, useRef } from "react";
import uPlot from "uplot";
import { type BarLayer, stackColumns } from "./stackedBars";
import type { ThemeColors } from "./themeColors";
import { mountChart, useChartBox } from "./useChartBox";

export interface BarChartProps {
  readonly testId: string;
  readonly label: string;
  /** Unix seconds, ascending. */
  readonly xs: Float64Array;
  /** Bottom first. */
  readonly layers: readonly BarLayer[];
  /** A fill per layer, bottom first. */
  readonly fills: readonly string[];
  /** Seconds one bar stands for (a day), so a single bar still has room either side. */
  readonly spanSeconds: number;
  /** The legend's values. */
  readonly format: (v: number) => string;
  /** The y axis' ticks; the legend's format when absent. */
  readonly formatTick?: (v: number) => string;
  readonly colors: ThemeColors;
  readonly height?: number;
  /** Called after the first draw of each new chart (new data or a theme switch). */
  readonly onPainted: () => void;
}

export function BarChart(props: BarChartProps): React.JSX.Element {
  const { xs, layers, fills, spanSeconds, format, colors, height = 200 } = props;
  const { box, chart, hasWidth, latestWidth } = useChartBox(height);
  const onPainted = useRef(props.onPainted);
  onPainted.current = props.onPainted;
  const formatRef = useRef(format);
  formatRef.current = format;
  const tickRef = useRef(props.formatTick ?? format);
  tickRef.current = props.formatTick ?? format;
  const stacked = useMemo(() => stackColumns(layers), [layers]);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el || !hasWidth) return undefined;
    let painted = false;
    const axis = (values?: (u: uPlot, splits: number[]) => string[]): uPlot.Axis => ({
      stroke: colors.muted,
      grid: { stroke: colors.grid, width: 1 },
      ticks: { stroke: colors.grid, width: 1 },
      ...(values ? { values, size: 72 } : {}),
    });
    const bars = uPlot.paths.bars?.({ size: [0.7, 48], align: 0 });
    const first = xs[0] ?? 0;
    const last = xs[xs.length - 1] ?? first;
    const opts: uPlot.Options = {
      width: latestWidth.current,
      height,
      cursor: { points: { show: false }, drag: { x: false, y: false } },
      legend: { live: true },
      scales: {
        // Bars sit at the middle of their span: a day's bar covers that day.
        x: { time: true, range: () => [first - spanSeconds * 0.1, last + spanSeconds * 1.1] },
        y: { range: () => [0, stacked.max > 0 ? stacked.max * 1.1 : 1] },
      },
      axes: [axis(), axis((_u, splits) => splits.map((v) => tickRef.current(v)))],
      series: [
        { value: (_u, v) => (v === null ? "—" : new Date(v * 1000).toISOString().slice(0, 10)) },
        ...stacked.layers.map(
          (l): uPlot.Series => ({
            label: l.name,
            stroke: fills[l.layer] ?? colors.series[l.layer % colors.series.length],
            fill: fills[l.layer] ?? colors.series[l.layer % colors.series.length],
            width: 0,
            points: { show: false },
            ...(bars ? { paths: bars } : {}),
            // The layer's own value, not the stack's height.
            value: (_u, _v, _s, i) => (i === null ? "—" : formatRef.current(l.own[i] ?? Number.NaN)),
          }),
        ),
      ],
      hooks: {
        draw: [
          () => {
            if (!painted) {
              painted = true;
              onPainted.current();
            }
          },
        ],
      },
    };
    // Bars stand at the middle of their day.
    const mid = xs.map((x) => x + spanSeconds / 2);
    const u = new uPlot(opts, [mid, ...stacked.layers.map((l) => Array.from(l.top))], el);
    return mountChart(chart, u, { testId: props.testId, label: props.label, theme: colors.kind });
  }, [xs, stacked, fills, spanSeconds, colors, height, hasWidth, props.testId, props.label]);

  return <div className="chart" ref={box} />;
}
