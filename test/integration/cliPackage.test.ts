/**
 * Issue 14: `aiplat` as users get it. `npm pack` makes the tarball a registry would hold; it is
 * installed into an empty prefix from the tarball alone (offline: it must need nothing else), and
 * the installed command is driven the way a person or a CI job would, from folders with no
 * repository around them.
 */
import { execFile, type ExecFileException } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as acorn from "acorn";
import { beforeAll, describe, expect, test } from "vitest";
import { parse, parseAllDocuments } from "yaml";

const root = path.resolve(__dirname, "../..");
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { name: string; version: string; engines: { node: string } };
const templates = readdirSync(path.join(root, "templates"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith("_"))
  .map((d) => d.name);

interface Run {
  code: number;
  out: string;
  err: string;
}

/** Runs a program and resolves with its exit code and output, whatever the code. */
function run(file: string, args: readonly string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: opts.cwd ?? scratch(), env: { ...cleanEnv, ...opts.env }, maxBuffer: 64 * 1024 * 1024, timeout: 240_000 }, (err: ExecFileException | null, out, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, out, err: stderr });
    });
  });
}

const scratch = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), "aiplat-pkg-"));
  chmodSync(dir, 0o755);
  return dir;
};

// The environment a user's shell would have: PATH and nothing of this repository's. npm works
// offline from its own cache folder, so nothing can come from anywhere but the tarball.
const npmCache = scratch();
const cleanEnv: Record<string, string | undefined> = {
  PATH: process.env["PATH"],
  HOME: scratch(),
  npm_config_cache: npmCache,
  npm_config_offline: "true",
  npm_config_audit: "false",
  npm_config_fund: "false",
  npm_config_update_notifier: "false",
};

let tarball: string;
let files: string[];
let prefix: string;
let aiplat: string;

beforeAll(async () => {
  const dest = scratch();
  // npm pack runs the prepack script (the production build) as `npm publish` would.
  const packed = await run("npm", ["pack", "--json", "--pack-destination", dest], { cwd: root, env: { npm_config_offline: undefined } });
  expect(packed.code, packed.err).toBe(0);
  const [info] = JSON.parse(packed.out.slice(packed.out.indexOf("["))) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(dest, info!.filename);
  files = info!.files.map((f) => f.path).sort();
  chmodSync(tarball, 0o644);

  prefix = scratch();
  const installed = await run("npm", ["install", "--global", "--prefix", prefix, tarball]);
  expect(installed.code, installed.err).toBe(0);
  aiplat = path.join(prefix, "bin", "aiplat");
}, 600_000);

describe("the npm package", () => {
  test("holds exactly what the CLI needs: the launcher, the CLI bundle (with the client-node bundle it loads on first use, zod, and the drift check's worker), templates and the schema, not the extension", () => {
    const templateFiles = files.filter((f) => f.startsWith("templates/"));
    expect(files.filter((f) => !f.startsWith("templates/"))).toEqual([
      "LICENSE",
      "README.md",
      "bin/aiplat.cjs",
      "dist/cli.js",
      "dist/drift-worker.js",
      "dist/lazy/client-node.js",
      // aiplat triage's report writer and core, and aiplat models' registry client, load on first use.
      "dist/lazy/incident-report.js",
      "dist/lazy/mlflow-registry.js",
      "dist/lazy/triage-core.js",
      "dist/vendor/zod.js",
      // The runbook an incident report links to when the service has none.
      "media/runbooks/triage-runbook.md",
      "package.json",
      "schemas/aiplatform.schema.json",
    ]);
    // Every bundle the CLI loads on first use is in the package (the VSIX's copy is not there).
    const loaded = new Set([...readFileSync(path.join(root, "dist", "cli.js"), "utf8").matchAll(/require\("\.\/lazy\/([a-z0-9-]+\.js)"\)/g)].map((m) => `dist/lazy/${m[1]}`));
    expect(loaded.size).toBeGreaterThan(0);
    for (const bundle of loaded) expect(files).toContain(bundle);
    for (const t of templates) expect(templateFiles).toContain(`templates/${t}/template.yaml`);
    expect(templateFiles).toContain("templates/_common/aiplatform-check.yml.mustache");
  });

  test("installs from the tarball alone (no dependencies to fetch) and `aiplat --version` prints the package version", async () => {
    const installedPkg = path.join(prefix, "lib", "node_modules", pkg.name);
    expect(readdirSync(installedPkg)).not.toContain("node_modules");
    const r = await run(aiplat, ["--version"]);
    expect(r).toEqual({ code: 0, out: `${pkg.version}\n`, err: "" });
  });

  test("`npx file:<tarball>` runs it too", async () => {
    // A bare path would be run as a program; npx takes a tarball as a file: spec (or --package=).
    const r = await run("npx", ["--yes", `file:${tarball}`, "--version"]);
    expect(r.out).toBe(`${pkg.version}\n`);
    expect(r.code).toBe(0);
  });

  test.each(templates)("scaffold, check and render the %s template in an empty folder, with no repository around it", async (template) => {
    const cwd = scratch();
    const scaffolded = await run(aiplat, ["scaffold", "--template", template, "--name", `svc-${template}`, "--out", "svc"], { cwd });
    expect(scaffolded.code, scaffolded.err).toBe(0);
    const dir = path.join(cwd, "svc");
    const checked = await run(aiplat, ["check", "aiplatform.yaml", "--env", "dev"], { cwd: dir });
    expect(checked.code, checked.out + checked.err).toBe(0);
    const rendered = await run(aiplat, ["render", "aiplatform.yaml", "--env", "dev"], { cwd: dir });
    expect(rendered.code, rendered.err).toBe(0);
    const kinds = parseAllDocuments(rendered.out).map((d) => (d.toJS() as { kind: string }).kind);
    expect(kinds).toContain(template === "kserve" ? "InferenceService" : "Deployment");
  });

  test("`aiplat drift` runs its worker from the installed package", async () => {
    const cwd = scratch();
    const rows = (shift: number): string => ["x,colour", ...Array.from({ length: 400 }, (_, i) => `${((i * 37) % 101) + shift},${i % 3 === 0 ? "red" : "blue"}`)].join("\n") + "\n";
    writeFileSync(path.join(cwd, "reference.csv"), rows(0));
    writeFileSync(path.join(cwd, "current.csv"), rows(60));
    const r = await run(aiplat, ["drift", "--reference", "reference.csv", "--current", "current.csv", "-o", "json"], { cwd });
    expect(r.code, r.err).toBe(0);
    const result = JSON.parse(r.out) as { features: { name: string; method: string; drifted: boolean }[] };
    expect(result.features.map((f) => [f.name, f.method, f.drifted])).toEqual([
      ["x", "ks", true],
      ["colour", "z", false],
    ]);
  });

  test("a scaffolded service's CI workflow pins this version, and its steps pass when run as written (with the vendored tarball)", async () => {
    const cwd = scratch();
    expect((await run(aiplat, ["scaffold", "--template", "vllm", "--name", "ci-check", "--out", "svc"], { cwd })).code).toBe(0);
    const dir = path.join(cwd, "svc");
    const workflow = parse(readFileSync(path.join(dir, ".github/workflows/aiplatform-check.yml"), "utf8")) as {
      jobs: Record<string, { env?: Record<string, string>; defaults?: { run?: { "working-directory"?: string } }; steps: { uses?: string; with?: Record<string, unknown>; run?: string }[] }>;
    };
    const job = workflow.jobs["check"]!;
    expect(job.env?.["AIPLAT_PACKAGE"]).toBe(`${pkg.name}@${pkg.version}`);
    const setupNode = job.steps.find((s) => s.uses?.startsWith("actions/setup-node@"));
    expect(Number(setupNode?.with?.["node-version"])).toBeGreaterThanOrEqual(Number(/\d+/.exec(pkg.engines.node)![0]));
    const runs = job.steps.filter((s) => s.run !== undefined);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    for (const step of runs) {
      // The workflow's documented vendored-copy route: AIPLAT_PACKAGE names a tarball.
      const r = await run("sh", ["-ec", step.run!], { cwd: path.resolve(dir, job.defaults?.run?.["working-directory"] ?? "."), env: { ...job.env, AIPLAT_PACKAGE: tarball } });
      expect(r.code, `${step.run}\n${r.out}${r.err}`).toBe(0);
    }
  });
});

describe("aiplat's bad starts", () => {
  test("the launcher parses as ES5, so an old Node reads it far enough to say what it needs", () => {
    const launcher = readFileSync(path.join(prefix, "lib", "node_modules", pkg.name, "bin", "aiplat.cjs"), "utf8").replace(/^#!.*\n/, "");
    expect(() => acorn.parse(launcher, { ecmaVersion: 5 })).not.toThrow();
  });

  test("an older Node gets one line naming the required version, exit 2", async () => {
    const launcher = path.join(prefix, "lib", "node_modules", pkg.name, "bin", "aiplat.cjs");
    // What Node 18 reports about itself; the rest of the launcher runs as it would there.
    const asNode18 = `Object.defineProperty(process.versions, "node", { value: "18.19.1" }); process.argv.splice(1, 1, ${JSON.stringify(launcher)}); require(${JSON.stringify(launcher)});`;
    const r = await run(process.execPath, ["-e", asNode18, "--", "--version"]);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err.trimEnd().split("\n")).toHaveLength(1);
    expect(r.err).toMatch(`aiplat: needs Node.js ${pkg.engines.node} but this is Node.js 18.19.1`);
  });

  test("from a folder with no kubeconfig: says where it looked, exit 2, no stack trace", async () => {
    const home = scratch();
    const r = await run(aiplat, ["contexts"], { cwd: home, env: { HOME: home, KUBECONFIG: undefined } });
    expect(r.code).toBe(2);
    expect(r.err).toBe(`aiplat: No kubeconfig found (looked for ${path.join(home, ".kube", "config")}). Set KUBECONFIG, create ~/.kube/config (for AKS: az aks get-credentials), or name the files in the aiPlatform.kubeconfigPaths setting.\n`);
  });

  test("in a folder it may not write: says so, exit 2, no stack trace, nothing left behind", async () => {
    const readOnly = scratch();
    writeFileSync(path.join(readOnly, "keep.txt"), "x");
    // As root every folder is writable, so the command runs as `nobody`, as a user without rights there would.
    const asOther = process.getuid?.() === 0;
    if (!asOther) chmodSync(readOnly, 0o555);
    const [file, args] = asOther ? ["runuser", ["-u", "nobody", "--", aiplat]] : [aiplat, []];
    const r = await run(file, [...args, "scaffold", "--template", "vllm", "--name", "demo", "--out", "demo"], { cwd: readOnly });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^aiplat: Could not write .*demo: EACCES: permission denied/);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(readdirSync(readOnly)).toEqual(["keep.txt"]);
  });
});
