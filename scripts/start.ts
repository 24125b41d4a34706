/**
 * npm start: starts the sandbox cluster (with its exporters, a real Prometheus scraping them and the
 * Azure fakes; .sandbox/endpoints.json says where each serves), packs the extension, installs it into code-server
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
import { removeSandboxEndpoints, writeRunningSandboxEndpoints } from "../sandbox/endpoints";
import { writeKubeconfig } from "../sandbox/kubeconfig";
import { startSandbox } from "../sandbox/sandboxLauncher";
import { writeDriftDemo } from "../sandbox/drift/driftDemoFiles";
import { writeCanaryDemo } from "../sandbox/canary/canaryDemoFiles";
import { packageExtension } from "./package";
import { repoRoot } from "./vsix";

/** The sandbox's simulated controllers make the demo live (rollouts, scheduling, crash loops). */
const sandboxControllers = { controllers: true };

/** Prometheus logs a lot; show its warnings and errors and the backfill summary only. */
const metricsLog = (line: string): void => {
  if (/level=(warn|error)|^\[metrics\]/.test(line)) console.log(line);
};

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
  const registryEnv: Record<string, string> = {};
  let kubeconfig: string | undefined;
  const sandboxDir = path.join(repoRoot, ".sandbox");
  if (values.kubeconfig) {
    kubeconfig = path.resolve(values.kubeconfig);
    await access(kubeconfig).catch(() => {
      throw new Error(`--kubeconfig ${kubeconfig}: no such file`);
    });
  } else if (!values["no-sandbox"]) {
    const started = await startSandbox({ scenario: "demo", ...sandboxControllers, metrics: { dir: path.join(sandboxDir, `prometheus-${process.pid}`), log: metricsLog }, azure: true, mlflow: true });
    // The Models view (and aiplat in code-server's terminals) find the registry as MLflow's own tools do.
    if (started.mlflow) registryEnv.MLFLOW_TRACKING_URI = started.mlflow.trackingUri;
    sandbox = started.server;
    kubeconfig = path.join(sandboxDir, "kubeconfig");
    await writeKubeconfig(kubeconfig, { server: sandbox.url, caCert: sandbox.caCert, token: sandbox.token });
    const { file, endpoints } = await writeRunningSandboxEndpoints(sandboxDir, started, kubeconfig);
    if (endpoints.prometheus) console.log(`[start] Prometheus ${endpoints.prometheus.url} (service ${endpoints.prometheus.serviceProxy})`);
    if (endpoints.mlflow) console.log(`[start] MLflow registry (fake) ${endpoints.mlflow.trackingUri}: the Models view's registry (MLFLOW_TRACKING_URI)`);
    if (endpoints.azure) console.log(`[start] Azure fakes: Entra ID ${endpoints.azure.authorityHost}, ARM ${endpoints.azure.armEndpoint}${endpoints.azure.managedPrometheusUrl ? `, managed Prometheus ${endpoints.azure.managedPrometheusUrl}` : ""} (${file})`);
    // The drift demo's service folder (its manifest with monitoring.drift and the two datasets), in
    // the git-ignored .sandbox/ of this repository, when it is the workspace: never in a folder of yours.
    if (workspace === repoRoot) {
      const demo = await writeDriftDemo(path.join(sandboxDir, "drift-demo", "fraud-xgboost"));
      console.log(`[start] Drift demo: ${path.relative(repoRoot, demo.manifest)} (AI Platform: Run Drift Check)`);
      const canary = await writeCanaryDemo(path.join(sandboxDir, "canary-demo", "reranker-canary"));
      console.log(`[start] Canary demo: ${path.relative(repoRoot, canary.manifest)} (deploy it, then a slow and a good build: its comments say how)`);
    }
  }

  const vsix = await packageExtension();
  const install = await ensureCodeServer();
  const profileDir = path.join(repoRoot, ".vscode-test", "start-profile");
  await mkdir(profileDir, { recursive: true });
  const profile = await createProfile(install, profileDir, [vsix], userSettings({ trustWorkspaces: true }));
  const server = await startCodeServer(install, profile, workspace, { port, env: { ...(kubeconfig ? { KUBECONFIG: kubeconfig } : {}), ...registryEnv } });

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`\n[start] ${signal}: stopping code-server`);
    await server.stop();
    await sandbox?.stop();
    if (sandbox) await removeSandboxEndpoints(sandboxDir);
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
