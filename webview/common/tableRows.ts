/** The rows a chart's data table shows: the values the chart plots, newest first, a page at a time. */
import type { Unit } from "../../src/shared/protocol/latency";
import type { AlignedSeries } from "./chartData";
import { formatTime, formatValue, unitLabel } from "./valueFormat";

export interface TableCell {
  /** The plotted value (NaN for a gap), for a test or a screen reader to read exactly. */
  readonly value: number;
  readonly text: string;
}

export interface TableRow {
  /** Unix seconds. */
  readonly time: number;
  readonly timeText: string;
  readonly cells: readonly TableCell[];
}

export interface TablePage {
  readonly headers: readonly { readonly series: string; readonly text: string }[];
  readonly rows: readonly TableRow[];
  readonly page: number;
  readonly pageCount: number;
  readonly totalRows: number;
  /** 1-based positions of the first and last row shown, for "rows 1–500 of 10,080". */
  readonly firstRow: number;
  readonly lastRow: number;
}

export const tablePageSize = 500;

/** Page 0 holds the newest rows, so the latest value is the first row a person (or a test) reads. */
export function tablePage(data: AlignedSeries, unit: Unit, page: number, opts: { pageSize?: number; timeZone?: string } = {}): TablePage {
  const size = opts.pageSize ?? tablePageSize;
  const totalRows = data.xs.length;
  const pageCount = Math.max(1, Math.ceil(totalRows / size));
  const current = Math.min(Math.max(0, Math.floor(page)), pageCount - 1);
  const rows: TableRow[] = [];
  const newest = totalRows - 1 - current * size;
  for (let i = newest; i > newest - size && i >= 0; i--) {
    const time = data.xs[i]!;
    rows.push({
      time,
      timeText: formatTime(time, opts.timeZone),
      cells: data.ys.map((col) => {
        const value = col[i]!;
        return { value, text: formatValue(value, unit) };
      }),
    });
  }
  return {
    headers: data.names.map((series) => ({ series, text: `${series} (${unitLabel(unit)})` })),
    rows,
    page: current,
    pageCount,
    totalRows,
    firstRow: rows.length === 0 ? 0 : current * size + 1,
    lastRow: current * size + rows.length,
  };
}
