import * as vscode from "vscode";

export const previewScheme = "aiplatform-preview";

/**
 * The two sides of a deploy preview (live and desired, as YAML) as read-only virtual documents
 * for `vscode.diff`. Contents are held only while a deploy is being confirmed; a new preview of
 * the same service and environment replaces the old one in place, so an open diff updates.
 */
export class DeployPreviewDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  /** Stores both sides and returns their URIs: /<service>/<env>/{live,desired}.yaml. */
  set(service: string, env: string, live: string, desired: string): { live: vscode.Uri; desired: vscode.Uri } {
    const uri = (side: string): vscode.Uri => vscode.Uri.from({ scheme: previewScheme, path: `/${service}/${env}/${side}.yaml` });
    const result = { live: uri("live"), desired: uri("desired") };
    for (const [u, text] of [[result.live, live], [result.desired, desired]] as const) {
      this.texts.set(u.toString(), text);
      this.changed.fire(u);
    }
    return result;
  }

  /** Stores both sides and opens them side by side, the manifest keeping focus: `<service>: live ↔ <env> (<label>)`. */
  async show(service: string, env: string, sides: { readonly liveText: string; readonly desiredText: string }, label: string): Promise<void> {
    const uris = this.set(service, env, sides.liveText, sides.desiredText);
    await vscode.commands.executeCommand("vscode.diff", uris.live, uris.desired, `${service}: live ↔ ${env} (${label})`, { preview: true, preserveFocus: true });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? "# This preview has expired: run Deploy again.\n";
  }

  dispose(): void {
    this.changed.dispose();
    this.texts.clear();
  }
}
