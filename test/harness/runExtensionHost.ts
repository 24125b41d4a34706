import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { ExtensionId } from "../../src/editor/contributionIds";
import { CurrentCodeServer, repoRoot, type CodeServerTarget } from "./codeServerInstall";
import type { HarnessSpec, SuiteResults } from "./harnessSpec";
import { openTestWorkbench, readJsonWhenWritten } from "./workbench";

export const fixturesDir = path.join(repoRoot, "test/fixtures");

/**
 * Runs the mocha suites in out/test/extensionHost inside code-server's extension host, through
 * the runner extension, or takes the activation figures for the bench. codeServer picks the
 * VS Code they run in; default the current one.
 */
export async function runInExtensionHost(
  mode: "mocha" | "bench",
  vsixes: { readonly vsix: string; readonly runnerVsix: string },
  codeServer: CodeServerTarget = CurrentCodeServer,
): Promise<unknown> {
  const wb = await openTestWorkbenchForRunner(mode, vsixes, codeServer);
  try {
    return await readJsonWhenWritten<unknown>(wb.resultsPath, mode === "mocha" ? 600_000 : 120_000, `the extension-host ${mode} run`);
  } catch (err) {
    const evidence = await wb.workbench.saveEvidence(`extension-host-${mode}-code-server-${codeServer.codeServer}`);
    throw new Error(`${err instanceof Error ? err.message : String(err)}; screenshot and logs in ${evidence}`, { cause: err });
  } finally {
    await wb.workbench.close();
  }
}

async function openTestWorkbenchForRunner(mode: "mocha" | "bench", { vsix, runnerVsix }: { readonly vsix: string; readonly runnerVsix: string }, codeServer: CodeServerTarget) {
  const suitesDir = path.join(repoRoot, "out/test/extensionHost");
  const resultsDir = path.join(repoRoot, "test-results");
  await mkdir(resultsDir, { recursive: true });
  const resultsPath = path.join(resultsDir, `extension-host-${mode}-code-server-${codeServer.codeServer}.json`);
  await rm(resultsPath, { force: true });
  const spec: HarnessSpec =
    mode === "mocha"
      ? {
          mode,
          resultsPath,
          extensionId: ExtensionId,
          mochaPath: path.join(repoRoot, "node_modules/mocha"),
          // In name order: activation.test must run before anything activates the extension.
          files: (await readdir(suitesDir))
            .filter((f) => f.endsWith(".test.js"))
            .sort()
            .map((f) => path.join(suitesDir, f)),
        }
      : { mode, resultsPath, extensionId: ExtensionId };
  const specPath = path.join(resultsDir, `extension-host-${mode}-code-server-${codeServer.codeServer}.spec.json`);
  await writeFile(specPath, JSON.stringify(spec, null, 2));
  const workbench = await openTestWorkbench({
    trusted: true,
    codeServer,
    vsix,
    extraVsixes: [runnerVsix],
    env: {
      AIPLAT_TEST_SPEC: specPath,
      AIPLAT_TEST_FIXTURES: fixturesDir,
      KUBECONFIG: [path.join(fixturesDir, "kubeconfig/team-a.yaml"), path.join(fixturesDir, "kubeconfig/team-b.yaml")].join(path.delimiter),
    },
  });
  return { workbench, resultsPath };
}

export function isSuiteResults(value: unknown): value is SuiteResults {
  return typeof value === "object" && value !== null && "passed" in value && "failed" in value && Array.isArray((value as SuiteResults).tests);
}
