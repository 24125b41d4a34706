import type { Locator, Page } from "playwright-core";

/** Clicks the AI Platform icon in the activity bar, as a person would. */
export async function openAiPlatformContainer(page: Page): Promise<void> {
  const icon = page.locator(".activitybar").getByRole("tab", { name: /^AI Platform/ });
  await icon.waitFor({ state: "visible", timeout: 30_000 });
  const models = viewPane(page, "Models");
  // After a reload the workbench may restore the container as open, and a click would close it.
  if (await models.waitFor({ state: "visible", timeout: 1_500 }).then(() => true, () => false)) return;
  await icon.click();
  if (await models.waitFor({ state: "visible", timeout: 5_000 }).then(() => true, () => false)) return;
  await icon.click();
  await models.waitFor({ state: "visible", timeout: 30_000 });
}

/** The pane of a view in the side bar, header and body. */
export function viewPane(page: Page, title: string): Locator {
  return page.locator(".part.sidebar .pane").filter({ has: page.locator(".pane-header", { hasText: new RegExp(`^\\s*${title}`) }) });
}

/** Runs a command by its palette title, e.g. "AI Platform: Select Kubernetes Context". */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.locator(".monaco-workbench").click({ position: { x: 700, y: 450 } });
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: 10_000 });
  await input.fill(`>${title}`);
  const row = quickPickRows(page).filter({ hasText: title }).first();
  await row.waitFor({ state: "visible", timeout: 10_000 });
  await input.press("Enter");
}

export function quickPickRows(page: Page): Locator {
  return page.locator(".quick-input-widget .monaco-list-row");
}

/** Waits for the quick pick with this title, e.g. "Select Kubernetes Context". */
export async function waitForQuickPick(page: Page, title: string): Promise<void> {
  await page.locator(".quick-input-widget .quick-input-title", { hasText: title }).waitFor({ state: "visible", timeout: 15_000 });
}

/** The labels of the rows the quick pick shows. */
export async function quickPickLabels(page: Page): Promise<string[]> {
  const rows = quickPickRows(page);
  await rows.first().waitFor({ state: "visible", timeout: 15_000 });
  // A row shows its label, then its description and detail; the label's name comes first.
  const labels: string[] = [];
  for (const row of await rows.all()) labels.push((await row.locator(".label-name").first().innerText()).trim());
  return labels;
}

export function statusBarItem(page: Page, text: string | RegExp): Locator {
  return page.locator(".part.statusbar .statusbar-item").filter({ hasText: text });
}

/**
 * Right-clicks a row and chooses a context-menu item. The workbench ignores a click that comes
 * too soon after the menu opens, so this waits for the menu to settle and retries once.
 */
export async function chooseFromContextMenu(page: Page, target: Locator, item: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    await target.click({ button: "right" });
    const entry = page.getByRole("menuitem", { name: item, exact: true });
    await entry.waitFor({ state: "visible", timeout: 10_000 });
    await page.waitForTimeout(300);
    await entry.hover();
    await entry.click();
    // Done when the menu closed, or when what the item opened (a confirmation) is up.
    const ran = await Promise.any([entry.waitFor({ state: "hidden", timeout: 3_000 }), page.locator(".monaco-dialog-box").waitFor({ state: "visible", timeout: 3_000 })]).then(
      () => true,
      () => false,
    );
    if (ran) return;
    await page.keyboard.press("Escape");
  }
  throw new Error(`the context menu item "${item}" did not run`);
}
