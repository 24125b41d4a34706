/** An ML engineer whose RBAC allows one namespace: the views narrow to it and say what is missing. */
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from "vitest";
import type { Workbench } from "../harness/workbench";
import { openSandboxWorkbench, type SandboxWorkbench } from "./sandboxWorkbench";
import { openAiPlatformContainer, viewPane } from "./workbenchActions";

let wb: Workbench;
const token = "ml-engineer-token";

let session: SandboxWorkbench | undefined;

beforeAll(async () => {
  session = await openSandboxWorkbench({ trusted: true, sandbox: { namespaceTokens: { [token]: "llm-serving" } }, user: { token, namespace: "llm-serving" } });
  wb = session.wb;
  await openAiPlatformContainer(wb.page);
});

afterAll(async () => {
  await session?.close();
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
