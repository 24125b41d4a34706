/** npm run package: a minified production build packed into ai-platform-ops-<version>.vsix. */
import { readFile, stat } from "node:fs/promises";
import * as path from "node:path";
import { build, packageVsix, repoRoot } from "./vsix";

export async function packageExtension(): Promise<string> {
  const pkg = JSON.parse(await readFile(path.join(repoRoot, "package.json"), "utf8")) as { name: string; version: string };
  await build(["--production"]);
  const out = await packageVsix(repoRoot, path.join(repoRoot, `${pkg.name}-${pkg.version}.vsix`));
  const { size } = await stat(out);
  console.log(`[package] ${path.relative(repoRoot, out)} ${(size / 1024).toFixed(0)} KB`);
  return out;
}

if (require.main === module) {
  packageExtension().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
