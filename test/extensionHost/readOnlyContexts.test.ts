/**
 * The command runner refuses, before a handler runs, what a command's declaration forbids: a
 * change to a read-only context (aiPlatform.readOnlyContexts), and a row argument that is not a
 * row of the view. Without a reachable cluster a permitted Restart finds no workload and answers
 * false; a refused one never reaches its handler and answers undefined.
 */
import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import { CommandId, ExtensionId, SettingKey } from "../../src/editor/contributionIds";
import { eventually } from "./eventually";


const row = { type: "workload", id: "Deployment/ml/chat" };
const restart = (arg: unknown): Thenable<boolean | undefined> => vscode.commands.executeCommand<boolean | undefined>(CommandId.restartWorkload, arg);
const setPatterns = (patterns: string[] | undefined): Thenable<void> => vscode.workspace.getConfiguration().update(SettingKey.readOnlyContexts, patterns, vscode.ConfigurationTarget.Global);

suite("commands refuse what their declaration forbids", () => {
  suiteSetup(async () => {
    await vscode.extensions.getExtension(ExtensionId)?.activate();
    await eventually(() => vscode.commands.executeCommand<string | undefined>(CommandId.selectContext, "kind-gpu-lab"), "the kubeconfig to load");
  });

  teardown(() => setPatterns(undefined));

  test("Restart on a read-only context is refused before it runs, and runs again once no pattern matches", async () => {
    assert.equal(await restart(row), false, "permitted: the handler runs and finds no workload");
    await setPatterns(["kind-*"]);
    assert.equal(await restart(row), undefined, "refused before the handler");
    await setPatterns(["*prod*"]);
    assert.equal(await restart(row), false, "another context's pattern does not lock this one");
  });

  test("Unlock Context for This Session says there is nothing to unlock on a writable context", async () => {
    assert.equal(await vscode.commands.executeCommand<boolean>(CommandId.unlockContext, "kind-gpu-lab"), false);
  });

  test("a row argument that is not a row of the view is dropped, never acted on", async () => {
    assert.equal(await restart({ type: "workload" }), undefined);
    assert.equal(await restart({ type: "workload", id: 42 }), undefined);
    assert.equal(await restart("Deployment/ml/chat"), undefined);
    assert.equal(await restart(row), false);
  });
});
