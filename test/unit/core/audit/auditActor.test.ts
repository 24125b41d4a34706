import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { userInfo } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { resolveActor } from "../../../../src/core/audit/auditActor";
import { tempDir } from "./auditEntries";

const tmp = tempDir("audit-actor-");
const saved = { global: process.env["GIT_CONFIG_GLOBAL"], nosystem: process.env["GIT_CONFIG_NOSYSTEM"] };

beforeAll(() => {
  // Only the repositories made here count, not the machine's own git identity.
  process.env["GIT_CONFIG_GLOBAL"] = path.join(tmp.dir, "no-global-gitconfig");
  process.env["GIT_CONFIG_NOSYSTEM"] = "1";
});
afterAll(() => {
  for (const [key, value] of [["GIT_CONFIG_GLOBAL", saved.global], ["GIT_CONFIG_NOSYSTEM", saved.nosystem]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  tmp.cleanup();
});

const repo = (name: string, config: Record<string, string>): string => {
  const dir = path.join(tmp.dir, name);
  mkdirSync(dir);
  execFileSync("git", ["init", "-q"], { cwd: dir });
  for (const [key, value] of Object.entries(config)) execFileSync("git", ["config", key, value], { cwd: dir });
  return dir;
};

describe("resolveActor", () => {
  test("takes the git name and email configured for the workspace, and the OS login", async () => {
    const cwd = repo("both", { "user.name": "Ada Lovelace", "user.email": "ada@example.com" });
    expect(await resolveActor({ kubeUser: "clusterUser_rg_aks", cwd })).toEqual({
      kubeUser: "clusterUser_rg_aks",
      gitUser: { name: "Ada Lovelace", email: "ada@example.com" },
      osUser: userInfo().username,
    });
  });

  test("keeps what is there when only the email is configured", async () => {
    const cwd = repo("email-only", { "user.email": "ci@example.com" });
    expect((await resolveActor({ kubeUser: "ci", cwd })).gitUser).toEqual({ email: "ci@example.com" });
  });

  test("a folder without git identity, or one that does not exist, gives no git user and does not throw", async () => {
    const plain = path.join(tmp.dir, "plain");
    mkdirSync(plain);
    expect(await resolveActor({ kubeUser: "bob", cwd: plain })).toEqual({ kubeUser: "bob", osUser: userInfo().username });
    expect(await resolveActor({ kubeUser: "bob", cwd: path.join(tmp.dir, "gone") })).toEqual({ kubeUser: "bob", osUser: userInfo().username });
  });
});
