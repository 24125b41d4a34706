import * as vscode from "vscode";
import { resolveActor } from "../../core/audit/auditActor";
import { appendAuditRecord } from "../../core/audit/auditLog";
import type { Actor } from "../../core/audit/auditRecord";
import { aliasAuditEntry } from "../../core/registry/aliasAuditEntry";
import { checkModelAliasName, type ModelAliasProblem } from "../../core/registry/modelAliasName";
import type { RegistryFailure } from "../../core/registry/modelRegistry";
import type { AuditTrail } from "../auditTrail";
import type { ClusterConnection } from "../clusterConnection";
import { showUserMessage } from "../commands/commandRunner";
import { explainAuditWriteFailure } from "../explain";
import { withAbortSignal } from "../lifecycle";
import type { ModelsFeature } from "./modelsFeature";
import { showRegistryFailure, type VersionTarget } from "./modelVersionPick";
import { describeRegistryFailure } from "./registryFailureText";

/**
 * Set Alias…: points an alias (champion, challenger…) at a version, the way a team promotes one.
 * Whatever loads models:/<name>@<alias> picks up the new version at its next load, so the move is
 * confirmed first, refused in Restricted Mode (CommandChanges: "registry") and written to the audit
 * log like every change the extension makes.
 */

export interface SetAliasDeps {
  readonly models: ModelsFeature;
  readonly connection: ClusterConnection;
  readonly trail: AuditTrail;
  readonly log: vscode.LogOutputChannel;
}

/** The aliases every team reaches for; offered even before the model has them. */
export const commonAliases = ["champion", "challenger"] as const;

type AliasItem = vscode.QuickPickItem & { readonly alias: string | undefined };

export function describeAliasProblem(p: ModelAliasProblem): string {
  switch (p.kind) {
    case "empty":
      return "Type an alias, e.g. champion.";
    case "bad-characters":
      return "Letters, digits, underscores (_) and dashes (-) only, as MLflow requires.";
    case "too-long":
      return `At most ${p.max} characters (this one has ${p.length}).`;
    case "reserved-latest":
      return "'latest' is reserved by MLflow: models:/<name>/latest already means the newest version.";
    case "reserved-version":
      return `'${p.alias}' is reserved by MLflow: it reads as a version number.`;
  }
}

async function chooseAlias(t: VersionTarget, current: ReadonlyMap<string, string>): Promise<string | undefined> {
  const names = [...new Set([...current.keys(), ...commonAliases])];
  const items: AliasItem[] = names.map((alias) => {
    const holder = current.get(alias);
    return {
      label: alias,
      description: holder === undefined ? "not set" : holder === t.version.version ? `already on version ${holder}` : `now on version ${holder}`,
      alias,
    };
  });
  items.push({ label: "$(edit) Another alias…", alias: undefined, alwaysShow: true });
  const chosen = await vscode.window.showQuickPick(items, { title: `Set an alias on ${t.model} version ${t.version.version}`, placeHolder: "Which alias?", matchOnDescription: true });
  if (!chosen) return undefined;
  if (chosen.alias !== undefined) return chosen.alias;
  const typed = await vscode.window.showInputBox({
    title: `Set an alias on ${t.model} version ${t.version.version}`,
    prompt: "The alias (MLflow's rules: letters, digits, _ and -; not 'latest' or v<number>)",
    validateInput: (value) => {
      const problem = checkModelAliasName(value.trim());
      return problem ? describeAliasProblem(problem) : undefined;
    },
    ignoreFocusOut: true,
  });
  return typed?.trim() || undefined;
}

async function actorFor(deps: SetAliasDeps, cwd: string): Promise<{ actor: Actor; context: string }> {
  const state = deps.connection.state;
  if (state.kind !== "none") return { actor: await deps.trail.actor(state.context), context: state.context.name };
  // No cluster in play: the registry change is still someone's; the kube user is said to be absent.
  return { actor: await resolveActor({ kubeUser: "(no kube context)", cwd }), context: "(none)" };
}

export async function setModelAlias(deps: SetAliasDeps, t: VersionTarget): Promise<boolean> {
  if (t.registry.notes().some((n) => n.feature === "aliases")) {
    void vscode.window.showWarningMessage(`${t.registry.displayUrl} has no model aliases (Azure ML's registry lacks them); use a tag or a stage there instead.`);
    return false;
  }
  const model = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Reading ${t.model}'s aliases` }, () => t.registry.getRegisteredModel(t.model));
  if (!model.ok) {
    showRegistryFailure(`Could not read the aliases of ${t.model}`, t, model.failure);
    return false;
  }
  const current = new Map(model.value.aliases.map((a) => [a.alias, a.version]));
  const alias = await chooseAlias(t, current);
  if (!alias) return false;
  const before = current.get(alias);
  const to = t.version.version;
  if (before === to) {
    void vscode.window.showInformationMessage(`${alias} already points at ${t.model} version ${to}.`);
    return false;
  }
  const question = before === undefined ? `Set ${alias} on ${t.model} version ${to}?` : `Move ${alias} from v${before} to v${to}?`;
  const button = before === undefined ? "Set Alias" : "Move Alias";
  const confirm = await vscode.window.showWarningMessage(
    question,
    {
      modal: true,
      detail: [
        `${t.model} on ${t.registry.displayUrl}. Whatever loads models:/${t.model}@${alias} gets version ${to} the next time it loads the model.`,
        alias === "champion" ? "Production deploys count champion as the approval (model-approved) unless the manifest says otherwise." : undefined,
        "The change is recorded in the audit log.",
      ]
        .filter(Boolean)
        .join(" "),
    },
    button,
  );
  if (confirm !== button) return false;
  const reason = await vscode.window.showInputBox({ title: question, prompt: "Why? Recorded in the audit log (optional)", placeHolder: "e.g. v4 beat v3 on the October evaluation set", ignoreFocusOut: true });
  if (reason === undefined) return false;

  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Setting ${alias} on ${t.model} version ${to}`, cancellable: true }, (_p, token) =>
    withAbortSignal(token, (signal) => t.registry.setAlias(t.model, alias, to, signal)),
  );
  const cancelled = !result.ok && result.failure.kind === "aborted";
  await audit(deps, t, { alias, before, to, reason: reason.trim(), outcome: result.ok ? "succeeded" : cancelled ? "cancelled" : "failed", ...(result.ok ? {} : { failure: result.failure }) });
  if (!result.ok) {
    if (!cancelled) showRegistryFailure(`${alias} was not moved`, t, result.failure);
    return false;
  }
  void vscode.window.showInformationMessage(`${alias} now points at ${t.model} version ${to}${before === undefined ? "" : ` (was ${before})`}.`);
  await deps.models.refresh();
  return true;
}

interface AliasAttempt {
  readonly alias: string;
  readonly before: string | undefined;
  readonly to: string;
  readonly reason: string;
  readonly outcome: "succeeded" | "failed" | "cancelled";
  readonly failure?: RegistryFailure;
}

/** One hash-chained record per attempt, in the same log as cluster changes. */
async function audit(deps: SetAliasDeps, t: VersionTarget, change: AliasAttempt): Promise<void> {
  const file = deps.trail.file;
  const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
  const { actor, context } = await actorFor(deps, cwd);
  const entry = aliasAuditEntry({
    actor,
    registryUrl: t.registry.displayUrl,
    context: t.context || context,
    model: t.model,
    alias: change.alias,
    before: change.before,
    after: change.to,
    reason: change.reason,
    outcome: change.outcome,
    // A cancelled request may still have reached the registry: the record says so rather than "nothing happened".
    detail: change.outcome === "cancelled" ? "cancelled while waiting for the registry; it may have moved the alias anyway" : change.failure ? describeRegistryFailure(change.failure, t.registry.displayUrl) : undefined,
  });
  const appended = await appendAuditRecord(file, entry);
  if (appended.ok) {
    deps.log.info(`Audit: set-alias ${t.model}@${change.alias} ${change.before ?? "(unset)"} → ${change.to} ${change.outcome} (record ${appended.record.seq} in ${file}).`);
    for (const note of appended.notes) deps.log.warn(`Audit: ${note}`);
  } else {
    deps.log.error(`Audit: could not write ${file}: ${appended.error}`);
    void showUserMessage(explainAuditWriteFailure(appended.error));
  }
}
