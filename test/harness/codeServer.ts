import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import * as path from "node:path";
import type { CodeServerInstall } from "./codeServerInstall";

export interface Profile {
  readonly dir: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
}

/** Settings that keep the workbench quiet and deterministic under test. */
export function userSettings(opts: { readonly trustWorkspaces: boolean }): Record<string, unknown> {
  return {
    "security.workspace.trust.enabled": opts.trustWorkspaces ? false : true,
    "security.workspace.trust.startupPrompt": "never",
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "workbench.enableExperiments": false,
    "telemetry.telemetryLevel": "off",
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "extensions.ignoreRecommendations": true,
    "update.mode": "none",
    "chat.disableAIFeatures": true,
    "chat.commandCenter.enabled": false,
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    // The DOM renderer, so a test reads the terminal's text as a person sees it (WebGL draws pixels).
    "terminal.integrated.gpuAcceleration": "off",
  };
}

/** A fresh user-data and extensions folder with the given VSIXs installed the way a user would. */
export async function createProfile(
  install: CodeServerInstall,
  dir: string,
  vsixes: readonly string[],
  settings: Record<string, unknown>,
): Promise<Profile> {
  const profile: Profile = { dir, userDataDir: path.join(dir, "user-data"), extensionsDir: path.join(dir, "extensions") };
  await mkdir(path.join(profile.userDataDir, "User"), { recursive: true });
  await mkdir(profile.extensionsDir, { recursive: true });
  await writeFile(path.join(profile.userDataDir, "User", "settings.json"), JSON.stringify(settings, null, 2));
  for (const vsix of vsixes) {
    const r = spawnSync(
      install.nodeBin,
      [install.entry, "--install-extension", vsix, "--force", "--extensions-dir", profile.extensionsDir, "--user-data-dir", profile.userDataDir],
      { encoding: "utf8", env: { ...process.env, XDG_CONFIG_HOME: path.join(dir, "config") } },
    );
    if (r.status !== 0) throw new Error(`installing ${vsix} into code-server failed:\n${r.stdout}\n${r.stderr}`);
  }
  return profile;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

export interface RunningCodeServer {
  readonly url: string;
  /** The URL that opens the workspace folder. */
  readonly workspaceUrl: string;
  readonly logFile: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export async function startCodeServer(
  install: CodeServerInstall,
  profile: Profile,
  workspace: string,
  opts: { readonly env?: Record<string, string>; readonly port?: number; readonly host?: string } = {},
): Promise<RunningCodeServer> {
  const port = opts.port ?? (await freePort());
  const host = opts.host ?? "127.0.0.1";
  const logFile = path.join(profile.dir, "code-server.log");
  const log = createWriteStream(logFile, { flags: "a" });
  // Its own process group, so stop() ends the server and every process it started.
  const child = spawn(
    install.nodeBin,
    [
      install.entry,
      "--auth", "none",
      "--bind-addr", `${host}:${port}`,
      "--user-data-dir", profile.userDataDir,
      "--extensions-dir", profile.extensionsDir,
      "--config", path.join(profile.dir, "config.yaml"),
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-getting-started-override",
      workspace,
    ],
    {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...opts.env, XDG_CONFIG_HOME: path.join(profile.dir, "config") },
    },
  );
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = false;
  child.on("exit", () => (exited = true));

  const url = `http://${host}:${port}`;
  await waitFor(async () => {
    if (exited) throw new Error(`code-server exited during start; see ${logFile}`);
    try {
      const res = await fetch(`${url}/healthz`);
      return res.ok;
    } catch {
      return false;
    }
  }, 60_000, `code-server did not answer on ${url}; see ${logFile}`);

  const stop = async (): Promise<void> => {
    if (exited || child.pid === undefined) return;
    killGroup(child.pid, "SIGTERM");
    const gone = await waitFor(() => Promise.resolve(exited), 5_000, "").then(
      () => true,
      () => false,
    );
    if (!gone) killGroup(child.pid, "SIGKILL");
    // Children that outlive the server (extension host, pty host) are in the same group.
    killGroup(child.pid, "SIGKILL");
    log.end();
  };
  return { url, workspaceUrl: `${url}/?folder=${encodeURIComponent(workspace)}`, logFile, process: child, stop };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, message: string, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(message || `timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
