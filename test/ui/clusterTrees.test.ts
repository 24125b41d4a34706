/** The Deployments and GPU Nodes trees on the sandbox's demo scenario, live, in code-server. */
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from "vitest";
import type { SandboxApiServer } from "../../sandbox/apiServer";
import type { Workbench } from "../harness/workbench";
import { makePodCrashLoop } from "./podFaults";
import { openSandboxWorkbench, type SandboxWorkbench } from "./sandboxWorkbench";
import { chooseFromContextMenu, openAiPlatformContainer, quickPickLabels, runCommand, statusBarItem, viewPane, waitForQuickPick } from "./workbenchActions";

let server: SandboxApiServer;
let wb: Workbench;

/** A tree row by the start of its accessible label: "name, Health, …". */
const row = (view: string, label: string) => viewPane(wb.page, view).locator(`.monaco-list-row[aria-label^="${label}"]`);

let session: SandboxWorkbench | undefined;

beforeAll(async () => {
  session = await openSandboxWorkbench({ trusted: true });
  ({ server, wb } = session);
  // Tall enough that the demo's rows are all rendered (the tree renders only what is in view).
  await wb.page.setViewportSize({ width: 1400, height: 1600 });
  await openAiPlatformContainer(wb.page);
  // Models has no rows yet; fold it so both cluster trees have room.
  await viewPane(wb.page, "Models").locator(".pane-header").click();
});

afterAll(async () => {
  await session?.close();
});

describe("cluster trees on the sandbox", () => {
  test("Deployments shows each inference service with truthful health", async () => {
    onTestFailed(async () => {
      console.error(`[ui] evidence saved in ${await wb.saveEvidence("trees-health")}`);
    });
    await row("Deployments", "sklearn-iris, Healthy").waitFor({ state: "visible", timeout: 30_000 });
    // KServe reports the InferenceService Ready while its predictor crash-loops: we say Degraded.
    await expect(row("Deployments", "fraud-xgboost, Degraded").count()).resolves.toBe(1);
    expect(await row("Deployments", "fraud-xgboost, Degraded").getAttribute("aria-label")).toMatch(/CrashLoopBackOff/);
    // The rollout stuck past its progress deadline.
    await expect(row("Deployments", "bert-classifier, Failed").count()).resolves.toBe(1);
  });

  test("a pod that starts crash-looping turns its deployment Degraded without a refresh", async () => {
    onTestFailed(async () => {
      console.error(`[ui] evidence saved in ${await wb.saveEvidence("trees-live")}`);
    });
    await row("Deployments", "vllm-llama3-70b, Healthy").waitFor({ state: "visible", timeout: 30_000 });
    await makePodCrashLoop(server, "llm-serving", "vllm-llama3-70b");
    await row("Deployments", "vllm-llama3-70b, Degraded").waitFor({ state: "visible", timeout: 10_000 });
  });

  test("GPU Nodes groups nodes by pool with allocation, and lists pods pending for lack of GPUs", async () => {
    onTestFailed(async () => {
      console.error(`[ui] evidence saved in ${await wb.saveEvidence("trees-gpu")}`);
    });
    const gpu = viewPane(wb.page, "GPU Nodes");
    await gpu.locator(".monaco-list-row", { hasText: "Pending GPU pods" }).waitFor({ state: "visible", timeout: 30_000 });
    await expect.poll(() => gpu.locator(".monaco-list-row", { hasText: "vllm-mixtral-8x7b" }).count()).toBe(1);
    const a100 = gpu.locator(".monaco-list-row").filter({ has: wb.page.locator(".label-name", { hasText: /^a100pool$/ }) });
    await expect.poll(() => a100.innerText()).toMatch(/\d+\/32 GPUs/);
  });

  test("cordon asks first, then marks the node cordoned on the cluster and in the tree", async () => {
    onTestFailed(async () => {
      console.error(`[ui] evidence saved in ${await wb.saveEvidence("trees-cordon")}`);
    });
    const gpu = viewPane(wb.page, "GPU Nodes");
    const nodeRow = gpu.locator(".monaco-list-row").filter({ has: wb.page.locator(".label-name", { hasText: /^aks-t4pool-.*0$/ }) }).first();
    await nodeRow.waitFor({ state: "visible", timeout: 15_000 });
    const nodeName = (await nodeRow.locator(".label-name").innerText()).trim();
    await chooseFromContextMenu(wb.page, nodeRow, "Cordon Node");
    const dialog = wb.page.locator(".monaco-dialog-box");
    await expect.poll(() => dialog.innerText()).toContain(`Cordon node ${nodeName}?`);
    await dialog.getByRole("button", { name: "Cordon", exact: true }).click();
    await expect.poll(() => nodeRow.innerText(), { timeout: 10_000 }).toContain("cordoned");
    const kc = new KubeConfig();
    kc.loadFromString(server.kubeconfig());
    const node = await kc.makeApiClient(CoreV1Api).readNode({ name: nodeName });
    expect(node.spec?.unschedulable).toBe(true);
  });

  test("Show Logs opens the workload's log in an editor", async () => {
    onTestFailed(async () => {
      console.error(`[ui] evidence saved in ${await wb.saveEvidence("trees-logs")}`);
    });
    const workload = row("Deployments", "sklearn-iris,");
    await chooseFromContextMenu(wb.page, workload, "Show Logs");
    const tab = wb.page.locator(".tabs-container .tab", { hasText: "sklearn-iris" });
    await tab.waitFor({ state: "visible", timeout: 15_000 });
    await expect.poll(() => wb.page.locator(".editor-container .view-lines").innerText(), { timeout: 10_000 }).toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
  });

  test("Follow Logs shows new lines as the container writes them", async () => {
    onTestFailed(async () => {
      console.error(`[ui] evidence saved in ${await wb.saveEvidence("trees-follow")}`);
    });
    await chooseFromContextMenu(wb.page, row("Deployments", "sklearn-iris,"), "Follow Logs");
    await wb.page.locator(".tabs-container .tab", { hasText: "(following)" }).waitFor({ state: "visible", timeout: 15_000 });
    const kc = new KubeConfig();
    kc.loadFromString(server.kubeconfig());
    const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: "kserve-models" });
    const pod = pods.items.find((p) => p.metadata?.name?.startsWith("sklearn-iris-predictor-"));
    if (!pod?.metadata?.name) throw new Error("the demo has no sklearn-iris predictor pod");
    server.logs.append("kserve-models", pod.metadata.name, "kserve-container", "INFO: follow-marker-42 POST /v1/models/sklearn-iris:predict 200");
    await expect.poll(() => wb.page.locator(".editor-container .view-lines").innerText(), { timeout: 10_000 }).toContain("follow-marker-42");
  });

  test("Describe shows the verdict, its reasons and the events, warnings first", async () => {
    onTestFailed(async () => {
      console.error(`[ui] evidence saved in ${await wb.saveEvidence("trees-describe")}`);
    });
    await chooseFromContextMenu(wb.page, row("Deployments", "fraud-xgboost,"), "Describe");
    await wb.page.locator(".tabs-container .tab", { hasText: "fraud-xgboost.describe" }).waitFor({ state: "visible", timeout: 15_000 });
    const text = (): Promise<string> => wb.page.locator(".editor-container .view-lines").innerText();
    await expect.poll(text, { timeout: 10_000 }).toMatch(/Health:\s+Degraded/);
    expect(await text()).toMatch(/CrashLoopBackOff/);
  });

  // Last: it narrows the view for the tests after it.
  test("Select Namespace narrows the Deployments view, and the status bar says which", async () => {
    onTestFailed(async () => {
      console.error(`[ui] evidence saved in ${await wb.saveEvidence("trees-namespace")}`);
    });
    await runCommand(wb.page, "AI Platform: Select Namespace");
    await waitForQuickPick(wb.page, "Namespace in sandbox");
    await wb.page.locator(".quick-input-widget input").fill("triton");
    await expect.poll(() => quickPickLabels(wb.page)).toEqual(["triton"]);
    await wb.page.keyboard.press("Enter");
    await statusBarItem(wb.page, "sandbox · triton").waitFor({ state: "visible", timeout: 10_000 });
    await expect.poll(() => row("Deployments", "sklearn-iris,").count()).toBe(0);
    await expect(row("Deployments", "triton-ensemble, Healthy").count()).resolves.toBe(1);
  });
});
