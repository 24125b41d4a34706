import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from "vitest";
import { fixturesDir } from "../harness/runExtensionHost";
import { openTestWorkbench, type Workbench } from "../harness/workbench";
import { openAiPlatformContainer, quickPickLabels, quickPickRows, runCommand, statusBarItem, waitForQuickPick, viewPane } from "./workbenchActions";

const kubeconfig = [path.join(fixturesDir, "kubeconfig/team-a.yaml"), path.join(fixturesDir, "kubeconfig/team-b.yaml")].join(path.delimiter);

describe("AI Platform in VS Code (trusted workspace, two-file KUBECONFIG)", () => {
  let wb: Workbench;

  beforeAll(async () => {
    wb = await openTestWorkbench({ trusted: true, env: { KUBECONFIG: kubeconfig } });
  });
  afterAll(async () => {
    await wb?.close();
  });
  const evidenceOnFailure = (name: string): void =>
    onTestFailed(async () => {
      console.error(`[ui] evidence for "${name}" saved in ${await wb.saveEvidence(`views-${name}`)}`);
    });

  test("the activity bar opens AI Platform with the Models, Deployments and GPU Nodes views and their welcome content", async () => {
    evidenceOnFailure("three-views");
    await openAiPlatformContainer(wb.page);
    for (const [view, text] of [
      ["Models", "No model registry is connected for this context"],
      // The fixture's clusters do not exist: the views say so, and keep retrying by themselves.
      ["Deployments", "Cannot reach aks-ml-prod"],
      ["GPU Nodes", "Cannot reach aks-ml-prod"],
    ] as const) {
      const pane = viewPane(wb.page, view);
      await pane.locator(".pane-header").waitFor({ state: "visible" });
      if ((await pane.locator(".pane-header").getAttribute("aria-expanded")) === "false") await pane.locator(".pane-header").click();
      await expect.poll(() => pane.locator(".pane-body").innerText(), { timeout: 20_000 }).toContain(text);
    }
    // Models' welcome content links to a command that exists: it is a button.
    await expect.poll(() => viewPane(wb.page, "Models").getByRole("button", { name: "Switch Kubernetes Context" }).count()).toBe(1);
  });

  test("the status bar shows the first file's current-context, as kubectl would", async () => {
    evidenceOnFailure("status-bar");
    await statusBarItem(wb.page, "aks-ml-prod").waitFor({ state: "visible", timeout: 20_000 });
  });

  test("Select Kubernetes Context lists the merged contexts and remembers the choice across a reload", async () => {
    evidenceOnFailure("context-picker");
    await runCommand(wb.page, "AI Platform: Select Kubernetes Context");
    await waitForQuickPick(wb.page, "Select Kubernetes Context");
    const labels = await quickPickLabels(wb.page);
    expect(labels).toEqual(["aks-ml-prod", "kind-gpu-lab", "staging-eastus"]);
    const kindRow = quickPickRows(wb.page).filter({ hasText: "kind-gpu-lab" });
    // kubectl keeps team-a.yaml's kind-gpu-lab; team-b.yaml's copy (namespace "shadowed") loses.
    await expect.poll(() => kindRow.innerText()).toContain("https://127.0.0.1:6443");
    expect(await kindRow.innerText()).not.toContain("shadowed");

    await wb.page.locator(".quick-input-widget input").fill("staging");
    await expect.poll(() => quickPickLabels(wb.page)).toEqual(["staging-eastus"]);
    await wb.page.keyboard.press("Enter");
    await statusBarItem(wb.page, "staging-eastus").waitFor({ state: "visible", timeout: 10_000 });
    await expect.poll(() => viewPane(wb.page, "Deployments").locator(".pane-header").innerText()).toContain("staging-eastus");

    await wb.page.reload();
    await openAiPlatformContainer(wb.page);
    await statusBarItem(wb.page, "staging-eastus").waitFor({ state: "visible", timeout: 30_000 });
  });
});
