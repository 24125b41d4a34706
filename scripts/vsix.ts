import { spawn } from "node:child_process";
import * as path from "node:path";

export const repoRoot = path.resolve(__dirname, "..");

function run(cmd: string, args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ["ignore", "inherit", "inherit"] });
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
  await run(process.execPath, [vsce, "package", "--no-dependencies", "--skip-license", "--out", out], folder);
  return out;
}
