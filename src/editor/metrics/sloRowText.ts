import type { SloView } from "../../shared/protocol/latency";
import { describeMetricsError, describeMetricsErrorBriefly } from "../explain";
import type { RowMetrics } from "./sloStatusBoard";

const ms = (x: number | null): string => (x === null || !Number.isFinite(x) ? "–" : x >= 10 ? `${Math.round(x)} ms` : `${Number(x.toPrecision(2))} ms`);
const pct = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? "–" : `${Number((x * 100).toPrecision(3))} %`);
const rate = (x: number | null): string => (x === null ? "–" : `${x >= 100 ? Math.round(x) : Number(x.toFixed(1))}×`);

const statusWords: Readonly<Record<SloView["status"], string>> = {
  ok: "SLO met",
  warning: "SLO warning",
  "fast-burn": "SLO fast burn",
  "slow-burn": "SLO slow burn",
  breached: "SLO breached",
  unknown: "SLO: no data",
};

/**
 * The few words a row's description gets: the SLO's one-line summary from core (e.g.
 * `p95 412 ms > 200 ms`), or, for a burn, its first clause; a failure says so briefly.
 */
export function sloRowText(row: RowMetrics): string {
  if (row.kind === "failed") return describeMetricsErrorBriefly(row.error);
  const slo = row.snapshot.slo;
  if (slo.status === "unknown") return statusWords.unknown;
  const first = slo.summary.split(";")[0]?.trim() ?? "";
  if (slo.status === "fast-burn" || slo.status === "slow-burn") return `${slo.status === "fast-burn" ? "fast burn" : "slow burn"}: ${first.replace(/^budget burning /, "")}`;
  return first || statusWords[slo.status];
}

/** The tooltip's metrics section, as Markdown; `escape` escapes text from the source or the cluster. */
export function sloTooltipMarkdown(row: RowMetrics, escape: (text: string) => string): string {
  if (row.kind === "failed") {
    const lines = [`**Metrics unavailable** from ${escape(row.source)}`, "", escape(describeMetricsError(row.error) ?? "The read was cancelled.")];
    if (row.error.query) lines.push("", "```promql", row.error.query.replace(/```/g, "'''"), "```");
    return lines.join("\n");
  }
  const s = row.snapshot;
  const slo = s.slo;
  const objectives = [`${pct(slo.availabilityTarget)} availability`, slo.latencyP95TargetMs !== undefined ? `p95 ≤ ${ms(slo.latencyP95TargetMs)}` : undefined, slo.errorRateTarget !== undefined ? `errors ≤ ${pct(slo.errorRateTarget)}` : undefined]
    .filter(Boolean)
    .join(", ");
  const lines = [
    `**${statusWords[slo.status]}** · ${escape(slo.summary)}`,
    "",
    `p50 ${ms(s.p50Ms)} · p95 ${ms(s.p95Ms)} · p99 ${ms(s.p99Ms)} · errors ${pct(s.errorRatio)} · ${s.rps === null ? "–" : Number(s.rps.toPrecision(3))} req/s`,
    "",
    `Error budget (30 days): ${slo.errorBudgetRemaining === null ? "no data" : `${pct(slo.errorBudgetRemaining)} left`}`,
    "",
    `Burn rate: ${slo.burnRates.map((b) => `${escape(b.window)} ${rate(b.rate)}`).join(" · ")} (page at 14.4× over 1h and 5m, ticket at 6× over 6h and 30m)`,
    "",
    `Objectives: ${objectives} (${escape(slo.origin)}) · from ${escape(row.source)}`,
  ];
  const failed = Object.entries(s.failures);
  if (failed.length > 0) {
    lines.push("");
    for (const [key, error] of failed.slice(0, 4)) lines.push(`- ${escape(key)}: ${escape(describeMetricsError(error) ?? "cancelled")}`);
  }
  return lines.join("\n");
}
