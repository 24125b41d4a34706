/** Allocated and idle cost per day as stacked bars, with the same figures in a table. */
import { useMemo, useState } from "react";
import VscodeButton from "@vscode-elements/react-elements/dist/components/VscodeButton.js";
import type { CostReport } from "../../src/shared/protocol/cost";
import { BarChart } from "../common/BarChart";
import type { ThemeColors } from "../common/themeColors";
import { formatDay, formatMoney, formatMoneyTick } from "./costFormat";

const day = 86_400;

export function DailyCostPanel({ report, colors, onPainted }: { readonly report: CostReport; readonly colors: ThemeColors; readonly onPainted: () => void }): React.JSX.Element {
  const [showTable, setShowTable] = useState(false);
  const c = report.currency;
  const { xs, layers } = useMemo(() => {
    const days = [...report.daily].sort((a, b) => a.day - b.day);
    return {
      xs: Float64Array.from(days, (d) => d.day),
      layers: [
        { name: "Allocated", values: Float64Array.from(days, (d) => d.allocated) },
        { name: "Idle", values: Float64Array.from(days, (d) => d.idle) },
      ],
    };
  }, [report.daily]);
  // Allocated in the first series colour; idle in the one the latency charts use for rollbacks, a warning tone.
  const fills = useMemo(() => [colors.series[0]!, colors.markers.rollback], [colors]);
  const format = (v: number): string => formatMoney(v, c);
  const tick = (v: number): string => formatMoneyTick(v, c);
  return (
    <section className="panel" data-testid="panel-daily" aria-labelledby="panel-daily-title">
      <header className="panel-header">
        <h2 id="panel-daily-title">
          Cost per day <span className="panel-unit">({c}, UTC days)</span>
        </h2>
        {report.daily.length > 0 && (
          <VscodeButton
            secondary
            icon={showTable ? "graph" : "table"}
            aria-expanded={showTable ? "true" : "false"}
            aria-controls="panel-daily-table"
            data-testid="panel-daily-table-toggle"
            onClick={() => setShowTable((v) => !v)}
          >
            {showTable ? "Hide table" : "Show table"}
          </VscodeButton>
        )}
      </header>
      {report.daily.length === 0 ? (
        <p className="panel-status" role="status" data-testid="panel-daily-status">
          No days in this window.
        </p>
      ) : (
        <>
          <BarChart
            testId="panel-daily-chart"
            label="Allocated and idle cost per day; use Show table for the values"
            xs={xs}
            layers={layers}
            fills={fills}
            spanSeconds={day}
            format={format}
            formatTick={tick}
            colors={colors}
            onPainted={onPainted}
          />
          {showTable && (
            <div className="data-table" id="panel-daily-table" data-testid="panel-daily-table">
              <div className="data-table-scroll" tabIndex={0} role="region" aria-labelledby="panel-daily-caption">
                <table>
                  <caption id="panel-daily-caption">Cost per day, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">Day (UTC)</th>
                      <th scope="col">Allocated</th>
                      <th scope="col">Idle</th>
                      <th scope="col">Total</th>
                    </tr>
                  </thead>
                  <tbody>
                    {[...report.daily]
                      .sort((a, b) => b.day - a.day)
                      .map((d) => (
                        <tr key={d.day} data-day={d.day}>
                          <th scope="row">{formatDay(d.day)}</th>
                          <td data-value={d.allocated}>{format(d.allocated)}</td>
                          <td data-value={d.idle}>{format(d.idle)}</td>
                          <td data-value={d.total}>{format(d.total)}</td>
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
