/**
 * The cost dashboard's showback export: one row per team or namespace with its cost split by
 * resource, GPU hours, requests and cost per 1K inferences, then one "(idle)" row, so the cost
 * column sums to the window's total and a finance spreadsheet reconciles with the bill.
 */
import { stringify } from "csv-stringify/sync";
import { formulaSafe } from "../../core/audit/auditExport";
import type { CostReport } from "../../shared/protocol/cost";

export type ShowbackBy = "team" | "namespace";

/** The row that carries what no pod requested; "(" cannot start a label value or a namespace. */
export const idleRowName = "(idle)";

/** Six decimals keep cost per 1K of cheap services and drop float noise (0.30000000000000004). */
function number(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "";
  const rounded = Math.round(v * 1e6) / 1e6;
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

export function showbackCsv(report: CostReport, by: ShowbackBy): string {
  const c = report.currency;
  const header = [by, `cost (${c})`, `cpu cost (${c})`, `ram cost (${c})`, `gpu cost (${c})`, "gpu hours", "requests", `cost per 1K requests (${c})`, "estimates", "window start", "window end"];
  const { start, end } = report.window;
  const rows = report.rows.map((r) => [
    // Team and namespace names come from the cluster: a label value may start with "-" or be written to look like a formula.
    formulaSafe(r.name),
    number(r.cost),
    number(r.cpuCost),
    number(r.ramCost),
    number(r.gpuCost),
    number(r.gpuHours),
    number(r.requests),
    number(r.costPer1k),
    r.estimates.join("; "),
    start,
    end,
  ]);
  // Only the GPU share of idle is known apart; CPU and RAM idle stay in the cost column.
  rows.push([idleRowName, number(report.idle), "", "", number(report.gpuIdle), "", "", "", "", start, end]);
  return stringify(rows, {
    header: true,
    columns: header.map((h) => formulaSafe(h)),
    bom: true,
    record_delimiter: "windows",
    quoted_match: /[\r\n]/,
  });
}

/** "showback_aks-prod_team_7d_2026-11-30.csv", with nothing a file system would refuse. */
export function showbackCsvFileName(context: string, report: CostReport, by: ShowbackBy): string {
  return `showback_${context}_${by}_${report.window.duration}_${report.window.end.slice(0, 10)}.csv`.replace(/[^\w.-]/g, "_");
}
