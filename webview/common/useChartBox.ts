import { type MutableRefObject, type RefObject, useLayoutEffect, useRef } from "react";
import type uPlot from "uplot";
import { useElementWidth } from "./useElementWidth";

export interface ChartBox {
  /** The element the chart is drawn into. */
  readonly box: RefObject<HTMLDivElement | null>;
  /** The chart drawn now, if any. */
  readonly chart: MutableRefObject<uPlot | null>;
  readonly width: number;
  /** A chart is (re)built when this turns true, not on every width change. */
  readonly hasWidth: boolean;
  /** The width at the time a chart is built, read without making the build depend on it. */
  readonly latestWidth: MutableRefObject<number>;
}

/**
 * The box a uPlot chart lives in: its width from a ResizeObserver, and the chart held in it
 * resized (never rebuilt) when that width or the height changes. Every dashboard chart uses it.
 */
export function useChartBox(height: number): ChartBox {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const width = useElementWidth(box);
  const latestWidth = useRef(width);
  latestWidth.current = width;
  useLayoutEffect(() => {
    if (width > 0) chart.current?.setSize({ width, height });
  }, [width, height]);
  return { box, chart, width, hasWidth: width > 0, latestWidth };
}

/**
 * Puts a newly built chart in the box: named for tests and screen readers (an image with the
 * label), with the theme its canvas was drawn for, so a test can wait for the redraw after a
 * theme switch. Returns the effect's cleanup.
 */
export function mountChart(chart: MutableRefObject<uPlot | null>, u: uPlot, a: { readonly testId: string; readonly label: string; readonly theme: string }): () => void {
  u.root.dataset.testid = a.testId;
  u.root.dataset.theme = a.theme;
  u.root.setAttribute("role", "img");
  u.root.setAttribute("aria-label", a.label);
  chart.current = u;
  return () => {
    chart.current = null;
    u.destroy();
  };
}
