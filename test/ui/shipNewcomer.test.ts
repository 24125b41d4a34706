/**
 * The newcomer path in code-server on the sandbox cluster with its controllers on (default
 * delays): the wizard scaffolds a vLLM service, the Deploy lens ships it, the tree turns
 * Healthy; then a broken image turns it Degraded and the one-click Roll Back restores it.
 */
import { readdirSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { AppsV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from "vitest";
import type { SandboxApiServer } from "../../sandbox/apiServer";
import { readAuditLog } from "../../src/core/audit/auditLog";
import { verifyAuditLog } from "../../src/core/audit/auditVerify";
import type { Workbench } from "../harness/workbench";
import { openSandboxWorkbench, type SandboxWorkbench } from "./sandboxWorkbench";
import { answerInput, clickNotificationButton, deployFromCodeLens, expandNamespace, scaffoldVllmService, waitForClusterSynced, workloadRow } from "./shipFlow";
import { chooseFromContextMenu, openAiPlatformContainer, runCommand, viewPane } from "./workbenchActions";

let server: SandboxApiServer;
let wb: Workbench;
let session: SandboxWorkbench | undefined;
const name = "llama3-chat";

beforeAll(async () => {
  session = await openSandboxWorkbench({ trusted: true, sandbox: { controllers: true } });
  ({ server, wb } = session);
  await wb.page.setViewportSize({ width: 1400, height: 1200 });
  await openAiPlatformContainer(wb.page);
});

afterAll(async () => {
  await session?.close();
});

const deployment = async () => {
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig());
  return kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: "ml-dev", name });
};

describe("the newcomer path", () => {
  test("the wizard checks each answer as it is typed, Back keeps what was entered, and Escape writes nothing", async () => {
    onTestFailed(async () => {
      console.error(`[ui] evidence saved in ${await wb.saveEvidence("ship-wizard-back")}`);
    });
    const widget = wb.page.locator(".quick-input-widget");
    const title = (n: number) => widget.locator(".quick-input-title", { hasText: `New Inference Service (${n}/5)` });
    await runCommand(wb.page, "AI Platform: New Inference Service…");
    await title(1).waitFor({ state: "visible", timeout: 15_000 });
    await widget.locator(".monaco-list-row", { hasText: "vLLM" }).first().click();
    await title(2).waitFor({ state: "visible" });
    const input = widget.locator("input");
    await input.fill("Llama_3/../x");
    await expect.poll(() => widget.innerText()).toMatch(/DNS-1123/);
    await input.press("Enter");
    await expect.poll(() => title(2).isVisible()).toBe(true);
    await input.fill("llama3-back");
    await input.press("Enter");
    await title(3).waitFor({ state: "visible" });
    await widget.locator('[aria-label^="Back"]').first().click();
    await title(2).waitFor({ state: "visible" });
    expect(await input.inputValue()).toBe("llama3-back");
    await input.press("Escape");
    await widget.waitFor({ state: "hidden" });
    expect(readdirSync(wb.workspace).filter((f) => !f.startsWith("."))).toEqual([]);
  });

  test("the wizard scaffolds a vLLM service, Deploy ships it to the sandbox, and the tree shows it Healthy", async () => {
    onTestFailed(async () => {
      console.error(`[ui] evidence saved in ${await wb.saveEvidence("ship-newcomer")}`);
    });
    // Synced first, so the wizard counts the cluster's free GPUs.
    await waitForClusterSynced(wb.page);
    const prompts = await scaffoldVllmService(wb.page, name);
    expect(prompts).toBeLessThanOrEqual(6);
    const dir = path.join(wb.workspace, name);
    const manifest = await readFile(path.join(dir, "aiplatform.yaml"), "utf8");
    expect(manifest).toMatch(/runtime: vllm/);
    await expect(readFile(path.join(dir, "runbook.md"), "utf8")).resolves.toMatch(/roll back/i);

    await deployFromCodeLens(wb.page, "dev", "first deploy");
    await expandNamespace(wb.page, "ml-dev");
    await workloadRow(wb.page, name, "Healthy").waitFor({ state: "visible", timeout: 90_000 });
    const live = await deployment();
    expect(live.metadata?.annotations?.["kubernetes.io/change-cause"]).toMatch(/first deploy/);
    expect(live.spec?.template.spec?.containers[0]?.resources?.limits?.["nvidia.com/gpu"]).toBe("1");
    // The wizard recommended the GPU type with free GPUs: the demo's A100s are all taken.
    expect(live.spec?.template.spec?.nodeSelector?.["nvidia.com/gpu.product"]).toBe("NVIDIA-A10");
    const audit = await verifyAuditLog({ file: path.join(wb.workspace, ".aiplatform", "audit.jsonl") });
    // The scaffold and the deploy: delivery metrics time the newcomer's lead time between the two.
    expect(audit).toMatchObject({ ok: true, records: 2 });

    // Deploying again changes nothing: the diff is taken against a server-side dry run, as kubectl diff does.
    await wb.page.locator(".tabs-container .tab", { hasText: "aiplatform.yaml" }).first().click();
    await wb.page.locator(".codelens-decoration a", { hasText: "Deploy to dev" }).first().click();
    await wb.page.locator(".notification-toast", { hasText: "Nothing to deploy: llama3-chat in dev already matches aiplatform.yaml" }).waitFor({ state: "visible", timeout: 30_000 });
  });

  test("a broken image turns it Degraded, and Roll Back on the failure brings it back Healthy", async () => {
    onTestFailed(async () => {
      console.error(`[ui] evidence saved in ${await wb.saveEvidence("ship-rollback")}`);
    });
    const file = path.join(wb.workspace, name, "aiplatform.yaml");
    const good = await readFile(file, "utf8");
    const goodImage = (await deployment()).spec?.template.spec?.containers[0]?.image;
    await writeFile(file, good.replace(/^image: .*$/m, "image: vllm/vllm-openai:does-not-exist"));
    await deployFromCodeLens(wb.page, "dev", "try a nightly image");
    await workloadRow(wb.page, name, "Degraded").waitFor({ state: "visible", timeout: 60_000 });
    await clickNotificationButton(wb.page, `Rollout of ${name} failed`, "Roll Back");
    await answerInput(wb.page, /^Why roll back/);
    await workloadRow(wb.page, name, "Healthy").waitFor({ state: "visible", timeout: 90_000 });
    expect((await deployment()).spec?.template.spec?.containers[0]?.image).toBe(goodImage);
    const audit = await verifyAuditLog({ file: path.join(wb.workspace, ".aiplatform", "audit.jsonl") });
    expect(audit).toMatchObject({ ok: true, records: 4 });
  });

  test("a KServe canary shows its traffic split in the tree, and Roll Back sends all traffic to the previous revision", async () => {
    onTestFailed(async () => {
      console.error(`[ui] evidence saved in ${await wb.saveEvidence("ship-canary")}`);
    });
    const kc = new KubeConfig();
    kc.loadFromString(server.kubeconfig());
    const custom = kc.makeApiClient(CustomObjectsApi);
    // A Serverless (Knative) InferenceService: the mode where KServe splits traffic for a canary.
    const isvc = { group: "serving.kserve.io", version: "v1beta1", namespace: "ml-dev", plural: "inferenceservices", name: "iris" };
    const predictor = (version: string) => ({ model: { modelFormat: { name: "sklearn" }, storageUri: `gs://kfserving-examples/models/sklearn/${version}/model` } });
    await custom.createNamespacedCustomObject({ ...isvc, body: { apiVersion: "serving.kserve.io/v1beta1", kind: "InferenceService", metadata: { name: "iris" }, spec: { predictor: predictor("1.0") } } });
    await workloadRow(wb.page, "iris", "Healthy").waitFor({ state: "visible", timeout: 60_000 });
    await custom.patchNamespacedCustomObject({ ...isvc, body: { spec: { predictor: { canaryTrafficPercent: 20, ...predictor("1.1") } } } }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch));
    const canaryRow = viewPane(wb.page, "Deployments").locator('.monaco-list-row[aria-label^="iris,"]').filter({ hasText: "canary 20%" });
    await canaryRow.waitFor({ state: "visible", timeout: 60_000 });
    await chooseFromContextMenu(wb.page, canaryRow, "Roll Back…");
    const dialog = wb.page.locator(".monaco-dialog-box");
    await expect.poll(() => dialog.innerText()).toContain("Send all traffic back to the previous revision");
    await dialog.getByRole("button", { name: "Roll Back", exact: true }).click();
    await answerInput(wb.page, /^Why roll back/, "canary 5xx");
    await expect
      .poll(async () => {
        const live = (await custom.getNamespacedCustomObject(isvc)) as { spec?: { predictor?: { canaryTrafficPercent?: number } }; status?: { components?: { predictor?: { traffic?: { percent?: number; latestRevision?: boolean }[] } } } };
        return [live.spec?.predictor?.canaryTrafficPercent, live.status?.components?.predictor?.traffic?.find((t) => !t.latestRevision)?.percent];
      }, { timeout: 30_000 })
      .toEqual([0, 100]);
    // Recorded once the rollout it started has been followed to the end.
    await expect
      .poll(async () => {
        const log = await readAuditLog(path.join(wb.workspace, ".aiplatform", "audit.jsonl"));
        return log.ok ? log.records.at(-1) : undefined;
      }, { timeout: 30_000 })
      .toMatchObject({ action: "rollback", reason: "canary 5xx", object: { kind: "InferenceService", name: "iris" } });
  });
});
