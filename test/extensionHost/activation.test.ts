/**
 * package.json lists no onCommand/onView activation events: VS Code (>= 1.74) infers them from
 * the contributed commands and views. This suite checks that inference on the VS Code it runs
 * in, so it must run before anything activates the extension: the harness runs the files in
 * name order, and this one sorts first.
 */
import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import { CommandId, ExtensionId } from "../../src/editor/contributionIds";

suite("activation", () => {
  test("running a contributed command activates the extension, with no activation event declared for it", async () => {
    const ext = vscode.extensions.getExtension(ExtensionId);
    assert.ok(ext, `${ExtensionId} is installed`);
    assert.equal(ext.isActive, false, "nothing activated the extension before its first command (the workspace has no aiplatform.yaml)");
    // The command is only registered by activate(): without activation this call rejects.
    await vscode.commands.executeCommand<string | undefined>(CommandId.selectContext, "no-such-context");
    assert.equal(ext.isActive, true);
  });
});
