/**
 * One uPlot chart: x in unix seconds, one line per series, NaN as gaps, an optional threshold
 * line and change markers. Its cursor is shared with every chart of the same syncKey.
 */
import { useLayoutEffect, useRef } from "react";
import uPlot from "uplot";
import type { ChangeMarker, Unit } from "../../src/shared/protocol/latency";
import { type AlignedSeries, gapsAsNull } from "./chartData";
import { MarkerLayer } from "./markerLayer";
import type { ThemeColors } from "./themeColors";
import { mountChart, useChartBox } from "./useChartBox";
import { formatNumber, formatValue } from "./valueFormat";

export interface TimeSeriesChartProps {
  readonly testId: string;
  readonly label: string;
  readonly data: AlignedSeries;
  readonly unit: Unit;
  readonly threshold?: { readonly value: number; readonly label: string } | undefined;
  readonly markers: readonly ChangeMarker[];
  readonly colors: ThemeColors;
  readonly syncKey: string;
  readonly height?: number;
  /** Absent: markers only describe themselves (the dashboard has nothing to open). */
  readonly onOpenRevision?: ((revision: number) => void) | undefined;
  /** How a value reads in the legend and on the y axis, instead of the unit's way. */
  readonly format?: ((v: number) => string) | undefined;
  /** The marker tooltip's line about clicking, when a click does something other than open the revision. */
  readonly markerHint?: string;
  /** Called after the first draw of each new chart (new data or a theme switch). */
  readonly onPainted: () => void;
}

function axisValue(v: number, unit: Unit): string {
  return unit === "ratio" ? `${formatNumber(v * 100)}%` : formatNumber(v);
}

export function TimeSeriesChart(props: TimeSeriesChartProps): React.JSX.Element {
  const { data, unit, threshold, markers, colors, syncKey, height = 220, markerHint } = props;
  const { box, chart, hasWidth, latestWidth } = useChartBox(height);
  // Callbacks change identity on every render; the chart reads the latest through refs.
  const onPainted = useRef(props.onPainted);
  onPainted.current = props.onPainted;
  const onOpenRevision = useRef(props.onOpenRevision);
  onOpenRevision.current = props.onOpenRevision;
  const clickable = props.onOpenRevision !== undefined;
  const format = useRef(props.format);
  format.current = props.format;

  useLayoutEffect(() => {
    const el = box.current;
    if (!el || !hasWidth) return undefined;
    let layer: MarkerLayer | undefined;
    let painted = false;
    const axis = (values?: (u: uPlot, splits: number[]) => string[]): uPlot.Axis => ({
      stroke: colors.muted,
      grid: { stroke: colors.grid, width: 1 },
      ticks: { stroke: colors.grid, width: 1 },
      ...(values ? { values, size: 64 } : {}),
    });
    const opts: uPlot.Options = {
      width: latestWidth.current,
      height,
      pxAlign: 0,
      cursor: { sync: { key: syncKey }, focus: { prox: 16 } },
      legend: { live: true },
      scales: {
        x: { time: true },
        y: {
          range: (_u, min, max) => {
            const top = Math.max(max ?? 0, threshold?.value ?? 0);
            const bottom = Math.min(0, min ?? 0);
            return [bottom, top > bottom ? top * 1.1 : bottom + 1];
          },
        },
      },
      axes: [axis(), axis((_u, splits) => splits.map((v) => format.current?.(v) ?? axisValue(v, unit)))],
      series: [
        {},
        ...data.names.map(
          (name, i): uPlot.Series => ({
            label: name,
            stroke: colors.series[i % colors.series.length],
            width: colors.lineWidth,
            points: { show: false },
            value: (_u, v) => (v === null || v === undefined ? "—" : (format.current?.(v) ?? formatValue(v, unit))),
          }),
        ),
      ],
      hooks: {
        draw: [
          (u) => {
            if (threshold) {
              const y = Math.round(u.valToPos(threshold.value, "y", true));
              const ctx = u.ctx;
              ctx.save();
              ctx.strokeStyle = colors.threshold;
              ctx.lineWidth = colors.lineWidth * devicePixelRatio;
              ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
              ctx.beginPath();
              ctx.moveTo(u.bbox.left, y);
              ctx.lineTo(u.bbox.left + u.bbox.width, y);
              ctx.stroke();
              // The label sits on a patch of background so the lines under it cannot hide it.
              ctx.font = `${11 * devicePixelRatio}px sans-serif`;
              ctx.textAlign = "right";
              const right = u.bbox.left + u.bbox.width - 4 * devicePixelRatio;
              const textWidth = ctx.measureText(threshold.label).width;
              ctx.fillStyle = colors.background;
              ctx.fillRect(right - textWidth - 2 * devicePixelRatio, y - 16 * devicePixelRatio, textWidth + 4 * devicePixelRatio, 14 * devicePixelRatio);
              ctx.fillStyle = colors.threshold;
              ctx.fillText(threshold.label, right, y - 5 * devicePixelRatio);
              ctx.restore();
            }
            // Built in the first draw: uPlot draws inside its constructor, before `u` is returned.
            layer ??= new MarkerLayer(u, markers, colors, clickable ? (revision) => onOpenRevision.current?.(revision) : undefined, markerHint);
            layer.drawLines();
            layer.position();
            if (!painted) {
              painted = true;
              onPainted.current();
            }
          },
        ],
      },
    };
    const columns: uPlot.AlignedData = [data.xs, ...data.ys.map(gapsAsNull)];
    const u = new uPlot(opts, columns, el);
    return mountChart(chart, u, { testId: props.testId, label: props.label, theme: colors.kind });
    // A new chart for new data, colours or markers; a width change only resizes (below).
  }, [data, unit, threshold, markers, colors, syncKey, height, hasWidth, props.testId, props.label, markerHint, clickable]);

  return <div className="chart" ref={box} />;
}
