import type { DataError } from "../core/drift/data/dataset";
import type { DriftCheckError } from "../core/drift/driftRunner";
import type { DriftHistoryError } from "../core/drift/driftHistory";

const mb = (bytes: number): string => (bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : `${Math.max(1, Math.round(bytes / 1024 ** 2))} MB`);

/** A DataError for a terminal: the file, row and column where they apply, then what to do. */
export function describeDataErrorForTerminal(e: DataError): string {
  switch (e.kind) {
    case "no-match":
      return `${e.spec} matches no file; check the path or glob (relative to the manifest's folder when it comes from monitoring.drift)`;
    case "too-large":
      return `${e.file}: the data is ${mb(e.bytes)}, over the ${mb(e.limit)} a drift check reads; check an extract of it (e.g. the last day's rows)`;
    case "malformed":
      return `${e.file}: row ${e.row}${e.column !== undefined ? `, column ${e.column}` : ""}: ${e.detail}`;
    case "encoding":
      return `${e.file} is not UTF-8 text (${e.detail}, at byte ${e.byteOffset}); save it as UTF-8`;
    case "unsupported":
      return `${e.file}: column ${e.column} cannot be compared (${e.detail}); leave it out with --features or in monitoring.drift.features`;
    case "empty":
      return `${e.file} has no rows`;
    case "io":
      return `cannot read ${e.file} (${e.detail})`;
    case "columns-differ":
      return `${e.file} does not have the columns of ${e.expectedFrom}${e.missing.length > 0 ? `: missing ${e.missing.join(", ")}` : ""}${e.extra.length > 0 ? `${e.missing.length > 0 ? ";" : ":"} extra ${e.extra.join(", ")}` : ""}; files matched by one glob must share their columns`;
    case "unknown-format":
      return `${e.file}: cannot tell its format from its extension; name a .csv, .parquet or .jsonl file`;
    case "mixed-formats":
      return `${e.files[0]} and ${e.files[1]} are of different formats; one glob names files of one format`;
    case "cancelled":
      return "interrupted; no drift was computed";
  }
}

/** Why a check gave no result, for a terminal. */
export function describeDriftCheckErrorForTerminal(e: DriftCheckError): string {
  switch (e.kind) {
    case "data":
      return `${e.side} data: ${describeDataErrorForTerminal(e.error)}`;
    case "cancelled":
      return "interrupted; no drift was computed";
    case "worker-failed":
      return `the drift check stopped unexpectedly: ${e.detail.split("\n")[0] ?? e.detail} (AIPLAT_DEBUG=1 shows the whole account)`;
  }
}

export function describeDriftHistoryErrorForTerminal(e: DriftHistoryError): string {
  switch (e.kind) {
    case "bad-service":
      return `--service ${e.service}: not a service name (a DNS-1123 name such as fraud-xgboost, or namespace/name)`;
    case "outside-workspace":
      return `${e.folder} resolves outside ${e.workspace} (a symbolic link?); the drift history is only written inside the folder aiplat runs in`;
    case "io":
      return `cannot write ${e.file} (${e.code ?? e.detail})`;
  }
}
