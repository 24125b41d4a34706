import { execFileSync, spawnSync } from "node:child_process";

/**
 * Debian packages the harness needs. As root they are installed; otherwise the error says
 * exactly what to install, so nothing depends on a hand install that a fresh machine lacks.
 */
export const SystemNeeds = {
  /** Building code-server's native modules: node-gyp's toolchain and the gssapi headers for `kerberos`. */
  codeServerBuild: ["python3", "make", "g++", "libkrb5-dev"],
  /** rg for VS Code versions whose @vscode/ripgrep downloads it from GitHub (code-server 4.90). */
  ripgrep: ["ripgrep"],
  /** The browser Playwright drives. */
  browser: ["chromium"],
  /** The real Prometheus (and promtool) that scrapes the sandbox's exporters and holds its backfilled history. */
  prometheus: ["prometheus"],
  /** Commands the tests compare against, and the Debian package that has each. */
  commands: { kubectl: "kubernetes-client" },
} as const;

function isInstalled(pkg: string): boolean {
  const r = spawnSync("dpkg-query", ["-W", "-f=${Status}", pkg], { encoding: "utf8" });
  return r.status === 0 && r.stdout.includes("install ok installed");
}

let updated = false;

export function ensureSystemPackages(packages: readonly string[], log: (line: string) => void = console.log): void {
  if (spawnSync("dpkg-query", ["--version"]).status !== 0) {
    log(`[system] not a Debian/Ubuntu machine; make sure these are installed: ${packages.join(" ")}`);
    return;
  }
  const missing = packages.filter((p) => !isInstalled(p));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `Missing system packages: ${missing.join(", ")}. Install them with:\n  sudo apt-get update && sudo apt-get install -y ${missing.join(" ")}\nthen run the command again.`,
    );
  }
  log(`[system] installing ${missing.join(" ")} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (!updated) {
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    updated = true;
  }
  execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], { stdio: "inherit", env });
}

/** Like ensureSystemPackages, for commands that may come from another package (kubectl often does). */
export function ensureCommands(commands: Readonly<Record<string, string>>, log: (line: string) => void = console.log): void {
  const missing = Object.entries(commands).filter(([cmd]) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status !== 0);
  if (missing.length > 0) ensureSystemPackages(missing.map(([, pkg]) => pkg), log);
}
