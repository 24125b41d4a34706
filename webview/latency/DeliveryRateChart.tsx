/**
 * Weekly change failure rate and deployment success (uPlot), on one 0–100 % axis, with the
 * seeds' target lines drawn across: CFR 15 % (initial) and 10 % (mature), success 95 %.
 */
import { useLayoutEffect, useRef } from "react";
import uPlot from "uplot";
import type { DeliveryReport } from "../../src/shared/protocol/delivery";
import { gapsAsNull } from "../common/chartData";
import type { ThemeColors } from "../common/themeColors";
import { mountChart, useChartBox } from "../common/useChartBox";
import { formatRate, weekSeconds } from "./deliveryChart";

export interface DeliveryRateChartProps {
  readonly testId: string;
  readonly label: string;
  readonly xs: Float64Array;
  readonly cfr: Float64Array;
  readonly success: Float64Array;
  readonly targets: DeliveryReport["targets"];
  readonly colors: ThemeColors;
  readonly height?: number;
  readonly onPainted: () => void;
}

export function DeliveryRateChart(props: DeliveryRateChartProps): React.JSX.Element {
  const { xs, cfr, success, targets, colors, height = 200 } = props;
  const { box, chart, hasWidth, latestWidth } = useChartBox(height);
  const onPainted = useRef(props.onPainted);
  onPainted.current = props.onPainted;

  useLayoutEffect(() => {
    const el = box.current;
    if (!el || !hasWidth) return undefined;
    let painted = false;
    const axis = (values?: (u: uPlot, splits: number[]) => string[]): uPlot.Axis => ({
      stroke: colors.muted,
      grid: { stroke: colors.grid, width: 1 },
      ticks: { stroke: colors.grid, width: 1 },
      ...(values ? { values, size: 56 } : {}),
    });
    const lines = [
      // The two CFR lines lie close together: their labels sit at opposite ends.
      { value: targets.changeFailureRateInitial, label: `CFR target < ${formatRate(targets.changeFailureRateInitial)} (initial)`, color: colors.threshold, right: false },
      { value: targets.changeFailureRateMature, label: `CFR < ${formatRate(targets.changeFailureRateMature)} (mature)`, color: colors.threshold, right: true },
      { value: targets.deploymentSuccessRate, label: `success target > ${formatRate(targets.deploymentSuccessRate)}`, color: colors.series[1] ?? colors.foreground, right: false },
    ];
    const first = xs[0] ?? 0;
    const last = xs[xs.length - 1] ?? first;
    const opts: uPlot.Options = {
      width: latestWidth.current,
      height,
      cursor: { drag: { x: false, y: false } },
      legend: { live: true },
      scales: { x: { time: true, range: () => [first - weekSeconds * 0.1, last + weekSeconds * 1.1] }, y: { range: () => [0, 1.05] } },
      axes: [axis(), axis((_u, splits) => splits.map((v) => `${Math.round(v * 100)}%`))],
      series: [
        { value: (_u, v) => (v === null ? "—" : `week of ${new Date(v * 1000).toISOString().slice(0, 10)}`) },
        ...[
          { label: "Change failure rate", color: colors.series[4] ?? colors.threshold },
          { label: "Deployment success", color: colors.series[0] ?? colors.foreground },
        ].map(
          (s): uPlot.Series => ({
            label: s.label,
            stroke: s.color,
            width: colors.lineWidth,
            points: { show: true, size: 6, fill: s.color },
            value: (_u, v) => (v === null || v === undefined ? "no data" : formatRate(v)),
          }),
        ),
      ],
      hooks: {
        draw: [
          (u) => {
            const ctx = u.ctx;
            ctx.save();
            ctx.lineWidth = colors.lineWidth * devicePixelRatio;
            ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
            ctx.font = `${11 * devicePixelRatio}px sans-serif`;
            // uPlot leaves its axis text settings on the context.
            ctx.textAlign = "left";
            ctx.textBaseline = "alphabetic";
            for (const line of lines) {
              const y = Math.round(u.valToPos(line.value, "y", true));
              ctx.strokeStyle = line.color;
              ctx.beginPath();
              ctx.moveTo(u.bbox.left, y);
              ctx.lineTo(u.bbox.left + u.bbox.width, y);
              ctx.stroke();
              // On a patch of background, so the lines under the label cannot hide it.
              const w = ctx.measureText(line.label).width;
              const x = line.right ? u.bbox.left + u.bbox.width - w - 4 * devicePixelRatio : u.bbox.left + 4 * devicePixelRatio;
              ctx.fillStyle = colors.background;
              ctx.fillRect(x - 2 * devicePixelRatio, y - 15 * devicePixelRatio, w + 4 * devicePixelRatio, 13 * devicePixelRatio);
              ctx.fillStyle = line.color;
              ctx.fillText(line.label, x, y - 4 * devicePixelRatio);
            }
            ctx.restore();
            if (!painted) {
              painted = true;
              onPainted.current();
            }
          },
        ],
      },
    };
    // Points at the middle of their week, as the bars above them stand.
    const mid = Array.from(xs, (x) => x + weekSeconds / 2);
    const u = new uPlot(opts, [mid, gapsAsNull(cfr), gapsAsNull(success)], el);
    return mountChart(chart, u, { testId: props.testId, label: props.label, theme: colors.kind });
  }, [xs, cfr, success, targets, colors, height, hasWidth, props.testId, props.label]);

  return <div className="chart" ref={box} />;
}
