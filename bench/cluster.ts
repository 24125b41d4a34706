/**
 * The `cluster` scenario: a generated sandbox of 10,000 pods, 1,000 nodes and 1,000
 * Deployments, served from this process; the extension runs in code-server's extension host.
 *   treeReadyMs   connect → the Deployments tree's root rows available (measured in the host)
 *   kubectlMs     `kubectl get pods -A -o json` against the same server
 *   updateP95Ms   watch event → tree refresh, with 200 pod updates/s for 30 s
 *   heapMB        extension-host heap after sync
 *   heapAfterChurnMB  extension-host heap after pods were replaced continuously (delete + create,
 *                 at the same watch-event rate) for `churnSeconds` (default 10 minutes): a
 *                 model or tree that keeps what went grows here
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { ExtensionId } from "../src/editor/contributionIds";
import type { SandboxApiServer } from "../sandbox/apiServer";
import { resourceTypes } from "../sandbox/resourceTypes";
import { replacementPod, scaleScenario } from "../sandbox/scaleScenario";
import { startSandbox } from "../sandbox/sandboxLauncher";
import { repoRoot } from "../scripts/vsix";
import type { HarnessSpec } from "../test/harness/harnessSpec";
import { openTestWorkbench, readJsonWhenWritten } from "../test/harness/workbench";

export interface ClusterBenchOptions {
  readonly nodes: number;
  readonly deployments: number;
  readonly pods: number;
  readonly eventsPerSecond: number;
  readonly loadSeconds: number;
  /** How long pods are replaced after the update measurement; default 600 (AIPLAT_BENCH_CHURN_SECONDS overrides). */
  readonly churnSeconds?: number;
}

const defaultChurnSeconds = 600;

const p95 = (xs: readonly number[]): number => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)] ?? Number.NaN;
};
const round = (x: number): number => Math.round(x * 10) / 10;

function kubectlGetPods(kubeconfig: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile("kubectl", ["get", "pods", "-A", "-o", "json"], { env: { ...process.env, KUBECONFIG: kubeconfig }, maxBuffer: 1 << 30 }, (err, stdout) => {
      if (err) reject(new Error(`kubectl get pods -A failed: ${err.message}`));
      else if (!stdout.includes('"items"')) reject(new Error("kubectl printed no list"));
      else resolve(performance.now() - started);
    });
  });
}

/** Modifies `perSecond` pods a second, round-robin, through the store (each is one watch event). */
async function drivePodUpdates(server: SandboxApiServer, perSecond: number, seconds: number): Promise<number> {
  const podType = resourceTypes.find((t) => t.kind === "Pod");
  if (!podType) throw new Error("the sandbox serves no pods");
  const pods = server.store.list(podType);
  const tickMs = 50;
  const perTick = Math.max(1, Math.round((perSecond * tickMs) / 1000));
  let sent = 0;
  const end = performance.now() + seconds * 1000;
  let next = performance.now();
  while (performance.now() < end) {
    for (let i = 0; i < perTick; i++) {
      const pod = pods[sent % pods.length];
      if (!pod) break;
      const current = server.store.get(podType, pod.metadata.namespace, pod.metadata.name ?? "") ?? pod;
      server.store.put(podType, { ...current, metadata: { ...current.metadata, annotations: { ...current.metadata.annotations, "bench/tick": String(sent) } } });
      sent++;
    }
    next += tickMs;
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
  return sent;
}

/**
 * Replaces pods continuously, as a ReplicaSet controller does when pods are evicted or rolled:
 * each replacement deletes one pod and creates its successor on the same node, two watch events,
 * so `perSecond` events a second means perSecond / 2 replacements.
 */
async function churnPods(server: SandboxApiServer, perSecond: number, seconds: number): Promise<number> {
  const podType = resourceTypes.find((t) => t.kind === "Pod");
  if (!podType) throw new Error("the sandbox serves no pods");
  const live = server.store.list(podType);
  const tickMs = 50;
  const perTick = Math.max(1, Math.round((perSecond * tickMs) / 1000 / 2));
  let replaced = 0;
  const end = performance.now() + seconds * 1000;
  let next = performance.now();
  while (performance.now() < end) {
    for (let i = 0; i < perTick; i++) {
      const slot = replaced % live.length;
      const old = live[slot];
      if (!old) break;
      server.store.remove(podType, old.metadata.namespace, old.metadata.name ?? "");
      const successor = server.store.put(podType, replacementPod(old, replaced));
      live[slot] = successor;
      replaced++;
    }
    next += tickMs;
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
  return replaced;
}

/** Waits for a stage's JSON from the runner, failing early with its stack if the runner crashed. */
async function stage<T>(file: string, resultsPath: string, timeoutMs: number, what: string): Promise<T> {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    for (const f of [file, resultsPath]) {
      const value = await readFile(f, "utf8").then((t) => JSON.parse(t) as T & { crashed?: string }, () => undefined);
      if (value?.crashed) throw new Error(`the bench runner crashed: ${value.crashed}`);
      if (value && f === file) return value;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not finish within ${timeoutMs / 1000} s`);
}

export async function clusterBench(vsix: string, runnerVsix: string, options: ClusterBenchOptions): Promise<Record<string, unknown>> {
  const { server } = await startSandbox({ scenario: scaleScenario({ nodes: options.nodes, deployments: options.deployments, pods: options.pods }) });
  const dir = await mkdtemp(path.join(tmpdir(), "aiplat-bench-"));
  try {
    const kubeconfig = path.join(dir, "kubeconfig");
    await writeFile(kubeconfig, server.kubeconfig());
    const kubectlRuns = [await kubectlGetPods(kubeconfig), await kubectlGetPods(kubeconfig), await kubectlGetPods(kubeconfig)];
    const kubectlMs = [...kubectlRuns].sort((a, b) => a - b)[1] ?? Number.NaN;

    const results = path.join(repoRoot, "test-results");
    await mkdir(results, { recursive: true });
    const spec: HarnessSpec = { mode: "cluster-bench", resultsPath: path.join(results, "bench-cluster.json"), extensionId: ExtensionId, loadDonePath: path.join(dir, "load-done") };
    await rm(spec.resultsPath, { force: true });
    await rm(`${spec.resultsPath}.ready.json`, { force: true });
    await rm(`${spec.resultsPath}.load.json`, { force: true });
    const specPath = path.join(dir, "spec.json");
    await writeFile(specPath, JSON.stringify(spec));
    const wb = await openTestWorkbench({ trusted: true, vsix, extraVsixes: [runnerVsix], env: { AIPLAT_TEST_SPEC: specPath, KUBECONFIG: kubeconfig } });
    try {
      const ready = await readJsonWhenWritten<{ treeReadyMs: number; heapMB: number }>(`${spec.resultsPath}.ready.json`, 180_000, "the cluster sync");
      const sent = await drivePodUpdates(server, options.eventsPerSecond, options.loadSeconds);
      await writeFile(spec.loadDonePath, "done");
      const done = await stage<{ latencies: number[]; heapAfterLoadMB: number }>(`${spec.resultsPath}.load.json`, spec.resultsPath, 60_000, "the update measurement");
      const churnSeconds = options.churnSeconds ?? Number(process.env["AIPLAT_BENCH_CHURN_SECONDS"] ?? defaultChurnSeconds);
      console.error(`[bench] cluster: replacing pods at ${options.eventsPerSecond} watch events/s for ${churnSeconds} s`);
      const replaced = await churnPods(server, options.eventsPerSecond, churnSeconds);
      await writeFile(`${spec.loadDonePath}.churn`, "done");
      const churned = await stage<{ heapAfterChurnMB: number }>(spec.resultsPath, spec.resultsPath, 60_000, "the churn measurement");
      return {
        bench: "cluster",
        pods: options.pods,
        nodes: options.nodes,
        deployments: options.deployments,
        treeReadyMs: round(ready.treeReadyMs),
        kubectlMs: round(kubectlMs),
        ratio: round((ready.treeReadyMs / kubectlMs) * 100) / 100,
        updateP95Ms: round(p95(done.latencies)),
        updateEvents: sent,
        refreshes: done.latencies.length,
        heapMB: round(ready.heapMB),
        heapAfterLoadMB: round(done.heapAfterLoadMB),
        heapAfterChurnMB: round(churned.heapAfterChurnMB),
        churnSeconds,
        podsReplaced: replaced,
      };
    } finally {
      await wb.close();
    }
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
