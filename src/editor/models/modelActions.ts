import * as vscode from "vscode";
import { modelPageUrl } from "../../core/registry/modelPageUrl";
import { formatModelUri } from "../../core/registry/modelReference";
import type { AuditTrail } from "../auditTrail";
import type { ClusterConnection } from "../clusterConnection";
import type { CommandRunner } from "../commands/commandRunner";
import { CommandId } from "../contributionIds";
import { compareWithServing, comparisonScheme, ModelComparisonDocuments } from "./compareWithServing";
import { deployModelVersion } from "./deployModelVersion";
import type { ModelsFeature } from "./modelsFeature";
import { ModelsNode } from "./modelsTree";
import { chooseVersion, resolveTarget } from "./modelVersionPick";
import { setModelAlias } from "./setModelAlias";

export interface ModelActionDeps {
  readonly models: ModelsFeature;
  readonly connection: ClusterConnection;
  readonly trail: AuditTrail;
  readonly log: vscode.LogOutputChannel;
}

/**
 * The Models view's row actions: Deploy This Version, Compare with Serving, Set Alias…, Open in
 * MLflow and Copy Model URI. Each takes a row (checked against ModelsNode) or, from the palette,
 * the view's selection; a model row asks which version.
 */
export function registerModelActions(runner: CommandRunner, deps: ModelActionDeps): vscode.Disposable[] {
  const documents = new ModelComparisonDocuments();
  const withVersion = async (node: ModelsNode | undefined, verb: string, placeHolder: string) => {
    const target = await resolveTarget(deps.models, node, verb);
    return target ? chooseVersion(target, placeHolder) : undefined;
  };
  return [
    vscode.workspace.registerTextDocumentContentProvider(comparisonScheme, documents),
    runner.registerRowCommand(CommandId.deployModelVersion, ModelsNode, async (node) => {
      const t = await withVersion(node, "Deploy This Version", "Deploy which version?");
      return t ? deployModelVersion(t, deps.log) : undefined;
    }),
    runner.registerRowCommand(CommandId.compareModelVersionWithServing, ModelsNode, async (node) => {
      const t = await withVersion(node, "Compare with Serving", "Compare which version with what serves?");
      return t ? compareWithServing(deps.models, documents, t) : false;
    }),
    runner.registerRowCommand(CommandId.setModelAlias, ModelsNode, async (node) => {
      const t = await withVersion(node, "Set Alias", "Set an alias on which version?");
      return t ? setModelAlias(deps, t) : false;
    }),
    runner.registerRowCommand(CommandId.openModelInMlflow, ModelsNode, async (node) => {
      const t = await resolveTarget(deps.models, node, "Open in MLflow");
      if (!t) return false;
      // A Uri's fragment is re-encoded on the way out ('/' → %2F), which breaks MLflow's hash routes
      // (microsoft/vscode#85930); the extension host opens a string as written.
      return vscode.env.openExternal(modelPageUrl({ kind: t.registry.kind, uiUrl: t.uiUrl, model: t.model, version: t.version?.version }) as unknown as vscode.Uri);
    }),
    runner.registerRowCommand(CommandId.copyModelUri, ModelsNode, async (node) => {
      const t = await withVersion(node, "Copy Model URI", "Copy the URI of which version?");
      if (!t) return undefined;
      const uri = formatModelUri({ kind: "version", name: t.model, version: t.version.version });
      await vscode.env.clipboard.writeText(uri);
      void vscode.window.showInformationMessage(`Copied ${uri}`);
      return uri;
    }),
  ];
}
