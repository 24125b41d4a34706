import * as vscode from "vscode";
import { decodeManifestBytes } from "../../core/manifest/readManifestFile";
import { loadManifestParser } from "../manifest/manifestParser";
import type { WorkspaceManifest } from "./driftServiceOf";

/** More than any real workspace holds; bounds the work on a huge monorepo. */
const maxManifests = 500;

/**
 * Every valid aiplatform.yaml in the workspace, read when asked so edits count at once. Files
 * that do not parse are left out (the manifest diagnostics word their problems) and counted.
 */
export async function findWorkspaceManifests(): Promise<{ readonly manifests: WorkspaceManifest[]; readonly invalid: string[] }> {
  const files = await vscode.workspace.findFiles("**/aiplatform.{yaml,yml}", "**/node_modules/**", maxManifests);
  const { parseManifest } = await loadManifestParser();
  const manifests: WorkspaceManifest[] = [];
  const invalid: string[] = [];
  for (const uri of files) {
    const manifest = await readWorkspaceManifest(uri, parseManifest);
    if (manifest) manifests.push(manifest);
    else invalid.push(uri.fsPath);
  }
  manifests.sort((a, b) => a.file.localeCompare(b.file, "en"));
  return { manifests, invalid };
}

/** One manifest file, or undefined when it cannot be read or does not parse. */
export async function readWorkspaceManifest(uri: vscode.Uri, parse?: (text: string) => ReturnType<typeof import("../../core/manifest/parseManifest").parseManifest>): Promise<WorkspaceManifest | undefined> {
  const parseManifest = parse ?? (await loadManifestParser()).parseManifest;
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch {
    return undefined;
  }
  const decoded = decodeManifestBytes(bytes, uri.fsPath);
  if ("error" in decoded) return undefined;
  const parsed = parseManifest(decoded.text);
  return parsed.ok ? { file: uri.fsPath, manifest: parsed.manifest } : undefined;
}
