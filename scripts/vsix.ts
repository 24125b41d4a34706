import { spawn } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
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
 *
 * package.json's `files` says what the npm package (the CLI) holds, and vsce refuses a folder that
 * has both `files` and a .vscodeignore. So the VSIX is packed from a staging copy of what the
 * .vscodeignore lets in, with a package.json that has no `files`.
 */
export async function packageVsix(folder: string, out: string): Promise<string> {
  const vsce = path.join(repoRoot, "node_modules/@vscode/vsce/vsce");
  const pkg = JSON.parse(await readFile(path.join(folder, "package.json"), "utf8")) as { repository?: { url?: string }; files?: unknown };
  // README images must be absolute in a VSIX; they resolve against the repository's raw files.
  const base = (pkg.repository?.url ?? "").replace(/\.git$/, "");
  const images = base ? ["--baseImagesUrl", `${base}/raw/HEAD/`, "--baseContentUrl", `${base}/blob/HEAD/`] : [];
  if (pkg.files === undefined) {
    await run(process.execPath, [vsce, "package", "--no-dependencies", "--skip-license", ...images, "--out", path.resolve(out)], folder);
    return out;
  }
  const stage = await mkdtemp(path.join(tmpdir(), "aiplat-vsix-"));
  try {
    const ignore = await readFile(path.join(folder, ".vscodeignore"), "utf8");
    const included = new Set(ignore.split(/\r?\n/).filter((l) => l.startsWith("!")).map((l) => l.slice(1).split("/")[0]!).filter((top) => top && top !== "package.json"));
    for (const top of included) await cp(path.join(folder, top), path.join(stage, top), { recursive: true, force: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== "ENOENT") throw err;
    });
    await cp(path.join(folder, ".vscodeignore"), path.join(stage, ".vscodeignore"));
    delete pkg.files;
    await writeFile(path.join(stage, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
    await run(process.execPath, [vsce, "package", "--no-dependencies", "--skip-license", ...images, "--out", path.resolve(out)], stage);
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
  return out;
}
