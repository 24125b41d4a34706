import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import * as path from "node:path";

export const repoRoot = path.resolve(__dirname, "..");

function run(cmd: string, args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // Tool output goes to stderr, so stdout stays clean for machine-readable output (the bench).
    const child = spawn(cmd, args, { cwd, stdio: ["ignore", 2, 2] });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(" ")} exited with ${code}`))));
  });
}

/** Runs the repo's esbuild script. */
export function build(flags: readonly string[]): Promise<void> {
  return run(process.execPath, [path.join(repoRoot, "node_modules/tsx/dist/cli.mjs"), path.join(repoRoot, "scripts/build.ts"), ...flags], repoRoot);
}

/**
 * Packages a folder with @vscode/vsce. Dependencies are bundled by esbuild, so none are
 * packed; vsce-sign's binary is not needed for an unsigned package.
 */
export async function packageVsix(folder: string, out: string): Promise<string> {
  const vsce = path.join(repoRoot, "node_modules/@vscode/vsce/vsce");
  // README images must be absolute in a VSIX; they resolve against the repository's raw files.
  const pkg = JSON.parse(await readFile(path.join(folder, "package.json"), "utf8")) as { repository?: { url?: string } };
  const base = (pkg.repository?.url ?? "").replace(/\.git$/, "");
  const images = base ? ["--baseImagesUrl", `${base}/raw/HEAD/`, "--baseContentUrl", `${base}/blob/HEAD/`] : [];
  await run(process.execPath, [vsce, "package", "--no-dependencies", "--skip-license", ...images, "--out", out], folder);
  return out;
}
