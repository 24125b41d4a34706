/**
 * Test data for the drift engine and the oracle it is checked against: evidentlyOracle.py, which
 * computes Evidently's default verdict per column with numpy and scipy.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import type { Column, Dataset } from "../../../../src/core/drift/data/dataset";

export { seededRandom as seeded } from "../../../../src/core/seededRandom";

export function normal(random: () => number, mean = 0, sd = 1): number {
  const u = 1 - random();
  const v = random();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function numbers(n: number, draw: (i: number) => number): Column {
  return { kind: "numeric", name: "", values: Float64Array.from({ length: n }, (_, i) => draw(i)) };
}

export function labels(n: number, draw: (i: number) => string | null): Column {
  return { kind: "text", name: "", values: Array.from({ length: n }, (_, i) => draw(i)) };
}

export function dataset(columns: Record<string, Column>, spec = "data.csv"): Dataset {
  const entries = Object.entries(columns).map(([name, c]): [string, Column] => [name, { ...c, name }]);
  const rows = entries.length > 0 ? entries[0]![1].values.length : 0;
  return { columns: new Map(entries), rows, source: { spec, files: [spec], format: "csv", rows, sampledFrom: null }, warnings: [] };
}

export interface OracleVerdict {
  method: string;
  score: number;
  drifted: boolean;
  threshold: number;
  psi: number;
  n_unique: number;
  ks_statistic: number | null;
}

export interface OracleColumn {
  name: string;
  type: "num" | "cat";
  reference: Column;
  current: Column;
  method?: string;
  threshold?: number;
}

function plain(c: Column): (number | string | null)[] {
  if (c.kind === "text") return c.values;
  return Array.from(c.values, (v) => (Number.isNaN(v) ? null : Number.isFinite(v) ? v : v > 0 ? "inf" : "-inf"));
}

export function evidentlyOracle(columns: OracleColumn[]): Record<string, OracleVerdict> {
  const input = JSON.stringify({ columns: columns.map((c) => ({ ...c, reference: plain(c.reference), current: plain(c.current) })) });
  const run = spawnSync("python3", [path.join(__dirname, "evidentlyOracle.py")], { input, encoding: "utf8", maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`evidentlyOracle.py failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, OracleVerdict>;
}

/** |a − b| ≤ 1e-9 · max(|a|, |b|), the tolerance; exact zeros must be exact. */
export function closeTo(a: number, b: number, rel = 1e-9): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));
}
