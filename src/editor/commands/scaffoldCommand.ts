import { existsSync } from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { gpuAllocations } from "../../core/kube/gpuAllocation";
import { nodePoolOf } from "../../core/kube/nodePools";
import { describeScaffoldError } from "../../core/scaffold/scaffoldError";
import { scaffoldService } from "../../core/scaffold/scaffoldService";
import { listTemplates, loadTemplate, type LoadedTemplate } from "../../core/scaffold/templateCatalog";
import type { ClusterConnection } from "../clusterConnection";
import { CommandId } from "../contributionIds";
import { refuseUntrusted } from "../environmentTarget";
import type { ManifestTarget } from "../manifest/manifestCodeLens";
import { computeChoices, type FreeGpus } from "../wizard/computeChoices";
import { answersToSet, runScaffoldWizard, type WizardTemplate } from "../wizard/scaffoldWizard";

export interface ScaffoldOutcome {
  readonly dir: string;
  readonly files: readonly string[];
  /** Prompts the person answered: the ship bench's wizardPrompts. */
  readonly prompts: number;
}

/** New Inference Service…: the wizard, then the same scaffold `aiplat scaffold` runs. */
export function registerScaffoldCommand(connection: ClusterConnection, templatesDir: string, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandId.scaffoldService, async (): Promise<ScaffoldOutcome | undefined> => {
      if (refuseUntrusted("New Inference Service")) return undefined;
      const templates = await wizardTemplates(templatesDir);
      if (!templates.ok) {
        log.error(`Templates unreadable: ${templates.error}`);
        void vscode.window.showErrorMessage(`The service templates could not be read: ${templates.error}`);
        return undefined;
      }
      const free = freeGpus(connection);
      const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri).filter((u) => u.scheme === "file");
      const wizard = await runScaffoldWizard({ templates: templates.value, computeChoices: (t) => computeChoices(t, free), folders, exists: (dir) => existsSync(dir) });
      if (!wizard) return undefined;
      const { answers, prompts } = wizard;
      if (!answers.template || !answers.parentDir) return undefined;
      const outDir = path.join(answers.parentDir, answers.name);
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Creating ${answers.name}` }, () =>
        scaffoldService({ templatesDir, templateId: answers.template!.id, name: answers.name, outDir, set: answersToSet(answers) }),
      );
      if (!result.ok) {
        const text = describeScaffoldError(result.error);
        log.error(`Scaffold ${answers.name}: ${text}`);
        void vscode.window.showErrorMessage(`Nothing was written. ${text}`);
        return undefined;
      }
      log.info(`Scaffolded ${answers.template.id} service ${answers.name} in ${result.dir}: ${result.files.join(", ")}.`);
      const manifestUri = vscode.Uri.file(path.join(result.dir, "aiplatform.yaml"));
      await vscode.window.showTextDocument(manifestUri, { preview: false });
      void vscode.window.showInformationMessage(`Created ${answers.name} (${result.files.length} files). Deploy it to the first environment when ready: the Deploy lens is above each environment.`, "Deploy…").then((c) => {
        if (c) void vscode.commands.executeCommand(CommandId.deployService, { uri: manifestUri, env: undefined } as unknown as ManifestTarget);
      });
      return { dir: result.dir, files: result.files, prompts };
    }),
  ];
}

/** The templates as the wizard offers them: what each defaults to decides the model and compute steps. */
async function wizardTemplates(templatesDir: string): Promise<{ ok: true; value: WizardTemplate[] } | { ok: false; error: string }> {
  const listed = await listTemplates(templatesDir);
  if (!listed.ok) return { ok: false, error: describeScaffoldError(listed.error) };
  const value: WizardTemplate[] = [];
  for (const summary of listed.value) {
    const loaded = await loadTemplate(templatesDir, summary.id);
    if (!loaded.ok) return { ok: false, error: describeScaffoldError(loaded.error) };
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
  const nodes = cache.nodes.list();
  const allocations = gpuAllocations(nodes, cache.pods.list());
  const products = new Map<string, { pools: Set<string>; free: number; total: number }>();
  const mig = new Map<string, { pools: Set<string>; free: number; total: number }>();
  allocations.forEach((a, i) => {
    if (a.ready !== "True" || a.cordoned) return;
    const pool = nodePoolOf(nodes[i]!).name;
    const add = (map: typeof products, key: string, free: number, total: number): void => {
      const entry = map.get(key) ?? { pools: new Set<string>(), free: 0, total: 0 };
      entry.pools.add(pool);
      entry.free += free;
      entry.total += total;
      map.set(key, entry);
    };
    for (const g of a.gpus) if (a.product && g.allocatable > 0) add(products, a.product, Math.max(0, g.allocatable - g.allocated), g.allocatable);
    for (const m of a.mig) add(mig, m.migProfile ?? m.resource, Math.max(0, m.allocatable - m.allocated), m.allocatable);
  });
  const list = (map: typeof products) => [...map].map(([key, v]) => ({ key, pools: [...v.pools].sort(), free: v.free, total: v.total }));
  return {
    products: list(products).map(({ key, ...v }) => ({ product: key, ...v })),
    mig: list(mig).map(({ key, ...v }) => ({ profile: key, ...v })),
  };
}
