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

  test("a broken kubeconfig is a failure (exit 1) naming the file", async () => {
    const r = await cli(["contexts", "--kubeconfig", path.join(fixtures, "broken.yaml")]);
    expect(r.code).toBe(ExitCode.failed);
    expect(r.err).toContain(`Kubeconfig ${path.join(fixtures, "broken.yaml")} is not valid`);
  });
});
