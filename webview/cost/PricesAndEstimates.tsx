/**
 * Which prices are defaults (OpenCost's custom-pricing defaults, for instance types the price book
 * does not know), every price used, and every estimate mark grouped by why.
 */
import { useState } from "react";
import VscodeButton from "@vscode-elements/react-elements/dist/components/VscodeButton.js";
import type { CostReport, PriceOrigin, PriceUsed } from "../../src/shared/protocol/cost";
import { formatCount, formatMoney } from "./costFormat";
import { type EstimateGroup, groupEstimates } from "./estimateText";

const originText: Record<PriceOrigin, string> = {
  "price-book": "price book",
  settings: "settings",
  "pricing-file": "pricing.yaml",
  default: "default",
  opencost: "OpenCost",
};

const marksShown = 50;

function PriceTable({ id, caption, prices, currency }: { readonly id: string; readonly caption: string; readonly prices: readonly PriceUsed[]; readonly currency: string }): React.JSX.Element {
  const m = (v: number | null): string => formatMoney(v, currency);
  return (
    <div className="data-table" data-testid={id}>
      <div className="data-table-scroll" tabIndex={0} role="region" aria-labelledby={`${id}-caption`}>
        <table>
          <caption id={`${id}-caption`}>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">Instance type</th>
              <th scope="col">Origin</th>
              <th scope="col">Nodes</th>
              <th scope="col">Node per hour</th>
              <th scope="col">vCPU-hour</th>
              <th scope="col">GiB-hour</th>
              <th scope="col">GPU-hour</th>
              <th scope="col" className="text">
                Source
              </th>
            </tr>
          </thead>
          <tbody>
            {prices.map((p, i) => (
              <tr key={`${p.instanceType ?? ""}/${p.origin}/${i}`} data-instance-type={p.instanceType ?? ""} data-origin={p.origin}>
                <th scope="row">{p.instanceType ?? "(no instance-type label)"}</th>
                <td>{originText[p.origin]}</td>
                <td>{formatCount(p.nodes)}</td>
                <td>{m(p.nodeHourly)}</td>
                <td>{m(p.hourly.cpu)}</td>
                <td>{m(p.hourly.ram)}</td>
                <td>{m(p.hourly.gpu)}</td>
                <td className="text">{p.source}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function EstimateGroupView({ group }: { readonly group: EstimateGroup }): React.JSX.Element {
  const [all, setAll] = useState(false);
  const shown = all ? group.marks : group.marks.slice(0, marksShown);
  return (
    <details className="estimate-group" data-testid="estimate-group" data-code={group.code} open={group.marks.length <= 5}>
      <summary>
        <span className="codicon codicon-warning" aria-hidden="true" /> {group.text} ({group.marks.length.toLocaleString("en-US")})
      </summary>
      <ul className="estimate-list">
        {shown.map((m, i) => (
          <li key={`${m.subject}/${i}`}>
            <span className="estimate-subject">{m.subject}</span>
            {m.detail ? <span className="estimate-detail">: {m.detail}</span> : null}
          </li>
        ))}
      </ul>
      {group.marks.length > shown.length && (
        <VscodeButton secondary onClick={() => setAll(true)}>
          Show all {group.marks.length.toLocaleString("en-US")}
        </VscodeButton>
      )}
    </details>
  );
}

export function PricesAndEstimates({ report }: { readonly report: CostReport }): React.JSX.Element {
  const defaults = report.prices.filter((p) => p.origin === "default");
  const groups = groupEstimates(report.estimates);
  return (
    <section className="panel panel-wide" id="estimates" data-testid="panel-prices" aria-labelledby="panel-prices-title">
      <header className="panel-header">
        <h2 id="panel-prices-title">Which prices are defaults, and which figures are estimates</h2>
      </header>
      {defaults.length === 0 ? (
        <p data-testid="no-default-prices">
          No default prices: {report.source.kind === "opencost" ? "OpenCost priced every node." : "every node's instance type has a price from the price book, settings or pricing.yaml."}
        </p>
      ) : (
        <PriceTable
          id="default-prices"
          caption={`${defaults.reduce((s, p) => s + p.nodes, 0).toLocaleString("en-US")} nodes are priced with defaults (OpenCost's custom-pricing defaults): add their instance types to aiPlatform.cost.prices or pricing.yaml for real prices`}
          prices={defaults}
          currency={report.currency}
        />
      )}
      {report.prices.length > 0 && (
        <details className="panel-info" data-testid="all-prices">
          <summary>All prices used ({report.prices.length.toLocaleString("en-US")})</summary>
          <PriceTable id="all-prices-table" caption="Prices per instance type, and where each came from" prices={report.prices} currency={report.currency} />
        </details>
      )}
      <h3>Estimate marks</h3>
      {groups.length === 0 ? (
        <p data-testid="no-estimates">None: no figure in this report rests on an assumption.</p>
      ) : (
        <div data-testid="estimate-groups">
          {groups.map((g) => (
            <EstimateGroupView key={g.code} group={g} />
          ))}
        </div>
      )}
    </section>
  );
}
