import type { Health } from "../core/kube/workloads/workloadHealth";
import { compareVersionsNewestFirst, type ModelVersion, type RegisteredModel } from "../core/registry/modelRegistry";
import type { UnregisteredReason } from "../core/registry/servedBy";

/** One registered model, as `aiplat models list -o json` prints it. */
export interface ModelListRow {
  readonly name: string;
  /**
   * The highest version number, null when it has none. latest_versions holds each stage's newest
   * version, so its highest is the model's. The proto says READY only, but the server's
   * SqlRegisteredModel.to_mlflow_entity does not filter by status: a failed registration can be it.
   */
  readonly latestVersion: string | null;
  readonly aliases: Readonly<Record<string, string>>;
  readonly description?: string;
  readonly lastUpdated: string | null;
  /** How many workloads of the cluster serve one of its versions; absent when no cluster was read. */
  readonly servedBy?: number;
}

/** One version, as `aiplat models versions NAME -o json` prints it. */
export interface VersionRow {
  readonly name: string;
  readonly version: string;
  readonly aliases: readonly string[];
  readonly stage: string | null;
  readonly status: string | null;
  readonly runId: string | null;
  readonly source: string | null;
  readonly created: string | null;
  readonly createdBy: string | null;
  readonly tags: Readonly<Record<string, string>>;
}

/** One serving workload, as `aiplat models served -o json` prints it. */
export interface ServedRow {
  readonly kind: "Deployment" | "InferenceService";
  readonly namespace: string;
  readonly name: string;
  readonly health: Health;
  /** The model reference as the workload states it (models:/name/4, models:/name@champion, a storage URI). */
  readonly reference: string | null;
  /** Where the reference was read from (the aiplatform.dev/model annotation, MODEL_URI, the storageUri). */
  readonly via: string | null;
  /** The registered model and version it resolves to; null when it resolves to none. */
  readonly model: string | null;
  readonly version: string | null;
  readonly alias: string | null;
  /** false: the workload names a model or artifact the registry does not have (an audit finding); null: it names none. */
  readonly inRegistry: boolean | null;
  /** What the registry lacks, when inRegistry is false. */
  readonly missing: UnregisteredReason | null;
  /** Whether the version carries the approval; null when there is no version to judge. */
  readonly approved: boolean | null;
}

const iso = (ms: number | undefined): string | null => (ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString());

export function modelListRow(m: RegisteredModel, servedBy?: number): ModelListRow {
  const latest = [...m.latestVersions].sort(compareVersionsNewestFirst)[0];
  return {
    name: m.name,
    latestVersion: latest?.version ?? null,
    aliases: Object.fromEntries(m.aliases.map((a) => [a.alias, a.version])),
    ...(m.description ? { description: m.description } : {}),
    lastUpdated: iso(m.lastUpdatedTimestamp ?? m.creationTimestamp),
    ...(servedBy !== undefined ? { servedBy } : {}),
  };
}

export function versionRow(v: ModelVersion): VersionRow {
  return {
    name: v.name,
    version: v.version,
    aliases: [...v.aliases],
    stage: v.currentStage ?? null,
    status: v.status ?? null,
    runId: v.runId ?? null,
    source: v.source ?? null,
    created: iso(v.creationTimestamp),
    createdBy: v.userId ?? null,
    tags: Object.fromEntries(v.tags.map((t) => [t.key, t.value])),
  };
}

/**
 * Registry text is anyone's: a description may carry escape sequences that clear the screen, set
 * the title, forge a hyperlink, or bidi overrides that reorder what a person reads (Trojan Source).
 * A table shows them as U+FFFD; JSON escapes control characters by itself.
 */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "\uFFFD");
}

/** The first line of a description, cut to fit a table row (descriptions run to 100 KB). */
export function oneLine(text: string | undefined, max = 60): string {
  const all = (text ?? "").trim();
  const chars = [...(all.split(/\r?\n/, 1)[0] ?? "")];
  const more = chars.length > max || chars.length < [...all].length;
  return terminalSafe(more ? `${chars.slice(0, max - 1).join("")}…` : chars.join(""));
}

const when = (isoText: string | null): string => (isoText === null ? "" : `${isoText.slice(0, 16).replace("T", " ")}Z`);

/** East Asian wide and fullwidth characters (and emoji) take two terminal columns (UAX #11). */
const wide = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;

/** Terminal columns a cell takes, so names in any script line up. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const c of text) width += wide.test(c) ? 2 : 1;
  return width;
}

function columns(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => displayWidth(r[i] ?? "")))) ?? [];
  const pad = (cell: string, width: number): string => cell + " ".repeat(Math.max(0, width - displayWidth(cell)));
  return rows.map((r) => r.map((cell, i) => pad(cell, widths[i] ?? 0)).join("   ").trimEnd()).join("\n") + "\n";
}

const aliasText = (aliases: Readonly<Record<string, string>>): string =>
  Object.entries(aliases)
    .map(([a, v]) => `${a}=${v}`)
    .join(", ");

export function modelsTable(rows: readonly ModelListRow[]): string {
  if (rows.length === 0) return "(no registered models)\n";
  const served = rows.some((r) => r.servedBy !== undefined);
  return columns([
    ["NAME", "LATEST", "ALIASES", ...(served ? ["SERVED BY"] : []), "UPDATED", "DESCRIPTION"],
    ...rows.map((r) => [terminalSafe(r.name), r.latestVersion ?? "–", terminalSafe(aliasText(r.aliases)), ...(served ? [String(r.servedBy ?? "")] : []), when(r.lastUpdated), oneLine(r.description)]),
  ]);
}

export function versionsTable(rows: readonly VersionRow[]): string {
  if (rows.length === 0) return "(no versions)\n";
  return columns([
    ["VERSION", "ALIASES", "STAGE", "STATUS", "RUN", "CREATED", "CREATED BY", "SOURCE"],
    ...rows.map((r) => [
      r.version,
      terminalSafe(r.aliases.join(", ")),
      r.stage === null || r.stage === "None" ? "" : terminalSafe(r.stage),
      terminalSafe(r.status ?? ""),
      // The run id's first 8 characters, as MLflow's UI shortens it; -o json has the whole id.
      terminalSafe((r.runId ?? "").slice(0, 8)),
      when(r.created),
      terminalSafe(r.createdBy ?? ""),
      terminalSafe(r.source ?? ""),
    ]),
  ]);
}

const servedModel = (r: ServedRow): string => (r.model === null ? "" : terminalSafe(`${r.model}${r.version !== null ? ` v${r.version}` : ""}${r.alias !== null ? ` (@${r.alias})` : ""}`));

/** What the registry lacks, in the words of its own search. */
export function describeMissing(m: UnregisteredReason): string {
  switch (m.kind) {
    case "no-such-model":
      return `no registered model named ${m.name}`;
    case "no-such-version":
      return `${m.name} has no version ${m.version}`;
    case "no-such-alias":
      return `${m.name} has no alias ${m.alias}`;
    case "no-such-stage":
      return `${m.name} has no version in stage ${m.stage}`;
    case "no-matching-source":
      return "no registered version's source is this artifact";
  }
}

/** Every serving workload, then the ones the registry does not know, said apart: that is the finding. */
export function servedTable(rows: readonly ServedRow[], approvalWords: string): string {
  if (rows.length === 0) return "(no serving workloads)\n";
  const out = columns([
    ["WORKLOAD", "HEALTH", "MODEL", "APPROVED", "REFERENCE"],
    ...rows.map((r) => [
      `${r.namespace}/${r.name}${r.kind === "InferenceService" ? " (isvc)" : ""}`,
      r.health,
      r.inRegistry === false ? "NOT IN REGISTRY" : servedModel(r),
      r.approved === null ? "" : r.approved ? "yes" : "NO",
      terminalSafe(r.reference ?? "(no model reference)"),
    ]),
  ]);
  const missing = rows.filter((r) => r.inRegistry === false);
  const lines = [out.trimEnd(), "", `approved: ${approvalWords}`];
  if (missing.length > 0) {
    lines.push("", `serving, not in the registry (${missing.length}):`);
    for (const r of missing) lines.push(`  ${r.namespace}/${r.name}: ${terminalSafe(r.reference ?? "")}${r.via !== null ? ` (from ${r.via})` : ""}${r.missing ? `: ${terminalSafe(describeMissing(r.missing))}` : ""}`);
  }
  return lines.join("\n") + "\n";
}
