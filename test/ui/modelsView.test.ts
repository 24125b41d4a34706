/**
 * The Models view on the sandbox's demo cluster and its fake MLflow registry (MLFLOW_TRACKING_URI
 * in code-server's environment, as MLflow's own tools read it): what serves each version, Deploy
 * This Version, and the model-approved gate on a production deploy.
 */
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from "vitest";
import { parse } from "yaml";
import { mlflowDemo } from "../../sandbox/mlflow/mlflowDemo";
import type { Workbench } from "../harness/workbench";
import { makePodCrashLoop } from "./podFaults";
import { openSandboxWorkbench, type SandboxWorkbench } from "./sandboxWorkbench";
import { chooseFromContextMenu, openAiPlatformContainer, viewPane } from "./workbenchActions";

/** The unapproved demo service: it serves llama3-70b-chat v4 (challenger), and production needs champion. */
const llamaManifest = `apiVersion: aiplatform.dev/v1
kind: InferenceServiceManifest
name: vllm-llama3-70b
description: Llama 3 70B chat on vLLM
runtime: vllm
model:
  registry: models:/llama3-70b-chat
  version: "4"
image: vllm/vllm-openai:v0.6.3@sha256:4f1c2a7b9e0d3c5a6b8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e
port: 8000
resources:
  cpu: "4"
  memory: 16Gi
environments:
  prod:
    context: sandbox
    namespace: llm-serving
    production: true
`;

const fraudManifest = `apiVersion: aiplatform.dev/v1
kind: InferenceServiceManifest
name: fraud-xgboost
description: Card fraud scoring
runtime: kserve
modelFormat: xgboost
model:
  # The registry's fraud-xgboost, as KServe loads it.
  storageUri: https://aiplatformmodels.blob.core.windows.net/models/fraud-xgboost/2
  registry: models:/fraud-xgboost
  version: "2"
resources:
  cpu: 500m
  memory: 1Gi
environments:
  dev:
    context: sandbox
    namespace: kserve-models
`;

let session: SandboxWorkbench | undefined;
let wb: Workbench;

/** A row by the start of its accessible label. */
const row = (view: string, label: string): Locator => viewPane(wb.page, view).locator(`.monaco-list-row[aria-label^="${label}"]`);

/** The accessible labels of the Models rows that are open. */
async function expandedRows(): Promise<string[]> {
  const labels: string[] = [];
  for (const open of await viewPane(wb.page, "Models").locator('.monaco-list-row[aria-expanded="true"]').all()) labels.push((await open.getAttribute("aria-label")) ?? "");
  return labels;
}

/**
 * Expands a row, as a person clicks it once the list holds still: the view repaints as the
 * registry's pages and served-by land, and a click during a repaint can land on the row that
 * took its place (then that one is folded again and the click repeated).
 */
async function expand(target: Locator): Promise<void> {
  await target.waitFor({ state: "visible", timeout: 30_000 });
  for (let attempt = 0; attempt < 5 && (await target.getAttribute("aria-expanded")) === "false"; attempt++) {
    const before = await expandedRows();
    await target.click();
    if (await expect.poll(() => target.getAttribute("aria-expanded"), { timeout: 3_000 }).toBe("true").then(() => true, () => false)) return;
    // Fold whatever the click opened instead.
    for (const label of await expandedRows()) {
      if (!before.includes(label)) await row("Models", label).click();
    }
  }
  expect(await target.getAttribute("aria-expanded")).toBe("true");
}

/** What the registry itself answers, asked over its REST API: the test's independent source. */
async function registryGet(pathAndQuery: string): Promise<unknown> {
  const res = await fetch(`${session?.mlflow?.url ?? ""}/api/2.0/mlflow/${pathAndQuery}`);
  if (!res.ok) throw new Error(`${pathAndQuery}: ${res.status}`);
  return res.json();
}

async function openWorkspaceFile(page: Page, relative: string): Promise<void> {
  await page.locator(".monaco-workbench").click({ position: { x: 700, y: 450 } });
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: 10_000 });
  // Without the ">" the palette is Quick Open.
  await input.fill(relative);
  await page.locator(".quick-input-widget .monaco-list-row", { hasText: "aiplatform.yaml" }).first().waitFor({ state: "visible", timeout: 15_000 });
  await input.press("Enter");
  await page.locator(".tabs-container .tab.active", { hasText: "aiplatform.yaml" }).waitFor({ state: "visible", timeout: 15_000 });
}

beforeAll(async () => {
  session = await openSandboxWorkbench({
    trusted: true,
    sandbox: { mlflow: true },
    workspaceFiles: { "llama3-70b/aiplatform.yaml": llamaManifest, "fraud-xgboost/aiplatform.yaml": fraudManifest },
  });
  wb = session.wb;
  await wb.page.setViewportSize({ width: 1400, height: 1600 });
  await openAiPlatformContainer(wb.page);
});

afterAll(async () => {
  await session?.close();
});

describe("the Models view on the demo registry", () => {
  test("a model's version shows the deployment that serves it, with its health, live", async () => {
    onTestFailed(async () => {
      console.error(`[ui] evidence saved in ${await wb.saveEvidence("models-served-by")}`);
    });
    // The Deployments view says how the workload is; the Models row must say the same.
    await row("Deployments", "vllm-llama3-70b, Healthy").waitFor({ state: "visible", timeout: 30_000 });
    // The model row counts what serves it once served-by has been resolved against the cluster.
    await expect.poll(() => row("Models", `${mlflowDemo.llama},`).getAttribute("aria-label"), { timeout: 30_000 }).toMatch(/served by 1\b/);
    await expand(row("Models", `${mlflowDemo.llama},`));
    await expand(row("Models", `${mlflowDemo.llama} version 4,`));
    const serving = row("Models", "vllm-llama3-70b in llm-serving, Healthy");
    await serving.waitFor({ state: "visible", timeout: 30_000 });
    expect(await serving.getAttribute("aria-label")).toContain(`serves ${mlflowDemo.llama} version 4`);
    // The champion (v3) is served by nothing.
    expect(await row("Models", `${mlflowDemo.llama} version 3,`).getAttribute("aria-label")).not.toMatch(/served by/);

    // Its pod starts crash-looping: the Models row follows the cluster without a refresh.
    if (!session) throw new Error("the sandbox did not start");
    await makePodCrashLoop(session.server, "llm-serving", "vllm-llama3-70b");
    await row("Deployments", "vllm-llama3-70b, Degraded").waitFor({ state: "visible", timeout: 15_000 });
    await row("Models", "vllm-llama3-70b in llm-serving, Degraded").waitFor({ state: "visible", timeout: 15_000 });

    // The reranker serves a model the registry does not have: listed apart (the group opens by itself), as a finding.
    await row("Models", "Serving, not in the registry").waitFor({ state: "visible", timeout: 15_000 });
    await row("Models", "reranker-onnx in onnx-api").waitFor({ state: "visible", timeout: 15_000 });
    expect(await row("Models", "reranker-onnx in onnx-api").getAttribute("aria-label")).toContain(mlflowDemo.missing);
  });

  test("Deploy This Version writes the version's artifact into the KServe manifest and reaches the deploy confirmation", async () => {
    onTestFailed(async () => {
      console.error(`[ui] evidence saved in ${await wb.saveEvidence("models-deploy-version")}`);
    });
    const page = wb.page;
    await expand(row("Models", `${mlflowDemo.fraud},`));
    const v3 = row("Models", `${mlflowDemo.fraud} version 3,`);
    await v3.waitFor({ state: "visible", timeout: 30_000 });
    await chooseFromContextMenu(page, v3, "Deploy This Version");

    // The only manifest that names fraud-xgboost, with one environment: straight to Deploy's confirmation.
    const dialog = page.locator(".monaco-dialog-box");
    await dialog.getByRole("button", { name: "Deploy", exact: true }).waitFor({ state: "visible", timeout: 60_000 });
    expect(await dialog.innerText()).toContain("Deploy fraud-xgboost to dev?");
    await dialog.getByRole("button", { name: "Cancel", exact: true }).click();
    await dialog.waitFor({ state: "hidden", timeout: 10_000 });

    // The edit is in the editor, unsaved, as any edit would be; saving it is the person's call.
    await page.locator(".tabs-container .tab", { hasText: "aiplatform.yaml" }).first().click();
    await page.keyboard.press("Control+S");
    const file = path.join(wb.workspace, "fraud-xgboost", "aiplatform.yaml");
    const expected = ((await registryGet(`model-versions/get-download-uri?name=${mlflowDemo.fraud}&version=3`)) as { artifact_uri: string }).artifact_uri;
    await expect
      .poll(async () => (parse(await readFile(file, "utf8")) as { model: Record<string, string> }).model, { timeout: 15_000, message: "the manifest was not saved with the new version" })
      .toEqual({ storageUri: expected, registry: `models:/${mlflowDemo.fraud}`, version: "3" });
    // The comment above the model stayed.
    expect(await readFile(file, "utf8")).toContain("# The registry's fraud-xgboost, as KServe loads it.");
  });

  test("the unapproved version's production deploy is blocked by model-approved, on the model field", async () => {
    onTestFailed(async () => {
      console.error(`[ui] evidence saved in ${await wb.saveEvidence("models-approval-gate")}`);
    });
    const page = wb.page;
    // What the registry says: v4 does not hold the champion alias.
    const champion = ((await registryGet(`registered-models/alias?name=${mlflowDemo.llama}&alias=champion`)) as { model_version: { version: string } }).model_version.version;
    expect(champion).not.toBe("4");

    await openWorkspaceFile(page, "llama3-70b/aiplatform.yaml");
    await page.keyboard.press("Control+End");
    const lens = page.locator(".contentWidgets .codelens-decoration a, .codelens-decoration a", { hasText: "Deploy to prod" }).filter({ visible: true }).first();
    await lens.waitFor({ state: "visible", timeout: 20_000 });
    await lens.click();
    const toast = page.locator(".notification-toast", { hasText: "Deploy blocked" }).first();
    await toast.waitFor({ state: "visible", timeout: 60_000 });
    const text = await toast.innerText();
    expect(text).toMatch(/1 policy error for prod/);
    expect(text).toContain(`models:/${mlflowDemo.llama}/4 is not approved for prod`);
    expect(text).toContain(`champion is version ${champion}`);
    // No confirmation was offered.
    expect(await page.locator(".monaco-dialog-box").count()).toBe(0);

    // The finding sits on the manifest's model field (the line of `model:`), with the rule's id.
    const modelLine = llamaManifest.split("\n").findIndex((l) => l.startsWith("model:")) + 1;
    await page.keyboard.press("Control+Shift+M");
    const problem = page.locator(".markers-panel .monaco-list-row", { hasText: "is not approved for prod" }).first();
    await problem.waitFor({ state: "visible", timeout: 15_000 });
    const problemText = await problem.innerText();
    expect(problemText).toContain("model-approved");
    expect(problemText).toContain(`[Ln ${modelLine},`);
  });
});
