/**
 * Sorting for the dashboards' sortable tables: by one column, either way, rows without a value
 * (null: "no data") always last whichever way, ties in their original order (so a table sorted
 * by cost and then by GPU hours keeps the costliest first among equals).
 */

export type SortDirection = "ascending" | "descending";

export interface SortState<K extends string> {
  readonly column: K;
  readonly direction: SortDirection;
}

export type SortValue = number | string | null;

export function sortRows<T>(rows: readonly T[], value: (row: T) => SortValue, direction: SortDirection): T[] {
  const sign = direction === "ascending" ? 1 : -1;
  const keyed = rows.map((row, index) => {
    const v = value(row);
    // NaN is no data too; it would otherwise make the comparison inconsistent.
    return { row, index, v: typeof v === "number" && Number.isNaN(v) ? null : v };
  });
  keyed.sort((a, b) => {
    if (a.v === null || b.v === null) return a.v === b.v ? a.index - b.index : a.v === null ? 1 : -1;
    const c = typeof a.v === "number" && typeof b.v === "number" ? a.v - b.v : String(a.v).localeCompare(String(b.v), "en", { numeric: true });
    return c !== 0 ? sign * c : a.index - b.index;
  });
  return keyed.map((k) => k.row);
}

/**
 * The sort after a column header is activated: the same column flips; another column starts at
 * its natural direction (largest first for figures, A to Z for names).
 */
export function nextSort<K extends string>(current: SortState<K>, column: K, firstDirection: SortDirection): SortState<K> {
  if (current.column === column) return { column, direction: current.direction === "ascending" ? "descending" : "ascending" };
  return { column, direction: firstDirection };
}
