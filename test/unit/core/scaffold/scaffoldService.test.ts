import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { planScaffold } from "../../../../src/core/scaffold/planScaffold";
import { isSafeRelativePath, writeDirectoryAtomically } from "../../../../src/core/scaffold/safeWrite";
import { describeScaffoldErrorForTerminal as describeScaffoldError } from "../../../../src/cli/scaffoldCommand";
import { scaffoldService } from "../../../../src/core/scaffold/scaffoldService";
import { loadTemplate } from "../../../../src/core/scaffold/templateCatalog";
import { snapshotTree } from "./treeSnapshot";

const templatesDir = path.resolve(__dirname, "../../../../templates");
const now = new Date("2025-06-01T09:30:00Z");
let work: string;

beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), "aiplat-scaffold-"));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const scaffold = (over: Partial<Parameters<typeof scaffoldService>[0]> = {}): ReturnType<typeof scaffoldService> =>
  scaffoldService({ templatesDir, templateId: "vllm", name: "llama3-chat", outDir: path.join(work, "llama3-chat"), set: [], now, ...over });

describe("scaffoldService writes the planned files", () => {
  test.each(["vllm", "triton", "kserve", "python"])("%s: every planned file, byte for byte, and nothing else", async (templateId) => {
    const result = await scaffold({ templateId });
    if (!result.ok) throw new Error(describeScaffoldError(result.error));
    const template = await loadTemplate(templatesDir, templateId);
    const plan = template.ok ? planScaffold(template.value, { name: "llama3-chat", set: [], now }) : undefined;
    if (!plan?.ok) throw new Error("plan failed");
    expect(result.dir).toBe(path.join(work, "llama3-chat"));
    expect(result.files).toEqual(plan.files.map((f) => f.path));
    for (const f of plan.files) expect(readFileSync(path.join(result.dir, f.path), "utf8")).toBe(f.content);
    expect(Object.keys(snapshotTree(result.dir)).filter((p) => !p.endsWith("/")).sort()).toEqual(plan.files.map((f) => f.path).sort());
    // No temporary directory is left next to the target.
    expect(readdirSync(work)).toEqual(["llama3-chat"]);
  });

  test("the directory and files get ordinary permissions, not mkdtemp's 0700", async () => {
    const result = await scaffold();
    if (!result.ok) throw new Error(describeScaffoldError(result.error));
    expect(statSync(result.dir).mode & 0o777).toBe(0o755);
    expect(statSync(path.join(result.dir, "aiplatform.yaml")).mode & 0o022).toBe(0);
  });

  test("missing parent directories are created", async () => {
    const outDir = path.join(work, "services", "ml", "llama3-chat");
    const result = await scaffold({ outDir });
    expect(result.ok).toBe(true);
    expect(existsSync(path.join(outDir, "aiplatform.yaml"))).toBe(true);
  });

  test("an existing empty directory is filled", async () => {
    mkdirSync(path.join(work, "llama3-chat"));
    expect((await scaffold()).ok).toBe(true);
    expect(existsSync(path.join(work, "llama3-chat", "runbook.md"))).toBe(true);
  });
});

describe("scaffoldService never overwrites and leaves nothing behind on failure", () => {
  test("a non-empty target is refused and stays byte-identical", async () => {
    const target = path.join(work, "llama3-chat");
    mkdirSync(path.join(target, "k8s"), { recursive: true });
    writeFileSync(path.join(target, "aiplatform.yaml"), "mine\n");
    writeFileSync(path.join(target, "k8s", "deployment.yaml"), "also mine\n");
    const before = snapshotTree(work);
    const result = await scaffold();
    expect(result).toEqual({ ok: false, error: { kind: "target-exists", dir: target, reason: "not-empty" } });
    expect(snapshotTree(work)).toEqual(before);
    expect(describeScaffoldError(result.ok ? ({} as never) : result.error)).toMatch(/not empty; nothing was written\. Choose another --out/);
  });

  test.each([
    { what: "a file", make: (target: string) => writeFileSync(target, "x"), reason: "not-a-directory" },
    { what: "a symbolic link to an empty directory", make: (target: string) => (mkdirSync(`${target}-real`), symlinkSync(`${target}-real`, target)), reason: "symlink" },
    { what: "a dangling symbolic link", make: (target: string) => symlinkSync("/nonexistent/elsewhere", target), reason: "symlink" },
  ])("a target that is $what is refused", async ({ make, reason }) => {
    const target = path.join(work, "llama3-chat");
    make(target);
    const before = snapshotTree(work);
    expect(await scaffold()).toEqual({ ok: false, error: { kind: "target-exists", dir: target, reason } });
    expect(snapshotTree(work)).toEqual(before);
  });

  test("a parent path through a file fails as an io error, creating nothing", async () => {
    writeFileSync(path.join(work, "not-a-dir"), "x");
    const before = snapshotTree(work);
    const result = await scaffold({ outDir: path.join(work, "not-a-dir", "sub", "svc") });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.kind).toBe("io");
    expect(snapshotTree(work)).toEqual(before);
  });

  test("a write that fails midway removes the temporary directory and the parents it created", async () => {
    const outDir = path.join(work, "new", "parent", "svc");
    // Two files at the same path: the second write fails (wx) after the first succeeded.
    const result = await writeDirectoryAtomically(outDir, [
      { path: "a.txt", content: "1" },
      { path: "a.txt", content: "2" },
    ]);
    expect(result.ok).toBe(false);
    expect(readdirSync(work)).toEqual([]);
  });

  test("the name is checked before any path is built from it", async () => {
    const before = snapshotTree(work);
    const result = await scaffold({ name: "../escape", outDir: path.join(work, "x") });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.kind).toBe("invalid-name");
    expect(snapshotTree(work)).toEqual(before);
  });

  test("an unknown template is refused before anything is written", async () => {
    const result = await scaffold({ templateId: "../vllm" });
    expect(result).toEqual({ ok: false, error: { kind: "unknown-template", templateId: "../vllm", known: ["kserve", "python", "triton", "vllm"] } });
    expect(readdirSync(work)).toEqual([]);
  });
});

describe("broken templates are refused, not followed", () => {
  function brokenTemplates(files: Record<string, string>): string {
    const dir = path.join(work, "templates");
    cpSync(templatesDir, dir, { recursive: true });
    for (const [p, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
      writeFileSync(path.join(dir, p), content);
    }
    return dir;
  }
  const spec = (files: string): string =>
    `title: Evil\ndescription: A template that tries to escape its folder.\ndefaults:\n  runtime: kserve\n  modelFormat: sklearn\n  model: {storageUri: "gs://b/m"}\n  environments: {dev: {context: c, namespace: ns}}\nfiles:\n${files}`;

  test.each([
    { what: "a source outside the templates folder", files: "  - {path: x.txt, source: ../../../../etc/passwd}\n", says: "outside the templates folder" },
    { what: "an output path with ..", files: "  - {path: ../x.txt, source: template.yaml}\n", says: "files.0.path" },
    { what: "an absolute output path", files: "  - {path: /tmp/x.txt, source: template.yaml}\n", says: "files.0.path" },
    { what: "a missing source", files: "  - {path: x.txt, source: nope.mustache}\n", says: "cannot read nope.mustache" },
  ])("$what", async ({ files, says }) => {
    const dir = brokenTemplates({ "evil/template.yaml": spec(files) });
    const outDir = path.join(work, "out", "svc");
    const result = await scaffoldService({ templatesDir: dir, templateId: "evil", name: "svc", outDir, set: [] });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.kind).toBe("invalid-template");
    expect(!result.ok && describeScaffoldError(result.error)).toContain(says);
    expect(existsSync(path.join(work, "out"))).toBe(false);
  });

  test("a template that writes one path twice is refused", async () => {
    const dir = brokenTemplates({ "evil/template.yaml": spec("  - {path: runbook.md, source: ../_common/runbook.md.mustache}\n  - {path: runbook.md, source: ../_common/runbook.md.mustache}\n") });
    const result = await scaffoldService({ templatesDir: dir, templateId: "evil", name: "svc", outDir: path.join(work, "svc"), set: [] });
    expect(!result.ok && describeScaffoldError(result.error)).toContain("runbook.md is written twice");
  });
});

test.each([
  { p: "app/main.py", safe: true },
  { p: ".github/workflows/x.yml", safe: true },
  { p: "../x", safe: false },
  { p: "a/../../x", safe: false },
  { p: "/etc/passwd", safe: false },
  { p: "a//b", safe: false },
  { p: "./a", safe: false },
  { p: "a\\..\\b", safe: false },
  { p: "C:/x", safe: false },
  { p: "", safe: false },
])("isSafeRelativePath($p) is $safe", ({ p, safe }) => {
  expect(isSafeRelativePath(p)).toBe(safe);
});
