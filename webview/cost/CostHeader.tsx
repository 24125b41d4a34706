/** The context, the source and window at a glance, with the window and grouping pickers, refresh and showback export. */
import VscodeButton from "@vscode-elements/react-elements/dist/components/VscodeButton.js";
import VscodeOption from "@vscode-elements/react-elements/dist/components/VscodeOption.js";
import VscodeProgressRing from "@vscode-elements/react-elements/dist/components/VscodeProgressRing.js";
import VscodeSingleSelect from "@vscode-elements/react-elements/dist/components/VscodeSingleSelect.js";
import { CostAggregate, type CostReport, CostWindowPreset } from "../../src/shared/protocol/cost";
import { formatTime } from "../common/valueFormat";

const windows: readonly [CostWindowPreset, string][] = [
  ["1d", "Last day"],
  ["7d", "Last 7 days"],
  ["30d", "Last 30 days"],
];

export const aggregateLabel: Record<CostAggregate, string> = {
  service: "Service",
  namespace: "Namespace",
  team: "Team",
  pool: "Node pool",
  gpu: "GPU product",
};

export interface CostHeaderProps {
  readonly context: string | undefined;
  readonly report: CostReport | undefined;
  readonly window: CostWindowPreset;
  readonly aggregate: CostAggregate;
  readonly loading: boolean;
  readonly onWindow: (w: CostWindowPreset) => void;
  readonly onAggregate: (a: CostAggregate) => void;
  readonly onRefresh: () => void;
  readonly onExport: (by: "team" | "namespace") => void;
}

function selected(e: { currentTarget: unknown }): string {
  return (e.currentTarget as { value: string }).value;
}

export function CostHeader(p: CostHeaderProps): React.JSX.Element {
  const { report } = p;
  return (
    <header className="dashboard-header" data-testid="cost-header">
      <div className="dashboard-title">
        <h1>Cost{p.context ? ` · ${p.context}` : ""}</h1>
        {report && (
          <span className="dashboard-subtitle" data-testid="cost-source" data-source={report.source.kind}>
            {report.source.kind === "opencost" ? "From OpenCost" : "Our cost model"}: {report.source.description}
          </span>
        )}
        {report && (
          <span className="dashboard-subtitle" data-testid="cost-window">
            {formatTime(Date.parse(report.window.start) / 1000)} to {formatTime(Date.parse(report.window.end) / 1000)} · {report.currency}
          </span>
        )}
      </div>
      <div className="dashboard-controls">
        <div className="range-picker">
          <label htmlFor="cost-window">Window</label>
          <VscodeSingleSelect
            id="cost-window"
            value={p.window}
            data-testid="cost-window-select"
            onChange={(e) => {
              const parsed = CostWindowPreset.safeParse(selected(e));
              if (parsed.success) p.onWindow(parsed.data);
            }}
          >
            {windows.map(([value, label]) => (
              <VscodeOption key={value} value={value}>
                {label}
              </VscodeOption>
            ))}
          </VscodeSingleSelect>
        </div>
        <div className="range-picker">
          <label htmlFor="cost-aggregate">Group by</label>
          <VscodeSingleSelect
            id="cost-aggregate"
            value={p.aggregate}
            data-testid="cost-aggregate-select"
            onChange={(e) => {
              const parsed = CostAggregate.safeParse(selected(e));
              if (parsed.success) p.onAggregate(parsed.data);
            }}
          >
            {CostAggregate.options.map((value) => (
              <VscodeOption key={value} value={value}>
                {aggregateLabel[value]}
              </VscodeOption>
            ))}
          </VscodeSingleSelect>
        </div>
        <VscodeButton secondary icon="refresh" onClick={p.onRefresh} data-testid="refresh-button" aria-label="Refresh now">
          Refresh
        </VscodeButton>
        <VscodeButton secondary icon="export" disabled={!report} onClick={() => p.onExport("team")} data-testid="export-showback-team" title="Save a showback CSV by team">
          Showback by team
        </VscodeButton>
        <VscodeButton secondary icon="export" disabled={!report} onClick={() => p.onExport("namespace")} data-testid="export-showback-namespace" title="Save a showback CSV by namespace">
          Showback by namespace
        </VscodeButton>
        <span className="refresh-indicator" data-testid="refresh-indicator" data-state={p.loading ? "loading" : "idle"} aria-live="polite">
          {p.loading ? <VscodeProgressRing className="refresh-ring" aria-label="Loading" /> : null}
          {p.loading ? "Computing…" : report ? `Computed ${formatTime(report.computedAt).slice(11)}` : ""}
        </span>
      </div>
    </header>
  );
}
