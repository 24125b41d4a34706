/**
 * The verdict at a glance: k of n features drifted, dataset drift yes or no against the share
 * threshold, the model version, when the check ran, and on what data.
 */
import type { DataSource, DriftResult } from "../../src/shared/protocol/drift";
import { formatTime } from "../common/valueFormat";
import { formatCount, formatShare } from "./driftFormat";
import type { FeatureRow } from "./featureRows";

function sourceText(s: DataSource): string {
  const rows = `${formatCount(s.rows)} rows`;
  const sampled = s.sampledFrom !== null ? ` sampled from ${formatCount(s.sampledFrom)}` : "";
  const files = s.files.length === 1 ? s.files[0]! : `${formatCount(s.files.length)} files`;
  return `${s.spec} (${s.format}, ${files}): ${rows}${sampled}`;
}

export function DriftSummary({ result, rows }: { readonly result: DriftResult; readonly rows: readonly FeatureRow[] }): React.JSX.Element {
  const drifted = rows.filter((r) => r.role === "feature" && r.feature.drifted).map((r) => r.feature.name);
  const predictionDrifted = rows.filter((r) => r.role !== "feature" && r.feature.drifted);
  return (
    <section className="drift-summary" data-testid="drift-summary" aria-label="Drift summary">
      <div className={`tile ${result.driftedFeatures > 0 ? "tile-drifted" : "tile-ok"}`} data-testid="drift-count" data-drifted={result.driftedFeatures} data-total={result.features.length}>
        <span className="tile-label">Drifted features</span>
        <span className="tile-value">
          {result.driftedFeatures} of {result.features.length}
        </span>
        <span className="tile-note">{formatShare(result.driftShare)} of the features</span>
      </div>
      <div className={`tile ${result.datasetDrift ? "tile-drifted" : "tile-ok"}`} data-testid="dataset-drift" data-value={String(result.datasetDrift)}>
        <span className="tile-label">Dataset drift</span>
        <span className="tile-value">{result.datasetDrift ? "Yes" : "No"}</span>
        <span className="tile-note">
          drifts when ≥ {formatShare(result.driftShareThreshold)} of the features do
        </span>
      </div>
      <div className="tile" data-testid="model-version">
        <span className="tile-label">Model version</span>
        <span className="tile-value tile-text">{result.modelVersion ?? "unknown"}</span>
        <span className="tile-note">
          checked {formatTime(Date.parse(result.checkedAt) / 1000)} in {formatCount(Math.round(result.computeMs))} ms
        </span>
      </div>
      <div className="drift-facts">
        <p data-testid="drifted-features" data-names={drifted.join("\n")}>
          {drifted.length === 0 ? "No feature drifted." : `Drifted: ${drifted.join(", ")}.`}
          {predictionDrifted.length > 0 && ` The ${predictionDrifted.map((r) => `${r.role} (${r.feature.name})`).join(" and ")} drifted too.`}
        </p>
        <p className="dashboard-subtitle" data-testid="drift-reference">
          Reference: {sourceText(result.reference)}
        </p>
        <p className="dashboard-subtitle" data-testid="drift-current">
          Current: {sourceText(result.current)}
        </p>
        {result.warnings.length > 0 && (
          <details className="panel-info" data-testid="drift-warnings">
            <summary>
              {result.warnings.length} {result.warnings.length === 1 ? "warning" : "warnings"}
            </summary>
            <ul>
              {result.warnings.map((w, i) => (
                // Warnings may repeat word for word (one per file), so the position is part of the key.
                <li key={`${i}:${w}`}>{w}</li>
              ))}
            </ul>
          </details>
        )}
      </div>
    </section>
  );
}
