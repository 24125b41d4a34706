import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { ExitCode } from "../../../src/cli/aiplat";
import { productVersion } from "../../../src/core/productVersion";
import { runAiplat, type CliRun } from "./runAiplat";

const fixtures = path.resolve(__dirname, "../../fixtures/kubeconfig");

const cli = (args: string[], env: Record<string, string> = {}): Promise<CliRun> => runAiplat(args, { env });

describe("aiplat", () => {
  test("--help lists the real subcommands and exits 0", async () => {
    const r = await cli(["--help"]);
    expect(r.code).toBe(ExitCode.ok);
    expect(r.out).toMatch(/Usage: aiplat/);
    expect(r.out).toMatch(/contexts/);
  });

  test("--version prints the package version", async () => {
    const r = await cli(["--version"]);
    expect(r).toEqual({ code: 0, out: `${productVersion}\n`, err: "" });
  });

  test("contexts prints kubectl's merged view as a table, current context starred", async () => {
    const r = await cli(["contexts"], { KUBECONFIG: [path.join(fixtures, "team-a.yaml"), path.join(fixtures, "team-b.yaml")].join(path.delimiter) });
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^CURRENT\s+NAME\s+CLUSTER\s+SERVER\s+NAMESPACE\s+AUTH$/);
    expect(lines.slice(1).map((l) => l.trim().split(/\s+/).slice(0, 2).join(" "))).toEqual(["* aks-ml-prod", "kind-gpu-lab kind-gpu-lab", "staging-eastus staging-eastus"]);
    expect(r.out).not.toContain("fixture-secret-token-never-shown");
  });

  test("contexts -o json gives machine-readable output", async () => {
    const r = await cli(["contexts", "-o", "json", "--kubeconfig", path.join(fixtures, "team-b.yaml")]);
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.out) as { currentContext: string; contexts: { name: string; namespace: string }[] };
    expect(parsed.currentContext).toBe("staging-eastus");
    expect(parsed.contexts.map((c) => [c.name, c.namespace])).toEqual([
      ["staging-eastus", "inference"],
      ["kind-gpu-lab", "shadowed"],
    ]);
  });

  test.each([
    { args: ["contexts", "-o", "xml"], says: "Allowed choices are table, json" },
    { args: ["frobnicate"], says: "unknown command 'frobnicate'" },
    { args: ["contexts", "--kubeconfig", ""], says: "--kubeconfig needs at least one path" },
    { args: ["--frobnicate"], says: "unknown option '--frobnicate'" },
  ])("rejects $args with exit code 2 and says why", async ({ args, says }) => {
    const r = await cli(args);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.err).toContain(says);
  });

  test("a broken kubeconfig stops aiplat before it starts (exit 2), naming the file", async () => {
    const r = await cli(["contexts", "--kubeconfig", path.join(fixtures, "broken.yaml")]);
    expect(r.code).toBe(ExitCode.environment);
    expect(r.err).toContain(`Kubeconfig ${path.join(fixtures, "broken.yaml")} is not valid`);
  });

  // Issue 14: run from a folder with no kubeconfig, every command that needs a cluster says so and
  // exits 2, without a stack trace.
  test.each([
    ["contexts"],
    ["rollback", "ml/web", "--reason", "x"],
    ["metrics", "ml/web"],
  ])("%s with no kubeconfig anywhere: says where it looked, exit 2", async (...args) => {
    const nowhere = path.join(fixtures, "does-not-exist.yaml");
    const r = await cli(args, { KUBECONFIG: nowhere, HOME: path.join(fixtures, "no-home") });
    expect(r.code).toBe(ExitCode.environment);
    expect(r.err).toContain(`No kubeconfig found (looked for ${nowhere})`);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});

/** Every command and subcommand, as a path of names: [["audit"], ["audit", "verify"], …]. */
async function commandPaths(): Promise<string[][]> {
  const top = (await cli(["--help"])).out;
  const section = (help: string): string[] => {
    const commands = help.split(/^Commands:$/m)[1] ?? "";
    return [...commands.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((n) => n !== "help");
  };
  const paths: string[][] = [];
  for (const name of section(top)) {
    paths.push([name]);
    for (const sub of section((await cli(["help", name])).out)) paths.push([name, sub]);
  }
  return paths;
}

describe("aiplat help <command>", () => {
  test("works for every command and subcommand, and says the same as <command> --help", async () => {
    const paths = await commandPaths();
    // The commands the README documents are all there.
    expect(paths.map((p) => p.join(" "))).toEqual(expect.arrayContaining(["contexts", "audit", "audit verify", "audit export", "rollback", "scaffold", "render", "check", "deploy", "metrics"]));
    for (const names of paths) {
      const help = await cli(["help", ...names]);
      expect(help.code, names.join(" ")).toBe(ExitCode.ok);
      expect(help.out).toMatch(new RegExp(`^Usage: aiplat ${names.join(" ")} `));
      expect(help.out).toBe((await cli([...names, "--help"])).out);
    }
  });

  test("aiplat help alone lists the commands, help among them", async () => {
    const r = await cli(["help"]);
    expect(r.code).toBe(ExitCode.ok);
    expect(r.out).toMatch(/^Usage: aiplat /);
    expect(r.out).toMatch(/^ {2}help \[command\.\.\.\]/m);
  });

  test("an unknown command: exit 2, naming the ones there are", async () => {
    const r = await cli(["help", "audit", "frobnicate"]);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.err).toBe('aiplat: no command "audit frobnicate"; the commands of audit are verify, export\n');
  });
});
