/**
 * GPU utilisation per node pool, banded (≥ 60 % green, 50–60 % amber, < 50 % red), beside how long
 * pending GPU pods have waited for that pool, and what its idle GPUs and idle capacity cost.
 */
import { useMemo } from "react";
import type { CostReport, PoolCost } from "../../src/shared/protocol/cost";
import { SortableTable, type TableColumn } from "../common/SortableTable";
import { formatCount, formatMoney, formatPercent, formatWait } from "./costFormat";
import { NodesTable } from "./NodesTable";
import { bandText, utilisationBand } from "./utilisationBand";

type Column = "pool" | "gpu" | "gpus" | "util" | "now" | "hour" | "idleGpus" | "pending" | "wait" | "gpuIdleCost" | "idle" | "costPerHour";

function UtilisationCell({ pct }: { readonly pct: number | null }): React.JSX.Element {
  const band = utilisationBand(pct);
  return (
    <span className={`util util-${band}`} data-band={band} title={`GPU utilisation ${bandText[band]}`}>
      <span className="util-text">{formatPercent(pct)}</span>
      {/* Width through the CSSOM, which the CSP allows (unlike a style attribute in markup). */}
      <span className="util-track" aria-hidden="true">
        <span className="util-fill" ref={(el) => el?.style.setProperty("width", `${Math.max(0, Math.min(100, pct ?? 0))}%`)} />
      </span>
      <span className="visually-hidden">, {bandText[band]}</span>
    </span>
  );
}

function columns(currency: string): TableColumn<PoolCost, Column>[] {
  const money = (v: number): string => formatMoney(v, currency);
  return [
    { key: "pool", header: "Pool", sortValue: (p) => p.pool, render: (p) => p.pool, cellValue: (p) => p.pool },
    { key: "gpu", header: "GPU", sortValue: (p) => p.gpuProduct, render: (p) => p.gpuProduct ?? (p.gpus > 0 ? "unknown" : "none") },
    { key: "gpus", header: "GPUs", numeric: true, sortValue: (p) => p.gpus, render: (p) => formatCount(p.gpus) },
    {
      key: "util",
      header: "GPU utilisation",
      description: "Average DCGM utilisation of the pool's GPUs over the window: green at 60 % or more, amber 50–60 %, red below 50 %",
      numeric: true,
      sortValue: (p) => p.gpuUtilisationPct,
      render: (p) => (p.gpus > 0 ? <UtilisationCell pct={p.gpuUtilisationPct} /> : "—"),
      cellValue: (p) => String(p.gpuUtilisationPct),
    },
    { key: "now", header: "Now", description: "Last sample", numeric: true, sortValue: (p) => p.gpuUtilisationNowPct, render: (p) => formatPercent(p.gpuUtilisationNowPct) },
    { key: "hour", header: "1 h", description: "Average over the last hour", numeric: true, sortValue: (p) => p.gpuUtilisation1hPct, render: (p) => formatPercent(p.gpuUtilisation1hPct) },
    {
      key: "idleGpus",
      header: "Idle GPUs",
      description: "Allocatable GPUs no pod requests now",
      numeric: true,
      sortValue: (p) => p.idleGpus,
      render: (p) => <span className={p.idleGpus > 0 ? "idle-gpus" : undefined}>{formatCount(p.idleGpus)}</span>,
    },
    { key: "pending", header: "Pending GPU pods", numeric: true, sortValue: (p) => p.pendingGpuPods, render: (p) => formatCount(p.pendingGpuPods) },
    {
      key: "wait",
      header: "Longest wait",
      description: "How long the oldest pending GPU pod for this pool has waited",
      numeric: true,
      sortValue: (p) => p.queueSecondsMax,
      render: (p) => formatWait(p.queueSecondsMax),
      cellValue: (p) => String(p.queueSecondsMax),
    },
    {
      key: "gpuIdleCost",
      header: "Idle GPU cost",
      description: "GPUs paid for and requested by no pod, over the window",
      numeric: true,
      sortValue: (p) => p.gpuIdleCost,
      render: (p) => money(p.gpuIdleCost),
      cellValue: (p) => String(p.gpuIdleCost),
    },
    { key: "idle", header: "Idle cost", description: "Node cost no pod was allocated, over the window", numeric: true, sortValue: (p) => p.idle, render: (p) => money(p.idle) },
    { key: "costPerHour", header: "Cost per hour", description: "What the pool's nodes cost per hour now", numeric: true, sortValue: (p) => p.costPerHour, render: (p) => money(p.costPerHour) },
  ];
}

export function PoolsPanel({ report }: { readonly report: CostReport }): React.JSX.Element {
  const cols = useMemo(() => columns(report.currency), [report.currency]);
  const gpuPools = report.pools.filter((p) => p.gpus > 0);
  const noDcgm = gpuPools.length > 0 && gpuPools.every((p) => p.gpuUtilisationPct === null);
  return (
    <section className="panel panel-wide" data-testid="panel-pools" aria-labelledby="panel-pools-title">
      <header className="panel-header">
        <h2 id="panel-pools-title">
          GPU utilisation and idle cost per pool and node <span className="panel-unit">({report.currency})</span>
        </h2>
      </header>
      {noDcgm && (
        <p className="panel-info" role="status" data-testid="no-dcgm">
          No GPU utilisation: the metrics source has no dcgm-exporter series (DCGM_FI_DEV_GPU_UTIL).
        </p>
      )}
      {report.pools.length === 0 ? (
        <p className="panel-status" role="status" data-testid="panel-pools-status">
          No node pools in this window.
        </p>
      ) : (
        <SortableTable
          id="cost-pools"
          testId="cost-pools-table"
          caption={`${report.pools.length.toLocaleString("en-US")} pools, ${gpuPools.length.toLocaleString("en-US")} with GPUs`}
          columns={cols}
          rows={report.pools}
          rowKey={(p) => p.pool}
          rowTestId="cost-pool-row"
          rowAttributes={(p) => ({ "data-pool": p.pool, "data-band": p.gpus > 0 ? utilisationBand(p.gpuUtilisationPct) : "none" })}
          initialSort={{ column: "gpuIdleCost", direction: "descending" }}
        />
      )}
      <NodesTable report={report} />
    </section>
  );
}
