import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, openWorkbench } from "./browser";
import { createProfile, startCodeServer, userSettings, waitFor, type RunningCodeServer } from "./codeServer";
import { ensureCodeServer, repoRoot, type CodeServerTarget } from "./codeServerInstall";

export interface WorkbenchOptions {
  /** false puts the workspace in Restricted Mode. */
  readonly trusted: boolean;
  /** Environment of the server and so of the extension host, e.g. KUBECONFIG. */
  readonly env?: Record<string, string>;
  /** Files to create in the workspace, path → content. */
  readonly workspaceFiles?: Record<string, string>;
  /** The extension under test; default AIPLAT_VSIX. */
  readonly vsix?: string;
  /** Extra VSIXs installed beside the extension under test. */
  readonly extraVsixes?: readonly string[];
  /** Which code-server (and so VS Code); default the current one. */
  readonly codeServer?: CodeServerTarget;
}

export interface Workbench {
  readonly dir: string;
  readonly workspace: string;
  readonly server: RunningCodeServer;
  readonly browser: Browser;
  readonly page: Page;
  /** Saves a screenshot and the server log under test-results/ and returns the folder. */
  saveEvidence(name: string): Promise<string>;
  close(): Promise<void>;
}

/** The VSIX under test: AIPLAT_VSIX, as `npm test` packs it. */
export function vsixUnderTest(): string {
  const vsix = process.env["AIPLAT_VSIX"];
  if (!vsix) throw new Error("AIPLAT_VSIX is not set: run the UI tests through npm test, which packs the extension first.");
  return vsix;
}

export const evidenceRoot = path.join(repoRoot, "test-results");

/** code-server with the packed extension installed, a workspace, and Chromium on the workbench. */
export async function openTestWorkbench(opts: WorkbenchOptions): Promise<Workbench> {
  const install = await ensureCodeServer(console.log, opts.codeServer);
  const dir = await mkdtemp(path.join(tmpdir(), "aiplat-ui-"));
  const workspace = path.join(dir, "workspace");
  await mkdir(workspace, { recursive: true });
  for (const [file, content] of Object.entries(opts.workspaceFiles ?? {})) {
    await mkdir(path.dirname(path.join(workspace, file)), { recursive: true });
    await writeFile(path.join(workspace, file), content);
  }
  const profile = await createProfile(install, path.join(dir, "profile"), [opts.vsix ?? vsixUnderTest(), ...(opts.extraVsixes ?? [])], userSettings({ trustWorkspaces: opts.trusted }));
  const server = await startCodeServer(install, profile, workspace, opts.env ? { env: opts.env } : {});
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const page = await openWorkbench(browser, server.workspaceUrl);
    const b = browser;
    return {
      dir,
      workspace,
      server,
      browser: b,
      page,
      async saveEvidence(name) {
        const out = path.join(evidenceRoot, name.replace(/[^\w.-]+/g, "_"));
        await mkdir(out, { recursive: true });
        await page.screenshot({ path: path.join(out, "screenshot.png") }).catch(() => undefined);
        await cp(server.logFile, path.join(out, "code-server.log")).catch(() => undefined);
        await cp(path.join(profile.userDataDir, "logs"), path.join(out, "logs"), { recursive: true }).catch(() => undefined);
        return out;
      },
      async close() {
        await b.close().catch(() => undefined);
        await server.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await browser?.close().catch(() => undefined);
    await server.stop();
    throw err;
  }
}

/** Waits for a JSON file another process writes atomically. */
export async function readJsonWhenWritten<T>(file: string, timeoutMs: number, what: string): Promise<T> {
  let value: T | undefined;
  await waitFor(
    async () => {
      try {
        value = JSON.parse(await readFile(file, "utf8")) as T;
        return true;
      } catch {
        return false;
      }
    },
    timeoutMs,
    `${what} did not finish within ${timeoutMs / 1000} s`,
    250,
  );
  return value as T;
}
