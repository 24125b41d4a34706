/**
 * A test-only extension installed beside ours in code-server. When AIPLAT_TEST_SPEC names a
 * spec file it either runs the mocha suites it lists (the same files @vscode/test-cli runs on a
 * machine with internet) or takes the bench figures, then writes JSON for the harness to read.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import * as vscode from "vscode";
import type { HarnessSpec, SuiteResults, TestOutcome } from "../harnessSpec";

export function activate(): void {
  const specPath = process.env["AIPLAT_TEST_SPEC"];
  if (!specPath) return;
  const spec = JSON.parse(readFileSync(specPath, "utf8")) as HarnessSpec;
  const work = spec.mode === "bench" ? bench(spec) : spec.mode === "cluster-bench" ? clusterBench(spec) : runMocha(spec);
  work.then(
    (result) => writeAtomically(spec.resultsPath, result),
    (err: unknown) => writeAtomically(spec.resultsPath, { crashed: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
}

function writeAtomically(file: string, value: unknown): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(value, null, 2));
  renameSync(`${file}.tmp`, file);
}

async function bench(spec: Extract<HarnessSpec, { mode: "bench" }>): Promise<unknown> {
  const ext = vscode.extensions.getExtension<{ activationMs: number }>(spec.extensionId);
  if (!ext) throw new Error(`extension ${spec.extensionId} is not installed`);
  if (ext.isActive) throw new Error("the extension was already active; the bench needs a cold activation");
  const started = performance.now();
  const api = await ext.activate();
  return { activateMs: api.activationMs, activationTotalMs: performance.now() - started };
}

interface BenchApi {
  activationMs: number;
  bench: { deploymentsTreeReadyMs(): Promise<number>; takeRefreshLatencies(): number[] };
}

async function clusterBench(spec: Extract<HarnessSpec, { mode: "cluster-bench" }>): Promise<unknown> {
  const ext = vscode.extensions.getExtension<BenchApi>(spec.extensionId);
  if (!ext) throw new Error(`extension ${spec.extensionId} is not installed`);
  const api = await ext.activate();
  const treeReadyMs = await api.bench.deploymentsTreeReadyMs();
  const heapMB = process.memoryUsage().heapUsed / 2 ** 20;
  api.bench.takeRefreshLatencies();
  writeAtomically(`${spec.resultsPath}.ready.json`, { treeReadyMs, heapMB });
  while (!existsSync(spec.loadDonePath)) await new Promise((r) => setTimeout(r, 100));
  // Let the last debounced refreshes fire.
  await new Promise((r) => setTimeout(r, 500));
  const heapAfterLoadMB = process.memoryUsage().heapUsed / 2 ** 20;
  writeAtomically(`${spec.resultsPath}.load.json`, { treeReadyMs, heapMB, heapAfterLoadMB, latencies: api.bench.takeRefreshLatencies() });
  // Then the bench churns pods for minutes; the latencies it causes are not kept, so they cannot count as heap.
  const churnDonePath = `${spec.loadDonePath}.churn`;
  while (!existsSync(churnDonePath)) {
    api.bench.takeRefreshLatencies();
    await new Promise((r) => setTimeout(r, 1000));
  }
  await new Promise((r) => setTimeout(r, 500));
  api.bench.takeRefreshLatencies();
  return { treeReadyMs, heapMB, heapAfterLoadMB, heapAfterChurnMB: process.memoryUsage().heapUsed / 2 ** 20 };
}

function runMocha(spec: Extract<HarnessSpec, { mode: "mocha" }>): Promise<SuiteResults> {
  // The repo's own mocha, so the suites run exactly as under @vscode/test-cli.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Mocha = require(spec.mochaPath) as typeof import("mocha");
  const mocha = new Mocha({ ui: "tdd", timeout: 30_000, color: false, reporter: "spec" });
  for (const file of spec.files) mocha.addFile(file);
  const tests: TestOutcome[] = [];
  return new Promise((resolve) => {
    const runner = mocha.run(() => {
      resolve({
        passed: tests.filter((t) => t.state === "passed").length,
        failed: tests.filter((t) => t.state === "failed").length,
        pending: tests.filter((t) => t.state === "pending").length,
        tests,
      });
    });
    runner.on("pass", (t) => tests.push({ title: t.fullTitle(), state: "passed", durationMs: t.duration ?? 0 }));
    runner.on("pending", (t) => tests.push({ title: t.fullTitle(), state: "pending", durationMs: 0 }));
    runner.on("fail", (t, err: Error) => tests.push({ title: t.fullTitle(), state: "failed", durationMs: t.duration ?? 0, error: err.stack ?? err.message }));
  });
}
