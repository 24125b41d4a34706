import { stringify } from "csv-stringify/sync";
import { formulaSafe } from "../core/audit/auditExport";
import type { CostReport, CostRow, EstimateCode } from "../shared/protocol/cost";

/** $1,234.56; amounts under 10 cents keep two significant digits, so a cost per 1K of $0.0042 is not $0.00. */
export function money(x: number | null | undefined, currency = "USD"): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "–";
  const symbol = currency === "USD" ? "$" : `${currency} `;
  const sign = x < 0 ? "-" : "";
  const a = Math.abs(x);
  const digits = a === 0 || a >= 0.1 ? a.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : String(Number(a.toPrecision(2)));
  return `${sign}${symbol}${digits}`;
}

const count = (x: number | null): string => (x === null ? "–" : x >= 1e6 ? `${Number((x / 1e6).toPrecision(3))}M` : x >= 1e4 ? `${Number((x / 1e3).toPrecision(3))}k` : String(Math.round(x)));
const hours = (x: number): string => (x >= 100 ? String(Math.round(x)) : x.toFixed(1));
const pct = (x: number | null): string => (x === null ? "–" : `${Math.round(x * 100)} %`);

const aggregateHeading: Readonly<Record<CostReport["aggregate"], string>> = { service: "SERVICE", namespace: "NAMESPACE", team: "TEAM", pool: "POOL", gpu: "GPU" };

/** What a mark code means, in a few words, for the table's footnote. */
export const estimateWords: Readonly<Record<EstimateCode, string>> = {
  "default-price": "instance type not in the price book: OpenCost's default prices",
  "no-instance-type": "node without an instance-type label",
  "price-book-error": "a pricing entry was invalid and ignored",
  "no-usage": "no usage measured: requests only",
  "bad-usage": "bad usage samples dropped",
  "no-requests": "pods without requests",
  "partial-window": "ran for part of the window",
  "counter-reset": "request counter reset (counted as increase() does)",
  "clock-skew": "sample times outside the window, clipped",
  "history-unknown": "pods gone before now are not known",
  "no-request-counts": "no request counts: no cost per 1K",
  "no-gpu-utilisation": "no GPU utilisation (dcgm-exporter)",
  "over-committed": "pods used more than the node has: their shares were scaled to the node's cost",
};

function columns(rows: readonly string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  // Figures right-aligned, names and marks left.
  const right = new Set([1, 2, 3, 4, 5]);
  return rows.map((r) => r.map((cell, i) => (right.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join("   ").trimEnd()).join("\n") + "\n";
}

/**
 * The report for a terminal: the window and source, the totals, one line per row (cost first),
 * and a footnote naming every kind of estimate and the prices that were defaults.
 */
export function costTable(report: CostReport, opts: { readonly maxRows?: number } = {}): string {
  const c = report.currency;
  const out: string[] = [
    `window     ${report.window.duration} (${report.window.start} → ${report.window.end})`,
    `source     ${report.source.description}`,
    `total      ${money(report.total, c)} · allocated ${money(report.allocated, c)} · idle ${money(report.idle, c)} (GPU idle ${money(report.gpuIdle, c)})`,
    "",
  ];
  const shown = report.rows.slice(0, opts.maxRows ?? report.rows.length);
  const table = [
    [aggregateHeading[report.aggregate], "COST", "GPU-HOURS", "REQUESTS", "COST/1K", "GPU EFF", "ESTIMATE"],
    ...shown.map((r) => [r.name, money(r.cost, c), hours(r.gpuHours), count(r.requests), money(r.costPer1k, c), pct(r.gpuEfficiency), r.estimates.join(",")]),
  ];
  out.push(report.rows.length === 0 ? "(no rows: nothing ran in the window)\n" : columns(table).trimEnd());
  if (shown.length < report.rows.length) out.push(`… and ${report.rows.length - shown.length} more (-o json or -o csv lists every row)`);
  const codes = [...new Set(report.estimates.map((e) => e.code))];
  if (codes.length > 0) {
    out.push("", `estimates: ${report.estimates.length} ${report.estimates.length === 1 ? "mark" : "marks"} on the figures above (-o json lists each with what it is about):`);
    for (const code of codes) out.push(`  ${code}: ${estimateWords[code]} (${report.estimates.filter((e) => e.code === code).length})`);
  }
  const defaults = report.prices.filter((p) => p.origin === "default");
  if (defaults.length > 0) {
    out.push("", "default prices (OpenCost's custom-pricing defaults; set aiPlatform.cost.prices or a pricing.yaml):");
    for (const p of defaults) out.push(`  ${p.instanceType ?? "(no instance type)"}: ${p.nodes} ${p.nodes === 1 ? "node" : "nodes"}, CPU ${money(p.hourly.cpu, c)}/core-h, RAM ${money(p.hourly.ram, c)}/GiB-h, GPU ${money(p.hourly.gpu, c)}/GPU-h`);
  }
  return out.join("\n") + "\n";
}

const csvColumns = ["name", "cost", "cpuCost", "ramCost", "gpuCost", "gpuHours", "requests", "costPer1k", "cpuEfficiency", "ramEfficiency", "gpuEfficiency", "budgetPer1k", "estimates"] as const satisfies readonly (keyof CostRow)[];

/** Numbers as JSON writes them (a spreadsheet reads them as numbers); text made formula-safe. */
function cell(v: CostRow[(typeof csvColumns)[number]]): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return String(v);
  return formulaSafe(Array.isArray(v) ? v.join(" ") : v);
}

/** `-o csv`: one line per row with the report's unrounded figures. */
export function costCsv(report: CostReport): string {
  // RFC 4180's CRLF, as the audit and latency exports write.
  return stringify([[...csvColumns, "currency"], ...report.rows.map((r) => [...csvColumns.map((k) => cell(r[k])), formulaSafe(report.currency)])], { record_delimiter: "windows", quoted_match: /[\r\n]/ });
}
