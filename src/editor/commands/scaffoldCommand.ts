import { existsSync } from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { resolveActor } from "../../core/audit/auditActor";
import { computeClusterCapacity, type GpuPoolCapacity } from "../../core/policy/clusterCapacity";
import { scaffoldService } from "../../core/scaffold/scaffoldService";
import { listTemplates, loadTemplate, type LoadedTemplate } from "../../core/scaffold/templateCatalog";
import type { AuditTrail } from "../auditTrail";
import type { ClusterConnection } from "../clusterConnection";
import { CommandId } from "../contributionIds";
import { explainFailure, explainScaffoldError } from "../explain";
import { showUserMessage, type CommandRunner } from "./commandRunner";
import { computeChoices, type FreeGpus } from "../wizard/computeChoices";
import { runScaffoldWizard } from "../wizard/scaffoldWizard";
import { answersToSet, type WizardTemplate } from "../wizard/wizardAnswers";

export interface ScaffoldOutcome {
  readonly dir: string;
  readonly files: readonly string[];
  /** Prompts the person answered: the ship bench's wizardPrompts. */
  readonly prompts: number;
}

/** New Inference Service…: the wizard, then the same scaffold `aiplat scaffold` runs. */
export function registerScaffoldCommand(runner: CommandRunner, connection: ClusterConnection, templatesDir: string, log: vscode.LogOutputChannel, trail: AuditTrail): vscode.Disposable[] {
  return [
    runner.register(CommandId.scaffoldService, async (): Promise<ScaffoldOutcome | undefined> => {
      const templates = await wizardTemplates(templatesDir);
      if (!templates.ok) {
        log.error(`Templates unreadable: ${templates.error}`);
        void showUserMessage(explainFailure(`The service templates could not be read: ${templates.error}`));
        return undefined;
      }
      const free = freeGpus(connection);
      const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri).filter((u) => u.scheme === "file");
      const wizard = await runScaffoldWizard({ templates: templates.value, computeChoices: (t) => computeChoices(t, free), folders, exists: (dir) => existsSync(dir) });
      if (!wizard) return undefined;
      const { answers, prompts } = wizard;
      if (!answers.template || !answers.parentDir) return undefined;
      const outDir = path.join(answers.parentDir, answers.name);
      // The scaffold goes into the audit log: delivery metrics time a newcomer's lead time from it.
      const state = connection.state;
      const actor = state.kind === "none" ? await resolveActor({ kubeUser: "(no kube context)", cwd: answers.parentDir }) : await trail.actor(state.context);
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Creating ${answers.name}` }, () =>
        scaffoldService({ templatesDir, templateId: answers.template!.id, name: answers.name, outDir, set: answersToSet(answers), audit: { file: trail.file, actor } }),
      );
      if (!result.ok) {
        const message = explainScaffoldError(result.error);
        log.error(`Scaffold ${answers.name}: ${message.text}`);
        void showUserMessage(message);
        return undefined;
      }
      if (result.audit && !result.audit.ok) log.warn(`The scaffold of ${answers.name} was not recorded in the audit log: ${result.audit.error}`);
      log.info(`Scaffolded ${answers.template.id} service ${answers.name} in ${result.dir}: ${result.files.join(", ")}.`);
      const manifestUri = vscode.Uri.file(path.join(result.dir, "aiplatform.yaml"));
      await vscode.window.showTextDocument(manifestUri, { preview: false });
      void vscode.window.showInformationMessage(`Created ${answers.name} (${result.files.length} files). Deploy it to the first environment when ready: the Deploy lens is above each environment.`, "Deploy…").then((c) => {
        if (c) void vscode.commands.executeCommand(CommandId.deployService, manifestUri);
      });
      return { dir: result.dir, files: result.files, prompts };
    }),
  ];
}

/** The templates as the wizard offers them: what each defaults to decides the model and compute steps. */
async function wizardTemplates(templatesDir: string): Promise<{ ok: true; value: WizardTemplate[] } | { ok: false; error: string }> {
  const listed = await listTemplates(templatesDir);
  if (!listed.ok) return { ok: false, error: explainScaffoldError(listed.error).text };
  const value: WizardTemplate[] = [];
  for (const summary of listed.value) {
    const loaded = await loadTemplate(templatesDir, summary.id);
    if (!loaded.ok) return { ok: false, error: explainScaffoldError(loaded.error).text };
    value.push(toWizardTemplate(loaded.value));
  }
  return { ok: true, value };
}

function toWizardTemplate(t: LoadedTemplate): WizardTemplate {
  const d = t.defaults as { runtime?: string; model?: { storageUri?: string; registry?: string; version?: string }; resources?: { gpu?: unknown } };
  const model = d.model?.storageUri ?? (d.model?.registry ? `${d.model.registry}@${d.model.version ?? ""}` : "");
  return {
    id: t.id,
    title: t.title,
    description: t.description,
    detail: t.detail.length > 160 ? `${t.detail.slice(0, 157)}…` : t.detail,
    defaultModel: model,
    // vLLM serves on CUDA only; the others run on CPU too.
    cpuCapable: d.runtime !== "vllm",
    gpuRequired: d.resources?.gpu !== undefined,
  };
}

/** Free GPUs per product and MIG profile on ready, schedulable nodes of the connected cluster. */
function freeGpus(connection: ClusterConnection): FreeGpus | undefined {
  const cache = connection.current;
  if (!cache || cache.state.kind !== "synced") return undefined;
  const { pools } = computeClusterCapacity(cache.nodes.list(), cache.pods.list());
  const sum = (key: (p: GpuPoolCapacity) => string | undefined) => {
    const out = new Map<string, { pools: string[]; free: number; total: number }>();
    for (const p of pools) {
      const k = key(p);
      if (!k) continue;
      const e = out.get(k) ?? { pools: [], free: 0, total: 0 };
      e.pools.push(p.pool);
      e.free += p.free;
      e.total += p.allocatable;
      out.set(k, e);
    }
    return [...out];
  };
  return {
    products: sum((p) => (p.migProfile === undefined && p.allocatable > 0 ? p.product : undefined)).map(([product, e]) => ({ product, ...e })),
    mig: sum((p) => p.migProfile).map(([profile, e]) => ({ profile, ...e })),
  };
}
