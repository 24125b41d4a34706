/**
 * The on-call path on the demo incident (llm-serving/vllm-llama3-70b: revision 2 doubled p95 and
 * raised errors), driven through the UI as a person would, for the UI test and the `incident`
 * bench: the regression shows in the Deployments tree → Triage Service on its row → the report
 * opens beside → the notification's mitigation button → Roll Back's confirmation → Healthy.
 * Every click or key press a person makes is counted.
 */
import { performance } from "node:perf_hooks";
import { AppsV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import type { Locator, Page } from "playwright-core";
import { viewPane } from "./workbenchActions";

export const incidentService = { namespace: "llm-serving", name: "vllm-llama3-70b", suspectRevision: 2, goodRevision: 1 } as const;

/** The workspace setting a person writes (or Connect Metrics… writes) for the sandbox's Prometheus. */
export const incidentWorkspaceSettings = {
  "aiPlatform.metrics.sources": [{ context: "sandbox", kind: "prometheus", service: { namespace: "monitoring", name: "kube-prometheus-stack-prometheus", port: 9090 } }],
};

/**
 * The demo's GPU-starved vllm-mixtral-8x7b waits for a whole A100 node. The rollback replaces
 * llama's pods one at a time (maxUnavailable 1), and the scheduler would give the node each old
 * pod frees to the older pending mixtral pod, as a real scheduler serves its queue: the rollback
 * would then wait for GPUs, a second incident. Scaling mixtral to 0 first keeps this one about
 * the regression.
 */
export async function parkGpuStarvedWorkload(kubeconfig: string): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  await kc
    .makeApiClient(AppsV1Api)
    .patchNamespacedDeploymentScale({ namespace: "llm-serving", name: "vllm-mixtral-8x7b", body: { spec: { replicas: 0 } } }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch));
}

export function serviceRow(page: Page): Locator {
  return viewPane(page, "Deployments").locator(`.monaco-list-row[aria-label^="${incidentService.name},"]`);
}

/** Waits until the row says the SLO is burning: the regression is visible in the tree. */
export async function waitForRegressionInTree(page: Page, timeout = 90_000): Promise<void> {
  const row = serviceRow(page);
  await row.waitFor({ state: "visible", timeout: 30_000 });
  const deadline = Date.now() + timeout;
  for (;;) {
    const label = (await row.getAttribute("aria-label").catch(() => null)) ?? "";
    if (/, (fast|slow) burn: |SLO breached|p95 .* > /.test(label)) return;
    if (Date.now() > deadline) throw new Error(`the Deployments row never showed the regression: "${label}"`);
    await page.waitForTimeout(250);
  }
}

export interface IncidentRun {
  /** Clicks a person made: Triage on the row, the mitigation's button, Roll Back's confirmation. */
  readonly actions: number;
  /** Triage clicked → the report's preview on screen. */
  readonly triageMs: number;
  /** The regression visible in the tree → the row Healthy again after the rollback. */
  readonly detectToHealthyMs: number;
  /** The notification's text: what triage concluded. */
  readonly notice: string;
}

/**
 * From the tree showing the regression to Healthy. `detectedAt` is performance.now() when the
 * regression became visible (waitForRegressionInTree returned).
 */
export async function mitigateIncident(page: Page, detectedAt: number): Promise<IncidentRun> {
  let actions = 0;
  const row = serviceRow(page);
  // 1: the row's inline Triage Service button (hover shows the row's actions, as a mouse does).
  await row.hover();
  const triage = row.getByRole("button", { name: "Triage Service" });
  await triage.waitFor({ state: "visible", timeout: 10_000 });
  const triageStarted = performance.now();
  await triage.click();
  actions++;
  await page.locator(".tabs-container .tab", { hasText: /Preview .*vllm-llama3-70b\.md/ }).waitFor({ state: "visible", timeout: 60_000 });
  const triageMs = performance.now() - triageStarted;

  // 2: the notification's mitigation button.
  const toast = page.locator(".notification-toast", { hasText: `after revision ${incidentService.suspectRevision}` }).first();
  await toast.waitFor({ state: "visible", timeout: 30_000 });
  const notice = (await toast.locator(".notification-list-item-message").innerText()).trim();
  await toast.getByRole("button", { name: `Roll Back to Revision ${incidentService.goodRevision}`, exact: true }).click();
  actions++;

  // 3: Roll Back's confirmation.
  const dialog = page.locator(".monaco-dialog-box");
  const confirm = dialog.getByRole("button", { name: "Roll Back", exact: true });
  await confirm.waitFor({ state: "visible", timeout: 30_000 });
  await confirm.click();
  actions++;

  // The rollback's own rollout: Progressing, then Healthy once revision 1's template runs everywhere.
  const healthy = viewPane(page, "Deployments").locator(`.monaco-list-row[aria-label^="${incidentService.name}, Healthy"]`);
  await page.locator(".notification-toast", { hasText: `${incidentService.name} is rolled back` }).first().waitFor({ state: "visible", timeout: 120_000 });
  await healthy.waitFor({ state: "visible", timeout: 120_000 });
  return { actions, triageMs, detectToHealthyMs: performance.now() - detectedAt, notice };
}
