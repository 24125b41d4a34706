import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { ExitCode } from "../../../src/cli/aiplat";
import { runAiplat, templatesDir } from "./runAiplat";

/**
 * Issue 8 §8: a fresh scaffold passes its own checks. Every template is scaffolded through the
 * CLI, and every command its generated CI workflow runs is run, exactly as written there
 * (through runCli, with the step's working directory), and must pass.
 */

interface Workflow {
  readonly jobs: Record<string, { defaults?: { run?: { "working-directory"?: string } }; steps: { name?: string; run?: string; uses?: string }[] }>;
}

// The package comes from the job's AIPLAT_PACKAGE (pinned; see the next test); the pack-and-install
// test (test/integration/cliPackage.test.ts) runs these same lines in a shell against the packed tarball.
const npxPrefix = 'npx --yes --package="$AIPLAT_PACKAGE" aiplat ';
const templates = readdirSync(templatesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith("_"))
  .map((d) => d.name);

async function scaffold(template: string, set: readonly string[] = []): Promise<string> {
  const parent = mkdtempSync(path.join(tmpdir(), `aiplat-golden-${template}-`));
  const out = path.join(parent, "svc");
  // Run from the folder above, as a newcomer does: the scaffold's audit record goes there, not into this repository.
  const r = await runAiplat(["scaffold", "--template", template, "--name", "golden-path", "--out", out, ...set.flatMap((s) => ["--set", s])], { cwd: parent });
  expect(r.code, r.err).toBe(ExitCode.ok);
  return out;
}

/** Every `run:` of the generated workflow, with the directory it runs in. */
function workflowRuns(dir: string): { cwd: string; args: string[]; name: string }[] {
  const workflow = parse(readFileSync(path.join(dir, ".github/workflows/aiplatform-check.yml"), "utf8")) as Workflow;
  return Object.values(workflow.jobs).flatMap((job) =>
    job.steps.flatMap((step) => {
      if (step.run === undefined) return [];
      // Anything but a plain aiplat invocation would need a shell this test does not emulate.
      expect(step.run.startsWith(npxPrefix), step.run).toBe(true);
      expect(step.run.slice(npxPrefix.length), "no quoting, pipes or variables to interpret").toMatch(/^[A-Za-z0-9 ._=/-]+$/);
      return [{ cwd: path.resolve(dir, job.defaults?.run?.["working-directory"] ?? "."), args: step.run.slice(npxPrefix.length).split(/ +/), name: step.name ?? step.run }];
    }),
  );
}

describe("a freshly scaffolded service passes every check its CI workflow runs", () => {
  test("there are templates to scaffold", () => {
    expect(templates.sort()).toEqual(["kserve", "python", "triton", "vllm"]);
  });

  test.each(templates)("%s", async (template) => {
    const dir = await scaffold(template);
    const runs = workflowRuns(dir);
    const manifest = parse(readFileSync(path.join(dir, "aiplatform.yaml"), "utf8")) as { environments: Record<string, { production: boolean }>; image?: string };
    // Every environment is checked, not only the first.
    expect(runs.map((r) => r.args[r.args.indexOf("--env") + 1]).sort()).toEqual(Object.keys(manifest.environments).sort());
    for (const run of runs) {
      const r = await runAiplat(run.args, { cwd: run.cwd });
      expect(r.code, `${run.name}\n${r.out}${r.err}`).toBe(ExitCode.ok);
      const env = run.args[run.args.indexOf("--env") + 1] ?? "";
      const unpinnedProd = manifest.environments[env]?.production === true && manifest.image !== undefined && !manifest.image.includes("@sha256:");
      // Said, not skipped: the output names production as not yet deployable while it is unpinned.
      if (unpinnedProd) expect(r.out).toContain(`${env} is not yet deployable: its image is not pinned by digest`);
      else expect(r.out).not.toContain("not yet deployable");
    }
  });
});

describe("production stays safe", () => {
  test.each(templates.filter((t) => t !== "kserve"))("%s: without the workflow's flag, check --env prod still fails on a tag", async (template) => {
    const dir = await scaffold(template);
    const r = await runAiplat(["check", "aiplatform.yaml", "--env", "prod"], { cwd: dir });
    expect(r.code).toBe(ExitCode.failed);
    expect(r.out).toMatch(/error immutable-image-in-production: .* a tag, in production environment prod/);
  });

  test("-o json carries the same verdict as data: a warning, no errors, prod listed as not yet deployable", async () => {
    const dir = await scaffold("python");
    const r = await runAiplat(["check", "aiplatform.yaml", "--env", "prod", "--unpinned-prod", "warning", "-o", "json"], { cwd: dir });
    expect(r.code).toBe(ExitCode.ok);
    const doc = JSON.parse(r.out) as { summary: { errors: number; warnings: number }; notYetDeployable: string[]; findings: { ruleId: string; severity: string }[] };
    expect(doc.summary.errors).toBe(0);
    expect(doc.notYetDeployable).toEqual(["prod"]);
    expect(doc.findings.find((f) => f.ruleId === "immutable-image-in-production")?.severity).toBe("warning");
  });

  test("--unpinned-prod warning leaves every other production gate an error", async () => {
    const dir = await scaffold("python", ["resources.cpu=1", "probes.readiness.path=/ready"]);
    const manifest = path.join(dir, "aiplatform.yaml");
    // A hand edit that breaks a different production rule: no memory request or limit.
    writeFileSync(manifest, readFileSync(manifest, "utf8").replace(/^ {2}memory: .*\n/m, ""));
    const r = await runAiplat(["check", "aiplatform.yaml", "--env", "prod", "--unpinned-prod", "warning"], { cwd: dir });
    expect(r.code).toBe(ExitCode.failed);
    expect(r.out).toMatch(/error limits-set: /);
  });

  test("once a digest is set, the generated prod step passes with nothing left to say", async () => {
    const dir = await scaffold("vllm", [`image=vllm/vllm-openai@sha256:${"a".repeat(64)}`]);
    const prod = workflowRuns(dir).find((r) => r.args.includes("prod"));
    expect(prod).toBeDefined();
    const r = await runAiplat(prod?.args ?? [], { cwd: prod?.cwd ?? dir });
    expect(r.code).toBe(ExitCode.ok);
    expect(r.out).not.toContain("not yet deployable");
    expect(r.out).not.toContain("immutable-image-in-production");
  });
});
