/**
 * npm start: starts the sandbox cluster, packs the extension, installs it into code-server
 * (browser VS Code) pointed at the sandbox, opens a workspace and prints the URL. Ctrl-C stops
 * code-server, every process it started, and the sandbox.
 *
 *   npm start [-- --port 8080] [--workspace DIR] [--kubeconfig FILE | --no-sandbox]
 *
 * --kubeconfig uses your own kubeconfig instead of the sandbox; --no-sandbox uses KUBECONFIG
 * or ~/.kube/config.
 */
import { access, mkdir } from "node:fs/promises";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { createProfile, startCodeServer, userSettings } from "../test/harness/codeServer";
import { CodeServerVersion, ensureCodeServer } from "../test/harness/codeServerInstall";
import type { SandboxApiServer } from "../sandbox/apiServer";
import { writeKubeconfig } from "../sandbox/kubeconfig";
import { startSandbox } from "../sandbox/sandboxLauncher";
import { packageExtension } from "./package";
import { repoRoot } from "./vsix";

/** The sandbox's simulated controllers make the demo live (rollouts, scheduling, crash loops). */
const sandboxControllers = { controllers: true };

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: process.env["PORT"] ?? "8080" },
      workspace: { type: "string", default: repoRoot },
      kubeconfig: { type: "string" },
      "no-sandbox": { type: "boolean", default: false },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be a number from 1 to 65535, not "${values.port}"`);
  const workspace = path.resolve(values.workspace);

  let sandbox: SandboxApiServer | undefined;
  let kubeconfig: string | undefined;
  if (values.kubeconfig) {
    kubeconfig = path.resolve(values.kubeconfig);
    await access(kubeconfig).catch(() => {
      throw new Error(`--kubeconfig ${kubeconfig}: no such file`);
    });
  } else if (!values["no-sandbox"]) {
    ({ server: sandbox } = await startSandbox({ scenario: "demo", ...sandboxControllers }));
    kubeconfig = path.join(repoRoot, ".sandbox", "kubeconfig");
    await writeKubeconfig(kubeconfig, { server: sandbox.url, caCert: sandbox.caCert, token: sandbox.token });
  }

  const vsix = await packageExtension();
  const install = await ensureCodeServer();
  const profileDir = path.join(repoRoot, ".vscode-test", "start-profile");
  await mkdir(profileDir, { recursive: true });
  const profile = await createProfile(install, profileDir, [vsix], userSettings({ trustWorkspaces: true }));
  const server = await startCodeServer(install, profile, workspace, { port, ...(kubeconfig ? { env: { KUBECONFIG: kubeconfig } } : {}) });

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`\n[start] ${signal}: stopping code-server`);
    await server.stop();
    await sandbox?.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGHUP", () => void stop("SIGHUP"));
  server.process.on("exit", (code) => {
    if (stopping) return;
    console.error(`[start] code-server exited (${code}); log: ${server.logFile}`);
    process.exit(1);
  });

  const shownKubeconfig = sandbox
    ? `${kubeconfig ?? ""} (the sandbox cluster at ${sandbox.url}; try KUBECONFIG=${kubeconfig ?? ""} kubectl get pods -A)`
    : (kubeconfig ?? (process.env["KUBECONFIG"] ? `KUBECONFIG=${process.env["KUBECONFIG"]}` : "~/.kube/config"));
  console.log(`
  AI Platform Ops is running in VS Code ${install.vscodeVersion} (code-server ${CodeServerVersion}).

    Open  ${server.workspaceUrl}

  Workspace: ${workspace}
  Kubeconfig: ${shownKubeconfig}
  Log: ${server.logFile}
  Press Ctrl-C to stop.
`);
}

main().catch((err: unknown) => {
  console.error(`[start] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
