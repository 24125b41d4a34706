import { stringify } from "yaml";
import type { ModelVersion, RunSummary } from "./modelRegistry";

/**
 * Compare with Serving: one read-only YAML text per version, written so a line diff lines up
 * field by field: the same keys in the same order on both sides, and every tag, metric and param
 * either side has, so one that only one version carries shows as `null` on the other.
 */

export interface ComparedSide {
  readonly version: ModelVersion;
  /** The run's metrics and params, or the sentence saying why they are missing. */
  readonly run: RunSummary | { readonly unavailable: string };
  /** Who serves it ("Deployment llm-serving/vllm-llama3-70b"), for the header; empty for the candidate. */
  readonly servedBy: readonly string[];
}

/** A description can be ~100 KB of Markdown; the diff shows its start and says it was cut. */
export const comparedDescriptionLimit = 4000;

function oneLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, " ");
}

function keyed(entries: readonly { readonly key: string; readonly value: string | number }[]): Map<string, string | number> {
  return new Map(entries.map((e) => [e.key, e.value]));
}

/** Every key either side has, sorted, with this side's value or null. */
function aligned(mine: Map<string, string | number>, other: Map<string, string | number>): Record<string, string | number | null> {
  const keys = [...new Set([...mine.keys(), ...other.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.map((k) => [k, mine.get(k) ?? null]));
}

function runOf(side: ComparedSide): RunSummary | undefined {
  return "unavailable" in side.run ? undefined : side.run;
}

function iso(ms: number | undefined): string | null {
  return ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString();
}

export function comparisonText(side: ComparedSide, other: ComparedSide, role: "serving" | "candidate"): string {
  const v = side.version;
  const run = runOf(side);
  const otherRun = runOf(other);
  const description = v.description === undefined ? null : v.description.length > comparedDescriptionLimit ? `${v.description.slice(0, comparedDescriptionLimit)}… (cut: ${v.description.length} characters in all)` : v.description;
  const body = {
    model: v.name,
    version: v.version,
    aliases: [...v.aliases].sort(),
    stage: v.currentStage ?? null,
    status: v.status ?? null,
    created: iso(v.creationTimestamp),
    createdBy: v.userId ?? null,
    source: v.source ?? null,
    runId: v.runId ?? null,
    runLink: v.runLink ?? null,
    tags: aligned(keyed(v.tags), keyed(other.version.tags)),
    metrics: run || otherRun ? aligned(keyed(run?.metrics ?? []), keyed(otherRun?.metrics ?? [])) : {},
    params: run || otherRun ? aligned(keyed(run?.params ?? []), keyed(otherRun?.params ?? [])) : {},
    description,
  };
  const header = [
    `# ${oneLine(v.name)} version ${oneLine(v.version)}: ${role === "serving" ? "what serves now" : "this version"} (read-only)`,
    ...side.servedBy.map((w) => `# served by ${oneLine(w)}`),
    ...("unavailable" in side.run ? [`# metrics and params: ${oneLine(side.run.unavailable)}`] : []),
  ];
  return `${header.join("\n")}\n${stringify(body, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}
