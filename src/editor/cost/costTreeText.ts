/**
 * What the GPU Nodes and Deployments rows show of the latest cost report: a few words for the
 * description and lines for the tooltip. Pure text from the report, so it is tested without VS
 * Code; a figure the report does not have is left out, never shown as zero, and a figure that
 * rests on estimated inputs says "estimate".
 */
import type { CostReport, CostRow, EstimateCode, NodeCost, PoolCost } from "../../shared/protocol/cost";

/** Codes that make a node's hourly price an estimate (the price itself, not the pods' usage). */
const priceCodes: ReadonlySet<EstimateCode> = new Set(["default-price", "no-instance-type", "price-book-error"]);

const moneyText = (x: number, currency: string): string => {
  const symbol = currency === "USD" ? "$" : `${currency} `;
  const a = Math.abs(x);
  // Under 10 cents two significant digits, so a cost per 1K of $0.0042 is not $0.00 (as aiplat cost prints it).
  return `${x < 0 ? "-" : ""}${symbol}${a === 0 || a >= 0.1 ? a.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : String(Number(a.toPrecision(2)))}`;
};
const pct = (x: number): string => `${Math.round(x)}%`;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "7d" → "last 7d"; the window the report covers, for a tooltip. */
const windowText = (r: CostReport): string => `last ${r.window.duration}`;

/** Whether the hourly price of these nodes rests on defaults or a broken price entry. */
function priceIsEstimate(report: CostReport, nodes: readonly NodeCost[]): boolean {
  if (nodes.some((n) => n.priceOrigin === "default")) return true;
  const subjects = new Set(nodes.flatMap((n) => [`node ${n.node}`, n.node, ...(n.instanceType ? [`instance type ${n.instanceType}`, n.instanceType] : [])]));
  return report.estimates.some((e) => priceCodes.has(e.code) && subjects.has(e.subject));
}

/** "util 34% now · 41% 1h", or undefined without dcgm-exporter data. */
function utilisationText(now: number | null, hour: number | null): string | undefined {
  if (now === null && hour === null) return undefined;
  return [now !== null ? `util ${pct(now)} now` : undefined, hour !== null ? `${now === null ? "util " : ""}${pct(hour)} 1h` : undefined].filter(Boolean).join(" · ");
}

export interface RowCostText {
  /** Parts to add to the row's description; empty when the report has nothing for the row. */
  readonly description: readonly string[];
  /** Markdown lines for the tooltip, already escaped. */
  readonly tooltip: readonly string[];
  /** What the row shows of the report, for firing only rows whose rendering changed. */
  readonly key: string;
}

const none: RowCostText = { description: [], tooltip: [], key: "" };

/**
 * A GPU Nodes pool row: utilisation now and over the last hour and what the pool costs per hour
 * (with "estimate" when a price is a default). Idle GPUs come from the live allocation instead.
 */
export function poolCostText(report: CostReport | undefined, pool: string, escape: (text: string) => string): RowCostText {
  const p: PoolCost | undefined = report?.pools.find((x) => x.pool === pool);
  if (!report || !p) return none;
  const c = report.currency;
  const estimate = priceIsEstimate(
    report,
    report.nodes.filter((n) => n.pool === pool),
  );
  const util = utilisationText(p.gpuUtilisationNowPct, p.gpuUtilisation1hPct);
  const perHour = `${moneyText(p.costPerHour, c)}/h${estimate ? " estimate" : ""}`;
  const description = [util, perHour].filter((x): x is string => x !== undefined);
  const tooltip = [
    `**Cost** · ${perHour} now${p.instanceType ? ` (${escape(p.instanceType)})` : ""}`,
    `${windowText(report)}: ${moneyText(p.total, c)} total · ${moneyText(p.allocated, c)} allocated · ${moneyText(p.idle, c)} idle, of which GPUs ${moneyText(p.gpuIdleCost, c)}`,
    p.gpuUtilisationPct !== null ? `GPU utilisation ${pct(p.gpuUtilisationPct)} averaged over the ${windowText(report)}${util ? `; ${util}` : ""}` : "No GPU utilisation: dcgm-exporter is not in the metrics source",
    ...(p.pendingGpuPods > 0 ? [`${plural(p.pendingGpuPods, "pod")} waiting for these GPUs${p.queueSecondsMax !== null ? `, the longest for ${Math.round(p.queueSecondsMax / 60)} min` : ""}`] : []),
    ...(estimate ? ["*Estimate:* some of these nodes are priced with OpenCost's defaults (unknown instance type or a pricing entry that was ignored)"] : []),
  ];
  return { description, tooltip, key: [...description, p.total.toFixed(2), p.gpuUtilisationPct ?? "-"].join("|") };
}

/** A GPU Nodes node row: utilisation now and over the last hour, and its price in the tooltip. */
export function nodeCostText(report: CostReport | undefined, node: string, escape: (text: string) => string): RowCostText {
  const n = report?.nodes.find((x) => x.node === node);
  if (!report || !n) return none;
  const c = report.currency;
  const estimate = priceIsEstimate(report, [n]);
  const util = utilisationText(n.gpuUtilisationNowPct, n.gpuUtilisation1hPct);
  const description = util ? [util] : [];
  const origin = n.priceOrigin === "default" ? "OpenCost's default prices" : n.priceOrigin === "price-book" ? "the shipped price book" : n.priceOrigin === "pricing-file" ? "pricing.yaml" : n.priceOrigin;
  const tooltip = [
    `**Cost** · ${moneyText(n.hourly.total, c)}/h${estimate ? " estimate" : ""} from ${escape(origin)} (GPU ${moneyText(n.hourly.gpu, c)}/h, CPU ${moneyText(n.hourly.cpu, c)}/core-h, RAM ${moneyText(n.hourly.ram, c)}/GiB-h)`,
    `${windowText(report)}: ${moneyText(n.total, c)} · idle ${moneyText(n.idle, c)}, of which GPUs ${moneyText(n.gpuIdleCost, c)}`,
    ...(util ? [`GPU ${util}`] : []),
  ];
  return { description, tooltip, key: [...description, n.hourly.total.toFixed(4), n.total.toFixed(2)].join("|") };
}

/** The report row of a workload: services are "namespace/name" of the Deployment or InferenceService. */
export function serviceRow(report: CostReport | undefined, namespace: string, name: string): CostRow | undefined {
  if (report?.aggregate !== "service") return undefined;
  return report.rows.find((r) => r.name === `${namespace}/${name}`);
}

/** The Deployments tooltip's cost section: cost per 1K inferences and GPU efficiency, when the report has them. */
export function workloadCostText(report: CostReport | undefined, namespace: string, name: string): RowCostText {
  const row = serviceRow(report, namespace, name);
  if (!report || !row) return none;
  const c = report.currency;
  const estimate = row.estimates.length > 0 ? " estimate" : "";
  const parts = [
    row.costPer1k !== null ? `**${moneyText(row.costPer1k, c)} per 1K inferences**${estimate}` : undefined,
    row.gpuEfficiency !== null ? `GPU efficiency ${pct(row.gpuEfficiency * 100)}` : undefined,
  ].filter((x): x is string => x !== undefined);
  const tooltip = [
    ...(parts.length > 0 ? [parts.join(" · ")] : []),
    `Cost ${windowText(report)}: ${moneyText(row.cost, c)}${estimate} (GPU ${moneyText(row.gpuCost, c)}, CPU ${moneyText(row.cpuCost, c)}, RAM ${moneyText(row.ramCost, c)}) · ${row.gpuHours.toFixed(1)} GPU-hours${row.requests !== null ? ` · ${Math.round(row.requests).toLocaleString("en-US")} requests` : ""}`,
    ...(row.budgetPer1k !== undefined && row.budgetPer1k !== null && row.costPer1k !== null ? [`Budget ${moneyText(row.budgetPer1k, c)} per 1K: ${row.costPer1k > row.budgetPer1k ? "**over budget**" : "within"}`] : []),
    ...(row.estimates.length > 0 ? [`*Estimate:* ${row.estimates.join(", ")}`] : []),
  ];
  return { description: [], tooltip, key: tooltip.join("|") };
}

/** Rows whose rendering key differs between two renderings, including rows only one of them has. */
export function changedRowIds(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const ids = new Set<string>();
  for (const [id, key] of after) if (before.get(id) !== key) ids.add(id);
  for (const id of before.keys()) if (!after.has(id)) ids.add(id);
  return [...ids];
}
