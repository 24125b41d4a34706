/**
 * Every feature's verdict, most severe first (drifted, then furthest past the threshold), sortable
 * by any column and filtered by text and "drifted only". A feature's name chooses it for the
 * charts below; it is a button, so the keyboard reaches it with Tab.
 */
import { useMemo } from "react";
import VscodeCheckbox from "@vscode-elements/react-elements/dist/components/VscodeCheckbox.js";
import VscodeTextfield from "@vscode-elements/react-elements/dist/components/VscodeTextfield.js";
import { SortableTable, type TableColumn } from "../common/SortableTable";
import { formatScore, formatShare, methodLabel, thresholdText } from "./driftFormat";
import { type FeatureFilter, type FeatureRow, filterRows } from "./featureRows";

type Column = "name" | "type" | "method" | "score" | "threshold" | "drifted" | "psi" | "missing" | "newCategories";

export interface FeatureTableProps {
  /** Most severe first. */
  readonly rows: readonly FeatureRow[];
  readonly selected: string | undefined;
  readonly onSelect: (key: string) => void;
  readonly filter: FeatureFilter;
  readonly onFilter: (filter: FeatureFilter) => void;
}

function verdict(r: FeatureRow): string {
  const f = r.feature;
  if (f.problem && f.score === null) return "No verdict";
  return f.drifted ? "Drifted" : "No";
}

function columns(rank: ReadonlyMap<string, number>, selected: string | undefined, onSelect: (key: string) => void, withPsi: boolean): TableColumn<FeatureRow, Column>[] {
  const list: (TableColumn<FeatureRow, Column> | false)[] = [
    {
      key: "name",
      header: "Feature",
      sortValue: (r) => r.feature.name,
      render: (r) => (
        <button
          type="button"
          className="link-button feature-name"
          aria-pressed={r.key === selected}
          onClick={() => onSelect(r.key)}
          title={`Show the histograms and history of ${r.feature.name}`}
          data-testid="select-feature"
        >
          {r.feature.name}
          {r.role !== "feature" && <span className="feature-role"> ({r.role})</span>}
        </button>
      ),
      cellValue: (r) => r.feature.name,
    },
    {
      key: "drifted",
      header: "Drifted",
      description: "Sorted by severity: drifted first, then by how far past its threshold the score is",
      sortValue: (r) => -(rank.get(r.key) ?? 0),
      firstDirection: "descending",
      orderText: { descending: "most severe first", ascending: "least severe first" },
      render: (r) => (
        <span className={`verdict verdict-${verdict(r) === "Drifted" ? "drifted" : verdict(r) === "No" ? "ok" : "none"}`} title={r.feature.problem?.detail}>
          <span className={`codicon codicon-${verdict(r) === "Drifted" ? "warning" : verdict(r) === "No" ? "pass" : "circle-slash"}`} aria-hidden="true" /> {verdict(r)}
        </span>
      ),
      cellValue: (r) => String(r.feature.drifted),
    },
    {
      key: "type",
      header: "Type",
      description: "Inferred from the data, or as the manifest says",
      sortValue: (r) => r.feature.type,
      render: (r) => `${r.feature.type}${r.feature.typeOrigin === "manifest" ? " (manifest)" : ""}`,
      cellValue: (r) => r.feature.type,
    },
    {
      key: "method",
      header: "Method",
      description: "Evidently's default for the type, reference size and unique values, or as the manifest says",
      sortValue: (r) => methodLabel[r.feature.method],
      render: (r) => `${methodLabel[r.feature.method]}${r.feature.methodOrigin === "manifest" ? " (manifest)" : ""}`,
      cellValue: (r) => r.feature.method,
    },
    {
      key: "score",
      header: "Score",
      description: "A p-value (lower means drift) or a distance (higher means drift), as the method gives",
      numeric: true,
      sortValue: (r) => r.feature.score,
      render: (r) => formatScore(r.feature.score),
      cellValue: (r) => String(r.feature.score),
    },
    {
      key: "threshold",
      header: "Drift when",
      description: "The threshold the score is judged by",
      numeric: true,
      sortValue: (r) => r.feature.threshold,
      render: (r) => thresholdText(r.feature),
      cellValue: (r) => String(r.feature.threshold),
    },
    withPsi && {
      key: "psi",
      header: "PSI",
      description: "Population stability index on Evidently's bins; 0.1 and above is a shift",
      numeric: true,
      sortValue: (r) => r.feature.psi,
      render: (r) => formatScore(r.feature.psi),
      cellValue: (r) => String(r.feature.psi),
    },
    {
      key: "missing",
      header: "Missing",
      description: "Share of current rows without a value (reference in the tooltip)",
      numeric: true,
      sortValue: (r) => r.feature.quality.missingShareCurrent,
      render: (r) => <span title={`Reference: ${formatShare(r.feature.quality.missingShareReference)}`}>{formatShare(r.feature.quality.missingShareCurrent)}</span>,
      cellValue: (r) => String(r.feature.quality.missingShareCurrent),
    },
    {
      key: "newCategories",
      header: "New categories",
      description: "Categories in current that the reference never had, and the share of current rows carrying them",
      numeric: true,
      sortValue: (r) => r.feature.quality.newCategories.length,
      render: (r) => {
        const q = r.feature.quality;
        if (q.newCategories.length === 0) return r.feature.type === "categorical" ? "0" : "—";
        return <span title={q.newCategories.join(", ")}>{`${q.newCategories.length}${q.newCategories.length >= 50 ? "+" : ""} (${formatShare(q.newCategoryShare)} of rows)`}</span>;
      },
      cellValue: (r) => r.feature.quality.newCategories.join("\n"),
    },
  ];
  return list.filter((c): c is TableColumn<FeatureRow, Column> => c !== false);
}

export function FeatureTable({ rows, selected, onSelect, filter, onFilter }: FeatureTableProps): React.JSX.Element {
  const rank = useMemo(() => new Map(rows.map((r, i) => [r.key, i])), [rows]);
  const withPsi = rows.some((r) => r.feature.psi !== null);
  const cols = useMemo(() => columns(rank, selected, onSelect, withPsi), [rank, selected, onSelect, withPsi]);
  const shown = useMemo(() => filterRows(rows, filter), [rows, filter]);
  return (
    <section className="panel panel-wide" data-testid="panel-features" aria-labelledby="panel-features-title">
      <header className="panel-header">
        <h2 id="panel-features-title">Features</h2>
        <div className="feature-filter">
          <VscodeTextfield
            placeholder="Filter by name, type or method"
            aria-label="Filter features by name, type or method"
            value={filter.text}
            data-testid="feature-filter"
            onInput={(e) => onFilter({ ...filter, text: (e.currentTarget as unknown as { value: string }).value })}
          />
          <VscodeCheckbox
            checked={filter.driftedOnly}
            data-testid="drifted-only"
            onChange={(e) => onFilter({ ...filter, driftedOnly: (e.currentTarget as unknown as { checked: boolean }).checked })}
          >
            Drifted only
          </VscodeCheckbox>
        </div>
      </header>
      {shown.length === 0 ? (
        <p className="panel-status" role="status" data-testid="panel-features-status">
          {rows.length === 0 ? "The check compared no features." : `No feature matches the filter (${rows.length} in all).`}
        </p>
      ) : (
        <SortableTable
          id="drift-features"
          testId="drift-features-table"
          caption={`${shown.length === rows.length ? `${rows.length}` : `${shown.length} of ${rows.length}`} features; column headers sort; a name shows its charts`}
          columns={cols}
          rows={shown}
          rowKey={(r) => r.key}
          rowTestId="drift-feature-row"
          rowAttributes={(r) => ({ "data-name": r.feature.name, "data-role": r.role, "data-drifted": String(r.feature.drifted), "data-method": r.feature.method })}
          rowClassName={(r) => [r.feature.drifted ? "row-drifted" : "", r.key === selected ? "row-selected" : ""].filter(Boolean).join(" ") || undefined}
          initialSort={{ column: "drifted", direction: "descending" }}
        />
      )}
    </section>
  );
}
