import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { SandboxApiServer } from "../../sandbox/apiServer";
import type { SandboxMetrics } from "../../sandbox/metrics/sandboxMetrics";
import type { SandboxMlflow } from "../../sandbox/mlflow/sandboxMlflow";
import { startSandbox, type StartSandboxOptions } from "../../sandbox/sandboxLauncher";
import { openTestWorkbench, type Workbench } from "../harness/workbench";

export interface SandboxWorkbench {
  readonly server: SandboxApiServer;
  readonly wb: Workbench;
  /** With `sandbox.metrics`: the exporters and the real Prometheus behind the service proxy. */
  readonly metrics: SandboxMetrics | undefined;
  /** With `sandbox.mlflow`: the fake MLflow registry. */
  readonly mlflow: SandboxMlflow | undefined;
  close(): Promise<void>;
}

/** The sandbox cluster, and code-server with KUBECONFIG pointing at it as the given user. */
export async function openSandboxWorkbench(opts: {
  readonly trusted: boolean;
  readonly sandbox?: StartSandboxOptions;
  readonly user?: { readonly token?: string; readonly namespace?: string };
  /** Files to create in the workspace, path → content, e.g. ".vscode/settings.json". */
  readonly workspaceFiles?: Record<string, string>;
}): Promise<SandboxWorkbench> {
  const { server, metrics, mlflow } = await startSandbox({ scenario: "demo", ...opts.sandbox });
  const kubeconfig = path.join(await mkdtemp(path.join(tmpdir(), "aiplat-sbx-")), "config");
  await writeFile(kubeconfig, server.kubeconfig(opts.user ?? {}));
  const wb = await openTestWorkbench({
    trusted: opts.trusted,
    // The Models view finds a sandbox registry as MLflow's own tools do.
    env: { KUBECONFIG: kubeconfig, ...(mlflow ? { MLFLOW_TRACKING_URI: mlflow.trackingUri } : {}) },
    ...(opts.workspaceFiles ? { workspaceFiles: opts.workspaceFiles } : {}),
  }).catch(async (err: unknown) => {
    await server.stop();
    throw err;
  });
  return {
    server,
    wb,
    metrics,
    mlflow,
    async close() {
      await wb.close();
      await server.stop();
    },
  };
}
