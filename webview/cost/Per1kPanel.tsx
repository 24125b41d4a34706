/**
 * Cost per 1K inferences of one service over the window, with its deploys marked, since a deploy
 * can change it. A marker or the button opens the service's latency dashboard.
 */
import { useMemo, useState } from "react";
import VscodeButton from "@vscode-elements/react-elements/dist/components/VscodeButton.js";
import VscodeOption from "@vscode-elements/react-elements/dist/components/VscodeOption.js";
import VscodeSingleSelect from "@vscode-elements/react-elements/dist/components/VscodeSingleSelect.js";
import type { CostReport } from "../../src/shared/protocol/cost";
import { tablePage } from "../common/tableRows";
import type { ThemeColors } from "../common/themeColors";
import { TimeSeriesChart } from "../common/TimeSeriesChart";
import { formatMoney } from "./costFormat";
import { per1kColumns } from "./per1kChoice";

export interface Per1kPanelProps {
  readonly report: CostReport;
  readonly service: string | undefined;
  readonly colors: ThemeColors;
  readonly onService: (service: string) => void;
  readonly onOpenService: (service: string) => void;
  readonly onPainted: () => void;
}

export function Per1kPanel({ report, service, colors, onService, onOpenService, onPainted }: Per1kPanelProps): React.JSX.Element {
  const [showTable, setShowTable] = useState(false);
  const series = report.per1k.find((s) => s.service === service);
  const data = useMemo(() => (series ? per1kColumns(series) : undefined), [series]);
  const plotted = data !== undefined && data.ys[0]?.some((v) => Number.isFinite(v)) === true;
  const c = report.currency;
  const page = data && showTable ? tablePage(data, "count", 0) : undefined;
  return (
    <section className="panel" data-testid="panel-per1k" aria-labelledby="panel-per1k-title">
      <header className="panel-header">
        <h2 id="panel-per1k-title">
          Cost per 1K inferences <span className="panel-unit">({c})</span>
        </h2>
        {report.per1k.length > 0 && (
          <div className="range-picker">
            <label htmlFor="per1k-service">Service</label>
            <VscodeSingleSelect
              id="per1k-service"
              value={service ?? ""}
              data-testid="per1k-service-select"
              onChange={(e) => onService((e.currentTarget as unknown as { value: string }).value)}
            >
              {report.per1k.map((s) => (
                <VscodeOption key={s.service} value={s.service}>
                  {s.service}
                </VscodeOption>
              ))}
            </VscodeSingleSelect>
            {plotted && (
              <VscodeButton
                secondary
                icon={showTable ? "graph-line" : "table"}
                aria-expanded={showTable ? "true" : "false"}
                aria-controls="panel-per1k-table"
                data-testid="panel-per1k-table-toggle"
                onClick={() => setShowTable((v) => !v)}
              >
                {showTable ? "Hide table" : "Show table"}
              </VscodeButton>
            )}
            {service && (
              <VscodeButton secondary icon="pulse" onClick={() => onOpenService(service)} data-testid="per1k-open-latency">
                Latency
              </VscodeButton>
            )}
          </div>
        )}
      </header>
      {report.per1k.length === 0 ? (
        <p className="panel-status" role="status" data-testid="panel-per1k-status">
          No service has request counts in this window, so there is no cost per 1K inferences. Request counts come from the metrics source&apos;s
          success counters (vLLM, Triton, KServe, FastAPI).
        </p>
      ) : !plotted || !data || !series ? (
        <p className="panel-status" role="status" data-testid="panel-per1k-status">
          {service ?? "This service"} served no requests in this window.
        </p>
      ) : (
        <>
          <TimeSeriesChart
            testId="panel-per1k-chart"
            label={`Cost per 1K inferences of ${series.service}; use Show table for the values`}
            data={data}
            unit="count"
            markers={series.markers}
            colors={colors}
            syncKey="aiplat-cost"
            markerHint="Click to open the service's latency dashboard"
            onOpenRevision={() => onOpenService(series.service)}
            onPainted={onPainted}
          />
          {page && (
            <div className="data-table" id="panel-per1k-table" data-testid="panel-per1k-table">
              <div className="data-table-scroll" tabIndex={0} role="region" aria-labelledby="panel-per1k-caption">
                <table>
                  <caption id="panel-per1k-caption">
                    Cost per 1K inferences of {series.service}: {page.totalRows.toLocaleString("en-US")} steps, newest first
                    {page.pageCount > 1 ? ` (the newest ${page.rows.length.toLocaleString("en-US")})` : ""}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">Time</th>
                      <th scope="col">Cost per 1K ({c})</th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.rows.map((r) => (
                      <tr key={r.time} data-time={r.time}>
                        <th scope="row">
                          <time dateTime={new Date(r.time * 1000).toISOString()}>{r.timeText}</time>
                        </th>
                        <td data-value={String(r.cells[0]?.value)}>{formatMoney(r.cells[0]?.value, c)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </div>
          )}
        </>
      )}
    </section>
  );
}
