/**
 * Puts `aiplat`, the CLI that ships inside the extension (bin/aiplat.cjs → dist/cli.js), on the
 * PATH of VS Code's integrated terminals, as the Python extension does for its tools. A small
 * launcher in the extension's global storage runs it with VS Code's own Node, so a machine with no
 * Node on its PATH still gets a working `aiplat` (and the launcher is rewritten when VS Code or
 * the extension moves). The environment hover of a terminal says where PATH came from.
 */
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import * as vscode from "vscode";
import { SettingKey } from "../contributionIds";

/** The launchers' folder: what is prepended to PATH. */
export function cliLauncherDir(globalStorage: string): string {
  return path.join(globalStorage, "bin");
}

const shQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The launcher's file name and text for this platform. */
export function cliLauncher(platform: NodeJS.Platform, runtime: string, script: string, version: string): { name: string; text: string } {
  if (platform === "win32") {
    return {
      name: "aiplat.cmd",
      text: [
        "@echo off",
        `rem Written by the AI Platform Ops extension ${version}: runs the aiplat inside it with VS Code's own Node.`,
        "setlocal",
        "set ELECTRON_RUN_AS_NODE=1",
        `"${runtime}" "${script}" %*`,
        "",
      ].join("\r\n"),
    };
  }
  return {
    name: "aiplat",
    text: [
      "#!/bin/sh",
      `# Written by the AI Platform Ops extension ${version}: runs the aiplat inside it with VS Code's own Node.`,
      // VS Code's runtime is Electron on the desktop; this makes it behave as Node (bin/aiplat.cjs unsets it again).
      `ELECTRON_RUN_AS_NODE=1 exec ${shQuote(runtime)} ${shQuote(script)} "$@"`,
      "",
    ].join("\n"),
  };
}

/** Writes the launcher when it differs from what is there. */
async function writeLauncher(dir: string, launcher: { name: string; text: string }): Promise<void> {
  const file = path.join(dir, launcher.name);
  const current = await readFile(file, "utf8").catch(() => undefined);
  if (current === launcher.text) return;
  await mkdir(dir, { recursive: true });
  await writeFile(file, launcher.text, { mode: 0o755 });
  await chmod(file, 0o755);
}

export function registerCliOnTerminalPath(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): vscode.Disposable {
  const collection = context.environmentVariableCollection;
  const dir = cliLauncherDir(context.globalStorageUri.fsPath);
  const version = (context.extension.packageJSON as { version?: string }).version ?? "";
  let applying = Promise.resolve();

  const apply = (): void => {
    applying = applying.then(async () => {
      if (!vscode.workspace.getConfiguration().get<boolean>(SettingKey.addCliToPath, true)) {
        collection.clear();
        log.info(`aiplat is not on the integrated terminals' PATH (${SettingKey.addCliToPath} is off).`);
        return;
      }
      try {
        await writeLauncher(dir, cliLauncher(process.platform, process.execPath, path.join(context.extensionPath, "bin", "aiplat.cjs"), version));
      } catch (err) {
        log.warn(`Could not write the aiplat launcher in ${dir}, so new terminals do not get aiplat: ${err instanceof Error ? err.message : String(err)}`);
        collection.clear();
        return;
      }
      collection.description = new vscode.MarkdownString(`Puts \`aiplat\` ${version}, the AI Platform Ops CLI, on \`PATH\` (turn off with the \`${SettingKey.addCliToPath}\` setting).`);
      collection.prepend("PATH", `${dir}${path.delimiter}`);
    });
  };

  apply();
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(SettingKey.addCliToPath)) apply();
  });
}
