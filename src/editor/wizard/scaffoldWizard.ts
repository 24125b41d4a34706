import * as path from "node:path";
import * as vscode from "vscode";
import { ServiceName } from "../../core/manifest/serviceManifest";
import type { ComputeChoice } from "./computeChoices";
import { MultiStepInput, type WizardStep } from "./multiStepInput";
import { modelProblem, type ScaffoldAnswers, type WizardTemplate } from "./wizardAnswers";


export interface ScaffoldWizardInput {
  readonly templates: readonly WizardTemplate[];
  readonly computeChoices: (template: WizardTemplate) => readonly ComputeChoice[];
  readonly folders: readonly vscode.Uri[];
  /** Whether a folder already holds something of that name (never overwritten). */
  readonly exists: (dir: string) => boolean;
}

type TemplateItem = vscode.QuickPickItem & { readonly template: WizardTemplate };
type ComputeItem = vscode.QuickPickItem & { readonly choice: ComputeChoice };
type PlaceItem = vscode.QuickPickItem & { readonly parent: string | undefined };

const totalSteps = 5;
const title = "New Inference Service";

/**
 * The newcomer path: template → name → model → compute → where. Five prompts, each validated
 * as it is typed, with Back on every step; nothing is written until the last one is accepted.
 */
export async function runScaffoldWizard(input: ScaffoldWizardInput): Promise<{ answers: ScaffoldAnswers; prompts: number } | undefined> {
  const answers: ScaffoldAnswers = { template: undefined, name: "", model: "", compute: undefined, parentDir: undefined };
  const wizard = new MultiStepInput(totalSteps);

  const pickTemplate: WizardStep<ScaffoldAnswers> = async (w, s) => {
    const items: TemplateItem[] = input.templates.map((t) => ({ label: t.title, description: t.description, detail: t.detail, template: t }));
    const chosen = await w.pick({ title, placeholder: "Which kind of service?", items, activeItem: items.find((i) => i.template === s.template) });
    if (s.template !== chosen.template) {
      s.model = "";
      s.compute = undefined;
    }
    s.template = chosen.template;
    return askName;
  };
  const askName: WizardStep<ScaffoldAnswers> = async (w, s) => {
    s.name = await w.input({
      title,
      prompt: "Service name: lower-case letters, digits and '-' (a DNS-1123 label); every Kubernetes object is named after it",
      value: s.name,
      placeholder: `e.g. ${s.template?.id === "vllm" ? "llama3-chat" : "fraud-scorer"}`,
      validate: (v) => ServiceName.safeParse(v).error?.issues[0]?.message,
    });
    return askModel;
  };
  const askModel: WizardStep<ScaffoldAnswers> = async (w, s) => {
    s.model = await w.input({
      title,
      prompt: "Model: a registry version or alias (models:/fraud/3, models:/fraud@champion) or a storage URI (s3://, gs://, pvc://, hf://)",
      value: s.model || (s.template?.defaultModel ?? ""),
      validate: (v) => modelProblem(v, s.template),
    });
    return pickCompute;
  };
  const pickCompute: WizardStep<ScaffoldAnswers> = async (w, s) => {
    const choices = s.template ? input.computeChoices(s.template) : [];
    const items: ComputeItem[] = choices.map((c) => ({ label: c.label, description: c.description, detail: c.detail, choice: c }));
    const chosen = await w.pick({
      title,
      placeholder: "Where does it run? (free GPUs are counted from the connected cluster)",
      items,
      activeItem: items.find((i) => i.choice.id === s.compute?.id) ?? items.find((i) => i.choice.recommended),
    });
    s.compute = chosen.choice;
    return pickPlace;
  };
  const pickPlace: WizardStep<ScaffoldAnswers> = async (w, s) => {
    const items: PlaceItem[] = input.folders.map((f) => {
      const target = path.join(f.fsPath, s.name);
      const taken = input.exists(target);
      return {
        label: `$(new-folder) Create ${s.name}/ in ${path.basename(f.fsPath)}`,
        description: taken ? "already exists: choose another name or folder" : undefined,
        detail: target,
        parent: taken ? undefined : f.fsPath,
      };
    });
    items.push({ label: "$(folder-opened) Choose another folder…", parent: undefined, detail: "The service's folder is created inside the folder you choose; nothing is written anywhere else." });
    for (;;) {
      const chosen = await w.pick({ title, placeholder: "Create the files where?", items });
      if (chosen.parent) {
        s.parentDir = chosen.parent;
        return undefined;
      }
      if (chosen.description) continue;
      const picked = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: "Create Here", title: `Where to create ${s.name}/` });
      const folder = picked?.[0];
      if (!folder) continue;
      if (input.exists(path.join(folder.fsPath, s.name))) {
        void vscode.window.showWarningMessage(`${path.join(folder.fsPath, s.name)} already exists; it is never overwritten. Choose another folder or go back and rename the service.`);
        continue;
      }
      s.parentDir = folder.fsPath;
      return undefined;
    }
  };

  const finished = await wizard.run(pickTemplate, answers);
  return finished ? { answers, prompts: wizard.prompts } : undefined;
}
