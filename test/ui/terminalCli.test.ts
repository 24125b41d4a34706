/**
 * Issue 14: someone who installed the extension opens VS Code's terminal and runs `aiplat`. No
 * separate install: the extension puts the CLI it carries on the terminal's PATH.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from "vitest";
import { repoRoot } from "../harness/codeServerInstall";
import { openTestWorkbench, type Workbench } from "../harness/workbench";
import { openAiPlatformContainer, runCommand } from "./workbenchActions";

const version = (JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string }).version;

describe("aiplat in VS Code's integrated terminal", () => {
  let wb: Workbench;

  beforeAll(async () => {
    wb = await openTestWorkbench({ trusted: true });
  });
  afterAll(async () => {
    await wb?.close();
  });

  test("a new terminal runs `aiplat --version` and prints the extension's version", async () => {
    onTestFailed(async () => {
      console.error(`[ui] evidence saved in ${await wb.saveEvidence("terminal-aiplat")}`);
    });
    // Opening the AI Platform views activates the extension, which sets the terminals' PATH.
    await openAiPlatformContainer(wb.page);
    const terminalText = (): Promise<string> => wb.page.locator(".terminal-wrapper.active .xterm-rows").innerText();
    // A terminal opened before the extension finished activating keeps its old environment (VS
    // Code offers to relaunch it), so a person who sees "not found" opens a new one; so does this.
    await expect
      .poll(
        async () => {
          await runCommand(wb.page, "Terminal: Create New Terminal");
          const rows = wb.page.locator(".terminal-wrapper.active .xterm-rows");
          await rows.waitFor({ state: "visible", timeout: 20_000 });
          await wb.page.locator(".terminal-wrapper.active .xterm-helper-textarea").focus();
          await wb.page.keyboard.type("aiplat --version\n");
          await expect.poll(terminalText, { timeout: 15_000 }).toMatch(new RegExp(`^(${version.replace(/\./g, "\\.")}|.*not found.*)$`, "m"));
          return (await terminalText()).split("\n").map((l) => l.trim());
        },
        { timeout: 90_000, interval: 1_000 },
      )
      .toContain(version);
  });
});
