/**
 * Reference and current histograms of one feature side by side in each bin (uPlot bars): x is the
 * bin's position, labelled with its range or category; y is the share of the side's rows.
 */
import { useLayoutEffect, useRef } from "react";
import uPlot from "uplot";
import type { ThemeColors } from "../common/themeColors";
import { mountChart, useChartBox } from "../common/useChartBox";
import { formatShare } from "./driftFormat";
import type { HistogramBars } from "./histogramBars";

export interface HistogramChartProps {
  readonly testId: string;
  readonly label: string;
  readonly bars: HistogramBars;
  readonly colors: ThemeColors;
  readonly height?: number;
  /** Called after the first draw of each new chart (new data or a theme switch). */
  readonly onPainted: () => void;
}

/** Reference in the first chart colour, current in orange: apart for the common colour blindnesses. */
export function sideColors(colors: ThemeColors): { reference: string; current: string } {
  return { reference: colors.series[0]!, current: colors.series[4] ?? colors.threshold };
}

function shortLabel(text: string): string {
  return text.length > 14 ? `${text.slice(0, 13)}…` : text;
}

export function HistogramChart(props: HistogramChartProps): React.JSX.Element {
  const { bars, colors, height = 220 } = props;
  const { box, chart, hasWidth, latestWidth } = useChartBox(height);
  const onPainted = useRef(props.onPainted);
  onPainted.current = props.onPainted;

  useLayoutEffect(() => {
    const el = box.current;
    if (!el || !hasWidth) return undefined;
    let painted = false;
    const n = bars.labels.length;
    let max = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, bars.reference[i]!, bars.current[i]!);
    const side = sideColors(colors);
    const axis = (extra: Partial<uPlot.Axis>): uPlot.Axis => ({
      stroke: colors.muted,
      grid: { stroke: colors.grid, width: 1 },
      ticks: { stroke: colors.grid, width: 1 },
      ...extra,
    });
    // Each side takes 40 % of a bin's width: reference to the left of the bin's centre, current to the right.
    const refBars = uPlot.paths.bars?.({ size: [0.4, 64], align: -1 });
    const curBars = uPlot.paths.bars?.({ size: [0.4, 64], align: 1 });
    const label = (i: number | null | undefined): string => (i === null || i === undefined ? "—" : (bars.labels[Math.round(i)] ?? "—"));
    const opts: uPlot.Options = {
      width: latestWidth.current,
      height,
      cursor: { points: { show: false }, drag: { x: false, y: false } },
      legend: { live: true },
      scales: {
        x: { time: false, range: () => [-0.6, Math.max(0, n - 1) + 0.6] },
        y: { range: () => [0, max > 0 ? Math.min(1, max * 1.15) : 1] },
      },
      axes: [
        axis({
          // Whole bins only; uPlot picks the step so labels do not collide.
          incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500],
          space: 72,
          values: (_u, splits) => splits.map((v) => (Number.isInteger(v) && v >= 0 && v < n ? shortLabel(bars.labels[v]!) : "")),
        }),
        axis({ size: 56, values: (_u, splits) => splits.map((v) => formatShare(v)) }),
      ],
      series: [
        { label: "Bin", value: (_u, v) => label(v) },
        {
          label: "Reference",
          stroke: side.reference,
          fill: side.reference,
          width: 0,
          points: { show: false },
          ...(refBars ? { paths: refBars } : {}),
          value: (_u, v) => (v === null ? "—" : formatShare(v)),
        },
        {
          label: "Current",
          stroke: side.current,
          fill: side.current,
          width: 0,
          points: { show: false },
          ...(curBars ? { paths: curBars } : {}),
          value: (_u, v) => (v === null ? "—" : formatShare(v)),
        },
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
    const xs = Array.from({ length: n }, (_, i) => i);
    const u = new uPlot(opts, [xs, Array.from(bars.reference), Array.from(bars.current)], el);
    return mountChart(chart, u, { testId: props.testId, label: props.label, theme: colors.kind });
  }, [bars, colors, height, hasWidth, props.testId, props.label]);

  return <div className="chart" ref={box} />;
}
