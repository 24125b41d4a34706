/**
 * The chosen feature's score over past checks with the threshold line and deploy markers, so a
 * jump can be read against the deploy that came before it; a table of the checks behind a toggle.
 */
import { useMemo, useState } from "react";
import VscodeButton from "@vscode-elements/react-elements/dist/components/VscodeButton.js";
import type { ChangeMarker } from "../../src/shared/protocol/latency";
import type { DriftHistoryPoint } from "../../src/shared/protocol/drift";
import type { AlignedSeries } from "../common/chartData";
import type { ThemeColors } from "../common/themeColors";
import { TimeSeriesChart } from "../common/TimeSeriesChart";
import { formatTime } from "../common/valueFormat";
import { formatScore, methodLabel, thresholdText } from "./driftFormat";
import type { FeatureRow } from "./featureRows";
import { featureHistory, historyColumns } from "./historySeries";

export interface HistoryPanelProps {
  readonly service: string;
  readonly row: FeatureRow;
  readonly history: readonly DriftHistoryPoint[];
  readonly markers: readonly ChangeMarker[];
  readonly colors: ThemeColors;
  readonly onPainted: () => void;
}

/** Whether the panel draws a chart for this feature: two checks or more, one of them scoring it. */
export function historyChartable(history: readonly DriftHistoryPoint[], row: FeatureRow): boolean {
  const h = featureHistory(history, row.feature.name, row.feature.method);
  return h.rows.length >= 2 && h.scored > 0;
}

const noteOnly = (text: string, testId: string): React.JSX.Element => (
  <p className="panel-status" role="status" data-testid={testId}>
    {text}
  </p>
);

export function HistoryPanel({ service, row, history, markers, colors, onPainted }: HistoryPanelProps): React.JSX.Element {
  const f = row.feature;
  const [showTable, setShowTable] = useState(false);
  const h = useMemo(() => featureHistory(history, f.name, f.method), [history, f.name, f.method]);
  const data = useMemo((): AlignedSeries => {
    const c = historyColumns(h, f.method);
    return { xs: c.xs, ys: c.ys, names: [f.name] };
  }, [h, f.method, f.name]);
  const threshold = useMemo(() => ({ value: f.threshold, label: `drift when ${thresholdText(f)}` }), [f]);
  const chartable = h.rows.length >= 2 && h.scored > 0;
  let body: React.JSX.Element;
  if (history.length === 0) body = noteOnly(`No past checks of ${service} are recorded yet. Each check is kept under .aiplatform/drift/, and the history starts with the next one.`, "history-empty");
  else if (h.rows.length < 2) body = noteOnly("Only one check so far: the score's history starts with the next check.", "history-single");
  else if (h.scored === 0) body = noteOnly(`None of the ${h.rows.length} past checks scored ${f.name}.`, "history-unscored");
  else
    body = (
      <>
        <TimeSeriesChart
          testId="history-chart"
          label={`${methodLabel[f.method]} of ${f.name} over ${h.rows.length} checks, with the threshold and deploy markers; use Show table for the values`}
          data={data}
          unit="count"
          format={formatScore}
          threshold={threshold}
          markers={markers}
          colors={colors}
          syncKey="drift-history"
          onPainted={onPainted}
        />
        {h.otherMethod > 0 && (
          <p className="dashboard-subtitle" data-testid="history-other-method">
            {h.otherMethod} earlier {h.otherMethod === 1 ? "check" : "checks"} scored {f.name} with another method; the line leaves {h.otherMethod === 1 ? "it" : "them"} out.
          </p>
        )}
      </>
    );
  return (
    <section className="panel" data-testid="panel-history" data-feature={f.name} aria-labelledby="panel-history-title">
      <header className="panel-header">
        <h2 id="panel-history-title">
          History of {f.name} <span className="panel-unit">({methodLabel[f.method]})</span>
        </h2>
        {chartable && (
          <VscodeButton
            secondary
            icon={showTable ? "graph-line" : "table"}
            aria-expanded={showTable ? "true" : "false"}
            aria-controls="history-table"
            data-testid="history-table-toggle"
            onClick={() => setShowTable((v) => !v)}
          >
            {showTable ? "Hide table" : "Show table"}
          </VscodeButton>
        )}
      </header>
      {body}
      {chartable && showTable && (
        <div className="data-table" id="history-table" data-testid="history-table">
          <div className="data-table-scroll" tabIndex={0} role="region" aria-labelledby="history-table-caption">
            <table>
              <caption id="history-table-caption">{h.rows.length} checks, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Checked</th>
                  <th scope="col">Model version</th>
                  <th scope="col">Method</th>
                  <th scope="col">Score</th>
                  <th scope="col">Drifted</th>
                </tr>
              </thead>
              <tbody>
                {[...h.rows].reverse().map((r) => (
                  <tr key={r.time} data-time={r.time}>
                    <th scope="row">
                      <time dateTime={new Date(r.time * 1000).toISOString()}>{formatTime(r.time)}</time>
                    </th>
                    <td>{r.modelVersion ?? "—"}</td>
                    <td>{r.method ? methodLabel[r.method] : "—"}</td>
                    <td data-value={String(r.score)}>{formatScore(Number.isNaN(r.score) ? null : r.score)}</td>
                    <td>{r.drifted === null ? "—" : r.drifted ? "Yes" : "No"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}
