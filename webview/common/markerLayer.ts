/**
 * Deploy, rollback and scale markers over a chart: the line is drawn on the canvas (drawLines, from
 * uPlot's draw hook), and each marker also gets a small button at the top of the plot so it can be
 * hovered, focused with the keyboard, and clicked to open its revision.
 */
import type uPlot from "uplot";
import type { ChangeMarker } from "../../src/shared/protocol/latency";
import type { ThemeColors } from "./themeColors";
import { formatTime } from "./valueFormat";

let tooltipIds = 0;

/** The lines a person reads in the tooltip and a screen reader hears as the button's description. */
export function markerDescription(m: ChangeMarker): string[] {
  const title = `${m.kind}${m.revision !== undefined ? ` revision ${m.revision}` : ""} at ${formatTime(m.time)}`;
  return [
    title,
    ...(m.image ? [`image ${m.image}`] : []),
    ...(m.modelVersion ? [`model version ${m.modelVersion}`] : []),
    `by ${m.actor ?? "unknown"}`,
    ...(m.reason ? [m.reason] : []),
    `from ${m.origin}`,
  ];
}

export class MarkerLayer {
  private readonly buttons: HTMLButtonElement[] = [];
  private readonly tooltip: HTMLDivElement;

  constructor(
    private readonly chart: uPlot,
    private readonly markers: readonly ChangeMarker[],
    private readonly colors: ThemeColors,
    /** Absent: no marker is clickable (a dashboard with no revision document to open). */
    onOpenRevision: ((revision: number) => void) | undefined,
    /** What clicking a marker with a revision does, said in its tooltip. */
    private readonly clickHint = "Click to open the revision",
  ) {
    this.tooltip = document.createElement("div");
    this.tooltip.className = "chart-marker-tooltip";
    this.tooltip.id = `marker-tooltip-${++tooltipIds}`;
    this.tooltip.setAttribute("role", "tooltip");
    this.tooltip.dataset.testid = "marker-tooltip";
    this.tooltip.hidden = true;
    chart.over.appendChild(this.tooltip);
    for (const m of markers) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = `chart-marker chart-marker-${m.kind}`;
      b.dataset.testid = "change-marker";
      b.dataset.time = String(m.time);
      b.dataset.kind = m.kind;
      if (m.revision !== undefined) b.dataset.revision = String(m.revision);
      b.setAttribute("aria-label", markerDescription(m)[0]!);
      b.setAttribute("aria-describedby", this.tooltip.id);
      const show = (): void => this.show(m, b);
      const hide = (): void => {
        this.tooltip.hidden = true;
      };
      b.addEventListener("mouseenter", show);
      b.addEventListener("focus", show);
      b.addEventListener("mouseleave", hide);
      b.addEventListener("blur", hide);
      // uPlot starts a drag-to-zoom on mousedown anywhere over the plot.
      b.addEventListener("mousedown", (e) => e.stopPropagation());
      if (m.revision !== undefined && onOpenRevision) {
        const revision = m.revision;
        b.addEventListener("click", () => onOpenRevision(revision));
      } else b.setAttribute("aria-disabled", "true");
      chart.over.appendChild(b);
      this.buttons.push(b);
    }
  }

  /** Vertical lines on the canvas, in canvas pixels; called from uPlot's draw hook. */
  drawLines(): void {
    const u = this.chart;
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    ctx.save();
    ctx.lineWidth = this.colors.lineWidth * devicePixelRatio;
    ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
    for (const m of this.markers) {
      const x = Math.round(u.valToPos(m.time, "x", true));
      if (!(x >= left && x <= left + width)) continue;
      ctx.strokeStyle = this.colors.markers[m.kind];
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
    }
    ctx.restore();
  }

  /** Moves the buttons to their times (CSS pixels within the plot); markers outside the range hide. */
  position(): void {
    const u = this.chart;
    // From uPlot's own layout (canvas pixels): reading the DOM here would force a layout per draw.
    const plotWidth = u.bbox.width / devicePixelRatio;
    this.markers.forEach((m, i) => {
      const b = this.buttons[i]!;
      const x = u.valToPos(m.time, "x");
      b.hidden = !(x >= 0 && x <= plotWidth);
      b.style.left = `${x}px`;
    });
  }

  private show(m: ChangeMarker, button: HTMLButtonElement): void {
    this.tooltip.replaceChildren(
      ...markerDescription(m).map((line, i) => {
        const el = document.createElement(i === 0 ? "strong" : "div");
        el.textContent = line;
        return el;
      }),
    );
    if (m.revision !== undefined && button.getAttribute("aria-disabled") !== "true") {
      const hint = document.createElement("div");
      hint.className = "chart-marker-hint";
      hint.textContent = this.clickHint;
      this.tooltip.appendChild(hint);
    }
    this.tooltip.hidden = false;
    const x = Number.parseFloat(button.style.left) || 0;
    const room = this.chart.bbox.width / devicePixelRatio - x;
    // Open towards the side with room, so the tooltip never spills out of the webview.
    this.tooltip.classList.toggle("chart-marker-tooltip-left", room < 260);
    this.tooltip.style.left = `${x}px`;
  }
}
