/**
 * A table whose column headers sort it: each header is a button (Tab reaches it, Enter or Space
 * sorts), aria-sort says the order to a screen reader and a live line says it after a change.
 * Long tables show a page at a time; the whole table stays sorted, not just the page.
 */
import { useMemo, useState } from "react";
import VscodeButton from "@vscode-elements/react-elements/dist/components/VscodeButton.js";
import { nextSort, type SortDirection, type SortState, type SortValue, sortRows } from "./tableSort";

export interface TableColumn<T, K extends string> {
  readonly key: K;
  readonly header: string;
  /** A longer description for the header's tooltip. */
  readonly description?: string;
  /** Absent: the column does not sort. */
  readonly sortValue?: (row: T) => SortValue;
  /** Figures start largest first; names A to Z. */
  readonly firstDirection?: SortDirection;
  /** Right-aligned with tabular digits. */
  readonly numeric?: boolean;
  /** How the sort line says each order ("most severe first"), when neither "largest first" nor "A to Z" fits. */
  readonly orderText?: Readonly<Record<SortDirection, string>>;
  readonly render: (row: T) => React.ReactNode;
  /** The exact value behind the cell, for a test or a screen reader extension to read. */
  readonly cellValue?: (row: T) => string;
}

export interface SortableTableProps<T, K extends string> {
  readonly id: string;
  readonly testId: string;
  readonly caption: React.ReactNode;
  readonly columns: readonly TableColumn<T, K>[];
  readonly rows: readonly T[];
  readonly rowKey: (row: T) => string;
  readonly initialSort: SortState<K>;
  readonly rowTestId?: string;
  readonly rowAttributes?: (row: T) => Readonly<Record<`data-${string}`, string>>;
  readonly rowClassName?: (row: T) => string | undefined;
  readonly pageSize?: number;
}

const orderText: Record<SortDirection, { numeric: string; text: string }> = {
  ascending: { numeric: "smallest first", text: "A to Z" },
  descending: { numeric: "largest first", text: "Z to A" },
};

export function SortableTable<T, K extends string>(props: SortableTableProps<T, K>): React.JSX.Element {
  const { id, testId, caption, columns, rows, rowKey, rowTestId, rowAttributes, rowClassName, pageSize = 100 } = props;
  const [sort, setSort] = useState<SortState<K>>(props.initialSort);
  const [shown, setShown] = useState(pageSize);
  const sortColumn = columns.find((c) => c.key === sort.column && c.sortValue);
  const sorted = useMemo(() => (sortColumn?.sortValue ? sortRows(rows, sortColumn.sortValue, sort.direction) : [...rows]), [rows, sortColumn, sort.direction]);
  const visible = sorted.slice(0, shown);
  const captionId = `${id}-caption`;
  const sortedText = sortColumn ? `Sorted by ${sortColumn.header}, ${sortColumn.orderText?.[sort.direction] ?? orderText[sort.direction][sortColumn.numeric ? "numeric" : "text"]}.` : "";
  return (
    <div className="data-table sortable-table" id={id} data-testid={testId} data-sort-column={sort.column} data-sort-direction={sort.direction}>
      {/* Focusable so the keyboard can scroll a wide or long table. */}
      <div className="data-table-scroll" tabIndex={0} role="region" aria-labelledby={captionId}>
        <table>
          <caption id={captionId}>
            {caption}
          </caption>
          <thead>
            <tr>
              {columns.map((c) => {
                const active = c.key === sort.column;
                return (
                  <th
                    scope="col"
                    key={c.key}
                    className={c.numeric ? "numeric" : undefined}
                    aria-sort={c.sortValue ? (active ? sort.direction : "none") : undefined}
                    title={c.description}
                    data-column={c.key}
                  >
                    {c.sortValue ? (
                      <button
                        type="button"
                        className="sort-button"
                        data-testid={`${testId}-sort-${c.key}`}
                        onClick={() => setSort((s) => nextSort(s, c.key, c.firstDirection ?? (c.numeric ? "descending" : "ascending")))}
                      >
                        {c.header}
                        <span className={`codicon codicon-${active ? (sort.direction === "ascending" ? "arrow-up" : "arrow-down") : "blank"}`} aria-hidden="true" />
                      </button>
                    ) : (
                      c.header
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {visible.map((row) => (
              <tr key={rowKey(row)} data-testid={rowTestId} className={rowClassName?.(row)} {...rowAttributes?.(row)}>
                {columns.map((c, i) => {
                  const content = c.render(row);
                  const value = c.cellValue?.(row);
                  const cls = c.numeric ? "numeric" : undefined;
                  return i === 0 ? (
                    <th scope="row" key={c.key} className={cls} data-column={c.key} data-value={value}>
                      {content}
                    </th>
                  ) : (
                    <td key={c.key} className={cls} data-column={c.key} data-value={value}>
                      {content}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="data-table-pager">
        <span className="sort-status" aria-live="polite">
          {sortedText}
        </span>
        {sorted.length > visible.length && (
          <>
            <span>
              Showing {visible.length.toLocaleString("en-US")} of {sorted.length.toLocaleString("en-US")}
            </span>
            <VscodeButton secondary onClick={() => setShown((n) => n + pageSize)} data-testid={`${testId}-more`}>
              Show {Math.min(pageSize, sorted.length - visible.length).toLocaleString("en-US")} more
            </VscodeButton>
            <VscodeButton secondary onClick={() => setShown(sorted.length)} data-testid={`${testId}-all`}>
              Show all
            </VscodeButton>
          </>
        )}
      </div>
    </div>
  );
}
