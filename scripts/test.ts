/**
 * npm test: every suite, in the order that fails fastest.
 *   1. unit and integration tests in plain Node (vitest);
 *   2. the extension-host suites, inside code-server, through the runner extension: on the
 *      current VS Code and on the oldest that engines.vscode allows;
 *   3. the UI tests, Playwright driving code-server in Chromium (vitest).
 * Ends with one line "N passed, N failed" summed over all of them.
 */
import { spawn } from "node:child_process";
import { mkdir, readFile, rm } from "node:fs/promises";
import * as path from "node:path";
import { CurrentCodeServer, ensureCodeServer, OldestCodeServer, type CodeServerTarget } from "../test/harness/codeServerInstall";
import { isSuiteResults, runInExtensionHost } from "../test/harness/runExtensionHost";
import { buildRunnerVsix } from "../test/harness/runnerVsix";
import { ensureCommands, ensureSystemPackages, SystemNeeds } from "../test/harness/systemPackages";
import { packageExtension } from "./package";
import { repoRoot } from "./vsix";

interface Tally {
  readonly suite: string;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** "file > test: the first line of why", so the summary at the end of the log names what failed. */
  readonly failures: readonly string[];
}

interface VitestJson {
  readonly success: boolean;
  readonly numPassedTests: number;
  readonly numFailedTests: number;
  readonly numPendingTests: number;
  readonly numTodoTests: number;
  readonly testResults?: readonly {
    readonly name: string;
    readonly status?: string;
    readonly message?: string;
    readonly assertionResults?: readonly { readonly fullName: string; readonly status: string; readonly failureMessages?: readonly string[] }[];
  }[];
}

function firstLine(text: string | undefined): string {
  // eslint-disable-next-line no-control-regex -- vitest's messages carry ANSI colours
  return (text ?? "").replace(/\u001b\[[0-9;]*m/g, "").split("\n").find((l) => l.trim().length > 0)?.trim().slice(0, 240) ?? "";
}

function vitestFailures(r: VitestJson): string[] {
  const out: string[] = [];
  for (const file of r.testResults ?? []) {
    const where = path.relative(repoRoot, file.name);
    const failed = (file.assertionResults ?? []).filter((a) => a.status === "failed");
    for (const a of failed) out.push(`${where} > ${a.fullName}: ${firstLine(a.failureMessages?.[0])}`);
    // A file that failed before any test ran (an import, a beforeAll).
    if (failed.length === 0 && file.status === "failed") out.push(`${where}: ${firstLine(file.message)}`);
  }
  return out;
}

const results = path.join(repoRoot, "test-results");

async function vitest(projects: readonly string[], name: string, env: Record<string, string> = {}): Promise<Tally> {
  const json = path.join(results, `vitest-${name}.json`);
  await rm(json, { force: true });
  const args = [path.join(repoRoot, "node_modules/vitest/vitest.mjs"), "run", ...projects.flatMap((p) => ["--project", p]), "--reporter=default", "--reporter=json", `--outputFile.json=${json}`];
  await new Promise<void>((resolve) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: "inherit", env: { ...process.env, ...env } });
    child.on("exit", () => resolve());
    child.on("error", () => resolve());
  });
  try {
    const r = JSON.parse(await readFile(json, "utf8")) as VitestJson;
    // A file that fails before any test runs (a beforeAll, an import) counts as one failure.
    return { suite: name, passed: r.numPassedTests, failed: Math.max(r.numFailedTests, r.success ? 0 : 1), skipped: r.numPendingTests + r.numTodoTests, failures: vitestFailures(r) };
  } catch {
    console.error(`[test] vitest (${name}) wrote no results; counting it as failed`);
    return { suite: name, passed: 0, failed: 1, skipped: 0, failures: [`vitest (${name}) wrote no results`] };
  }
}

async function extensionHost(vsix: string, runnerVsix: string, target: CodeServerTarget): Promise<Tally> {
  let suite = `extension-host (code-server ${target.codeServer})`;
  try {
    const install = await ensureCodeServer(console.log, target);
    suite = `extension-host (VS Code ${install.vscodeVersion})`;
    console.log(`\n[test] extension-host suites (mocha in code-server ${target.codeServer}, VS Code ${install.vscodeVersion})`);
    const r = await runInExtensionHost("mocha", { vsix, runnerVsix }, target);
    if (!isSuiteResults(r)) throw new Error(`the runner crashed: ${JSON.stringify(r)}`);
    for (const t of r.tests) {
      console.log(`  ${t.state === "passed" ? "✓" : t.state === "failed" ? "✗" : "-"} ${t.title} (${Math.round(t.durationMs)} ms)`);
      if (t.error) console.log(`      ${t.error.split("\n").slice(0, 8).join("\n      ")}`);
    }
    const failures = r.tests.filter((t) => t.state === "failed").map((t) => `${t.title}: ${firstLine(t.error)}`);
    return { suite, passed: r.passed, failed: r.failed, skipped: r.pending, failures };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    console.error(`[test] ${suite} did not run: ${why}`);
    return { suite, passed: 0, failed: 1, skipped: 0, failures: [`did not run: ${firstLine(why)}`] };
  }
}

async function main(): Promise<void> {
  await mkdir(results, { recursive: true });
  // The sandbox's Prometheus and promtool come from Debian, like the browser.
  ensureSystemPackages([...SystemNeeds.codeServerBuild, ...SystemNeeds.browser, ...SystemNeeds.prometheus]);
  ensureCommands(SystemNeeds.commands);
  const tallies: Tally[] = [];

  console.log("\n[test] packing the extension");
  const vsix = await packageExtension();

  console.log("\n[test] unit and integration (Node)");
  tallies.push(await vitest(["unit", "integration"], "node", { AIPLAT_VSIX: vsix }));

  console.log("\n[test] preparing code-server");
  const runnerVsix = await buildRunnerVsix();
  const install = await ensureCodeServer(console.log, CurrentCodeServer);
  console.log(`[test] VS Code ${install.vscodeVersion} (code-server ${CurrentCodeServer.codeServer})`);

  tallies.push(await extensionHost(vsix, runnerVsix, CurrentCodeServer));
  // The oldest VS Code that engines.vscode allows, so the range it claims is tested at both
  // ends. Its first install takes a few minutes, then it is cached like the current one.
  tallies.push(await extensionHost(vsix, runnerVsix, OldestCodeServer));

  console.log("\n[test] UI (Playwright, Chromium, code-server)");
  tallies.push(await vitest(["ui"], "ui", { AIPLAT_VSIX: vsix }));

  console.log("\n[test] summary");
  for (const t of tallies) console.log(`  ${t.suite.padEnd(36)} ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
  const failed = tallies.reduce((n, t) => n + t.failed, 0);
  // CI shows the end of the log: what failed is named here, not only far up in each suite's output.
  const named = tallies.flatMap((t) => t.failures.map((f) => `  ✗ ${t.suite}: ${f}`));
  for (const line of named.slice(0, 20)) console.log(line);
  if (named.length > 20) console.log(`  … and ${named.length - 20} more`);
  if (failed > 0) console.log(`  screenshots and logs of failures: ${path.relative(repoRoot, results)}/`);
  console.log(`${tallies.reduce((n, t) => n + t.passed, 0)} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  console.log("0 passed, 1 failed");
  process.exitCode = 1;
});
