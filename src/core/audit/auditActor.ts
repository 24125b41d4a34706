import { execFile } from "node:child_process";
import * as os from "node:os";
import { type Actor } from "./auditRecord";

/** How long `git config` may take; a hung git (a network home directory) must not hold up a change. */
const gitTimeoutMs = 2_000;

/**
 * Who is making a change: the kubeconfig user's name (never its credentials), the git identity
 * configured for the workspace, and the operating-system login. Missing pieces are left out.
 */
export async function resolveActor({ kubeUser, cwd }: { kubeUser: string; cwd: string }): Promise<Actor> {
  const [name, email] = await Promise.all([gitConfig(cwd, "user.name"), gitConfig(cwd, "user.email")]);
  const gitUser = name !== undefined || email !== undefined ? { ...(name !== undefined ? { name } : {}), ...(email !== undefined ? { email } : {}) } : undefined;
  return { kubeUser, ...(gitUser ? { gitUser } : {}), osUser: osUser() };
}

function gitConfig(cwd: string, key: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    try {
      // --get only reads config; no hook or fsmonitor of the workspace's repository runs.
      execFile("git", ["config", "--get", key], { cwd, timeout: gitTimeoutMs, windowsHide: true, encoding: "utf8" }, (err, stdout) => {
        const value = err ? "" : stdout.trim();
        resolve(value.length > 0 ? value : undefined);
      });
    } catch {
      resolve(undefined);
    }
  });
}

function osUser(): string {
  try {
    const name = os.userInfo().username;
    if (name) return name;
  } catch {
    // No passwd entry for this uid (containers running as an arbitrary user).
  }
  return process.env["USER"] ?? process.env["USERNAME"] ?? (typeof process.getuid === "function" ? `uid ${process.getuid()}` : "unknown");
}
