import { copyFile, mkdir } from "node:fs/promises";
import * as path from "node:path";
import { build, packageVsix, repoRoot } from "../../scripts/vsix";

/** Builds the extension-host suites and packs the runner extension that runs them. */
export async function buildRunnerVsix(): Promise<string> {
  await build(["--tests"]);
  const stage = path.join(repoRoot, "out/runner-extension");
  await mkdir(stage, { recursive: true });
  await copyFile(path.join(__dirname, "runnerExtension/package.json"), path.join(stage, "package.json"));
  await copyFile(path.join(repoRoot, "LICENSE"), path.join(stage, "LICENSE"));
  return packageVsix(stage, path.join(repoRoot, "out/aiplat-test-runner.vsix"));
}
