import { chromium, type Browser, type Page } from "playwright-core";
import { ensureSystemPackages, SystemNeeds } from "./systemPackages";

/** Flags that keep Debian's Chromium off this machine's closed network and quiet in CI. */
const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
  "--disable-dev-shm-usage",
];

export const chromiumPath = "/usr/bin/chromium";

export async function launchBrowser(): Promise<Browser> {
  ensureSystemPackages(SystemNeeds.browser);
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
}

/** Opens the workbench and waits until the activity bar is there: the extension host then starts. */
export async function openWorkbench(browser: Browser, url: string): Promise<Page> {
  // The workbench's clipboard is the browser's: Copy commands need it as a person's browser allows it.
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, permissions: ["clipboard-read", "clipboard-write"] });
  await page.goto(url);
  await page.locator(".monaco-workbench .activitybar").waitFor({ state: "visible", timeout: 60_000 });
  return page;
}
