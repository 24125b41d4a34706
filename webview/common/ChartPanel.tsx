/** A dashboard panel: title, chart (or its empty/error state), and the toggleable data table. */
import { useMemo, useState } from "react";
import VscodeButton from "@vscode-elements/react-elements/dist/components/VscodeButton.js";
import type { ChangeMarker, PanelData } from "../../src/shared/protocol/latency";
import { alignSeries } from "./chartData";
import { DataTable } from "./DataTable";
import { PanelStatusView } from "./PanelStatusView";
import type { ThemeColors } from "./themeColors";
import { TimeSeriesChart } from "./TimeSeriesChart";
import { unitLabel } from "./valueFormat";

export interface ChartPanelProps {
  readonly panel: PanelData;
  readonly source: string;
  readonly markers: readonly ChangeMarker[];
  readonly colors: ThemeColors;
  readonly syncKey: string;
  readonly onOpenRevision: (revision: number) => void;
  readonly onPainted: (panelId: string) => void;
}

/** A panel "ok" with no samples at all says so rather than drawing an empty frame. */
export function chartable(panel: PanelData): boolean {
  return panel.status.kind === "ok" && panel.series.some((s) => s.timestamps.length > 0);
}

export function ChartPanel({ panel, source, markers, colors, syncKey, onOpenRevision, onPainted }: ChartPanelProps): React.JSX.Element {
  const [showTable, setShowTable] = useState(false);
  const data = useMemo(() => alignSeries(panel.series), [panel.series]);
  const id = `panel-${panel.id}`;
  const status = panel.status.kind === "ok" && !chartable(panel) ? ({ kind: "empty", message: "The query returned no samples in this range." } as const) : panel.status;
  return (
    <section className="panel" data-testid={id} data-status={status.kind} aria-labelledby={`${id}-title`}>
      <header className="panel-header">
        <h2 id={`${id}-title`}>
          {panel.title} <span className="panel-unit">({unitLabel(panel.unit)})</span>
        </h2>
        {status.kind === "ok" && (
          <VscodeButton
            secondary
            icon={showTable ? "graph-line" : "table"}
            aria-expanded={showTable ? "true" : "false"}
            aria-controls={`${id}-table`}
            data-testid={`${id}-table-toggle`}
            onClick={() => setShowTable((v) => !v)}
          >
            {showTable ? "Hide table" : "Show table"}
          </VscodeButton>
        )}
      </header>
      {status.kind === "ok" ? (
        <>
          <TimeSeriesChart
            testId={`${id}-chart`}
            label={`${panel.title} chart; use Show table for the values`}
            data={data}
            unit={panel.unit}
            threshold={panel.threshold}
            markers={markers}
            colors={colors}
            syncKey={syncKey}
            onOpenRevision={onOpenRevision}
            onPainted={() => onPainted(panel.id)}
          />
          {showTable && <DataTable id={`${id}-table`} testId={`${id}-table`} title={panel.title} data={data} unit={panel.unit} />}
          {panel.queries.length > 0 && (
            <details className="panel-info" data-testid={`${id}-queries`}>
              <summary>Queries ({source})</summary>
              <ul className="panel-queries">
                {panel.queries.map((q) => (
                  <li key={q}>
                    <code>{q}</code>
                  </li>
                ))}
              </ul>
            </details>
          )}
        </>
      ) : (
        <PanelStatusView testId={`${id}-status`} status={status} source={source} queries={panel.queries} />
      )}
    </section>
  );
}
