/**
 * Chart colours, read from VS Code's --vscode-* variables when a chart is drawn. Canvas cannot
 * use CSS variables, so a theme switch (VS Code rewrites the variables on <html> and the
 * vscode-light/-dark/-high-contrast class on <body>) triggers a fresh read and a redraw.
 */
import { useEffect, useState } from "react";

export type ThemeKind = "light" | "dark" | "high-contrast" | "high-contrast-light";

export interface ThemeColors {
  readonly kind: ThemeKind;
  readonly foreground: string;
  readonly muted: string;
  readonly grid: string;
  readonly background: string;
  readonly series: readonly string[];
  readonly threshold: string;
  readonly markers: { readonly deploy: string; readonly rollback: string; readonly scale: string };
  /** Lines are drawn thicker in high contrast. */
  readonly lineWidth: number;
}

function themeKind(body: HTMLElement): ThemeKind {
  const c = body.classList;
  if (c.contains("vscode-high-contrast-light")) return "high-contrast-light";
  if (c.contains("vscode-high-contrast")) return "high-contrast";
  if (c.contains("vscode-light")) return "light";
  return "dark";
}

export function readThemeColors(): ThemeColors {
  const style = getComputedStyle(document.documentElement);
  const kind = themeKind(document.body);
  const light = kind === "light" || kind === "high-contrast-light";
  // Fallbacks only matter outside VS Code (a bench page); inside, every variable is set.
  const v = (name: string, fallback: string): string => style.getPropertyValue(`--vscode-${name}`).trim() || fallback;
  const hc = kind === "high-contrast" || kind === "high-contrast-light";
  const foreground = v("foreground", light ? "#3b3b3b" : "#cccccc");
  return {
    kind,
    foreground,
    muted: hc ? foreground : v("descriptionForeground", light ? "#717171" : "#9d9d9d"),
    grid: hc ? v("contrastBorder", foreground) : v("editorWidget-border", light ? "#c8c8c8" : "#454545"),
    // What the chart sits on: the panel's background in dashboard.css.
    background: v("editorWidget-background", v("editor-background", light ? "#ffffff" : "#1e1e1e")),
    series: [
      v("charts-blue", "#3794ff"),
      v("charts-green", "#89d185"),
      v("charts-yellow", "#cca700"),
      v("charts-purple", "#b180d7"),
      v("charts-orange", "#d18616"),
      v("charts-foreground", foreground),
    ],
    threshold: v("charts-red", "#f14c4c"),
    markers: { deploy: v("charts-blue", "#3794ff"), rollback: v("charts-orange", "#d18616"), scale: v("charts-purple", "#b180d7") },
    lineWidth: hc ? 2.5 : 1.5,
  };
}

/** The current colours; a new object after every theme switch, so charts that depend on it redraw. */
export function useThemeColors(): ThemeColors {
  const [colors, setColors] = useState(readThemeColors);
  useEffect(() => {
    let frame = 0;
    // VS Code changes the class and the variables in separate mutations; read once both landed.
    const observer = new MutationObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => setColors(readThemeColors()));
    });
    observer.observe(document.body, { attributes: true, attributeFilter: ["class"] });
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ["style", "class"] });
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
    };
  }, []);
  return colors;
}
