/**
 * The Models view's actions against a small MLflow stand-in (the registry's wire shapes, nothing
 * more): a forged row is dropped before any handler runs, Copy Model URI copies the version's URI,
 * and Deploy This Version writes the version into the service's aiplatform.yaml, leaves the file
 * unsaved (Undo takes it back) and hands over to Deploy. The fixture cluster is unreachable, so
 * Deploy stops at planning: the UI test follows it to the confirmation against the sandbox.
 */
import * as assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import * as vscode from "vscode";
import { CommandId, ExtensionId, SettingKey } from "../../src/editor/contributionIds";
import { versionNode } from "../../src/editor/models/modelsTree";
import { eventually } from "./eventually";

const context = "kind-gpu-lab";
const created = Date.UTC(2026, 10, 1);

function modelVersion(name: string, version: string): Record<string, unknown> {
  return { name, version, creation_timestamp: created, last_updated_timestamp: created, current_stage: "None", source: `s3://models/${name}/${version}`, run_id: `run${version}`, status: "READY" };
}

/** MLflow's answers for the few endpoints the actions ask; anything else is 404 ENDPOINT_NOT_FOUND, as the real server says. */
function answer(url: URL): { status: number; body: unknown } {
  const name = url.searchParams.get("name") ?? "";
  const version = url.searchParams.get("version") ?? "";
  switch (url.pathname) {
    case "/api/2.0/mlflow/registered-models/search":
      return { status: 200, body: { registered_models: [{ name: "llama3-70b-chat", creation_timestamp: created, latest_versions: [modelVersion("llama3-70b-chat", "4")] }] } };
    case "/api/2.0/mlflow/registered-models/get":
      return { status: 200, body: { registered_model: { name, creation_timestamp: created, aliases: [{ alias: "champion", version: "3" }] } } };
    case "/api/2.0/mlflow/model-versions/get":
      return { status: 200, body: { model_version: modelVersion(name, version) } };
    case "/api/2.0/mlflow/model-versions/search":
      return { status: 200, body: { model_versions: [modelVersion("llama3-70b-chat", "4"), modelVersion("llama3-70b-chat", "3")] } };
    case "/api/2.0/mlflow/model-versions/get-download-uri":
      return { status: 200, body: { artifact_uri: `s3://models/${name}/${version}` } };
    default:
      return { status: 404, body: { error_code: "ENDPOINT_NOT_FOUND", message: `No API endpoint found for ${url.pathname}` } };
  }
}

const manifest = (version: string): string => `# Written by modelActions.test.ts; removed after it.
apiVersion: aiplatform.dev/v1
kind: InferenceServiceManifest
name: llama-chat-actions-test
runtime: vllm
model:
  registry: models:/llama3-70b-chat  # the chat model
  version: "${version}"
image: vllm/vllm-openai:v0.6.3
environments:
  dev:
    context: ${context}
    namespace: llm-dev
`;

suite("Models view actions", () => {
  let server: http.Server;
  const requests: string[] = [];
  const folder = path.join(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? "", "model-actions-test");
  const manifestFile = path.join(folder, "aiplatform.yaml");
  const setRegistries = (value: unknown): Thenable<void> => vscode.workspace.getConfiguration().update(SettingKey.modelRegistries, value, vscode.ConfigurationTarget.Global);

  suiteSetup(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://localhost");
      requests.push(url.pathname);
      const { status, body } = answer(url);
      res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await vscode.extensions.getExtension(ExtensionId)?.activate();
    await eventually(() => vscode.commands.executeCommand<string | undefined>(CommandId.selectContext, context), "the kubeconfig to load");
    await setRegistries([{ context, kind: "mlflow", trackingUri: `http://127.0.0.1:${port}` }]);
  });

  suiteTeardown(async () => {
    await setRegistries(undefined);
    await fs.rm(folder, { recursive: true, force: true });
    await new Promise((resolve) => server.close(resolve));
  });

  test("a forged row is dropped by every model action before it asks the registry", async () => {
    const before = requests.length;
    for (const id of [CommandId.deployModelVersion, CommandId.compareModelVersionWithServing, CommandId.setModelAlias, CommandId.openModelInMlflow, CommandId.copyModelUri]) {
      assert.equal(await vscode.commands.executeCommand(id, { type: "version", name: 42 }), undefined, id);
      assert.equal(await vscode.commands.executeCommand(id, "models:/llama3-70b-chat/4"), undefined, id);
    }
    assert.equal(requests.length, before, "no request reached the registry");
  });

  test("Copy Model URI copies models:/<name>/<version>, percent-encoding what MLflow's parser would split on", async () => {
    await vscode.env.clipboard.writeText("before");
    const copied = await eventually(() => vscode.commands.executeCommand<string | undefined>(CommandId.copyModelUri, versionNode("team/fraud detector", "3")), "the registry to connect");
    assert.equal(copied, "models:/team%2Ffraud%20detector/3");
    assert.equal(await vscode.env.clipboard.readText(), "models:/team%2Ffraud%20detector/3");
  });

  test("Deploy This Version writes the version into aiplatform.yaml, unsaved and with its comment, then hands over to Deploy", async () => {
    await fs.mkdir(folder, { recursive: true });
    await fs.writeFile(manifestFile, manifest("3"));
    try {
      const outcome = await eventually(() => vscode.commands.executeCommand<string | undefined>(CommandId.deployModelVersion, versionNode("llama3-70b-chat", "4")), "the registry to connect", 20_000);
      // Deploy ran (the fixture cluster is unreachable, so it stops at planning), on the edited text.
      assert.ok(["failed", "blocked"].includes(outcome), `Deploy's outcome: ${outcome}`);
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === manifestFile);
      assert.ok(doc, "the manifest is open");
      assert.equal(doc.getText(), manifest("4"));
      assert.equal(doc.isDirty, true, "not saved behind the person's back");
      assert.equal(await fs.readFile(manifestFile, "utf8"), manifest("3"));
    } finally {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === manifestFile);
      if (doc) {
        await vscode.window.showTextDocument(doc);
        await vscode.commands.executeCommand("workbench.action.revertAndCloseActiveEditor");
      }
    }
  });
});
