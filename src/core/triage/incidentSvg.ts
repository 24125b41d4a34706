/**
 * The incident report's charts as standalone SVG text: p95, error ratio and RPS around the
 * suspect change, with the change marked and the SLO drawn. Markdown embeds them inline, so they
 * render without any script, in light and dark themes alike (mid-tone colours, no background).
 */
import { extent, max } from "d3-array";
import { scaleLinear, scaleUtc } from "d3-scale";
import { line } from "d3-shape";
import type { SeriesPoints, TriageSeries } from "./triageReport";

export type ChartUnit = "ms" | "ratio" | "rps";

export interface SeriesChart {
  /** The visible title, also the SVG's <title> for screen readers. */
  readonly title: string;
  readonly unit: ChartUnit;
  readonly points: SeriesPoints;
  /** Unix seconds of the change to mark, and its label. */
  readonly mark?: { readonly at: number; readonly label: string } | null;
  /** A horizontal line (the SLO), and its label. */
  readonly threshold?: { readonly value: number; readonly label: string } | null;
  /** The x range in unix seconds; defaults to the points' extent. */
  readonly domain?: readonly [number, number];
}

export const chartWidth = 720;
export const chartHeight = 220;
const margin = { top: 28, right: 16, bottom: 28, left: 60 } as const;

/** Readable on white and on VS Code's dark grey: no theme variables exist inside a markdown file. */
export const chartColours = { series: "#3b82c4", threshold: "#d9534f", mark: "#e08a1e", text: "#808080", grid: "#80808040" } as const;

/** SVG text content and attribute values: every character markup gives meaning to, escaped. */
export function escapeSvgText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

const fixed = (x: number): string => String(Math.round(x * 10) / 10);

function valueFormat(unit: ChartUnit, step: number): (v: number) => string {
  // Enough decimals that adjacent ticks differ, no more.
  const decimals = (scaleStep: number): number => Math.max(0, Math.min(6, -Math.floor(Math.log10(scaleStep || 1))));
  if (unit === "ratio") return (v) => `${(v * 100).toFixed(decimals(step * 100))} %`;
  if (unit === "ms") return (v) => `${v.toFixed(decimals(step))} ms`;
  return (v) => `${v.toFixed(decimals(step))}/s`;
}

/** Tick labels in UTC: times of day within one day, with the date when the range spans days. */
function timeFormat(domain: readonly [number, number]): (d: Date) => string {
  const spansDays = domain[1] - domain[0] > 86_400 || new Date(domain[0] * 1000).getUTCDate() !== new Date(domain[1] * 1000).getUTCDate();
  return (d) => {
    const hhmm = d.toISOString().slice(11, 16);
    return spansDays ? `${d.toISOString().slice(5, 10)} ${hhmm}` : hhmm;
  };
}

/** One line chart. Gaps (null values) break the line instead of being drawn as zero. */
export function renderSeriesSvg(chart: SeriesChart): string {
  const width = chartWidth;
  const height = chartHeight;
  const plot = { x0: margin.left, x1: width - margin.right, y0: height - margin.bottom, y1: margin.top };
  const defined = chart.points.filter((p): p is readonly [number, number] => p[1] !== null && Number.isFinite(p[1]));
  const [tMin, tMax] = chart.domain ?? extent(chart.points, (p) => p[0]);
  const title = escapeSvgText(chart.title);
  const head = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${title}" font-family="sans-serif" font-size="11">`;
  const titleParts = [`<title>${title}</title>`, `<text x="${margin.left}" y="16" fill="${chartColours.text}" font-size="13" font-weight="bold">${title}</text>`];
  if (tMin === undefined || tMax === undefined || defined.length === 0) {
    return [head, ...titleParts, `<text x="${width / 2}" y="${height / 2}" fill="${chartColours.text}" text-anchor="middle">no data</text>`, "</svg>"].join("\n");
  }
  const x = scaleUtc()
    .domain([new Date(tMin * 1000), new Date(Math.max(tMax, tMin + 1) * 1000)])
    .range([plot.x0, plot.x1]);
  const top = Math.max(max(defined, (p) => p[1]) ?? 0, chart.threshold?.value ?? 0);
  const y = scaleLinear()
    .domain([0, top > 0 ? top * 1.1 : 1])
    .nice(4)
    .range([plot.y0, plot.y1]);
  const yTicks = y.ticks(4);
  const yFormat = valueFormat(chart.unit, yTicks.length > 1 ? (yTicks[1] ?? 0) - (yTicks[0] ?? 0) : 1);
  const xFormat = timeFormat([tMin, tMax]);

  const parts: string[] = [head, ...titleParts];
  for (const v of yTicks) {
    const py = fixed(y(v));
    parts.push(`<line x1="${plot.x0}" x2="${plot.x1}" y1="${py}" y2="${py}" stroke="${chartColours.grid}"/>`);
    parts.push(`<text x="${plot.x0 - 6}" y="${py}" dy="0.32em" fill="${chartColours.text}" text-anchor="end">${escapeSvgText(yFormat(v))}</text>`);
  }
  for (const t of x.ticks(6)) {
    const px = fixed(x(t));
    parts.push(`<line x1="${px}" x2="${px}" y1="${plot.y0}" y2="${plot.y0 + 4}" stroke="${chartColours.text}"/>`);
    parts.push(`<text x="${px}" y="${plot.y0 + 16}" fill="${chartColours.text}" text-anchor="middle">${escapeSvgText(xFormat(t))}</text>`);
  }
  parts.push(`<line x1="${plot.x0}" x2="${plot.x1}" y1="${plot.y0}" y2="${plot.y0}" stroke="${chartColours.text}"/>`);
  // Under the y axis, clear of the last time tick.
  parts.push(`<text x="${plot.x0 - 6}" y="${plot.y0 + 16}" fill="${chartColours.text}" text-anchor="end">UTC</text>`);

  if (chart.threshold) {
    const py = fixed(y(chart.threshold.value));
    parts.push(`<line x1="${plot.x0}" x2="${plot.x1}" y1="${py}" y2="${py}" stroke="${chartColours.threshold}" stroke-width="1.5" stroke-dasharray="6 4"><title>${escapeSvgText(chart.threshold.label)}</title></line>`);
    parts.push(`<text x="${plot.x1 - 4}" y="${py}" dy="-4" fill="${chartColours.threshold}" text-anchor="end">${escapeSvgText(chart.threshold.label)}</text>`);
  }
  const path = line<readonly [number, number | null]>()
    .defined((p) => p[1] !== null && Number.isFinite(p[1]))
    .x((p) => x(new Date(p[0] * 1000)))
    .y((p) => y(p[1] ?? 0))
    .digits(1)(chart.points);
  if (path) parts.push(`<path d="${path}" fill="none" stroke="${chartColours.series}" stroke-width="2" stroke-linejoin="round"/>`);
  // A lone point between gaps draws no line segment: a dot shows it.
  chart.points.forEach((p, i) => {
    const alone = p[1] !== null && (chart.points[i - 1]?.[1] ?? null) === null && (chart.points[i + 1]?.[1] ?? null) === null;
    if (alone) parts.push(`<circle cx="${fixed(x(new Date(p[0] * 1000)))}" cy="${fixed(y(p[1] ?? 0))}" r="2" fill="${chartColours.series}"/>`);
  });
  if (chart.mark && chart.mark.at >= tMin && chart.mark.at <= tMax) {
    const px = fixed(x(new Date(chart.mark.at * 1000)));
    const label = escapeSvgText(chart.mark.label);
    // The label sits on whichever side of the marker has room.
    const right = x(new Date(chart.mark.at * 1000)) < (plot.x0 + plot.x1) / 2;
    parts.push(`<line x1="${px}" x2="${px}" y1="${plot.y1}" y2="${plot.y0}" stroke="${chartColours.mark}" stroke-width="1.5" stroke-dasharray="3 3"><title>${label}</title></line>`);
    parts.push(`<text x="${px}" y="${plot.y1 + 10}" dx="${right ? 4 : -4}" fill="${chartColours.mark}" text-anchor="${right ? "start" : "end"}">${label}</text>`);
  }
  parts.push("</svg>");
  return parts.join("\n");
}

export interface IncidentCharts {
  readonly p95: string;
  readonly errorRatio: string;
  readonly rps: string;
}

const msLabel = (v: number): string => `${Number(v.toPrecision(4))} ms`;
const pctLabel = (v: number): string => `${Number((v * 100).toPrecision(3))} %`;

/** The report's three charts over one x range, the suspect change marked on each. */
export function incidentCharts(series: TriageSeries, markLabel: string): IncidentCharts {
  const mark = series.markAt === null ? null : { at: series.markAt, label: markLabel };
  const domain = [series.start, series.end] as const;
  return {
    p95: renderSeriesSvg({ title: "p95 latency", unit: "ms", points: series.p95, mark, domain, threshold: series.sloP95Ms === null ? null : { value: series.sloP95Ms, label: `SLO p95 ≤ ${msLabel(series.sloP95Ms)}` } }),
    errorRatio: renderSeriesSvg({
      title: "Error ratio (5xx / requests)",
      unit: "ratio",
      points: series.errorRatio,
      mark,
      domain,
      threshold: series.sloErrorRate === null ? null : { value: series.sloErrorRate, label: `SLO errors ≤ ${pctLabel(series.sloErrorRate)}` },
    }),
    rps: renderSeriesSvg({ title: "Requests per second", unit: "rps", points: series.rps, mark, domain }),
  };
}
