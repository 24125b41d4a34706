import type { DataSource, DriftResult, FeatureDrift } from "../shared/protocol/drift";

/** Four significant digits; tiny p-values keep their exponent (1.2e-12, not 0). */
export function scoreText(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return "–";
  if (x === 0) return "0";
  return Math.abs(x) < 1e-4 ? x.toExponential(1) : String(Number(x.toPrecision(4)));
}

const pct = (x: number): string => (x === 0 ? "0 %" : x < 0.01 ? "<1 %" : `${Math.round(x * 100)} %`);

function source(s: DataSource): string {
  const files = s.files.length > 1 ? ` → ${s.files.length} files` : "";
  const sampled = s.sampledFrom !== null ? `, a sample of ${s.sampledFrom.toLocaleString("en-US")}` : "";
  return `${s.spec}${files} (${s.format}, ${s.rows.toLocaleString("en-US")} rows${sampled})`;
}

/** Drift when the score is below (p-values) or at or above (distances) the threshold. */
const comparison = (f: FeatureDrift): string => (f.direction === "p-value" ? (f.method === "ks" ? "≤" : "<") : "≥");

function row(f: FeatureDrift, role?: string): string[] {
  const newCats = f.quality.newCategories.length > 0 ? `${f.quality.newCategories.slice(0, 3).join(", ")}${f.quality.newCategories.length > 3 ? ", …" : ""} (${pct(f.quality.newCategoryShare)})` : "";
  const missing = Math.max(f.quality.missingShareReference, f.quality.missingShareCurrent);
  return [
    role ? `${f.name} (${role})` : f.name,
    f.type,
    f.method,
    scoreText(f.score),
    `${comparison(f)} ${scoreText(f.threshold)}`,
    f.score === null ? "–" : f.drifted ? "DRIFT" : "no",
    f.psi === null ? "" : scoreText(f.psi),
    missing === 0 ? "" : `${pct(f.quality.missingShareReference)} → ${pct(f.quality.missingShareCurrent)}`,
    newCats,
  ];
}

function columns(rows: readonly string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("   ").trimEnd()).join("\n");
}

/**
 * The result for a terminal: the data compared, the verdict, one line per feature in the data's
 * order (the drift column says which), then what is odd about any of them (no verdict for a
 * column on one side only or all missing; a note beside the verdict for a constant column).
 */
export function driftTable(r: DriftResult): string {
  const out: string[] = [`reference  ${source(r.reference)}`, `current    ${source(r.current)}`];
  if (r.service) out.push(`service    ${r.service}${r.modelVersion ? ` (model ${r.modelVersion})` : ""}`);
  const judged = r.features.filter((f) => f.score !== null).length;
  out.push(
    "",
    `dataset drift: ${r.datasetDrift ? "YES" : "no"}, ${r.driftedFeatures} of ${judged} ${judged === 1 ? "feature" : "features"} drifted (${pct(r.driftShare)}; the dataset drifts at ${pct(r.driftShareThreshold)} or more)`,
    "",
  );
  const prediction = [r.prediction?.target ? row(r.prediction.target, "target") : undefined, r.prediction?.prediction ? row(r.prediction.prediction, "prediction") : undefined].filter((x) => x !== undefined);
  const hasPsi = r.features.some((f) => f.psi !== null);
  const header = ["FEATURE", "TYPE", "METHOD", "SCORE", "DRIFT IF", "DRIFT", "PSI", "MISSING (REF → CUR)", "NEW CATEGORIES"];
  const keep = (cells: string[]): string[] => (hasPsi ? cells : cells.filter((_, i) => i !== 6));
  out.push(r.features.length === 0 ? "(no features: the two sides share no column)" : columns([header, ...r.features.map((f) => row(f)), ...prediction].map(keep)));
  const problems = [...r.features, ...(r.prediction?.target ? [r.prediction.target] : []), ...(r.prediction?.prediction ? [r.prediction.prediction] : [])].filter((f) => f.problem !== null);
  if (problems.length > 0) {
    out.push("", "notes:");
    for (const f of problems) out.push(`  ${f.name}: ${f.score === null ? "no verdict: " : ""}${f.problem?.kind ?? ""}: ${f.problem?.detail ?? ""}`);
  }
  if (r.partial) out.push("", `PARTIAL RESULT: ${r.partial.reason}`);
  for (const w of r.warnings) out.push(`warning: ${w}`);
  return out.join("\n") + "\n";
}
