/**
 * aiplat deploy, in-process, for what it refuses before anything is sent to a cluster: flags
 * (exit 2), manifests aiplat check refuses too (same lines), and the confirmations a production
 * deploy needs without a terminal. No kubeconfig is reachable here, so a refusal that came too
 * late would show up as a kubeconfig error instead of the words asserted.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ExitCode, runCli } from "../../../src/cli/aiplat";
import { parseDuration } from "../../../src/core/durationText";
import { runAiplat, templatesDir } from "./runAiplat";
import { compliant } from "./compliantManifest";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "aiplat-deploy-"));
  writeFileSync(path.join(dir, "aiplatform.yaml"), compliant);
  // A kubeconfig that names no cluster this test could reach: anything sent would fail loudly.
  writeFileSync(
    path.join(dir, "nowhere.yaml"),
    "apiVersion: v1\nkind: Config\nclusters: [{name: x, cluster: {server: 'https://127.0.0.1:1'}}]\nusers: [{name: x, user: {token: t}}]\ncontexts: [{name: elsewhere, context: {cluster: x, user: x}}]\ncurrent-context: elsewhere\n",
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));


const deploy = (...args: string[]) => runAiplat(["deploy", ...args], { cwd: dir, env: { KUBECONFIG: "nowhere.yaml" } });

describe("aiplat deploy: the command line", () => {
  test.each([
    { args: ["aiplatform.yaml"], says: "error: required option '-e, --env <name>' not specified" },
    { args: ["aiplatform.yaml", "--env", "dev", "--dry-run", "--wait"], says: "--wait has nothing to follow with --dry-run" },
    { args: ["aiplatform.yaml", "--env", "dev", "--wait", "--timeout", "soon"], says: "--timeout soon: expected a duration such as 90s, 10m or 1h" },
    { args: ["aiplatform.yaml", "--env", "dev", "--wait", "--timeout", "0s"], says: "--timeout 0s: expected a duration" },
    { args: ["aiplatform.yaml", "--env", "dev", "--timeout", "5m"], says: "--timeout is how long --wait waits; add --wait" },
    { args: ["aiplatform.yaml", "--env", "dev", "--reason", "one\ntwo"], says: "--reason must be one line" },
    { args: ["aiplatform.yaml", "--env", "dev", "--reason", "x".repeat(301)], says: "--reason is at most 300 characters" },
    { args: ["aiplatform.yaml", "--env", "dev", "-o", "yaml"], says: "Allowed choices are text, json" },
    { args: ["aiplatform.yaml", "--env", "staging", "--yes"], says: 'aiplatform.yaml has no environment "staging"; it defines dev, prod' },
    { args: ["aiplatform.yaml", "--env", "dev"], says: "without a terminal to confirm at, pass --yes to deploy chat to dev" },
    { args: ["aiplatform.yaml", "--env", "prod", "--confirm", "chat"], says: "--reason is required to deploy to prod, a production environment" },
    { args: ["aiplatform.yaml", "--env", "prod", "--reason", "v4", "--yes"], says: "prod is a production environment: without a terminal to confirm at, pass --confirm chat" },
  ])("$args: exit 2, saying why", async ({ args, says }) => {
    const r = await deploy(...args);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.err).toContain(says);
    expect(r.out).toBe("");
  });

  test("a wrong --confirm is refused with exit 1 and names the service to type", async () => {
    const r = await deploy("aiplatform.yaml", "--env", "prod", "--reason", "v4", "--confirm", "chta");
    expect(r).toEqual({ code: ExitCode.failed, out: "", err: "aiplat: error: --confirm chta does not match the service name chat; nothing was deployed\n" });
  });

  test("-o json: a refusal is still one JSON object with the stable fields", async () => {
    const r = await deploy("aiplatform.yaml", "--env", "prod", "--reason", "v4", "--confirm", "other", "-o", "json");
    expect(r.code).toBe(ExitCode.failed);
    expect(JSON.parse(r.out)).toEqual({
      service: "chat",
      environment: "prod",
      context: "aks-prod",
      namespace: "llm",
      outcome: "blocked",
      objects: [],
      findings: [],
      revisionBefore: null,
      revisionAfter: null,
      diffDigest: null,
      rollback: null,
      canary: null,
      message: "--confirm other does not match the service name chat; nothing was deployed",
    });
  });

  test("a bad AIPLAT_READONLY_CONTEXTS pattern is a usage error", async () => {
    const r = await runAiplat(["deploy", "aiplatform.yaml", "--env", "dev", "--yes"], { cwd: dir, env: { AIPLAT_READONLY_CONTEXTS: "prod cluster" } });
    expect(r.code).toBe(ExitCode.usage);
    expect(r.err).toBe("aiplat: AIPLAT_READONLY_CONTEXTS: no spaces or commas in a pattern\n");
  });

  test("a manifest aiplat check refuses is refused with the same lines, exit 1", async () => {
    writeFileSync(path.join(dir, "broken.yaml"), compliant.replace("port: 8000", "port: eighty"));
    const checked = await runAiplat(["check", "broken.yaml"], { cwd: dir, env: {} });
    const r = await deploy("broken.yaml", "--env", "dev", "--yes");
    expect(r.code).toBe(ExitCode.failed);
    expect(checked.code).toBe(ExitCode.failed);
    const problemLines = (out: string) => out.split("\n").filter((l) => l.startsWith("broken.yaml:"));
    expect(problemLines(r.out)).toEqual(problemLines(checked.out));
    expect(problemLines(r.out).length).toBeGreaterThan(0);
    expect(r.err).toBe("aiplat: error: broken.yaml is not a valid service manifest: 1 problem\n");
  });

  test("a manifest that does not exist: exit 1, naming it", async () => {
    const r = await deploy("missing.yaml", "--env", "dev", "--yes");
    expect(r.code).toBe(ExitCode.failed);
    expect(r.err).toContain("missing.yaml");
  });

  test("the environment's context must be in the kubeconfig (--kubeconfig relative to the caller's folder): exit 1, saying how to fix it", async () => {
    const r = await runAiplat(["deploy", "aiplatform.yaml", "--env", "dev", "--yes", "--kubeconfig", "nowhere.yaml"], { cwd: dir, env: {} });
    expect(r.code).toBe(ExitCode.failed);
    expect(r.err).toBe(
      `aiplat: error: environment dev deploys with kube context "kind-dev", which is not in the kubeconfig (${path.join(dir, "nowhere.yaml")}); add it (aiplat contexts lists those there are), pass --kubeconfig, or change environments.dev.context in aiplatform.yaml\n`,
    );
  });

  test("at a terminal, production needs no --confirm up front, and nothing is asked before the plan succeeds", async () => {
    const asked: string[] = [];
    let err = "";
    const code = await runCli(["deploy", "aiplatform.yaml", "--env", "prod", "--reason", "v4"], {
      out: () => undefined,
      err: (t) => (err += t),
      env: { KUBECONFIG: "nowhere.yaml" },
      cwd: dir,
      templatesDir,
      ask: (q) => {
        asked.push(q);
        return Promise.resolve("chta");
      },
    });
    // The question comes after the plan, which fails here (no such context): nothing is asked for a deploy that cannot happen.
    expect(code).toBe(ExitCode.failed);
    expect(asked).toEqual([]);
    expect(err).toMatch(/kube context "aks-prod", which is not in the kubeconfig/);
  });
});

describe("--timeout takes kubectl's durations", () => {
  test.each([
    ["90s", 90_000],
    ["10m", 600_000],
    ["1h30m", 5_400_000],
    ["500ms", 500],
    ["1.5m", 90_000],
  ])("%s is %d ms", (text, ms) => expect(parseDuration(text)).toBe(ms));

  test.each(["10", "m", "10 m", "-5s", "1d"])("%s is not a duration", (text) => expect(parseDuration(text)).toBeUndefined());
});
