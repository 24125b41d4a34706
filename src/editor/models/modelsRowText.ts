import { formatDuration } from "../../core/kube/objects/kubeTime";
import type { Health } from "../../core/kube/workloads/workloadHealth";
import { compareVersionsNewestFirst, type ModelVersion, type RegisteredModel, type RegistryFailure, type RegistryNote } from "../../core/registry/modelRegistry";
import { versionKey, type ServingWorkload, type UnregisteredReason } from "../../core/registry/servedBy";
import { CommandId, ViewItem } from "../contributionIds";
import { escapeMarkdown } from "../views/healthIcons";
import type { ModelsCatalog } from "./modelsCatalog";
import type { ModelsNode, ServedByState } from "./modelsTree";
import { describeRegistryFailure, describeRegistryFailureBriefly } from "./registryFailureText";

/** What a row shows, as plain data: the provider turns it into a TreeItem, the tree compares it to fire only rows that changed. */
export interface RowText {
  readonly label: string;
  readonly description?: string;
  /** Markdown; every piece of registry or cluster text in it is escaped. */
  readonly tooltip?: string;
  /** A codicon, or a workload's health (healthIcons.ts colours it). */
  readonly icon?: { readonly codicon: string; readonly color?: string } | { readonly health: Health };
  /** What the row is, for menus' `viewItem` clauses; a group row has none (no actions). */
  readonly contextValue?: string;
  readonly collapsible: "none" | "collapsed" | "expanded";
  readonly command?: { readonly command: string; readonly title: string; readonly args: readonly unknown[] };
  readonly accessibilityLabel?: string;
}

export interface RowData {
  readonly catalog: ModelsCatalog;
  readonly served: ServedByState;
  /** The registry's display URL: failures name it. */
  readonly registryUrl: string;
  /** The MLflow UI: run links start from it when the registry gives none. */
  readonly uiUrl: string;
  readonly notes: readonly RegistryNote[];
  readonly now: number;
}

/** Registry descriptions can be ~100 KB; a tooltip shows the start. */
const maxDescriptionChars = 2000;
const maxTooltipTags = 12;
/** MLflow's lineage tags (mlflow/utils/mlflow_tags.py) and the training-data tag our templates write. */
const gitCommitTag = "mlflow.source.git.commit";
const trainingDataTags = ["training_data", "mlflow.data.source", "dataset"];

/**
 * Registry text in a Markdown tooltip: the shared escaping (links, emphasis, HTML tags) plus the
 * marks it leaves (strikethrough, setext headings, entities), so a description shows as typed.
 */
export function escapeRegistryText(text: string): string {
  return escapeMarkdown(text).replace(/[~=&]/g, (c) => `\\${c}`);
}

/** A link target from registry data: http(s) only, with the characters that end a Markdown link encoded. */
function safeHref(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    if (u.protocol !== "https:" && u.protocol !== "http:") return undefined;
    return u.href.replace(/[()\s<>[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
  } catch {
    return undefined;
  }
}

/**
 * Where a run opens: the registry's run_link when it is a web address, else the MLflow UI's
 * run route (`/runs/:runUuid`, which the UI redirects to the run's experiment).
 */
export function runHref(version: ModelVersion, uiUrl: string): string | undefined {
  return safeHref(version.runLink) ?? (version.runId ? safeHref(`${uiUrl.replace(/\/+$/, "")}/#/runs/${encodeURIComponent(version.runId)}`) : undefined);
}

function aliasChips(aliases: readonly string[]): string | undefined {
  return aliases.length > 0 ? [...aliases].sort().map((a) => `@${a}`).join(" ") : undefined;
}

function servedText(count: number): string | undefined {
  return count > 0 ? `served by ${count}` : undefined;
}

function tag(version: ModelVersion, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const found = version.tags.find((t) => t.key === key);
    if (found) return found.value;
  }
  return undefined;
}

function shortRun(runId: string): string {
  return runId.slice(0, 8);
}

function description(text: string | undefined): string {
  if (!text) return "";
  const cut = text.length > maxDescriptionChars ? `${text.slice(0, maxDescriptionChars)}…` : text;
  return `\n\n---\n\n${escapeRegistryText(cut)}${text.length > maxDescriptionChars ? `\n\n*(${text.length.toLocaleString("en-US")} characters; the rest is in MLflow)*` : ""}`;
}

/** The newest version the registry has told us of: a listed version, else the newest of latest_versions. */
export function latestVersionOf(model: RegisteredModel, listed: readonly ModelVersion[] | undefined): string | undefined {
  const all = [...(listed?.slice(0, 1) ?? []), ...model.latestVersions].sort(compareVersionsNewestFirst);
  return all[0]?.version;
}

function modelRow(node: Extract<ModelsNode, { type: "model" }>, data: RowData): RowText {
  const model = data.catalog.model(node.name);
  const versions = data.catalog.versionsOf(node.name);
  const served = data.served.resolved?.byModel.get(node.name) ?? 0;
  const latest = model ? latestVersionOf(model, versions?.items) : undefined;
  const aliases = model ? [...model.aliases].sort((a, b) => a.alias.localeCompare(b.alias)).map((a) => `@${a.alias} v${a.version}`) : [];
  const md: string[] = [`**${escapeRegistryText(node.name)}**`];
  if (latest) md.push(`Latest version ${escapeRegistryText(latest)}`);
  if (aliases.length > 0) md.push(`Aliases: ${aliases.map(escapeRegistryText).join(", ")}`);
  if (served > 0) md.push(`Served by ${served} ${served === 1 ? "workload" : "workloads"} in this cluster`);
  if (model?.lastUpdatedTimestamp) md.push(`Updated ${formatDuration(data.now - model.lastUpdatedTimestamp)} ago`);
  const aliasNote = data.notes.find((n) => n.feature === "aliases");
  if (aliasNote) md.push(`*${escapeRegistryText(aliasNote.detail)}*`);
  return {
    label: node.name,
    description: [latest ? `v${latest}` : undefined, ...aliases, servedText(served)].filter(Boolean).join(" · "),
    tooltip: md.join("\n\n") + description(model?.description),
    icon: { codicon: "package" },
    contextValue: ViewItem.registeredModel,
    collapsible: "collapsed",
    accessibilityLabel: [node.name, latest ? `latest version ${latest}` : undefined, ...aliases, servedText(served)].filter(Boolean).join(", "),
  };
}

function versionRow(node: Extract<ModelsNode, { type: "version" }>, data: RowData): RowText {
  const version = data.catalog.versionsOf(node.name)?.items.find((v) => v.version === node.version);
  const serving = data.served.resolved?.byVersion.get(versionKey(node.name, node.version)) ?? [];
  const chips = aliasChips(version?.aliases ?? []);
  const stage = version?.currentStage && version.currentStage !== "None" ? version.currentStage : undefined;
  const status = version?.status && version.status !== "READY" ? version.status : undefined;
  const age = version?.creationTimestamp ? formatDuration(data.now - version.creationTimestamp) : undefined;
  const run = version?.runId ? `run ${shortRun(version.runId)}` : undefined;
  const md: string[] = [`**${escapeRegistryText(node.name)}** version ${escapeRegistryText(node.version)}${version?.status ? ` · ${escapeRegistryText(version.status)}` : ""}`];
  if (chips) md.push(`Aliases: ${escapeRegistryText(chips)}`);
  if (stage) md.push(`Stage: ${escapeRegistryText(stage)} (stages are deprecated since MLflow 2.9; shown read-only)`);
  if (version?.statusMessage) md.push(`Status: ${escapeRegistryText(version.statusMessage)}`);
  if (version) {
    const lineage: string[] = [];
    if (version.source) lineage.push(`- Source: ${escapeRegistryText(version.source)}`);
    const href = runHref(version, data.uiUrl);
    if (version.runId) lineage.push(`- Run: ${href ? `[${escapeRegistryText(version.runId)}](${href})` : escapeRegistryText(version.runId)}`);
    const training = tag(version, trainingDataTags);
    if (training) lineage.push(`- Training data: ${escapeRegistryText(training)}`);
    const commit = tag(version, [gitCommitTag]);
    if (commit) lineage.push(`- Git commit: ${escapeRegistryText(commit)}`);
    if (lineage.length > 0) md.push(`**Lineage**\n\n${lineage.join("\n")}`);
    const others = version.tags.filter((t) => t.key !== gitCommitTag && !trainingDataTags.includes(t.key));
    if (others.length > 0) {
      md.push(`**Tags**\n\n${others.slice(0, maxTooltipTags).map((t) => `- ${escapeRegistryText(t.key)} = ${escapeRegistryText(t.value.length > 200 ? `${t.value.slice(0, 200)}…` : t.value)}`).join("\n")}${others.length > maxTooltipTags ? `\n- and ${others.length - maxTooltipTags} more` : ""}`);
    }
    md.push(`Created${age ? ` ${age} ago` : ""}${version.userId ? ` by ${escapeRegistryText(version.userId)}` : ""}`);
  }
  if (serving.length > 0) md.push(`Served by ${serving.map((w) => escapeRegistryText(`${w.namespace}/${w.name}`)).join(", ")}`);
  const failed = version?.status === "FAILED_REGISTRATION";
  return {
    label: `v${node.version}`,
    description: [chips, stage, status, run, age, version?.userId, servedText(serving.length)].filter(Boolean).join(" · "),
    tooltip: md.join("\n\n") + description(version?.description),
    icon: failed
      ? { codicon: "error", color: "problemsErrorIcon.foreground" }
      : serving.length > 0
        ? { codicon: "server-process", color: "testing.iconPassed" }
        : { codicon: version?.aliases.length ? "tag" : "versions" },
    contextValue: ViewItem.modelVersion(serving.length > 0),
    collapsible: serving.length > 0 ? "collapsed" : "none",
    accessibilityLabel: [`${node.name} version ${node.version}`, chips, stage, status, servedText(serving.length)].filter(Boolean).join(", "),
  };
}

const viaText: Readonly<Record<NonNullable<ServingWorkload["via"]>, string>> = {
  annotation: "the aiplatform.dev/model annotation",
  "model-uri": "its MODEL_URI and model-version annotation",
  "storage-uri": "its storageUri, matched against the version's source",
};

function workloadTooltip(w: ServingWorkload, what: string): string {
  return [`**${escapeRegistryText(w.name)}** · ${w.kind} in ${escapeRegistryText(w.namespace)}`, `Health: ${w.health}`, what, w.storageUri ? `storageUri: ${escapeRegistryText(w.storageUri)}` : undefined].filter(Boolean).join("\n\n");
}

function servingRow(w: ServingWorkload, name: string, version: string): RowText {
  return {
    label: w.name,
    description: [w.namespace, w.kind === "InferenceService" ? "KServe" : "Deployment", w.health].join(" · "),
    tooltip: workloadTooltip(w, `Serves ${escapeRegistryText(name)} version ${escapeRegistryText(version)}${w.via ? `, read from ${viaText[w.via]}` : ""}.`),
    icon: { health: w.health },
    contextValue: ViewItem.servingWorkload,
    collapsible: "none",
    accessibilityLabel: `${w.name} in ${w.namespace}, ${w.health}, serves ${name} version ${version}`,
  };
}

/** A workload row: serving a version, or a finding; which one, the resolution says. */
function workloadRow(node: Extract<ModelsNode, { type: "workload" }>, data: RowData): RowText {
  const resolved = data.served.resolved;
  const r = resolved?.byWorkload.get(node.id);
  if (r?.kind === "resolved") {
    const w = resolved?.byVersion.get(versionKey(r.name, r.version))?.find((x) => x.id === node.id);
    if (w) return servingRow(w, r.name, r.version);
  }
  const found = resolved?.unregistered.find((u) => u.workload.id === node.id);
  if (found) return unregisteredRow(found.workload, found.reason);
  return { label: "(gone)", collapsible: "none" };
}

/** Why a workload is a finding, in words. */
export function describeUnregistered(reason: UnregisteredReason): string {
  switch (reason.kind) {
    case "no-such-model":
      return `names model ${reason.name}, which the registry does not have`;
    case "no-such-version":
      return `names ${reason.name} version ${reason.version}, which the registry does not have`;
    case "no-such-alias":
      return `names ${reason.name}@${reason.alias}, an alias no version carries`;
    case "no-such-stage":
      return `names ${reason.name} in stage ${reason.stage}, which no version is in`;
    case "no-matching-source":
      return `loads ${reason.uri}, which no registered version's source matches`;
  }
}

function unregisteredRow(w: ServingWorkload, reason: UnregisteredReason): RowText {
  const why = describeUnregistered(reason);
  return {
    label: w.name,
    description: [w.namespace, why].join(" · "),
    tooltip: workloadTooltip(w, `Serving, not in the registry: it ${escapeRegistryText(why)}. An audit finding: register the model, or point the service at a registered version.`),
    icon: { health: w.health },
    contextValue: ViewItem.unregisteredServing,
    collapsible: "none",
    accessibilityLabel: `${w.name} in ${w.namespace}, ${w.health}, ${why}`,
  };
}

function problemRow(failure: RegistryFailure | undefined, text: string | undefined, data: RowData, what: string): RowText {
  const sentence = text ?? (failure ? describeRegistryFailure(failure, data.registryUrl) : undefined) ?? "Cancelled.";
  return {
    label: `Could not list ${what}`,
    description: failure ? describeRegistryFailureBriefly(failure) : sentence,
    tooltip: `${escapeRegistryText(sentence)}\n\nThe rows above are what the registry answered before; the next refresh asks again.`,
    icon: { codicon: "warning", color: "problemsWarningIcon.foreground" },
    contextValue: ViewItem.registryProblem,
    collapsible: "none",
    accessibilityLabel: `Could not list ${what}: ${sentence}`,
  };
}

export function modelsRowText(node: ModelsNode, data: RowData): RowText {
  switch (node.type) {
    case "model":
      return modelRow(node, data);
    case "version":
      return versionRow(node, data);
    case "workload":
      return workloadRow(node, data);
    case "unregisteredGroup": {
      const count = data.served.resolved?.unregistered.length ?? 0;
      return {
        label: "Serving, not in the registry",
        description: data.served.problem !== undefined && count === 0 ? "not checked" : String(count),
        tooltip: "Workloads in this cluster whose model matches no registered version: each is an audit finding.",
        icon: { codicon: "warning", color: "problemsWarningIcon.foreground" },
        collapsible: "expanded",
      };
    }
    case "loadMoreModels":
      return {
        label: "Load more…",
        description: `${data.catalog.models().length} models shown`,
        icon: { codicon: "ellipsis" },
        contextValue: ViewItem.loadMore,
        collapsible: "none",
        command: { command: CommandId.loadMoreModels, title: "Load more models", args: [node] },
      };
    case "loadMoreVersions":
      return {
        label: "Load more…",
        description: `${data.catalog.versionsOf(node.name)?.items.length ?? 0} versions shown`,
        icon: { codicon: "ellipsis" },
        contextValue: ViewItem.loadMore,
        collapsible: "none",
        command: { command: CommandId.loadMoreModels, title: `Load more versions of ${node.name}`, args: [node] },
      };
    case "problem":
      switch (node.scope) {
        case "models":
          return problemRow(data.catalog.modelsFailure, undefined, data, "models");
        case "versions":
          return problemRow(node.name === undefined ? undefined : data.catalog.versionsOf(node.name)?.failure, undefined, data, `the versions of ${node.name ?? "the model"}`);
        case "servedBy":
          return problemRow(undefined, data.served.problem, data, "what serves each version");
      }
  }
}
