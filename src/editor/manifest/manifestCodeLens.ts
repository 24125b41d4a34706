import * as vscode from "vscode";
import { CommandId } from "../contributionIds";
import { isManifestDocument } from "./manifestDiagnostics";
import { loadManifestParser } from "./manifestParser";

/** Arguments the Deploy and Check commands take from a CodeLens: which file, which environment. */
export interface ManifestTarget {
  readonly uri: vscode.Uri;
  readonly env: string;
}

/**
 * Above each environment in aiplatform.yaml: "Deploy to dev" and "Check policies", so the
 * action sits next to what it acts on. Nothing is offered while the manifest does not parse.
 */
export class ManifestCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!isManifestDocument(doc)) return [];
    const { parseManifest } = await loadManifestParser();
    const parsed = parseManifest(doc.getText());
    if (!parsed.ok) return [];
    return Object.entries(parsed.manifest.environments).flatMap(([env, e]) => {
      const at = parsed.locate(["environments", env]);
      const range = new vscode.Range(at.line - 1, 0, at.line - 1, 0);
      const target: ManifestTarget = { uri: doc.uri, env };
      return [
        new vscode.CodeLens(range, {
          title: `$(rocket) Deploy to ${env}${e.production ? " (production)" : ""}`,
          tooltip: `Render, check, preview and apply to ${e.context} / ${e.namespace}`,
          command: CommandId.deployService,
          arguments: [target],
        }),
        new vscode.CodeLens(range, { title: "$(graph-line) Latency", tooltip: `p50/p95/p99, errors and deploy markers of ${parsed.manifest.name} in ${e.context} / ${e.namespace}`, command: CommandId.openLatencyDashboard, arguments: [target] }),
        new vscode.CodeLens(range, { title: "$(checklist) Check policies", tooltip: `Run the policy gates for ${env} against the live cluster`, command: CommandId.checkManifest, arguments: [target] }),
        ...(e.approvalRequired
          ? [new vscode.CodeLens(range, { title: "$(pass) Approve", tooltip: `Record your approval of this exact change for ${env} (someone else deploys it)`, command: CommandId.approveDeployment, arguments: [target] })]
          : []),
      ];
    });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
