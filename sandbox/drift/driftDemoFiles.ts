/**
 * Writes the drift demo into a workspace folder: the fraud model's aiplatform.yaml with
 * `monitoring.drift`, and its reference and current windows as CSV and Parquet. `npm start` and
 * the UI test call it on the folder code-server opens, so Run Drift Check and the drift dashboard
 * have a service with data on first use.
 */
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { driftDemoFeatures, driftDemoPrediction, driftDemoService, driftDemoTarget, generateDriftDemo, type DemoColumn, type DriftDemoSide } from "./driftDemo";

export interface DriftDemoFiles {
  /** The service's folder, holding aiplatform.yaml and data/. */
  readonly dir: string;
  readonly manifest: string;
  /** "namespace/name", as the drift dashboard and history name the service. */
  readonly service: string;
  readonly reference: { readonly csv: string; readonly parquet: string };
  readonly current: { readonly csv: string; readonly parquet: string };
}

/** The manifest checks the Parquet reference against the CSV current window; both formats of each are written. */
export function driftDemoManifest(): string {
  return `# The drift demo (sandbox/drift/driftDemo.ts): the fraud model served by KServe in the demo
# cluster, with the data it was validated on (reference) and last week's traffic (current).
# Run "AI Platform: Run Drift Check" or: aiplat drift --manifest aiplatform.yaml
apiVersion: aiplatform.dev/v1
kind: InferenceServiceManifest
name: ${driftDemoService.name}
description: Card fraud scoring (XGBoost) served by KServe
owner: team-tabular
runtime: kserve
modelFormat: xgboost
model:
  storageUri: https://aiplatformmodels.blob.core.windows.net/models/fraud-xgboost/${driftDemoService.modelVersion}
  version: "${driftDemoService.modelVersion}"
resources:
  cpu: 500m
  memory: 1Gi
slo:
  p95LatencyMs: 150
  errorRate: 0.01
environments:
  prod:
    context: sandbox
    namespace: ${driftDemoService.namespace}
    production: true
monitoring:
  drift:
    reference: data/reference.parquet
    current: data/current.csv
    target: ${driftDemoTarget}
    prediction: ${driftDemoPrediction}
    features:
${driftDemoFeatures.map((name) => `      - name: ${name}${name === "transaction_hour" ? "\n        type: numerical" : ""}`).join("\n")}
`;
}

/** RFC 4180 CSV: a header, one row per line, empty fields for missing values; numbers as JavaScript prints them, so they read back exactly. */
export function driftDemoCsv(data: DriftDemoSide): string {
  const quote = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const cell = (c: DemoColumn, i: number): string => {
    if (c.kind === "text") return c.values[i] === null || c.values[i] === undefined ? "" : quote(c.values[i]);
    const v = c.values[i] ?? Number.NaN;
    return Number.isNaN(v) ? "" : String(v);
  };
  const lines = [data.columns.map((c) => quote(c.name)).join(",")];
  for (let i = 0; i < data.rows; i++) lines.push(data.columns.map((c) => cell(c, i)).join(","));
  return `${lines.join("\n")}\n`;
}

/** Parquet with the types a pandas export would have: INT32 counts and flags, DOUBLE measures, UTF-8 strings; missing values are nulls. */
export async function driftDemoParquet(data: DriftDemoSide): Promise<Uint8Array> {
  // hyparquet-writer is an ES module.
  const { parquetWriteBuffer } = await import("hyparquet-writer");
  const columnData = data.columns.map((c) =>
    c.kind === "text"
      ? { name: c.name, data: [...c.values], type: "STRING" as const }
      : { name: c.name, data: Array.from(c.values, (v) => (Number.isNaN(v) ? null : v)), type: c.integer ? ("INT32" as const) : ("DOUBLE" as const) },
  );
  return new Uint8Array(parquetWriteBuffer({ columnData, createdBy: "aiplatform sandbox drift demo" }));
}

/**
 * Writes the demo under `dir` (created if needed; existing demo files are overwritten, nothing
 * else is touched). The same seed writes byte-identical files.
 */
export async function writeDriftDemo(dir: string, opts: { readonly seed?: number; readonly rows?: number } = {}): Promise<DriftDemoFiles> {
  const { reference, current } = generateDriftDemo(opts);
  const data = path.join(dir, "data");
  await mkdir(data, { recursive: true });
  const files: DriftDemoFiles = {
    dir,
    manifest: path.join(dir, "aiplatform.yaml"),
    service: `${driftDemoService.namespace}/${driftDemoService.name}`,
    reference: { csv: path.join(data, "reference.csv"), parquet: path.join(data, "reference.parquet") },
    current: { csv: path.join(data, "current.csv"), parquet: path.join(data, "current.parquet") },
  };
  await Promise.all([
    writeFile(files.manifest, driftDemoManifest()),
    writeFile(files.reference.csv, driftDemoCsv(reference)),
    writeFile(files.current.csv, driftDemoCsv(current)),
    driftDemoParquet(reference).then((bytes) => writeFile(files.reference.parquet, bytes)),
    driftDemoParquet(current).then((bytes) => writeFile(files.current.parquet, bytes)),
  ]);
  return files;
}
