/** Cost, allocated and idle per node, with where its price came from: the detail behind the pool rows. */
import { useMemo } from "react";
import type { CostReport, NodeCost } from "../../src/shared/protocol/cost";
import { SortableTable, type TableColumn } from "../common/SortableTable";
import { formatCount, formatHours, formatMoney, formatPercent } from "./costFormat";

type Column = "node" | "pool" | "instanceType" | "origin" | "hourly" | "hours" | "total" | "allocated" | "idle" | "gpuIdleCost" | "idleGpus" | "now" | "hour";

function columns(currency: string): TableColumn<NodeCost, Column>[] {
  const money = (v: number): string => formatMoney(v, currency);
  return [
    { key: "node", header: "Node", sortValue: (n) => n.node, render: (n) => n.node, cellValue: (n) => n.node },
    { key: "pool", header: "Pool", sortValue: (n) => n.pool, render: (n) => n.pool },
    { key: "instanceType", header: "Instance type", sortValue: (n) => n.instanceType, render: (n) => n.instanceType ?? "(no label)" },
    {
      key: "origin",
      header: "Price",
      description: "Where the node's price came from",
      sortValue: (n) => n.priceOrigin,
      render: (n) => <span className={n.priceOrigin === "default" ? "price-default" : undefined}>{n.priceOrigin === "default" ? "default (estimate)" : n.priceOrigin}</span>,
    },
    { key: "hourly", header: "Per hour", numeric: true, sortValue: (n) => n.hourly.total, render: (n) => money(n.hourly.total) },
    { key: "hours", header: "Hours", description: "Hours of the window the node existed", numeric: true, sortValue: (n) => n.hours, render: (n) => formatHours(n.hours) },
    { key: "total", header: "Cost", numeric: true, sortValue: (n) => n.total, render: (n) => money(n.total), cellValue: (n) => String(n.total) },
    { key: "allocated", header: "Allocated", numeric: true, sortValue: (n) => n.allocated, render: (n) => money(n.allocated) },
    { key: "idle", header: "Idle", numeric: true, sortValue: (n) => n.idle, render: (n) => money(n.idle), cellValue: (n) => String(n.idle) },
    { key: "gpuIdleCost", header: "Idle GPU cost", numeric: true, sortValue: (n) => n.gpuIdleCost, render: (n) => money(n.gpuIdleCost) },
    {
      key: "idleGpus",
      header: "Idle GPUs",
      numeric: true,
      sortValue: (n) => n.idleGpus,
      render: (n) => (n.gpus > 0 ? <span className={n.idleGpus > 0 ? "idle-gpus" : undefined}>{`${formatCount(n.idleGpus)} of ${formatCount(n.gpus)}`}</span> : "—"),
    },
    { key: "now", header: "GPU util. now", numeric: true, sortValue: (n) => n.gpuUtilisationNowPct, render: (n) => formatPercent(n.gpuUtilisationNowPct) },
    { key: "hour", header: "1 h", numeric: true, sortValue: (n) => n.gpuUtilisation1hPct, render: (n) => formatPercent(n.gpuUtilisation1hPct) },
  ];
}

export function NodesTable({ report }: { readonly report: CostReport }): React.JSX.Element | null {
  const cols = useMemo(() => columns(report.currency), [report.currency]);
  if (report.nodes.length === 0) return null;
  return (
    <details className="panel-info" data-testid="cost-nodes">
      <summary>Cost and idle per node ({report.nodes.length.toLocaleString("en-US")})</summary>
      <SortableTable
        id="cost-nodes-table"
        testId="cost-nodes-table"
        caption="Nodes of the window; column headers sort"
        columns={cols}
        rows={report.nodes}
        rowKey={(n) => n.node}
        rowTestId="cost-node-row"
        rowAttributes={(n) => ({ "data-node": n.node })}
        initialSort={{ column: "idle", direction: "descending" }}
      />
    </details>
  );
}
