import { describe, expect, test } from "vitest";
import { latencyCsv, latencyCsvFileName } from "../../../../src/editor/panels/latencyCsv";
import type { LatencyView, PanelData } from "../../../../src/shared/protocol/latency";
import { parseCsv } from "../../parseCsv";


const t0 = Date.UTC(2026, 10, 30, 21, 0, 0) / 1000;
const f = (xs: number[]): Float64Array<ArrayBuffer> => Float64Array.from(xs);

function panel(id: PanelData["id"], title: string, unit: PanelData["unit"], series: { name: string; ts: number[]; vs: number[] }[]): PanelData {
  return { id, title, unit, series: series.map((s) => ({ name: s.name, timestamps: f(s.ts), values: f(s.vs) })), queries: [], status: { kind: "ok" } };
}

function view(panels: PanelData[], spec: LatencyView["range"]["spec"] = { preset: "1h" }): LatencyView {
  return {
    service: { context: "aks-prod", namespace: "ml-serving", kind: "Deployment", name: "llama-chat" },
    source: "Prometheus",
    runtime: "vLLM",
    range: { spec, start: t0 - 3600, end: t0 + 120, step: 60 },
    panels,
    markers: [],
    slo: null,
    regression: null,
    refreshedAt: t0 + 120,
  };
}

describe("latencyCsv", () => {
  test("one row per timestamp, one column per series with its unit, gaps empty, infinities spelled as Prometheus does", () => {
    const csv = latencyCsv(
      view([
        panel("latency", "Latency", "ms", [
          { name: "p50", ts: [t0, t0 + 60, t0 + 120], vs: [101.5, Number.NaN, 99] },
          { name: "p95", ts: [t0, t0 + 60, t0 + 120], vs: [250, Number.POSITIVE_INFINITY, 240.25] },
        ]),
        panel("errors", "Error rate", "ratio", [{ name: "5xx ratio", ts: [t0 + 60], vs: [0.0125] }]),
        panel("rps", "Requests", "rps", []),
      ]),
    );
    expect(csv.startsWith("\uFEFF")).toBe(true);
    expect(parseCsv(csv.slice(1))).toEqual([
      ["time (UTC)", "unix_seconds", "Latency: p50 (ms)", "Latency: p95 (ms)", "Error rate: 5xx ratio (ratio)"],
      ["2026-11-30T21:00:00.000Z", String(t0), "101.5", "250", ""],
      ["2026-11-30T21:01:00.000Z", String(t0 + 60), "", "+Inf", "0.0125"],
      ["2026-11-30T21:02:00.000Z", String(t0 + 120), "99", "240.25", ""],
    ]);
  });

  test("series names with commas, quotes and newlines stay one cell", () => {
    const csv = latencyCsv(view([panel("gpu", "GPU", "percent", [{ name: 'pod "a",\nb', ts: [t0], vs: [-1] }])]));
    expect(parseCsv(csv.slice(1))[0]).toEqual(["time (UTC)", "unix_seconds", 'GPU: pod "a",\nb (percent)']);
    expect(parseCsv(csv.slice(1))[1]).toEqual(["2026-11-30T21:00:00.000Z", String(t0), "-1"]);
  });

  test("no data is a header alone", () => {
    expect(parseCsv(latencyCsv(view([])).slice(1))).toEqual([["time (UTC)", "unix_seconds"]]);
  });
});

describe("latencyCsvFileName", () => {
  test("names the service and range, with nothing a file system would refuse", () => {
    expect(latencyCsvFileName(view([]))).toBe("ml-serving_llama-chat_latency_1h.csv");
    const custom = latencyCsvFileName(view([], { preset: "custom", start: t0 - 86_400, end: t0 }));
    expect(custom).toBe("ml-serving_llama-chat_latency_2026-11-29T21-00-00-000Z_2026-11-30T21-00-00-000Z.csv");
    expect(custom).toMatch(/^[\w.-]+$/);
  });
});
