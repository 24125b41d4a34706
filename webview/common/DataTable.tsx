/** The keyboard-reachable table behind every chart: the plotted values with their units, newest first. */
import { useState } from "react";
import VscodeButton from "@vscode-elements/react-elements/dist/components/VscodeButton.js";
import type { Unit } from "../../src/shared/protocol/latency";
import type { AlignedSeries } from "./chartData";
import { tablePage } from "./tableRows";

export interface DataTableProps {
  readonly id: string;
  readonly testId: string;
  readonly title: string;
  readonly data: AlignedSeries;
  readonly unit: Unit;
}

export function DataTable({ id, testId, title, data, unit }: DataTableProps): React.JSX.Element {
  const [page, setPage] = useState(0);
  const t = tablePage(data, unit, page);
  const captionId = `${id}-caption`;
  return (
    <div className="data-table" id={id} data-testid={testId}>
      {/* Focusable so the keyboard can scroll a long table. */}
      <div className="data-table-scroll" tabIndex={0} role="region" aria-labelledby={captionId}>
        <table>
          <caption id={captionId}>
            {title}: {t.totalRows.toLocaleString("en-US")} samples, newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              {t.headers.map((h) => (
                <th scope="col" key={h.series} data-series={h.series}>
                  {h.text}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {t.rows.map((r) => (
              <tr key={r.time} data-time={r.time}>
                <th scope="row">
                  <time dateTime={new Date(r.time * 1000).toISOString()}>{r.timeText}</time>
                </th>
                {r.cells.map((c, i) => (
                  <td key={t.headers[i]?.series ?? i} data-value={String(c.value)}>
                    {c.text}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {t.pageCount > 1 && (
        <div className="data-table-pager">
          <VscodeButton secondary disabled={t.page === 0} onClick={() => setPage(t.page - 1)} data-testid={`${testId}-newer`}>
            Newer
          </VscodeButton>
          <span aria-live="polite">
            Rows {t.firstRow.toLocaleString("en-US")}–{t.lastRow.toLocaleString("en-US")} of {t.totalRows.toLocaleString("en-US")}
          </span>
          <VscodeButton secondary disabled={t.page >= t.pageCount - 1} onClick={() => setPage(t.page + 1)} data-testid={`${testId}-older`}>
            Older
          </VscodeButton>
        </div>
      )}
    </div>
  );
}
