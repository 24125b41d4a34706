/**
 * The newcomer path, driven as a person would drive it: the wizard's quick picks, the Deploy
 * CodeLens, the confirmation dialog, the tree. Shared by the UI test and the `ship` bench.
 */
import type { Locator, Page } from "playwright-core";
import { runCommand, viewPane } from "./workbenchActions";

const quickInput = (page: Page): Locator => page.locator(".quick-input-widget");

/** Waits for the wizard step with this number and returns its input. */
async function step(page: Page, n: number): Promise<Locator> {
  await quickInput(page).locator(".quick-input-title", { hasText: `New Inference Service (${n}/5)` }).waitFor({ state: "visible", timeout: 15_000 });
  return quickInput(page).locator("input");
}

/** Picks the row whose label starts with `label` in the visible quick pick. */
async function pickRow(page: Page, label: string | RegExp): Promise<void> {
  const row = quickInput(page).locator(".monaco-list-row").filter({ has: page.locator(".label-name", { hasText: label }) }).first();
  await row.waitFor({ state: "visible", timeout: 15_000 });
  await row.click();
}

/** Runs New Inference Service… to the end and returns how many prompts it took. */
export async function scaffoldVllmService(page: Page, name: string): Promise<number> {
  let prompts = 0;
  await runCommand(page, "AI Platform: New Inference Service…");
  await step(page, 1);
  await pickRow(page, /^vLLM/);
  prompts++;
  const nameInput = await step(page, 2);
  await nameInput.fill(name);
  await nameInput.press("Enter");
  prompts++;
  const modelInput = await step(page, 3);
  // The template's model is prefilled; accepting it is the newcomer's path.
  await modelInput.press("Enter");
  prompts++;
  await step(page, 4);
  // The recommended choice (a GPU type with free GPUs) is preselected.
  await quickInput(page).locator("input").press("Enter");
  prompts++;
  await step(page, 5);
  await pickRow(page, new RegExp(`Create ${name}/`));
  prompts++;
  await page.locator(".tabs-container .tab", { hasText: "aiplatform.yaml" }).waitFor({ state: "visible", timeout: 15_000 });
  return prompts;
}

/** Clicks "Deploy to <env>" above the environment, confirms, accepts the default reason. Returns the prompts answered. */
export async function deployFromCodeLens(page: Page, env: string, reason = ""): Promise<number> {
  // The last deploy's diff may be in front: bring the manifest back, as a person would.
  await page.locator(".tabs-container .tab", { hasText: "aiplatform.yaml" }).first().click();
  // The environments close the manifest; scroll to them, since the editor renders only the lines on screen.
  // (Clicking the tab focuses its editor.)
  await page.keyboard.press("Control+End");
  // Only a lens on screen: an editor restored in a hidden group renders its own, hidden, copy.
  const lens = page.locator(".contentWidgets .codelens-decoration a, .codelens-decoration a", { hasText: `Deploy to ${env}` }).filter({ visible: true }).first();
  await lens.waitFor({ state: "visible", timeout: 20_000 });
  await lens.click();
  const dialog = page.locator(".monaco-dialog-box");
  await dialog.getByRole("button", { name: "Deploy", exact: true }).waitFor({ state: "visible", timeout: 30_000 });
  await dialog.getByRole("button", { name: "Deploy", exact: true }).click();
  const input = quickInput(page).locator("input");
  await quickInput(page).locator(".quick-input-title", { hasText: /^Why deploy/ }).waitFor({ state: "visible", timeout: 15_000 });
  if (reason) await input.fill(reason);
  await input.press("Enter");
  return 2;
}

/** The Deployments row of a workload in a given health, e.g. "llama3-chat, Healthy". */
export function workloadRow(page: Page, name: string, health?: string): Locator {
  return viewPane(page, "Deployments").locator(`.monaco-list-row[aria-label^="${name}, ${health ?? ""}"]`);
}

/** Waits until the Deployments view shows the cluster's workloads: the connection has synced. */
export async function waitForClusterSynced(page: Page): Promise<void> {
  await viewPane(page, "Deployments").locator(".monaco-list-row").first().waitFor({ state: "visible", timeout: 30_000 });
}

/** Expands a namespace row in the Deployments view when it is collapsed. */
export async function expandNamespace(page: Page, namespace: string): Promise<void> {
  const row = viewPane(page, "Deployments").locator(".monaco-list-row").filter({ has: page.locator(".label-name", { hasText: new RegExp(`^${namespace}$`) }) }).first();
  await row.waitFor({ state: "visible", timeout: 30_000 });
  if ((await row.getAttribute("aria-expanded")) === "false") await row.click();
}

/** A notification with a button, e.g. the failed rollout's "Roll Back". */
export async function clickNotificationButton(page: Page, text: string | RegExp, button: string, timeout = 60_000): Promise<void> {
  const toast = page.locator(".notification-toast", { hasText: text }).first();
  await toast.waitFor({ state: "visible", timeout });
  await toast.getByRole("button", { name: button, exact: true }).click();
}

/** Answers an input box (e.g. the rollback reason) with its prefilled value or the given text. */
export async function answerInput(page: Page, title: string | RegExp, text?: string): Promise<void> {
  await quickInput(page).locator(".quick-input-title", { hasText: title }).waitFor({ state: "visible", timeout: 15_000 });
  const input = quickInput(page).locator("input");
  if (text !== undefined) await input.fill(text);
  await input.press("Enter");
}
