import * as vscode from "vscode";
import { manifestModelReference } from "../../core/manifest/manifestModelReference";
import { parseManifest } from "../../core/manifest/parseManifest";
import type { ServiceManifest } from "../../core/manifest/serviceManifest";
import { manifestRegistryField, setManifestModel, type ManifestModelSetting } from "../../core/manifest/setManifestModel";
import { versionStorageUri, type VersionStorageResult } from "../../core/registry/versionStorageUri";
import { showUserMessage } from "../commands/commandRunner";
import { CommandId } from "../contributionIds";
import { explainFailure } from "../explain";
import { withAbortSignal } from "../lifecycle";
import type { ManifestTarget } from "../manifest/manifestCodeLens";
import { showRegistryFailure, type VersionTarget } from "./modelVersionPick";

/**
 * Deploy This Version: writes the version into the service's aiplatform.yaml (a WorkspaceEdit, so
 * Undo takes it back; left unsaved, because Deploy plans from the editor's text, as it does for a
 * CodeLens deploy, and saving is the person's call), then hands over to Deploy for the environment
 * they pick, which shows its own gates, diff and confirmation.
 */

interface ManifestFile {
  readonly uri: vscode.Uri;
  readonly manifest: ServiceManifest;
}

type FileItem = vscode.QuickPickItem & { readonly file: ManifestFile };
type EnvItem = vscode.QuickPickItem & { readonly env: string };

function describeManifestModel(manifest: ServiceManifest): string {
  const model = manifest.model;
  return ["storageUri" in model ? model.storageUri : undefined, model.registry, model.version ? `version ${model.version}` : undefined].filter(Boolean).join(" · ");
}

async function workspaceManifests(): Promise<ManifestFile[]> {
  const files = await vscode.workspace.findFiles("**/aiplatform.{yaml,yml}", "**/node_modules/**", 200);
  const out: ManifestFile[] = [];
  for (const uri of files) {
    // An open editor's text counts, saved or not: it is what Deploy will read.
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const parsed = parseManifest(text);
    if (parsed.ok) out.push({ uri, manifest: parsed.manifest });
  }
  return out;
}

async function chooseManifest(model: string): Promise<ManifestFile | undefined> {
  const all = await workspaceManifests();
  if (all.length === 0) {
    void showUserMessage({ text: `No valid aiplatform.yaml in this workspace to deploy ${model} with. Scaffold a service first?`, actions: [{ title: "New Inference Service…", command: CommandId.scaffoldService }] }, "info");
    return undefined;
  }
  const naming = all.filter((f) => manifestModelReference(f.manifest.model)?.name === model);
  if (naming.length === 1) return naming[0];
  const shown = naming.length > 0 ? naming : all;
  const items: FileItem[] = shown.map((file) => ({
    label: file.manifest.name,
    description: `${vscode.workspace.asRelativePath(file.uri)} · ${file.manifest.runtime}`,
    detail: `now ${describeManifestModel(file.manifest)}`,
    file,
  }));
  const placeHolder = naming.length > 0 ? `Which service gets ${model}?` : `No service names ${model} yet: which one should serve it?`;
  return (await vscode.window.showQuickPick(items, { title: `Deploy ${model}`, placeHolder, matchOnDescription: true }))?.file;
}

/** Production last: the usual path is dev first, and the pick should not invite a slip. */
async function chooseEnvironment(manifest: ServiceManifest, title: string): Promise<string | undefined> {
  const entries = Object.entries(manifest.environments).sort(([, a], [, b]) => Number(a.production) - Number(b.production));
  if (entries.length === 1) return entries[0]?.[0];
  const items: EnvItem[] = entries.map(([env, e]) => ({
    label: env,
    description: `${e.context} / ${e.namespace}`,
    detail: [e.production ? "$(shield) production: the approval gate checks the version" : undefined, e.approvalRequired ? "needs an approval" : undefined].filter(Boolean).join(" · ") || undefined,
    env,
  }));
  return (await vscode.window.showQuickPick(items, { title, placeHolder: "Deploy to which environment?" }))?.env;
}

/** Why a KServe service cannot be pointed at this version, and what would fix it. */
function explainStorage(result: Exclude<VersionStorageResult, { ok: true } | { kind: "registry" }>, t: VersionTarget): string {
  const what = `${t.model} version ${t.version.version}`;
  switch (result.kind) {
    case "no-root":
      return `${what} lives at ${result.downloadUri}, behind the MLflow server's artifact proxy, which KServe cannot read. Add the bucket behind it to this registry's artifactRoots in aiPlatform.models.registries (e.g. "mlflow-artifacts:/": "s3://<bucket>/mlartifacts").`;
    case "unsupported-scheme":
      return `${what} resolves to ${result.downloadUri}, which no KServe storage initializer can load (kserve#3555). Register the version from a storage location (s3://, gs://, Azure Blob https://…).`;
    case "not-a-manifest-uri":
      return `${what} is at ${result.storageUri}; aiplatform.yaml's storageUri accepts s3://, gs://, azureblob://, https://, hf://, pvc:// and oci:// locations only.`;
  }
}

async function settingFor(t: VersionTarget, manifest: ServiceManifest): Promise<ManifestModelSetting | undefined> {
  const registry = manifestRegistryField(t.model);
  if (manifest.runtime !== "kserve") return { kind: "registry", registry, version: t.version.version };
  const resolved = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Resolving where ${t.model} version ${t.version.version} is stored`, cancellable: true }, (_p, token) =>
    withAbortSignal(token, (signal) => versionStorageUri(t.registry, t.model, t.version.version, t.artifactRoots, signal)),
  );
  if (resolved.ok) return { kind: "storage", storageUri: resolved.storageUri, registry, version: t.version.version };
  if (resolved.kind === "registry") showRegistryFailure(`Could not resolve ${t.model} version ${t.version.version}`, t, resolved.failure);
  else void showUserMessage(explainFailure(explainStorage(resolved, t)));
  return undefined;
}

export async function deployModelVersion(t: VersionTarget, log: vscode.LogOutputChannel): Promise<unknown> {
  const file = await chooseManifest(t.model);
  if (!file) return undefined;
  const setting = await settingFor(t, file.manifest);
  if (!setting) return undefined;
  const env = await chooseEnvironment(file.manifest, `Deploy ${t.model} version ${t.version.version} with ${file.manifest.name}`);
  if (!env) return undefined;
  const doc = await vscode.workspace.openTextDocument(file.uri);
  const edit = setManifestModel(doc.getText(), setting);
  if (!edit.ok) {
    void showUserMessage(explainFailure(`Could not write the model into ${vscode.workspace.asRelativePath(file.uri)}: ${edit.detail}.`));
    return undefined;
  }
  if (edit.edits.length > 0) {
    const workspaceEdit = new vscode.WorkspaceEdit();
    for (const e of edit.edits) workspaceEdit.replace(doc.uri, new vscode.Range(doc.positionAt(e.offset), doc.positionAt(e.offset + e.length)), e.text);
    if (!(await vscode.workspace.applyEdit(workspaceEdit))) {
      void showUserMessage(explainFailure(`${vscode.workspace.asRelativePath(file.uri)} could not be edited (is it read-only?).`));
      return undefined;
    }
    log.info(`Deploy This Version: ${vscode.workspace.asRelativePath(file.uri)} now names ${setting.kind === "storage" ? `${setting.storageUri} (${setting.registry} version ${setting.version})` : `${setting.registry} version ${setting.version}`}; not saved.`);
  }
  await vscode.window.showTextDocument(doc, { preview: false, preserveFocus: true });
  const target: ManifestTarget = { uri: doc.uri, env };
  return vscode.commands.executeCommand(CommandId.deployService, target);
}
