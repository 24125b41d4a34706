/**
 * npm run bench: one JSON line per scenario on stdout; progress goes to stderr.
 *
 *   activation  time inside activate(), measured in code-server's extension host, the
 *               round trip of extensions.activate() (loading the bundle included), and the
 *               size of the minified host bundle and of the VSIX.
 *   cluster     a 10,000-pod sandbox: tree ready vs kubectl, update latency, heap (bench/cluster.ts).
 *   ship        the newcomer path: wizard prompts, scaffold → Healthy, bad deploy → rolled back (bench/ship.ts).
 *   dashboard   the latency dashboard: 4 × 40k points painted in Chromium, command → first chart in
 *               code-server on the 7-day backfill (default and 7 d range), the webview bundle
 *               gzipped, and the host bundle's growth since issue 9 began (bench/dashboard.ts).
 *   cost        the cost model on the 1k-node / 10k-pod scale cluster over 7 days: compute time
 *               and heap held (bench/cost.ts), and the cost dashboard's open → paint on that
 *               cluster in code-server (bench/costDashboard.ts).
 *   drift       KS, Wasserstein, Jensen-Shannon and PSI on 1M rows × 20 features against numpy/scipy
 *               on the same data, Parquet load time, and the host's event-loop lag while a
 *               check runs in the drift worker (bench/drift.ts).
 *   models      the Models tree's first page from a 500-model × 20-version MLflow registry,
 *               served-by resolved against the 10k-pod scale cluster, heap held (bench/models.ts).
 *
 *   incident    the demo incident through the UI: the regression in the tree → Triage Service →
 *               the mitigation → Healthy, actions counted; triageWorkload alone (bench/incident.ts).
 *
 *   npm run bench [-- activation cluster ship dashboard cost drift models incident]
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ensureCodeServer } from "../test/harness/codeServerInstall";
import { runInExtensionHost } from "../test/harness/runExtensionHost";
import { buildRunnerVsix } from "../test/harness/runnerVsix";
import { packageExtension } from "../scripts/package";
import { build, packageVsix } from "../scripts/vsix";
import { clusterBench } from "./cluster";
import { costBench } from "./cost";
import { costOpenBench } from "./costDashboard";
import { dashboardBench } from "./dashboard";
import { driftBench } from "./drift";
import { incidentBench } from "./incident";
import { modelsBench } from "./models";
import { shipBench } from "./ship";
import { repoRoot } from "../scripts/vsix";
import { median } from "./benchStats";

const runs = 5;

const round = (x: number): number => Math.round(x * 100) / 100;

async function activation(): Promise<Record<string, unknown>> {
  const vsix = await packageExtension();
  const runnerVsix = await buildRunnerVsix();
  const install = await ensureCodeServer();
  const activate: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = (await runInExtensionHost("bench", { vsix, runnerVsix })) as { activateMs?: number; activationTotalMs?: number; crashed?: string };
    if (r.activateMs === undefined || r.activationTotalMs === undefined) throw new Error(`bench run failed: ${r.crashed ?? JSON.stringify(r)}`);
    activate.push(r.activateMs);
    total.push(r.activationTotalMs);
    console.error(`[bench] activation run ${i + 1}/${runs}: activate() ${r.activateMs.toFixed(2)} ms, extensions.activate() ${r.activationTotalMs.toFixed(2)} ms`);
  }
  return {
    bench: "activation",
    activateMs: round(median(activate)),
    activateMsMax: round(Math.max(...activate)),
    activationTotalMs: round(median(total)),
    hostBundleKB: round((await stat(path.join(repoRoot, "dist/extension.js"))).size / 1024),
    vsixKB: round((await stat(vsix)).size / 1024),
    runs,
    vscode: install.vscodeVersion,
  };
}

async function cluster(): Promise<Record<string, unknown>> {
  const vsix = await packageExtension();
  const runnerVsix = await buildRunnerVsix();
  await ensureCodeServer();
  return clusterBench(vsix, runnerVsix, { nodes: 1000, deployments: 1000, pods: 10_000, eventsPerSecond: 200, loadSeconds: 30 });
}

async function incident(): Promise<Record<string, unknown>> {
  const vsix = await packageExtension();
  await ensureCodeServer();
  return incidentBench(vsix);
}

async function ship(): Promise<Record<string, unknown>> {
  const vsix = await packageExtension();
  await ensureCodeServer();
  return shipBench(vsix);
}

async function dashboard(): Promise<Record<string, unknown>> {
  // Packed beside, not over, the repository's VSIX: a UI run may be installing that one.
  await build(["--production"]);
  const dir = await mkdtemp(path.join(tmpdir(), "aiplat-bench-vsix-"));
  try {
    const vsix = await packageVsix(repoRoot, path.join(dir, "ai-platform-ops.vsix"));
    const install = await ensureCodeServer();
    return await dashboardBench(vsix, install.vscodeVersion);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function cost(): Promise<Record<string, unknown>> {
  const model = costBench();
  await build(["--production"]);
  const dir = await mkdtemp(path.join(tmpdir(), "aiplat-bench-vsix-"));
  try {
    const vsix = await packageVsix(repoRoot, path.join(dir, "ai-platform-ops.vsix"));
    const install = await ensureCodeServer();
    const open = await costOpenBench(vsix);
    return { ...model, ...open, vscode: install.vscodeVersion };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const scenarios: Record<string, () => Promise<Record<string, unknown>>> = { activation, cluster, ship, dashboard, cost, drift: () => driftBench(), models: () => modelsBench(), incident };

async function main(): Promise<void> {
  // Only the JSON lines go to stdout.
  console.log = console.error;
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !(w in scenarios));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(", ")}; known: ${Object.keys(scenarios).join(", ")}`);
  for (const name of wanted.length > 0 ? wanted : Object.keys(scenarios)) {
    const scenario = scenarios[name];
    if (scenario) process.stdout.write(`${JSON.stringify(await scenario())}\n`);
  }
}

main().catch((err: unknown) => {
  console.error(`[bench] ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
