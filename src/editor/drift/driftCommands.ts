/**
 * Run Drift Check and Open Drift Dashboard: from the palette (a pick of the workspace's manifests
 * with monitoring.drift), a Deployments row (the manifest the row's service was deployed from),
 * an aiplatform.yaml (editor title, Explorer), or the dashboard itself ({service, manifest}).
 * Loaded on the first of them.
 */
import * as vscode from "vscode";
import * as z from "zod";
import { DriftPanelState } from "../../shared/protocol/drift";
import type { ClusterConnection } from "../clusterConnection";
import type { CommandRunner } from "../commands/commandRunner";
import { CommandId } from "../contributionIds";
import { DeploymentsNode, workloadOfNode } from "../views/deployments/deploymentsTree";
import { driftServiceOf, manifestsForWorkload, type WorkspaceManifest } from "./driftServiceOf";
import { findWorkspaceManifests, readWorkspaceManifest } from "./workspaceManifests";

/** A Deployments row, a manifest file (editor title and Explorer pass its URI), or a dashboard's state. */
const DriftTarget = z.union([DeploymentsNode, DriftPanelState, z.custom<vscode.Uri>((v) => v instanceof vscode.Uri, "a file URI")]);
type DriftTarget = z.infer<typeof DriftTarget>;

export interface DriftCommandServices {
  readonly connection: ClusterConnection;
  /** The check, one per service at a time (driftFeature owns the running ones). */
  readonly runCheck: (target: WorkspaceManifest) => Promise<unknown>;
  readonly openDashboard: (state: DriftPanelState) => Promise<void>;
}

interface ManifestPick extends vscode.QuickPickItem {
  readonly target: WorkspaceManifest;
}

const shown = (file: string): string => vscode.workspace.asRelativePath(file, true);
const hasDrift = (m: WorkspaceManifest): boolean => m.manifest.monitoring?.drift !== undefined;

function openManifestOffer(text: string, file: string): void {
  const open = "Open Manifest";
  void vscode.window.showInformationMessage(text, open).then((chosen) => {
    if (chosen === open) void vscode.window.showTextDocument(vscode.Uri.file(file));
  });
}

/** One of several manifests, or the only one without asking. */
async function pickManifest(candidates: readonly WorkspaceManifest[], title: string, placeHolder: string): Promise<WorkspaceManifest | undefined> {
  if (candidates.length <= 1) return candidates[0];
  const items: ManifestPick[] = candidates.map((target) => ({
    label: `$(pulse) ${driftServiceOf(target.manifest)}`,
    description: shown(target.file),
    detail: `reference ${target.manifest.monitoring?.drift?.reference ?? "?"} · current ${target.manifest.monitoring?.drift?.current ?? "?"}`,
    target,
  }));
  return (await vscode.window.showQuickPick(items, { title, placeHolder, matchOnDescription: true }))?.target;
}

async function fromPalette(title: string): Promise<WorkspaceManifest | undefined> {
  const { manifests } = await findWorkspaceManifests();
  const withDrift = manifests.filter(hasDrift);
  if (withDrift.length === 0) {
    void vscode.window.showInformationMessage(
      manifests.length === 0
        ? "No aiplatform.yaml in this workspace. A drift check compares the reference and current data a service manifest names under monitoring.drift."
        : "No aiplatform.yaml in this workspace has monitoring.drift. Add one (reference and current: CSV, Parquet or JSON Lines files or globs) to check its service for drift.",
    );
    return undefined;
  }
  return pickManifest(withDrift, title, "A service with monitoring.drift in its aiplatform.yaml");
}

async function fromRow(deps: DriftCommandServices, node: DeploymentsNode, title: string): Promise<WorkspaceManifest | undefined> {
  const w = workloadOfNode(deps.connection.model, node);
  if (!w) {
    void vscode.window.showInformationMessage("That service is no longer in the cluster.");
    return undefined;
  }
  const state = deps.connection.state;
  const meta = w.inferenceService?.metadata ?? w.deployment?.metadata;
  const { manifests } = await findWorkspaceManifests();
  const matches = manifestsForWorkload(manifests, { context: state.kind === "none" ? undefined : state.context.name, namespace: w.namespace, name: w.name, labels: meta?.labels });
  const withDrift = matches.filter(hasDrift);
  if (withDrift.length > 0) return pickManifest(withDrift, title, `The manifest ${w.namespace}/${w.name} was deployed from`);
  const first = matches[0];
  if (first) openManifestOffer(`${shown(first.file)} (${w.namespace}/${w.name}) has no monitoring.drift. Add the reference and current data to check it for drift.`, first.file);
  else void vscode.window.showInformationMessage(`No aiplatform.yaml in this workspace deploys ${w.namespace}/${w.name}: drift is checked on the data its manifest names under monitoring.drift.`);
  return undefined;
}

async function fromFile(uri: vscode.Uri): Promise<WorkspaceManifest | undefined> {
  const target = await readWorkspaceManifest(uri);
  if (!target) void vscode.window.showWarningMessage(`${shown(uri.fsPath)} is not a valid service manifest: fix its problems first.`);
  return target;
}

async function resolve(deps: DriftCommandServices, target: DriftTarget | undefined, title: string): Promise<WorkspaceManifest | undefined> {
  if (target === undefined) return fromPalette(title);
  if (target instanceof vscode.Uri) return fromFile(target);
  if ("manifest" in target) return fromFile(vscode.Uri.file(target.manifest));
  return fromRow(deps, target, title);
}

export function registerDriftCommands(runner: CommandRunner, deps: DriftCommandServices): vscode.Disposable[] {
  return [
    runner.registerRowCommand(CommandId.runDriftCheck, DriftTarget, async (target: DriftTarget | undefined) => {
      const manifest = await resolve(deps, target, "Run Drift Check");
      return manifest ? deps.runCheck(manifest) : undefined;
    }),
    runner.registerRowCommand(CommandId.openDriftDashboard, DriftTarget, async (target: DriftTarget | undefined) => {
      const manifest = await resolve(deps, target, "Open Drift Dashboard");
      if (!manifest) return undefined;
      const state: DriftPanelState = { service: driftServiceOf(manifest.manifest), manifest: manifest.file };
      await deps.openDashboard(state);
      return state;
    }),
  ];
}
