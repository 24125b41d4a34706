/**
 * The chosen feature: its verdict and data quality, the reference and current histograms side by
 * side in each bin, and (numerical features) the two empirical CDFs whose widest gap is KS's D.
 * Each chart has a table behind a toggle.
 */
import { useMemo, useState } from "react";
import VscodeButton from "@vscode-elements/react-elements/dist/components/VscodeButton.js";
import type { FeatureDrift } from "../../src/shared/protocol/drift";
import type { ThemeColors } from "../common/themeColors";
import { formatCount, formatScore, formatShare, methodLabel, thresholdText } from "./driftFormat";
import { EcdfChart } from "./EcdfChart";
import { ecdfColumns } from "./ecdfColumns";
import type { FeatureRow } from "./featureRows";
import { HistogramChart } from "./HistogramChart";
import { chartBars, histogramBars } from "./histogramBars";

export interface FeatureDetailProps {
  readonly row: FeatureRow;
  readonly colors: ThemeColors;
  readonly onPainted: (chartId: "histogram" | "ecdf") => void;
}

/** Which charts a feature draws, so the paint tracker knows what to wait for. */
export function featureCharts(f: FeatureDrift): ("histogram" | "ecdf")[] {
  const ids: ("histogram" | "ecdf")[] = [];
  if (f.histograms.reference.shares.length > 0 || f.histograms.current.shares.length > 0) ids.push("histogram");
  if (f.ecdf && (f.ecdf.reference.x.length > 0 || f.ecdf.current.x.length > 0)) ids.push("ecdf");
  return ids;
}

function TableToggle({ id, shown, onToggle }: { readonly id: string; readonly shown: boolean; readonly onToggle: () => void }): React.JSX.Element {
  return (
    <VscodeButton secondary icon={shown ? "graph" : "table"} aria-expanded={shown ? "true" : "false"} aria-controls={id} data-testid={`${id}-toggle`} onClick={onToggle}>
      {shown ? "Hide table" : "Show table"}
    </VscodeButton>
  );
}

function Verdict({ f }: { readonly f: FeatureDrift }): React.JSX.Element {
  if (f.problem && f.score === null) {
    return (
      <p className="panel-status-message" role="status" data-testid="feature-problem" data-kind={f.problem.kind}>
        No verdict: {f.problem.detail}
      </p>
    );
  }
  return (
    <p data-testid="feature-verdict" data-drifted={String(f.drifted)}>
      <strong className={f.drifted ? "verdict-drifted" : "verdict-ok"}>{f.drifted ? "Drifted" : "No drift"}</strong>: {methodLabel[f.method]} {formatScore(f.score)}, drift when {thresholdText(f)}
      {f.ksStatistic !== null && `; KS D = ${formatScore(f.ksStatistic)}`}
      {f.psi !== null && `; PSI ${formatScore(f.psi)}`}.
      {f.problem && <span className="feature-problem-note"> {f.problem.detail}</span>}
    </p>
  );
}

export function FeatureDetail({ row, colors, onPainted }: FeatureDetailProps): React.JSX.Element {
  const f = row.feature;
  const [histTable, setHistTable] = useState(false);
  const [ecdfTable, setEcdfTable] = useState(false);
  const all = useMemo(() => histogramBars(f.histograms.reference, f.histograms.current), [f]);
  const bars = useMemo(() => chartBars(all, f.histograms.reference.categories !== undefined || f.histograms.current.categories !== undefined), [all, f]);
  const ecdf = useMemo(() => (f.ecdf ? ecdfColumns(f.ecdf.reference, f.ecdf.current) : undefined), [f]);
  const charts = featureCharts(f);
  // One bar per value (categories, or a number with few distinct values), or numerical bins.
  const perValue = f.histograms.reference.categories !== undefined || f.histograms.current.categories !== undefined;
  const barName = perValue ? (f.type === "categorical" ? "category" : "value") : "bin";
  const q = f.quality;
  return (
    <section className="panel panel-wide" data-testid="panel-feature" data-feature={f.name} aria-labelledby="panel-feature-title">
      <header className="panel-header">
        <h2 id="panel-feature-title">
          {f.name}
          {row.role !== "feature" && ` (${row.role})`} <span className="panel-unit">({f.type})</span>
        </h2>
      </header>
      <Verdict f={f} />
      <ul className="feature-facts" data-testid="feature-quality">
        <li>
          Rows: {formatCount(f.referenceRows)} reference, {formatCount(f.currentRows)} current; {formatCount(f.uniqueValues)} unique values
        </li>
        <li>
          Missing: {formatShare(q.missingShareReference)} of reference, {formatShare(q.missingShareCurrent)} of current
        </li>
        {q.outOfRangeShare !== null && <li>Outside the reference's range: {formatShare(q.outOfRangeShare)} of current</li>}
        {q.newCategories.length > 0 && (
          <li data-testid="new-categories">
            New categories ({formatShare(q.newCategoryShare)} of current rows): {q.newCategories.join(", ")}
            {q.newCategories.length >= 50 ? ", …" : ""}
          </li>
        )}
      </ul>
      <div className="feature-charts">
        <div className="feature-chart" data-testid="feature-histogram">
          <div className="panel-header">
            <h3>Histograms{all.labels.length > 0 ? ` (${all.labels.length} ${all.labels.length === 1 ? barName : barName === "category" ? "categories" : `${barName}s`})` : ""}</h3>
            {charts.includes("histogram") && <TableToggle id="histogram-table" shown={histTable} onToggle={() => setHistTable((v) => !v)} />}
          </div>
          {charts.includes("histogram") ? (
            <>
              <HistogramChart
                testId="histogram-chart"
                label={`Reference and current histograms of ${f.name}; use Show table for the values`}
                bars={bars}
                colors={colors}
                onPainted={() => onPainted("histogram")}
              />
              {bars.folded > 0 && (
                <p className="dashboard-subtitle">
                  The {bars.folded} smallest {barName === "category" ? "categories" : "values"} are summed in the last bar; the table lists each.
                </p>
              )}
              {histTable && (
                <div className="data-table" id="histogram-table" data-testid="histogram-table">
                  <div className="data-table-scroll" tabIndex={0} role="region" aria-labelledby="histogram-table-caption">
                    <table>
                      <caption id="histogram-table-caption">Share of each side's rows per {barName}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{barName === "category" ? "Category" : barName === "value" ? "Value" : "Bin"}</th>
                          <th scope="col">Reference</th>
                          <th scope="col">Current</th>
                        </tr>
                      </thead>
                      <tbody>
                        {all.labels.map((label, i) => (
                          <tr key={`${i}:${label}`}>
                            <th scope="row">{label}</th>
                            <td data-value={String(all.reference[i])}>{formatShare(all.reference[i]!)}</td>
                            <td data-value={String(all.current[i])}>{formatShare(all.current[i]!)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                </div>
              )}
            </>
          ) : (
            <p className="panel-status" role="status">
              No values to draw on either side.
            </p>
          )}
        </div>
        {ecdf && charts.includes("ecdf") && (
          <div className="feature-chart" data-testid="feature-ecdf">
            <div className="panel-header">
              <h3>Empirical CDFs{f.ksStatistic !== null ? ` (KS D = ${formatScore(f.ksStatistic)})` : ""}</h3>
              <TableToggle id="ecdf-table" shown={ecdfTable} onToggle={() => setEcdfTable((v) => !v)} />
            </div>
            <EcdfChart
              testId="ecdf-chart"
              label={`Empirical CDFs of ${f.name} in reference and current; the red bar marks where they are furthest apart; use Show table for the values`}
              data={ecdf}
              colors={colors}
              onPainted={() => onPainted("ecdf")}
            />
            {ecdfTable && (
              <div className="data-table" id="ecdf-table" data-testid="ecdf-table">
                <div className="data-table-scroll" tabIndex={0} role="region" aria-labelledby="ecdf-table-caption">
                  <table>
                    <caption id="ecdf-table-caption">Share of each side's values at or below x ({formatCount(ecdf.xs.length)} points, down-sampled)</caption>
                    <thead>
                      <tr>
                        <th scope="col">x</th>
                        <th scope="col">Reference</th>
                        <th scope="col">Current</th>
                      </tr>
                    </thead>
                    <tbody>
                      {Array.from(ecdf.xs, (x, i) => (
                        <tr key={x}>
                          <th scope="row">{formatScore(x)}</th>
                          <td data-value={String(ecdf.reference[i])}>{formatShare(ecdf.reference[i]!)}</td>
                          <td data-value={String(ecdf.current[i])}>{formatShare(ecdf.current[i]!)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </div>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
