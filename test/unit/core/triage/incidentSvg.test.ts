/**
 * The incident report's charts, read back with a strict XML parser (sax, as any SVG viewer would
 * parse them) rather than by string matching: positions are compared with each other (the SLO line
 * at the height of a point of the same value, the change marker between the points around it), so
 * the tests hold whatever nice domain d3 picks.
 */
import { createRequire } from "node:module";
import { describe, expect, test } from "vitest";
import { chartWidth, escapeSvgText, incidentCharts, renderSeriesSvg } from "../../../../src/core/triage/incidentSvg";
import { demoIncidentReport } from "./incidentReportFixture";

interface SaxTag {
  readonly name: string;
  readonly attributes: Record<string, string>;
}
interface SaxParser {
  onopentag: (tag: SaxTag) => void;
  ontext: (text: string) => void;
  onclosetag: (name: string) => void;
  onerror: (e: Error) => void;
  write(text: string): SaxParser;
  close(): void;
}
// sax ships with @vscode/vsce (through xml2js); a strict parser, as browsers parse image/svg+xml.
const sax = createRequire(import.meta.url)("sax") as { parser(strict: boolean): SaxParser };

interface Element {
  readonly name: string;
  readonly attributes: Record<string, string>;
  text: string;
  readonly parent: string | undefined;
}

/** Every element with its direct text; throws on anything that is not well-formed XML. */
function parseSvg(svg: string): Element[] {
  const elements: Element[] = [];
  const stack: Element[] = [];
  const p = sax.parser(true);
  p.onerror = (e) => {
    throw e;
  };
  p.onopentag = (tag) => {
    const el: Element = { name: tag.name, attributes: tag.attributes, text: "", parent: stack.at(-1)?.name };
    elements.push(el);
    stack.push(el);
  };
  p.ontext = (text) => {
    const top = stack.at(-1);
    if (top) top.text += text;
  };
  p.onclosetag = () => void stack.pop();
  p.write(svg).close();
  return elements;
}

/** The vertices of a d3 line path ("M1,2L3,4M5,6…"), one array per connected run. */
function runs(d: string): [number, number][][] {
  return d
    .split("M")
    .filter(Boolean)
    .map((run) => run.split("L").map((xy) => xy.split(",").map(Number) as [number, number]));
}

const t0 = 1_764_500_000;

describe("renderSeriesSvg", () => {
  test("is well-formed SVG of a fixed width, titled for screen readers and for the eye", () => {
    const els = parseSvg(renderSeriesSvg({ title: "p95 latency", unit: "ms", points: [[t0, 100], [t0 + 60, 200]] }));
    const root = els[0];
    expect(root?.name).toBe("svg");
    expect(root?.attributes["width"]).toBe(String(chartWidth));
    expect(root?.attributes["role"]).toBe("img");
    expect(root?.attributes["aria-label"]).toBe("p95 latency");
    expect(els.find((e) => e.name === "title" && e.parent === "svg")?.text).toBe("p95 latency");
    expect(els.some((e) => e.name === "text" && e.text === "p95 latency")).toBe(true);
  });

  test("draws the SLO line at the height of a point with the SLO's value", () => {
    const els = parseSvg(renderSeriesSvg({ title: "p95", unit: "ms", points: [[t0, 100], [t0 + 60, 200], [t0 + 120, 150]], threshold: { value: 200, label: "SLO p95 ≤ 200 ms" } }));
    const path = runs(els.find((e) => e.name === "path")?.attributes["d"] ?? "");
    const slo = els.find((e) => e.name === "line" && e.attributes["stroke-dasharray"] === "6 4");
    expect(path).toHaveLength(1);
    expect(Number(slo?.attributes["y1"])).toBeCloseTo(path[0]?.[1]?.[1] ?? NaN, 0);
    expect(els.some((e) => e.name === "text" && e.text === "SLO p95 ≤ 200 ms")).toBe(true);
    // Higher values are drawn higher up (SVG's y grows downwards).
    expect(path[0]?.[1]?.[1]).toBeLessThan(path[0]?.[0]?.[1] ?? NaN);
  });

  test("marks the change at its time: halfway between points equally far before and after it", () => {
    const els = parseSvg(renderSeriesSvg({ title: "p95", unit: "ms", points: [[t0, 100], [t0 + 600, 100], [t0 + 1200, 300]], mark: { at: t0 + 900, label: "revision 2" } }));
    const path = runs(els.find((e) => e.name === "path")?.attributes["d"] ?? "")[0] ?? [];
    const marker = els.find((e) => e.name === "line" && e.attributes["stroke-dasharray"] === "3 3");
    const [x1, x2] = [path[1]?.[0] ?? NaN, path[2]?.[0] ?? NaN];
    expect(Number(marker?.attributes["x1"])).toBeCloseTo((x1 + x2) / 2, 0);
    expect(els.some((e) => e.name === "text" && e.text === "revision 2")).toBe(true);
  });

  test("a gap in the data breaks the line instead of dropping it to zero", () => {
    const els = parseSvg(renderSeriesSvg({ title: "p95", unit: "ms", points: [[t0, 100], [t0 + 60, 120], [t0 + 120, null], [t0 + 180, 110], [t0 + 240, 130]] }));
    const path = runs(els.find((e) => e.name === "path")?.attributes["d"] ?? "");
    expect(path.map((r) => r.length)).toEqual([2, 2]);
  });

  test("a lone point between gaps still shows, as a dot", () => {
    const els = parseSvg(renderSeriesSvg({ title: "p95", unit: "ms", points: [[t0, null], [t0 + 60, 120], [t0 + 120, null]], domain: [t0, t0 + 120] }));
    expect(els.filter((e) => e.name === "circle")).toHaveLength(1);
  });

  test("text from outside (titles, labels) is escaped: it reads back as written and adds no markup", () => {
    const hostile = `<script>alert("x")</script> & 'co'`;
    const svg = renderSeriesSvg({ title: hostile, unit: "ms", points: [[t0, 1], [t0 + 60, 2]], mark: { at: t0 + 30, label: hostile }, threshold: { value: 1.5, label: hostile } });
    const els = parseSvg(svg);
    expect(els.some((e) => e.name === "script")).toBe(false);
    expect(els.filter((e) => e.name === "text" && e.text === hostile).length).toBe(3);
    expect(escapeSvgText(`a"b'c<d>&`)).toBe("a&quot;b&#39;c&lt;d&gt;&amp;");
  });

  test("without data it says so and draws no line", () => {
    const els = parseSvg(renderSeriesSvg({ title: "RPS", unit: "rps", points: [[t0, null], [t0 + 60, null]] }));
    expect(els.some((e) => e.name === "path")).toBe(false);
    expect(els.some((e) => e.name === "text" && e.text === "no data")).toBe(true);
    expect(parseSvg(renderSeriesSvg({ title: "RPS", unit: "rps", points: [] })).some((e) => e.text === "no data")).toBe(true);
  });

  test("time ticks are UTC; a range over days shows the date", () => {
    const oneHour = parseSvg(renderSeriesSvg({ title: "x", unit: "rps", points: [[Date.UTC(2026, 11, 1, 6, 0) / 1000, 1], [Date.UTC(2026, 11, 1, 7, 0) / 1000, 2]] }));
    const ticks = oneHour.filter((e) => e.name === "text" && /^\d\d:\d\d$/.test(e.text)).map((e) => e.text);
    expect(ticks).toContain("06:30");
    const days = parseSvg(renderSeriesSvg({ title: "x", unit: "rps", points: [[Date.UTC(2026, 10, 28) / 1000, 1], [Date.UTC(2026, 11, 1) / 1000, 2]] }));
    expect(days.some((e) => e.name === "text" && e.text === "11-29 00:00")).toBe(true);
  });
});

describe("incidentCharts", () => {
  test("p95, error ratio and RPS over the same range, each with the suspect change marked and the SLO where it has one", () => {
    const series = demoIncidentReport().series;
    if (!series) throw new Error("the fixture has series");
    const charts = incidentCharts(series, "revision 2");
    const [p95, errors, rps] = [charts.p95, charts.errorRatio, charts.rps].map(parseSvg);
    for (const els of [p95, errors, rps]) expect(els?.some((e) => e.name === "text" && e.text === "revision 2")).toBe(true);
    expect(p95?.some((e) => e.text === "SLO p95 ≤ 2000 ms")).toBe(true);
    expect(errors?.some((e) => e.text === "SLO errors ≤ 1 %")).toBe(true);
    expect(rps?.some((e) => e.name === "line" && e.attributes["stroke-dasharray"] === "6 4")).toBe(false);
    // The error ratio's axis is in percent: the SLO (1 %) sits among ticks such as "1.0 %" or "1 %".
    expect(errors?.filter((e) => e.name === "text" && / %$/.test(e.text) && !e.text.startsWith("SLO")).length).toBeGreaterThan(2);
    // The p95 gap (no point 2 h after the deploy) breaks its line.
    expect(runs(p95?.find((e) => e.name === "path")?.attributes["d"] ?? "")).toHaveLength(2);
  });
});
