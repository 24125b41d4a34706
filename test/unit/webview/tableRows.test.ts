import { describe, expect, test } from "vitest";
import type { AlignedSeries } from "../../../webview/common/chartData";
import { tablePage } from "../../../webview/common/tableRows";
import { formatTime, formatValue } from "../../../webview/common/valueFormat";

const f = (xs: number[]): Float64Array => Float64Array.from(xs);
// 2026-11-30T21:00:00Z and the next two minutes.
const t0 = Date.UTC(2026, 10, 30, 21, 0, 0) / 1000;

describe("formatValue", () => {
  test.each([
    [412.3456, "ms", "412 ms"],
    [1234.5, "ms", "1,235 ms"],
    [12.345, "ms", "12.3 ms"],
    [0.5, "ms", "0.5 ms"],
    [0.0123, "ratio", "1.23 %"],
    [0.2, "ratio", "20 %"],
    [87.5, "percent", "87.5 %"],
    [12.5, "rps", "12.5 req/s"],
    [1530, "tokens/s", "1,530 tokens/s"],
    [3, "count", "3"],
    [0, "ms", "0 ms"],
    [-2.5, "rps", "-2.5 req/s"],
  ] as const)("%d %s reads %s", (v, unit, text) => {
    expect(formatValue(v, unit)).toBe(text);
  });

  test("no sample and the infinities Prometheus can return are said, not hidden", () => {
    expect(formatValue(Number.NaN, "ms")).toBe("—");
    expect(formatValue(Number.POSITIVE_INFINITY, "ms")).toBe("+Inf");
    expect(formatValue(Number.NEGATIVE_INFINITY, "ratio")).toBe("−Inf");
  });
});

describe("formatTime", () => {
  test("reads as date and 24-hour time in the zone asked for", () => {
    expect(formatTime(t0, "UTC")).toBe("2026-11-30 21:00:00");
    expect(formatTime(t0, "Asia/Tokyo")).toBe("2026-12-01 06:00:00");
    expect(formatTime(Date.UTC(2026, 0, 5, 0, 0, 7) / 1000, "UTC")).toBe("2026-01-05 00:00:07");
  });
});

describe("tablePage", () => {
  const data: AlignedSeries = {
    xs: f([t0, t0 + 60, t0 + 120]),
    ys: [f([100, 110, Number.NaN]), f([250.4, Number.POSITIVE_INFINITY, 260])],
    names: ["p50", "p95"],
  };

  test("shows the plotted values with units, newest first, each cell keeping its exact value", () => {
    const t = tablePage(data, "ms", 0, { timeZone: "UTC" });
    expect(t.headers).toEqual([
      { series: "p50", text: "p50 (ms)" },
      { series: "p95", text: "p95 (ms)" },
    ]);
    expect(t.rows.map((r) => [r.timeText, ...r.cells.map((c) => c.text)])).toEqual([
      ["2026-11-30 21:02:00", "—", "260 ms"],
      ["2026-11-30 21:01:00", "110 ms", "+Inf"],
      ["2026-11-30 21:00:00", "100 ms", "250 ms"],
    ]);
    expect(t.rows[2]!.cells[1]!.value).toBe(250.4);
    expect(t.rows[0]!.time).toBe(t0 + 120);
    expect({ page: t.page, pageCount: t.pageCount, totalRows: t.totalRows, firstRow: t.firstRow, lastRow: t.lastRow }).toEqual({ page: 0, pageCount: 1, totalRows: 3, firstRow: 1, lastRow: 3 });
  });

  test("a ratio column reads as a percentage", () => {
    const t = tablePage({ xs: f([t0]), ys: [f([0.015])], names: ["5xx ratio"] }, "ratio", 0, { timeZone: "UTC" });
    expect(t.headers[0]!.text).toBe("5xx ratio (%)");
    expect(t.rows[0]!.cells[0]!.text).toBe("1.5 %");
  });

  test("long series are paged from the newest; out-of-range pages clamp", () => {
    const n = 1234;
    const big: AlignedSeries = { xs: Float64Array.from({ length: n }, (_, i) => t0 + i), ys: [Float64Array.from({ length: n }, (_, i) => i)], names: ["rps"] };
    const first = tablePage(big, "rps", 0, { pageSize: 500 });
    expect(first.pageCount).toBe(3);
    expect(first.rows.length).toBe(500);
    expect(first.rows[0]!.cells[0]!.value).toBe(n - 1);
    const last = tablePage(big, "rps", 99, { pageSize: 500 });
    expect(last.page).toBe(2);
    expect(last.rows.length).toBe(234);
    expect(last.rows[last.rows.length - 1]!.cells[0]!.value).toBe(0);
    expect([last.firstRow, last.lastRow]).toEqual([1001, 1234]);
  });

  test("an empty chart has an empty table of one page", () => {
    const t = tablePage({ xs: f([]), ys: [f([])], names: ["p95"] }, "ms", 0);
    expect([t.rows.length, t.pageCount, t.firstRow, t.lastRow]).toEqual([0, 1, 0, 0]);
  });
});
