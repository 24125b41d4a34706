/**
 * Issue 14: `aiplat` is on the PATH of VS Code's integrated terminals (the extension's
 * environmentVariableCollection), runs the CLI inside the extension, and the setting takes it off.
 * Each check opens a real terminal whose shell reports what it sees.
 */
import * as assert from "node:assert/strict";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import { ExtensionId, SettingKey } from "../../src/editor/contributionIds";
import { eventually } from "./eventually";

/** Runs a shell command in a new integrated terminal and returns what it printed to a file. */
async function inNewTerminal(command: string): Promise<string> {
  const out = path.join(await mkdtemp(path.join(tmpdir(), "aiplat-term-")), "out.txt");
  const done = `${out}.done`;
  const terminal = vscode.window.createTerminal({ name: "aiplat PATH check", shellPath: "/bin/sh", shellArgs: ["-c", `{ ${command}; } > '${out}' 2>&1; echo $? > '${done}'`] });
  try {
    const code = await eventually(() => readFile(done, "utf8").then((t) => t.trim() || undefined, () => undefined), "the terminal's shell to finish", 20_000);
    return `${(await readFile(out, "utf8")).trim()}\nexit ${code}`;
  } finally {
    terminal.dispose();
  }
}

const setAddToPath = (value: boolean | undefined): Thenable<void> => vscode.workspace.getConfiguration().update(SettingKey.addCliToPath, value, vscode.ConfigurationTarget.Global);

suite("aiplat on the integrated terminal's PATH", function () {
  // Each check may open several terminals until VS Code has applied the environment change.
  this.timeout(120_000);
  let version: string;
  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension(ExtensionId);
    assert.ok(ext);
    await ext.activate();
    version = (ext.packageJSON as { version: string }).version;
  });

  suiteTeardown(() => setAddToPath(undefined));

  test("a new terminal finds aiplat, and it prints the extension's version", async () => {
    const seen = await eventually(async () => {
      const r = await inNewTerminal("command -v aiplat && aiplat --version");
      return r.endsWith("exit 0") ? r : undefined;
    }, "a terminal with aiplat on its PATH", 30_000);
    const [where, printed] = seen.split("\n");
    assert.match(where ?? "", /\/bin\/aiplat$/);
    assert.equal(printed, version, "aiplat --version is the version the extension shows");
  });

  test("the setting takes it off the PATH of new terminals, and back on", async () => {
    await setAddToPath(false);
    await eventually(async () => ((await inNewTerminal("command -v aiplat")).endsWith("exit 0") ? undefined : true), "a terminal without aiplat", 30_000);
    await setAddToPath(true);
    await eventually(async () => ((await inNewTerminal("command -v aiplat")).endsWith("exit 0") ? true : undefined), "aiplat back on the PATH", 30_000);
  });
});
