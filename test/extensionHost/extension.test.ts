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
import { eventually } from "./eventually";

const fixtures = process.env["AIPLAT_TEST_FIXTURES"] ?? path.resolve(__dirname, "../../../test/fixtures");


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

  test("aiplatform.yaml problems show at their field as it is edited, and the Deploy lens sits above each environment", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "aiplat-manifest-"));
    const file = path.join(dir, "aiplatform.yaml");
    const text = [
      "apiVersion: aiplatform.dev/v1",
      "kind: InferenceServiceManifest",
      "name: fraud-scorer",
      "runtime: python",
      "model: {registry: models:/fraud, version: '3'}",
      "image: registry.example.com/fraud:1.4.2",
      "resources:",
      "  cpu: lots",
      "environments:",
      "  dev: {context: sandbox, namespace: ml-dev}",
      "  prod: {context: aks-prod, namespace: ml-prod, production: true, approvalRequired: true}",
      "",
    ].join("\n");
    await writeFile(file, text);
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    const diagnostics = await eventually(() => Promise.resolve(vscode.languages.getDiagnostics(doc.uri).length > 0 ? vscode.languages.getDiagnostics(doc.uri) : undefined), "schema diagnostics");
    assert.equal(diagnostics.length, 1);
    assert.match(diagnostics[0]?.message ?? "", /^resources\.cpu: /);
    assert.equal(diagnostics[0]?.range.start.line, 7);
    assert.equal(diagnostics[0]?.severity, vscode.DiagnosticSeverity.Error);
    // While the manifest does not parse there is nothing to deploy.
    assert.deepEqual(await vscode.commands.executeCommand<vscode.CodeLens[]>("vscode.executeCodeLensProvider", doc.uri), []);

    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, diagnostics[0]?.range ?? new vscode.Range(0, 0, 0, 0), '"2"');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await eventually(() => Promise.resolve(vscode.languages.getDiagnostics(doc.uri).length === 0 ? true : undefined), "the diagnostic to clear");
    const lenses = await eventually(async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>("vscode.executeCodeLensProvider", doc.uri, 10);
      return l.length > 0 ? l : undefined;
    }, "code lenses");
    const titles = lenses.map((l) => `${l.range.start.line}:${l.command?.title ?? ""}`);
    assert.ok(titles.includes("9:$(rocket) Deploy to dev"), titles.join(", "));
    assert.ok(titles.includes("10:$(rocket) Deploy to prod (production)"), titles.join(", "));
    assert.ok(titles.includes("10:$(pass) Approve"), titles.join(", "));
    await vscode.commands.executeCommand("workbench.action.closeActiveEditor");
  });

  test("Verify Audit Log names the first record someone edited", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "aiplat-audit-"));
    const file = path.join(dir, "audit.jsonl");
    await vscode.workspace.getConfiguration().update(SettingKey.auditPath, file, vscode.ConfigurationTarget.Global);
    try {
      const { appendAuditRecord } = await import("../../src/core/audit/auditLog");
      const entry = (reason: string) => ({ actor: { kubeUser: "alice", osUser: "alice" }, cluster: "https://aks", context: "prod", namespace: "ml", object: { apiVersion: "apps/v1", kind: "Deployment", name: "chat" }, action: "rollback" as const, reason, outcome: "succeeded" as const });
      for (const reason of ["one", "two", "three"]) assert.ok((await appendAuditRecord(file, entry(reason))).ok);
      const intact = await vscode.commands.executeCommand<{ ok: boolean; records?: number }>(CommandId.verifyAuditLog);
      assert.deepEqual([intact.ok, intact.records], [true, 3]);
      await writeFile(file, (await readFile(file, "utf8")).replace('"reason":"two"', '"reason":"2"'));
      const broken = await vscode.commands.executeCommand<{ ok: boolean; firstBroken?: { line: number; problem: string } }>(CommandId.verifyAuditLog);
      assert.equal(broken.ok, false);
      assert.deepEqual([broken.firstBroken?.line, broken.firstBroken?.problem], [2, "edited"]);
    } finally {
      await vscode.workspace.getConfiguration().update(SettingKey.auditPath, undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
