/**
 * The sandbox as the integration suites use it: a started API server, a client-node config for its
 * admin token, and a temp folder of the test's own with the kubeconfig written into it (kubectl,
 * aiplat and the editor's loader read a file, not a string). One place starts and stops it all, so
 * no suite leaks a server or a folder.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll } from "vitest";
import type { SandboxApiServer } from "../../sandbox/apiServer";
import type { SandboxMetrics } from "../../sandbox/metrics/sandboxMetrics";
import type { Scenario } from "../../sandbox/scenario";
import { startSandbox, type StartSandboxOptions } from "../../sandbox/sandboxLauncher";

export interface SandboxFixture {
  readonly server: SandboxApiServer;
  readonly scenario: Scenario;
  /** The exporters and real Prometheus, when started with the metrics option. */
  readonly metrics: SandboxMetrics | undefined;
  /** client-node config for the sandbox's admin token. */
  readonly kc: KubeConfig;
  /** A temp folder of the test's own, with the kubeconfig written into it; removed by stop(). */
  readonly dir: string;
  /** `dir`/kubeconfig: the admin kubeconfig as a file. */
  readonly kubeconfigFile: string;
  /** process.env with KUBECONFIG at kubeconfigFile and HOME at dir, so kubectl's discovery cache stays in the temp folder. */
  readonly kubectlEnv: NodeJS.ProcessEnv;
  /** A KubeConfig for another token (the namespace-limited users of namespaceTokens, or a wrong one). */
  kubeConfigFor(token: string): KubeConfig;
  stop(): Promise<void>;
}

/** Starts a sandbox with its folder; the caller stops it (for a short-lived second sandbox inside a test). */
export async function startSandboxFixture(options: StartSandboxOptions = {}): Promise<SandboxFixture> {
  const { server, scenario, metrics } = await startSandbox(options);
  const kubeConfigFor = (token?: string): KubeConfig => {
    const config = new KubeConfig();
    config.loadFromString(server.kubeconfig(token === undefined ? {} : { token }));
    return config;
  };
  const dir = mkdtempSync(path.join(tmpdir(), "aiplat-sandbox-"));
  const kubeconfigFile = path.join(dir, "kubeconfig");
  writeFileSync(kubeconfigFile, server.kubeconfig());
  return {
    server,
    scenario,
    metrics,
    kc: kubeConfigFor(),
    dir,
    kubeconfigFile,
    kubectlEnv: { ...process.env, KUBECONFIG: kubeconfigFile, HOME: dir },
    kubeConfigFor,
    async stop() {
      try {
        await server.stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * One sandbox for the whole file (or describe block): started in a beforeAll, stopped in an
 * afterAll, both registered here. Call it before the suite's own beforeAll so that hook sees a
 * started sandbox; vitest runs after-hooks in reverse, so the suite's own afterAll runs while the
 * server is still up. Reading a property before the beforeAll ran throws instead of giving undefined.
 */
export function useSandbox(options: StartSandboxOptions = {}): SandboxFixture {
  let started: SandboxFixture | undefined;
  beforeAll(async () => {
    started = await startSandboxFixture(options);
  });
  afterAll(async () => {
    await started?.stop();
    started = undefined;
  });
  const current = (): SandboxFixture => {
    if (!started) throw new Error("the sandbox is not running: use it inside a test or hook, after useSandbox's beforeAll");
    return started;
  };
  return {
    get server() {
      return current().server;
    },
    get scenario() {
      return current().scenario;
    },
    get metrics() {
      return current().metrics;
    },
    get kc() {
      return current().kc;
    },
    get dir() {
      return current().dir;
    },
    get kubeconfigFile() {
      return current().kubeconfigFile;
    },
    get kubectlEnv() {
      return current().kubectlEnv;
    },
    kubeConfigFor: (token) => current().kubeConfigFor(token),
    stop: () => current().stop(),
  };
}
