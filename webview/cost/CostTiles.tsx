/** Total, allocated, idle and idle GPU cost of the window, each with its share of the total. */
import type { CostReport } from "../../src/shared/protocol/cost";
import { formatMoney, formatRatio } from "./costFormat";

function Tile({ id, label, value, note }: { readonly id: string; readonly label: string; readonly value: string; readonly note?: string }): React.JSX.Element {
  return (
    <div className={`tile tile-${id}`} data-testid={`tile-${id}`}>
      <span className="tile-label">{label}</span>
      <span className="tile-value">{value}</span>
      {note && <span className="tile-note">{note}</span>}
    </div>
  );
}

export function CostTiles({ report }: { readonly report: CostReport }): React.JSX.Element {
  const c = report.currency;
  const share = (v: number): string | undefined => (report.total > 0 ? `${formatRatio(v / report.total)} of total` : undefined);
  return (
    <section className="cost-tiles" aria-label="Totals for the window" data-testid="cost-tiles">
      <Tile id="total" label={`Total (${report.window.duration})`} value={formatMoney(report.total, c)} note={`${report.nodes.length.toLocaleString("en-US")} nodes`} />
      <Tile id="allocated" label="Allocated" value={formatMoney(report.allocated, c)} note={share(report.allocated)} />
      <Tile id="idle" label="Idle" value={formatMoney(report.idle, c)} note={share(report.idle)} />
      <Tile id="gpu-idle" label="Idle GPUs" value={formatMoney(report.gpuIdle, c)} note={share(report.gpuIdle)} />
      {report.estimates.length > 0 && (
        <a className="tile tile-estimates" href="#estimates" data-testid="tile-estimates">
          <span className="tile-label">
            <span className="codicon codicon-warning" aria-hidden="true" /> Estimates
          </span>
          <span className="tile-value">{report.estimates.length.toLocaleString("en-US")}</span>
          <span className="tile-note">figures rest on an assumption: see why</span>
        </a>
      )}
    </section>
  );
}
