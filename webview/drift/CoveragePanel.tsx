/**
 * Monitoring coverage of the production services in the workspace and the cluster: the share with
 * latency, error, data-quality and drift monitoring configured, each against the target line, and
 * which service lacks what.
 */
import { useMemo } from "react";
import type { Coverage } from "../../src/shared/protocol/drift";
import { SortableTable, type TableColumn } from "../common/SortableTable";
import { formatShare } from "./driftFormat";

type Kind = "latency" | "errors" | "dataQuality" | "drift";
type ServiceRow = Coverage["services"][number];

const kinds: readonly (readonly [Kind, string])[] = [
  ["latency", "Latency"],
  ["errors", "Errors"],
  ["dataQuality", "Data quality"],
  ["drift", "Drift"],
];

const whereText: Record<ServiceRow["where"], string> = { workspace: "workspace", cluster: "cluster", both: "workspace and cluster" };

function check(on: boolean): React.JSX.Element {
  return (
    <span className={on ? "covered" : "not-covered"}>
      <span className={`codicon codicon-${on ? "check" : "close"}`} aria-hidden="true" /> {on ? "Yes" : "No"}
    </span>
  );
}

function serviceColumns(): TableColumn<ServiceRow, "service" | "where" | Kind>[] {
  return [
    { key: "service", header: "Service", sortValue: (s) => s.service, render: (s) => s.service, cellValue: (s) => s.service },
    { key: "where", header: "Found in", sortValue: (s) => s.where, render: (s) => whereText[s.where] },
    ...kinds.map(([key, header]): TableColumn<ServiceRow, Kind> => ({ key, header, sortValue: (s) => (s[key] ? 1 : 0), render: (s) => check(s[key]), cellValue: (s) => String(s[key]) })),
  ];
}

export function CoveragePanel({ coverage }: { readonly coverage: Coverage | null }): React.JSX.Element {
  const cols = useMemo(serviceColumns, []);
  let body: React.JSX.Element;
  if (!coverage) {
    body = (
      <p className="panel-status" role="status" data-testid="coverage-unavailable">
        Coverage is not available: no manifests in the workspace and no cluster to read production services from.
      </p>
    );
  } else if (coverage.productionServices === 0) {
    body = (
      <p className="panel-status" role="status" data-testid="coverage-none">
        No production services found: mark a manifest's environment as production, or deploy to a production namespace.
      </p>
    );
  } else {
    body = (
      <>
        <ul className="coverage-bars" aria-label={`Share of ${coverage.productionServices} production services with each kind of monitoring; target ${formatShare(coverage.target)}`}>
          {kinds.map(([key, label]) => {
            const share = coverage[key];
            const met = share >= coverage.target;
            return (
              <li key={key} className="coverage-row" data-testid={`coverage-${key}`} data-share={String(share)} data-met={String(met)}>
                <span className="coverage-label">{label}</span>
                <span
                  className="coverage-track"
                  role="meter"
                  aria-label={`${label} monitoring`}
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={Math.round(share * 100)}
                  aria-valuetext={`${formatShare(share)}, target ${formatShare(coverage.target)}`}
                >
                  {/* React sets these widths through the CSSOM, which the CSP allows (it refuses style attributes in markup). */}
                  <span className={`coverage-fill ${met ? "coverage-met" : "coverage-short"}`} style={{ width: `${Math.min(100, Math.max(0, share * 100))}%` }} />
                  <span className="coverage-target" style={{ left: `${Math.min(100, Math.max(0, coverage.target * 100))}%` }} aria-hidden="true" />
                </span>
                <span className="coverage-value">
                  {formatShare(share)}
                  {!met && <span className="visually-hidden"> (below the target)</span>}
                </span>
              </li>
            );
          })}
        </ul>
        <p className="dashboard-subtitle">
          Of {coverage.productionServices} production {coverage.productionServices === 1 ? "service" : "services"}; the line marks the {formatShare(coverage.target)} target.
        </p>
        {coverage.services.length > 0 && (
          <SortableTable
            id="coverage-services"
            testId="coverage-services-table"
            caption={`${coverage.services.length} production services; column headers sort`}
            columns={cols}
            rows={coverage.services}
            rowKey={(s) => `${s.where}:${s.service}`}
            rowTestId="coverage-service-row"
            rowAttributes={(s) => ({ "data-service": s.service })}
            initialSort={{ column: "service", direction: "ascending" }}
            pageSize={50}
          />
        )}
      </>
    );
  }
  return (
    <section className="panel" data-testid="panel-coverage" aria-labelledby="panel-coverage-title">
      <header className="panel-header">
        <h2 id="panel-coverage-title">Monitoring coverage</h2>
      </header>
      {body}
    </section>
  );
}
