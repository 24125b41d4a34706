/**
 * The two empirical CDFs of a numerical feature as steps (uPlot), with the widest gap between them
 * marked: the KS statistic D is the largest vertical distance between these two curves.
 */
import { useLayoutEffect, useRef } from "react";
import uPlot from "uplot";
import type { ThemeColors } from "../common/themeColors";
import { mountChart, useChartBox } from "../common/useChartBox";
import { formatScore, formatShare } from "./driftFormat";
import type { EcdfColumns } from "./ecdfColumns";
import { sideColors } from "./HistogramChart";

export interface EcdfChartProps {
  readonly testId: string;
  readonly label: string;
  readonly data: EcdfColumns;
  readonly colors: ThemeColors;
  readonly height?: number;
  readonly onPainted: () => void;
}

export function EcdfChart(props: EcdfChartProps): React.JSX.Element {
  const { data, colors, height = 220 } = props;
  const { box, chart, hasWidth, latestWidth } = useChartBox(height);
  const onPainted = useRef(props.onPainted);
  onPainted.current = props.onPainted;

  useLayoutEffect(() => {
    const el = box.current;
    if (!el || !hasWidth) return undefined;
    let painted = false;
    const side = sideColors(colors);
    const axis = (extra: Partial<uPlot.Axis>): uPlot.Axis => ({
      stroke: colors.muted,
      grid: { stroke: colors.grid, width: 1 },
      ticks: { stroke: colors.grid, width: 1 },
      ...extra,
    });
    const steps = uPlot.paths.stepped?.({ align: 1 });
    const line = (label: string, stroke: string): uPlot.Series => ({
      label,
      stroke,
      width: colors.lineWidth,
      points: { show: false },
      ...(steps ? { paths: steps } : {}),
      value: (_u, v) => (v === null ? "—" : formatShare(v)),
    });
    const first = data.xs[0] ?? 0;
    const last = data.xs[data.xs.length - 1] ?? first;
    const pad = last > first ? (last - first) * 0.02 : 1;
    const opts: uPlot.Options = {
      width: latestWidth.current,
      height,
      cursor: { drag: { x: false, y: false } },
      legend: { live: true },
      scales: { x: { time: false, range: () => [first - pad, last + pad] }, y: { range: () => [0, 1.02] } },
      axes: [axis({ values: (_u, splits) => splits.map((v) => formatScore(v)) }), axis({ size: 56, values: (_u, splits) => splits.map((v) => formatShare(v)) })],
      series: [{ label: "Value", value: (_u, v) => (v === null ? "—" : formatScore(v)) }, line("Reference", side.reference), line("Current", side.current)],
      hooks: {
        draw: [
          (u) => {
            const w = data.widest;
            if (w) {
              // The widest gap as a vertical bar between the two curves.
              const x = Math.round(u.valToPos(w.x, "x", true));
              const ctx = u.ctx;
              ctx.save();
              ctx.strokeStyle = colors.threshold;
              ctx.lineWidth = 2 * colors.lineWidth * devicePixelRatio;
              ctx.beginPath();
              ctx.moveTo(x, u.valToPos(w.reference, "y", true));
              ctx.lineTo(x, u.valToPos(w.current, "y", true));
              ctx.stroke();
              ctx.restore();
            }
            if (!painted) {
              painted = true;
              onPainted.current();
            }
          },
        ],
      },
    };
    const u = new uPlot(opts, [data.xs, data.reference, data.current], el);
    return mountChart(chart, u, { testId: props.testId, label: props.label, theme: colors.kind });
  }, [data, colors, height, hasWidth, props.testId, props.label]);

  return <div className="chart" ref={box} />;
}
