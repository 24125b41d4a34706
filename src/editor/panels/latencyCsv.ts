/**
 * The latency dashboard's CSV export: one row per timestamp (unix seconds and UTC ISO time), one
 * column per series of every panel, the unit in each column's header. Values are the ones the
 * source returned, in the contract's unit (a ratio stays 0–1), so a spreadsheet can recompute.
 */
import { stringify } from "csv-stringify/sync";
import { formulaSafe } from "../../core/audit/auditExport";
import type { LatencyView } from "../../shared/protocol/latency";

/** Prometheus' own spelling for the values JSON numbers cannot carry; a gap stays empty. */
function cell(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return "";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(v);
}

export function latencyCsv(view: LatencyView): string {
  const columns = view.panels.flatMap((p) => p.series.map((s) => ({ header: `${p.title}: ${s.name} (${p.unit})`, series: s })));
  const times = new Set<number>();
  for (const c of columns) for (const t of c.series.timestamps) if (Number.isFinite(t)) times.add(t);
  const sorted = Float64Array.from(times).sort();
  const rowOf = new Map<number, number>();
  sorted.forEach((t, i) => rowOf.set(t, i));
  const values = columns.map((c) => {
    const col = new Array<number | undefined>(sorted.length);
    const { timestamps, values: vs } = c.series;
    for (let i = 0; i < timestamps.length; i++) {
      const row = rowOf.get(timestamps[i]!);
      if (row !== undefined) col[row] = vs[i];
    }
    return col;
  });
  const rows = Array.from(sorted, (t, r) => [new Date(t * 1000).toISOString(), String(t), ...values.map((col) => cell(col[r]))]);
  return stringify(rows, {
    header: true,
    // Only headers carry text from the cluster (series names); the cells are numbers we wrote.
    columns: ["time (UTC)", "unix_seconds", ...columns.map((c) => formulaSafe(c.header))],
    bom: true,
    record_delimiter: "windows",
    quoted_match: /[\r\n]/,
  });
}

/** "ml-serving_llama-chat_latency_24h.csv"; custom ranges carry their start and end. */
export function latencyCsvFileName(view: LatencyView): string {
  const spec = view.range.spec;
  const range = spec.preset === "custom" ? `${new Date(spec.start * 1000).toISOString()}_${new Date(spec.end * 1000).toISOString()}`.replace(/[:.]/g, "-") : spec.preset;
  return `${view.service.namespace}_${view.service.name}_latency_${range}.csv`.replace(/[^\w.-]/g, "_");
}
