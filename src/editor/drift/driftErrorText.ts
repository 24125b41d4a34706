/**
 * How a drift check's expected failures read in VS Code: the file, row and column where they
 * apply, then what to change (in the manifest's monitoring.drift, since that is where the editor's
 * checks take their data from).
 */
import type { DataError } from "../../core/drift/data/dataset";
import type { DriftHistoryError, DriftHistoryWarning } from "../../core/drift/driftHistory";
import type { DriftCheckError } from "../../core/drift/driftRunner";

const size = (bytes: number): string => (bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : `${Math.max(1, Math.round(bytes / 1024 ** 2))} MB`);

export function describeDataError(e: DataError, shown: (file: string) => string): string {
  switch (e.kind) {
    case "no-match":
      return `${e.spec} matches no file. Paths and globs in monitoring.drift are relative to the manifest's folder.`;
    case "too-large":
      return `${shown(e.file)} is ${size(e.bytes)}, over the ${size(e.limit)} a drift check reads. Add monitoring.drift.sample (rows, seed) to check a sample, or point at a smaller extract.`;
    case "malformed":
      return `${shown(e.file)}, row ${e.row}${e.column !== undefined ? `, column ${e.column}` : ""}: ${e.detail}`;
    case "encoding":
      return `${shown(e.file)} is not UTF-8 text (${e.detail}, at byte ${e.byteOffset}). Save it as UTF-8.`;
    case "unsupported":
      return `${shown(e.file)}: column ${e.column} cannot be compared (${e.detail}). Leave it out of monitoring.drift.features.`;
    case "empty":
      return `${shown(e.file)} has no rows.`;
    case "io":
      return `Cannot read ${shown(e.file)} (${e.detail}).`;
    case "columns-differ":
      return `${shown(e.file)} does not have the columns of ${shown(e.expectedFrom)}${e.missing.length > 0 ? `: missing ${e.missing.join(", ")}` : ""}${e.extra.length > 0 ? `${e.missing.length > 0 ? ";" : ":"} extra ${e.extra.join(", ")}` : ""}. Files matched by one glob must share their columns.`;
    case "unknown-format":
      return `${shown(e.file)}: its format cannot be told from its extension. Name a .csv, .parquet or .jsonl file.`;
    case "mixed-formats":
      return `One glob matched files of different formats (${shown(e.files[0])}, ${shown(e.files[1])}). Narrow it to one format.`;
    case "cancelled":
      return "The drift check was cancelled.";
  }
}

/** A failed check; `worker-failed` is unexpected, so its detail goes to the log and the text says so. */
export function describeDriftCheckError(e: Exclude<DriftCheckError, { kind: "cancelled" }>, shown: (file: string) => string): string {
  switch (e.kind) {
    case "data":
      return `the ${e.side} data: ${describeDataError(e.error, shown)}`;
    case "worker-failed":
      return "the drift worker stopped without a result; the AI Platform log has the details.";
  }
}

export function describeDriftHistoryError(e: DriftHistoryError, shown: (file: string) => string): string {
  switch (e.kind) {
    case "bad-service":
      return `"${e.service}" cannot name a history folder (a DNS-1123 name such as fraud-xgboost).`;
    case "outside-workspace":
      return `${shown(e.folder)} resolves outside the workspace folder (a symbolic link?); drift history is only written inside it.`;
    case "io":
      return `Cannot write ${shown(e.file)} (${e.code ?? e.detail}).`;
  }
}

/** For the log: a history file the dashboard skipped. */
export function describeDriftHistoryWarning(w: DriftHistoryWarning, shown: (file: string) => string): string {
  switch (w.kind) {
    case "unreadable":
      return `Skipped ${shown(w.file)}: cannot read it (${w.detail}).`;
    case "not-json":
      return `Skipped ${shown(w.file)}: not JSON (${w.detail}).`;
    case "not-a-result":
      return `Skipped ${shown(w.file)}: not a drift result (${w.detail}).`;
    case "too-large":
      return `Skipped ${shown(w.file)}: ${size(w.bytes)} is far larger than a drift result.`;
  }
}
