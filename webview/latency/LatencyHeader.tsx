/** Service, source and SLO at a glance, with the range, refresh and export controls. */
import VscodeButton from "@vscode-elements/react-elements/dist/components/VscodeButton.js";
import VscodeProgressRing from "@vscode-elements/react-elements/dist/components/VscodeProgressRing.js";
import type { LatencyView, RangeSpec, ServiceRef, SloView } from "../../src/shared/protocol/latency";
import { formatNumber, formatTime } from "../common/valueFormat";
import { RangePicker } from "./RangePicker";

const statusText: Record<SloView["status"], string> = {
  ok: "SLO met",
  warning: "SLO at risk",
  "fast-burn": "Fast burn",
  "slow-burn": "Slow burn",
  breached: "SLO breached",
  unknown: "SLO unknown",
};

function percent(v: number): string {
  return `${formatNumber(v * 100)} %`;
}

export function SloSummary({ slo }: { readonly slo: SloView }): React.JSX.Element {
  return (
    <div className={`slo slo-${slo.status}`} data-testid="slo-summary" data-status={slo.status}>
      <span className="slo-status">{statusText[slo.status]}</span>
      <span className="slo-line">{slo.summary}</span>
      <span data-testid="slo-budget">
        Error budget left (30 d): {slo.errorBudgetRemaining === null ? "no data" : percent(slo.errorBudgetRemaining)}
      </span>
      <span data-testid="slo-burn">
        Burn:{" "}
        {slo.burnRates.map((b, i) => (
          <span key={b.window} data-window={b.window}>
            {i > 0 ? " · " : ""}
            {b.window} {b.rate === null ? "no data" : `${formatNumber(b.rate)}×`}
          </span>
        ))}
      </span>
      <span className="slo-origin">
        Target {formatNumber(slo.availabilityTarget * 100)} % availability
        {slo.latencyP95TargetMs !== undefined ? `, p95 < ${formatNumber(slo.latencyP95TargetMs)} ms` : ""}
        {slo.errorRateTarget !== undefined ? `, errors < ${percent(slo.errorRateTarget)}` : ""} ({slo.origin})
      </span>
    </div>
  );
}

export interface LatencyHeaderProps {
  readonly service: ServiceRef | undefined;
  readonly view: LatencyView | undefined;
  readonly range: RangeSpec;
  readonly loading: boolean;
  readonly onRange: (range: RangeSpec) => void;
  readonly onRefresh: () => void;
  readonly onExport: () => void;
}

export function LatencyHeader({ service, view, range, loading, onRange, onRefresh, onExport }: LatencyHeaderProps): React.JSX.Element {
  return (
    <header className="dashboard-header" data-testid="latency-header">
      <div className="dashboard-title">
        <h1>{service ? `${service.namespace}/${service.name}` : "Latency"}</h1>
        {service && (
          <span className="dashboard-subtitle">
            {service.kind} in {service.context}
            {view ? ` · ${view.runtime} · ${view.source}` : ""}
          </span>
        )}
      </div>
      {view?.slo && <SloSummary slo={view.slo} />}
      <div className="dashboard-controls">
        <RangePicker range={range} onChange={onRange} />
        <VscodeButton secondary icon="refresh" onClick={onRefresh} data-testid="refresh-button" aria-label="Refresh now">
          Refresh
        </VscodeButton>
        <VscodeButton secondary icon="export" disabled={!view} onClick={onExport} data-testid="export-csv">
          Export CSV
        </VscodeButton>
        <span className="refresh-indicator" data-testid="refresh-indicator" data-state={loading ? "loading" : "idle"} aria-live="polite">
          {loading ? <VscodeProgressRing className="refresh-ring" aria-label="Loading" /> : null}
          {loading ? "Loading…" : view ? `Updated ${formatTime(view.refreshedAt).slice(11)} · live every 30 s` : ""}
        </span>
      </div>
    </header>
  );
}
