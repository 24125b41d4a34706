/**
 * Runs inside the VS Code extension host: in code-server through the runner extension
 * (npm test), or under @vscode/test-cli (npm run test:electron).
 */
import * as assert from "node:assert/strict";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import { CommandId, ExtensionId, SettingKey } from "../../src/editor/contributionIds";

const fixtures = process.env["AIPLAT_TEST_FIXTURES"] ?? path.resolve(__dirname, "../../../test/fixtures");

async function eventually<T>(probe: () => PromiseLike<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const select = (name: unknown): Thenable<string | undefined> => vscode.commands.executeCommand<string | undefined>(CommandId.selectContext, name);

suite("AI Platform extension in the extension host", () => {
  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension(ExtensionId);
    assert.ok(ext, `${ExtensionId} is installed`);
    await ext.activate();
  });

  teardown(async () => {
    await vscode.workspace.getConfiguration().update(SettingKey.kubeconfigPaths, undefined, vscode.ConfigurationTarget.Global);
  });

  test("registers every command that package.json contributes", async () => {
    const ext = vscode.extensions.getExtension(ExtensionId);
    const contributed = (ext?.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      contributed.filter((c) => !registered.has(c)),
      [],
    );
  });

  test("selects a context from the KUBECONFIG files by name", async () => {
    assert.equal(await eventually(() => select("staging-eastus"), "the kubeconfig to load"), "staging-eastus");
    assert.equal(await select("kind-gpu-lab"), "kind-gpu-lab");
  });

  test("refuses a context that no kubeconfig file defines, and a non-string argument", async () => {
    assert.equal(await select("no-such-context"), undefined);
    assert.equal(await select({ name: "staging-eastus" }), undefined);
  });

  test("reads the files named in the kubeconfigPaths setting instead of KUBECONFIG", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "aiplat-it-"));
    const file = path.join(dir, "config");
    const text = (await readFile(path.join(fixtures, "kubeconfig/team-b.yaml"), "utf8")).replace(/staging-eastus/g, "from-setting");
    await writeFile(file, text);
    await vscode.workspace.getConfiguration().update(SettingKey.kubeconfigPaths, [file], vscode.ConfigurationTarget.Global);
    assert.equal(await eventually(() => select("from-setting"), "the setting's kubeconfig to be read"), "from-setting");
    // team-a.yaml, from KUBECONFIG, is no longer read.
    assert.equal(await select("aks-ml-prod"), undefined);
  });

  test("picks up a context added to a kubeconfig file without a refresh", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "aiplat-it-"));
    const file = path.join(dir, "config");
    const original = await readFile(path.join(fixtures, "kubeconfig/team-b.yaml"), "utf8");
    await writeFile(file, original);
    await vscode.workspace.getConfiguration().update(SettingKey.kubeconfigPaths, [file], vscode.ConfigurationTarget.Global);
    await eventually(() => select("staging-eastus"), "the first kubeconfig to be read");
    assert.equal(await select("added-later"), undefined);

    await writeFile(file, original.replace("contexts:\n", "contexts:\n  - name: added-later\n    context:\n      cluster: staging-eastus\n      user: ci-bot\n"));
    assert.equal(await eventually(() => select("added-later"), "the edited kubeconfig to be read again"), "added-later");
  });
});
