import * as vscode from "vscode";
import type { ModelRegistry, ModelVersion } from "../../core/registry/modelRegistry";
import { comparisonText, type ComparedSide } from "../../core/registry/versionComparison";
import { withAbortSignal } from "../lifecycle";
import type { ModelsFeature, ServingWorkloadRef } from "./modelsFeature";
import { showRegistryFailure, type VersionTarget } from "./modelVersionPick";
import { describeRegistryFailure } from "./registryFailureText";

/**
 * Compare with Serving: the version that serves now beside the chosen one, as two read-only
 * YAML documents in VS Code's diff editor (tags, source, run, metrics and params).
 */

export const comparisonScheme = "aiplatform-model-compare";

/** Most recent comparisons kept for reopening (a diff tab restored after a reload re-reads them). */
const keptComparisons = 20;

/** The texts of open comparisons, by URI; a URI that is no longer kept says how to get it back. */
export class ModelComparisonDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private sequence = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? "# This comparison is no longer kept: run Compare with Serving again.\n";
  }

  /** A fresh URI per comparison, so a second Compare of the same versions shows the registry's answer of now. */
  add(model: string, version: string, role: string, text: string): vscode.Uri {
    this.sequence += 1;
    const uri = vscode.Uri.from({ scheme: comparisonScheme, path: `/${encodeURIComponent(model)}/v${encodeURIComponent(version)} (${role}).yaml`, query: String(this.sequence) });
    this.texts.set(uri.toString(), text);
    while (this.texts.size > keptComparisons * 2) {
      const oldest = this.texts.keys().next().value;
      if (oldest === undefined) break;
      this.texts.delete(oldest);
    }
    return uri;
  }
}

type ServedItem = vscode.QuickPickItem & { readonly version: ModelVersion };

function workloadText(w: ServingWorkloadRef): string {
  return `${w.kind} ${w.namespace}/${w.name}`;
}

async function runOf(registry: ModelRegistry, version: ModelVersion, signal: AbortSignal): Promise<ComparedSide["run"]> {
  if (!version.runId) return { unavailable: "the version names no run" };
  if (!registry.getRun) return { unavailable: "this registry client does not read tracking runs" };
  const run = await registry.getRun(version.runId, signal);
  if (run.ok) return run.value;
  return { unavailable: `run ${version.runId} could not be read: ${describeRegistryFailure(run.failure, registry.displayUrl) ?? "cancelled"}` };
}

export async function compareWithServing(models: ModelsFeature, documents: ModelComparisonDocuments, t: VersionTarget): Promise<boolean> {
  const listed = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Finding what serves ${t.model}`, cancellable: true }, (_p, token) =>
    withAbortSignal(token, (signal) => t.registry.listAllVersions(t.model, { signal })),
  );
  if (!listed.ok) {
    showRegistryFailure(`Could not list the versions of ${t.model}`, t, listed.failure);
    return false;
  }
  const served = listed.value.filter((v) => v.version !== t.version.version && models.servedBy(t.model, v.version).length > 0);
  if (served.length === 0) {
    const self = models.servedBy(t.model, t.version.version);
    void vscode.window.showInformationMessage(
      self.length > 0
        ? `Version ${t.version.version} is what serves ${t.model} (${self.map(workloadText).join(", ")}); no other version serves to compare with.`
        : `Nothing in ${t.context} serves ${t.model} now, so there is no serving version to compare with.`,
    );
    return false;
  }
  const items: ServedItem[] = served.map((v) => ({ label: `Version ${v.version}`, description: models.servedBy(t.model, v.version).map(workloadText).join(", "), version: v }));
  const serving = items.length === 1 ? items[0]?.version : (await vscode.window.showQuickPick(items, { title: `Compare ${t.model} version ${t.version.version}`, placeHolder: "With which serving version?" }))?.version;
  if (!serving) return false;

  const [servingRun, candidateRun] = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: "Reading the runs' metrics and params", cancellable: true }, (_p, token) =>
    withAbortSignal(token, (signal) => Promise.all([runOf(t.registry, serving, signal), runOf(t.registry, t.version, signal)])),
  );
  const left: ComparedSide = { version: serving, run: servingRun, servedBy: models.servedBy(t.model, serving.version).map(workloadText) };
  const right: ComparedSide = { version: t.version, run: candidateRun, servedBy: models.servedBy(t.model, t.version.version).map(workloadText) };
  const leftUri = documents.add(t.model, serving.version, "serving", comparisonText(left, right, "serving"));
  const rightUri = documents.add(t.model, t.version.version, "candidate", comparisonText(right, left, "candidate"));
  await vscode.commands.executeCommand("vscode.diff", leftUri, rightUri, `${t.model}: v${serving.version} (serving) ↔ v${t.version.version}`, { preview: true });
  return true;
}
