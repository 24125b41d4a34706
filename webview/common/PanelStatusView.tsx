/** What a panel shows instead of a chart: which source and query returned what, and what to do. */
import type { PanelStatus } from "../../src/shared/protocol/latency";

export interface PanelStatusViewProps {
  readonly testId: string;
  readonly status: Exclude<PanelStatus, { kind: "ok" }>;
  readonly source: string;
  readonly queries: readonly string[];
}

export function PanelStatusView({ testId, status, source, queries }: PanelStatusViewProps): React.JSX.Element {
  return (
    <div className={`panel-status panel-status-${status.kind}`} data-testid={testId} role={status.kind === "error" ? "alert" : "status"}>
      <p className="panel-status-message">{status.message}</p>
      {status.kind === "error" && status.detail && <pre className="panel-status-detail">{status.detail}</pre>}
      <p className="panel-status-source">Source: {source}</p>
      {queries.length > 0 && (
        <>
          <p className="panel-status-source">{queries.length === 1 ? "Query:" : "Queries:"}</p>
          <ul className="panel-queries">
            {queries.map((q) => (
              <li key={q}>
                <code>{q}</code>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
