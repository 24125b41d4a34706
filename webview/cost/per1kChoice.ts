/** Which service's cost per 1K the chart shows first, and its series in the chart's columnar form. */
import type { CostReport, Per1kSeries } from "../../src/shared/protocol/cost";
import { type AlignedSeries, alignSeries } from "../common/chartData";

function hasValues(s: Per1kSeries): boolean {
  return s.values.some((v) => v !== null && Number.isFinite(v));
}

/**
 * The kept choice while the report still has it; otherwise the costliest service (the report's
 * rows, when grouped by service) with any value, else the first series with one.
 */
export function defaultPer1kService(report: CostReport, kept: string | undefined): string | undefined {
  if (kept !== undefined && report.per1k.some((s) => s.service === kept)) return kept;
  const withValues = new Map(report.per1k.filter(hasValues).map((s) => [s.service, s]));
  if (report.aggregate === "service") for (const r of report.rows) if (withValues.has(r.name)) return r.name;
  return withValues.keys().next().value ?? report.per1k[0]?.service;
}

/** null (a step without requests) becomes NaN: a gap in the chart. */
export function per1kColumns(s: Per1kSeries): AlignedSeries {
  const n = Math.min(s.timestamps.length, s.values.length);
  return alignSeries([
    {
      name: s.service,
      timestamps: Float64Array.from(s.timestamps.slice(0, n)),
      values: Float64Array.from(s.values.slice(0, n), (v) => (v === null ? Number.NaN : v)),
    },
  ]);
}
