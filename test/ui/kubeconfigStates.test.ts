import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from "vitest";
import { fixturesDir } from "../harness/runExtensionHost";
import { openTestWorkbench, type Workbench } from "../harness/workbench";
import { openAiPlatformContainer, statusBarItem, viewPane } from "./workbenchActions";

describe("No kubeconfig at all, then a broken one, then a good one", () => {
  let wb: Workbench;
  let kubeconfig: string;

  beforeAll(async () => {
    kubeconfig = path.join(await mkdtemp(path.join(tmpdir(), "aiplat-kc-")), "config");
    wb = await openTestWorkbench({ trusted: true, env: { KUBECONFIG: kubeconfig } });
  });
  afterAll(async () => {
    await wb?.close();
  });

  test("each view says what it needs and offers the kubeconfig settings", async () => {
    onTestFailed(async () => {
      console.error(`[ui] evidence saved in ${await wb.saveEvidence("no-kubeconfig")}`);
    });
    await openAiPlatformContainer(wb.page);
    const deployments = viewPane(wb.page, "Deployments");
    await expect.poll(() => deployments.locator(".welcome-view-content").innerText(), { timeout: 20_000 }).toContain("No kubeconfig was found");
    await deployments.getByRole("button", { name: "Open Kubeconfig Settings" }).click();
    await wb.page.locator(".settings-editor .setting-item-contents").filter({ hasText: "Kubeconfig Paths" }).first().waitFor({ state: "visible", timeout: 15_000 });
  });

  test("a kubeconfig that appears broken is reported live, with the file and the fault in the log", async () => {
    onTestFailed(async () => {
      console.error(`[ui] evidence saved in ${await wb.saveEvidence("broken-kubeconfig")}`);
    });
    // Close the settings editor the previous test opened.
    await wb.page.keyboard.press("Escape");
    await wb.page.locator(".settings-editor").waitFor({ state: "hidden", timeout: 10_000 });
    await writeFile(kubeconfig, await readFile(path.join(fixturesDir, "kubeconfig/broken.yaml"), "utf8"));
    const gpuNodes = viewPane(wb.page, "GPU Nodes");
    await expect.poll(() => gpuNodes.locator(".welcome-view-content").innerText(), { timeout: 20_000 }).toContain("The kubeconfig has a problem");
    await gpuNodes.getByRole("button", { name: "Show Log" }).click();
    // The output view wraps long lines wherever it likes; compare without white space.
    const output = async (): Promise<string> => (await wb.page.locator(".part.panel .view-lines").innerText()).replace(/\s+/g, "");
    await expect.poll(output, { timeout: 15_000 }).toContain(`Kubeconfig ${kubeconfig} is not valid: bad indentation`.replace(/\s+/g, ""));
    expect(await output()).not.toContain("secret-looking-snippet");
  });

  test("fixing the file brings the views to life without a refresh", async () => {
    onTestFailed(async () => {
      console.error(`[ui] evidence saved in ${await wb.saveEvidence("fixed-kubeconfig")}`);
    });
    await writeFile(kubeconfig, await readFile(path.join(fixturesDir, "kubeconfig/team-b.yaml"), "utf8"));
    await statusBarItem(wb.page, "staging-eastus").waitFor({ state: "visible", timeout: 20_000 });
    // The fixture's cluster cannot be reached (its client certificate is not even valid PEM): the
    // view says so, with the reason, and keeps retrying by itself.
    await expect.poll(() => viewPane(wb.page, "GPU Nodes").locator(".pane-body").innerText(), { timeout: 30_000 }).toMatch(/Cannot reach staging-eastus \(.*PEM.*\)\. Retrying in \d+ s/);
  });
});
