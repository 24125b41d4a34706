/** An ML engineer whose RBAC allows one namespace: the views narrow to it and say what is missing. */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from "vitest";
import type { SandboxApiServer } from "../../sandbox/apiServer";
import { startSandbox } from "../../sandbox/sandboxLauncher";
import { openTestWorkbench, type Workbench } from "../harness/workbench";
import { openAiPlatformContainer, viewPane } from "./workbenchActions";

let server: SandboxApiServer;
let wb: Workbench;
const token = "ml-engineer-token";

beforeAll(async () => {
  ({ server } = await startSandbox({ scenario: "demo", namespaceTokens: { [token]: "llm-serving" } }));
  const kubeconfig = path.join(await mkdtemp(path.join(tmpdir(), "aiplat-ns-")), "config");
  await writeFile(kubeconfig, server.kubeconfig({ token, namespace: "llm-serving" }));
  wb = await openTestWorkbench({ trusted: true, env: { KUBECONFIG: kubeconfig } });
  await openAiPlatformContainer(wb.page);
});

afterAll(async () => {
  await wb?.close();
  await server?.stop();
});

describe("a user allowed only in namespace llm-serving", () => {
  test("Deployments falls back to their namespace, and GPU Nodes says which permission is missing", async () => {
    onTestFailed(async () => {
      console.error(`[ui] evidence saved in ${await wb.saveEvidence("namespace-scoped")}`);
    });
    const deployments = viewPane(wb.page, "Deployments");
    await deployments.locator('.monaco-list-row[aria-label^="vllm-llama3-70b, Healthy"]').waitFor({ state: "visible", timeout: 30_000 });
    expect(await deployments.locator('.monaco-list-row[aria-label^="sklearn-iris"]').count()).toBe(0);
    await expect
      .poll(() => viewPane(wb.page, "GPU Nodes").locator(".pane-body").innerText(), { timeout: 20_000 })
      .toContain("Cannot list nodes at the cluster scope: forbidden");
  });
});
