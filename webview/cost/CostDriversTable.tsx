/**
 * Top cost drivers: one row per service, namespace, team, pool or GPU product, costliest first,
 * sortable by every figure. A service's name opens its latency dashboard.
 */
import { useMemo } from "react";
import type { CostAggregate, CostReport, CostRow } from "../../src/shared/protocol/cost";
import { SortableTable, type TableColumn } from "../common/SortableTable";
import { aggregateLabel } from "./CostHeader";
import { formatCount, formatHours, formatMoney, formatRatio } from "./costFormat";
import { EstimateBadge } from "./EstimateBadge";

type Column = "name" | "cost" | "share" | "gpuHours" | "requests" | "costPer1k" | "gpuEfficiency" | "cpuEfficiency" | "ramEfficiency";

export interface CostDriversTableProps {
  readonly report: CostReport;
  readonly onOpenService: (service: string) => void;
}

function overBudget(r: CostRow): boolean {
  return r.budgetPer1k !== undefined && r.budgetPer1k !== null && r.costPer1k !== null && r.costPer1k > r.budgetPer1k;
}

function columns(report: CostReport, aggregate: CostAggregate, onOpenService: (service: string) => void): TableColumn<CostRow, Column>[] {
  const c = report.currency;
  const efficiency = (key: "gpuEfficiency" | "cpuEfficiency" | "ramEfficiency", header: string, what: string): TableColumn<CostRow, Column> => ({
    key,
    header,
    description: `${what} usage ÷ request over the window; — without usage metrics`,
    numeric: true,
    sortValue: (r) => r[key],
    render: (r) => formatRatio(r[key]),
    cellValue: (r) => String(r[key]),
  });
  return [
    {
      key: "name",
      header: aggregateLabel[aggregate],
      sortValue: (r) => r.name,
      render: (r) => (
        <span className="driver-name">
          {aggregate === "service" ? (
            <button type="button" className="link-button" onClick={() => onOpenService(r.name)} title={`Open the latency dashboard of ${r.name}`} data-testid="open-service">
              {r.name}
            </button>
          ) : (
            r.name
          )}
          <EstimateBadge codes={r.estimates} />
        </span>
      ),
      cellValue: (r) => r.name,
    },
    {
      key: "cost",
      header: "Cost",
      description: "Allocated cost in the window: Σ max(request, usage) × price × hours, over CPU, RAM and GPU",
      numeric: true,
      sortValue: (r) => r.cost,
      render: (r) => <span title={`CPU ${formatMoney(r.cpuCost, c)} · RAM ${formatMoney(r.ramCost, c)} · GPU ${formatMoney(r.gpuCost, c)}`}>{formatMoney(r.cost, c)}</span>,
      cellValue: (r) => String(r.cost),
    },
    {
      key: "share",
      header: "Share",
      description: "Share of the allocated cost",
      numeric: true,
      sortValue: (r) => (report.allocated > 0 ? r.cost / report.allocated : null),
      render: (r) => (report.allocated > 0 ? formatRatio(r.cost / report.allocated) : "—"),
    },
    {
      key: "gpuHours",
      header: "GPU hours",
      numeric: true,
      sortValue: (r) => r.gpuHours,
      render: (r) => formatHours(r.gpuHours),
      cellValue: (r) => String(r.gpuHours),
    },
    {
      key: "requests",
      header: "Requests",
      description: "Successful inference requests in the window; — without request counts",
      numeric: true,
      sortValue: (r) => r.requests,
      render: (r) => formatCount(r.requests),
      cellValue: (r) => String(r.requests),
    },
    {
      key: "costPer1k",
      header: "Cost per 1K",
      description: "Cost ÷ (requests ÷ 1000); against the manifest's cost.budgetPer1k where it has one",
      numeric: true,
      sortValue: (r) => r.costPer1k,
      render: (r) => (
        <span className={overBudget(r) ? "over-budget" : undefined}>
          {formatMoney(r.costPer1k, c)}
          {overBudget(r) && (
            <span className="budget-note" data-testid="over-budget">
              <span className="codicon codicon-error" aria-hidden="true" /> over budget {formatMoney(r.budgetPer1k ?? null, c)}
            </span>
          )}
        </span>
      ),
      cellValue: (r) => String(r.costPer1k),
    },
    efficiency("gpuEfficiency", "GPU eff.", "GPU utilisation:"),
    efficiency("cpuEfficiency", "CPU eff.", "CPU"),
    efficiency("ramEfficiency", "RAM eff.", "Memory"),
  ];
}

export function CostDriversTable({ report, onOpenService }: CostDriversTableProps): React.JSX.Element {
  const cols = useMemo(() => columns(report, report.aggregate, onOpenService), [report, onOpenService]);
  return (
    <section className="panel panel-wide" data-testid="panel-drivers" aria-labelledby="panel-drivers-title">
      <header className="panel-header">
        <h2 id="panel-drivers-title">
          Top cost drivers <span className="panel-unit">(by {aggregateLabel[report.aggregate].toLowerCase()}, {report.currency})</span>
        </h2>
      </header>
      {report.rows.length === 0 ? (
        <p className="panel-status" role="status" data-testid="panel-drivers-status">
          No pod ran in this window{report.total > 0 ? ": all of the node cost is idle" : ""}.
        </p>
      ) : (
        <SortableTable
          // A new grouping is a new table: its sort starts again at the costliest.
          key={report.aggregate}
          id="cost-drivers"
          testId="cost-drivers-table"
          caption={`${report.rows.length.toLocaleString("en-US")} ${aggregateLabel[report.aggregate].toLowerCase()} rows; column headers sort`}
          columns={cols}
          rows={report.rows}
          rowKey={(r) => r.name}
          rowTestId="cost-driver-row"
          rowAttributes={(r) => ({ "data-name": r.name, "data-estimates": r.estimates.join(" ") })}
          rowClassName={(r) => (overBudget(r) ? "row-over-budget" : undefined)}
          initialSort={{ column: "cost", direction: "descending" }}
        />
      )}
    </section>
  );
}
