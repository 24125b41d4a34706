import * as vscode from "vscode";
import { parseManifest } from "../../core/manifest/parseManifest";

/**
 * Whether a context and namespace are production according to the service manifests in the
 * workspace: a rollback there needs a reason. Read when asked, so edits count at once.
 */
export async function isProductionTarget(contextName: string, namespace: string): Promise<boolean> {
  const files = await vscode.workspace.findFiles("**/aiplatform.{yaml,yml}", "**/node_modules/**", 200);
  for (const file of files) {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
    const parsed = parseManifest(text);
    if (!parsed.ok) continue;
    for (const e of Object.values(parsed.manifest.environments)) {
      if (e.production && e.context === contextName && (e.namespace === namespace || e.allowedNamespaces?.includes(namespace))) return true;
    }
  }
  return false;
}
