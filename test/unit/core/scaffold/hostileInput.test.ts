import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ExitCode } from "../../../../src/cli/aiplat";
import { describeScaffoldErrorForTerminal as describeScaffoldError } from "../../../../src/cli/scaffoldCommand";
import type { ScaffoldError } from "../../../../src/core/scaffold/scaffoldError";
import { scaffoldService } from "../../../../src/core/scaffold/scaffoldService";
import { runAiplat } from "../../cli/runAiplat";
import { snapshotTree } from "./treeSnapshot";

/**
 * Hostile input, generated: path-traversal and look-alike names, --set values that try to
 * inject YAML or pollute prototypes, unknown templates, and broken manifests for `aiplat
 * render`. Every case goes through scaffoldService and through the CLI; each must come back as
 * a clear error, without a throw, and leave the whole directory tree around it untouched
 * (a pre-existing service directory included, byte for byte).
 */

const templatesDir = path.resolve(__dirname, "../../../../templates");
const templates = ["vllm", "triton", "kserve", "python"] as const;

// ---------- generated inputs ----------

const traversalNames = ["..", ".", "../x", "../../x", "../../../x", "..\\x", "a/b", "a/../b", "a\\b", "/etc/passwd", "/tmp/aiplat-hostile-canary", "C:\\x", "C:/x", "~/x", "~", "./x", "x/.", "%2e%2e", "%2fetc", "x/", "/"];
const lookAlikes = [
  "llаma", // Cyrillic а
  "lіama", // Cyrillic і
  "llama\u0301", // combining accent
  "ｌｌａｍａ", // fullwidth
  "llama\u200b3", // zero-width space
  "llama\u202e3", // right-to-left override
  "ıllama", // dotless i
  "llama\u00a0x", // no-break space
  "Ⅼlama", // Roman numeral fifty
  "llama\ufeff",
];
const injectionNames = [
  "llama\nkind: Secret",
  "llama\r\nx",
  "llama\tx",
  "llama\u0000x",
  'llama"x',
  "llama'x",
  "llama`x`",
  "llama: x",
  "llama#x",
  "llama x",
  "{{name}}",
  "{{{image}}}",
  "$(reboot)",
  "$HOME",
  "llama;rm -rf x",
  "llama|x",
  "llama&x",
  "<script>",
  "llama\u001b[31m",
  "llama\u007f",
  "- x",
  "*x",
  "&x",
  "!x",
  "x?",
];
const shapeNames = ["", "-", "-llama", "llama-", "Llama", "LLAMA", "llama_3", "llama.3", "3.14", "a".repeat(64), "a".repeat(100), "a".repeat(1000), "a-".repeat(32), "llama--", "_x", ".hidden"];
const badNames = [...traversalNames, ...lookAlikes, ...injectionNames, ...shapeNames];

const badSets: readonly string[] = [
  // newlines, control characters and YAML structure
  "image=x\nkind: Secret",
  "image=x\r\nkind: Secret",
  "description=line one\nline two",
  "description=a\u0000b",
  "description=a\u2028b",
  "description=a\u0085b",
  "description=\u001b[2J",
  "description=key: value",
  "description=[1, 2]",
  "description={a: 1}",
  "description=- item",
  "description=&a x",
  "description=*a",
  "description=!!python/object:os.system x",
  "description=x # hidden",
  "description=--- x",
  "description=...",
  "description=%YAML 1.1",
  'description="unterminated',
  "description='unterminated",
  'description="a" b',
  "description=",
  "description=~",
  "description=null",
  "description=? x",
  "description=|",
  "description=>",
  "description=" + "x".repeat(1001),
  // prototype pollution and reserved keys
  "__proto__.polluted=1",
  "__proto__=1",
  "constructor.prototype.polluted=1",
  "environments.__proto__.polluted=1",
  "resources.__proto__.x=1",
  "prototype=1",
  "name=other",
  "name=../x",
  "runtime=kserve",
  "apiVersion=v2",
  "kind=Secret",
  // malformed keys
  "=1",
  "noequals",
  ".image=x",
  "image.=x",
  "a..b=1",
  "a b=1",
  "résumé=1",
  "image[0]=x",
  "x".repeat(201) + "=1",
  // unknown keys, caught by the strict schema
  "frobnicate=1",
  "resources.gpus=2",
  "resources.gpu.vendor=amd",
  "probes.readyness.path=/x",
  "scaling.target.metric=latency",
  "environments.dev.kubeconfig=/etc/passwd",
  "toString=1",
  // wrong types and out-of-range values
  "scaling.maxReplicas=lots",
  "scaling.maxReplicas=0",
  "scaling.maxReplicas=-1",
  "scaling.maxReplicas=1.5",
  'scaling.maxReplicas="3"',
  "scaling.minReplicas=5",
  "port=0",
  "port=70000",
  "port=http",
  "resources.gpu.count=-1",
  "resources.gpu.count=17",
  "resources.gpu.count=two",
  "resources.gpu.mig=1g.10GB",
  "resources.gpu.type=A100 80GB",
  "resources.cpu=four",
  "resources.memory=16 GiB",
  "slo.errorRate=2",
  "slo.availability=-0.1",
  "slo.p95LatencyMs=.inf",
  "environments.dev.production=maybe",
  "environments.dev.namespace=../../etc",
  "environments.dev.namespace=ML-Dev",
  "environments.dev.namespace=kube system",
  "environments.dev.context=a b",
  "environments.dev.context=it's",
  "environments.Dev.context=x",
  "environments.staging.namespace=ml-stg",
  "image=evil image",
  "image=vllm/vllm-openai:latest; rm -rf /",
  "image=../../etc/passwd",
  "model.storageUri=file:///etc/passwd",
  "model.storageUri=s3://b/$(reboot)",
  "model.storageUri=s3://b/x y",
  "model.registry=models:/x",
  "rollout.strategy=blue-green",
  "rollout.steps.0.traffic=10",
  "rollout.maxSurge=lots",
  "probes.readiness.path=health",
  "probes.readiness.path=/health?x=<y>",
  // quantities the API server would refuse, or that overflow its int64 arithmetic
  "resources.cpu=-4",
  "resources.memory=...",
  "resources.cpu=1e309",
  "resources.memory=16GB",
  "resources.cpuLimit=-1",
  "resources.gpu.count=0.5",
];

/** Sets that only the given template refuses (the others accept them). */
const templateSpecificSets: readonly { template: (typeof templates)[number]; set: string }[] = [
  { template: "triton", set: "modelFormat=sklearn" },
  { template: "kserve", set: "model.registry=models:/iris" },
  { template: "python", set: "modelFormat=xgboost" },
];

const badTemplates = ["pytorch", "", ".", "..", "../vllm", "vllm/../kserve", "vllm/", "/etc", "_common", "VLLM", "vllm\n", "vllm ", " vllm", "%2e%2e", "template.yaml", "vllm\u0000", "vllm\u200b", "kserve/../../../etc", "*", "python3"];

interface ScaffoldCase {
  readonly label: string;
  readonly templateId: string;
  readonly name: string;
  readonly set: readonly string[];
  readonly out: string;
  readonly kinds: readonly ScaffoldError["kind"][];
}

const cases: ScaffoldCase[] = [
  ...badNames.flatMap((name, i) => {
    const templateId = templates[i % templates.length] ?? "vllm";
    return [{ label: `name ${JSON.stringify(name).slice(0, 40)} (${templateId})`, templateId, name, set: [], out: "out", kinds: ["invalid-name"] } as const];
  }),
  ...badSets.map((set, i) => {
    const templateId = templates[i % templates.length] ?? "vllm";
    return { label: `--set ${JSON.stringify(set).slice(0, 50)} (${templateId})`, templateId, name: "svc", set: [set], out: "out", kinds: ["invalid-set", "invalid-manifest"] } as const;
  }),
  // The same bad --set after a good one, so a valid prefix does not let it through.
  ...badSets.slice(0, 30).map((set) => ({ label: `after a good --set: ${JSON.stringify(set).slice(0, 40)}`, templateId: "python", name: "svc", set: ["scaling.maxReplicas=4", set], out: "out", kinds: ["invalid-set", "invalid-manifest"] as const })),
  ...templateSpecificSets.map(({ template, set }) => ({ label: `${template}-only refusal ${set}`, templateId: template, name: "svc", set: [set], out: "out", kinds: ["invalid-manifest"] as const })),
  ...badTemplates.map((templateId) => ({ label: `template ${JSON.stringify(templateId)}`, templateId, name: "svc", set: [], out: "out", kinds: ["unknown-template"] as const })),
  // Good input aimed at what already exists: refused, never overwritten.
  ...templates.map((templateId) => ({ label: `${templateId} into the existing service directory`, templateId, name: "existing", set: [], out: "existing", kinds: ["target-exists"] as const })),
  ...templates.map((templateId) => ({ label: `${templateId} onto a symlink`, templateId, name: "svc", set: [], out: "link", kinds: ["target-exists"] as const })),
  ...templates.map((templateId) => ({ label: `${templateId} onto a file`, templateId, name: "svc", set: [], out: "afile", kinds: ["target-exists"] as const })),
];

// ---------- the tree around the work ----------

let root: string;
/** The CLI's working directory, three levels deep so that ../../.. still lands inside root. */
let cwd: string;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), "aiplat-hostile-"));
  cwd = path.join(root, "a", "b", "c");
  mkdirSync(path.join(cwd, "existing", "k8s"), { recursive: true });
  writeFileSync(path.join(cwd, "existing", "aiplatform.yaml"), "apiVersion: aiplatform.dev/v1\n# hand-edited, must survive\n");
  writeFileSync(path.join(cwd, "existing", "k8s", "deployment.yaml"), "kind: Deployment\n");
  writeFileSync(path.join(cwd, "existing", "runbook.md"), Buffer.from([0xde, 0xad, 0xbe, 0xef]));
  mkdirSync(path.join(root, "elsewhere"));
  symlinkSync(path.join(root, "elsewhere"), path.join(cwd, "link"));
  writeFileSync(path.join(cwd, "afile"), "not a directory");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** What a person can read: no raw control characters, bidi overrides or zero-width characters. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const unreadable = /[\u0000-\u0008\u000b-\u001f\u007f\u0085\u200b\u2028\u2029\u202e\ufeff]/;

function expectClearMessage(message: string): void {
  expect(message.length).toBeGreaterThan(30);
  expect(message).not.toMatch(unreadable);
}

test("there are at least 200 generated hostile inputs", () => {
  expect(cases.length + badManifests.length).toBeGreaterThanOrEqual(200);
});

describe.each(cases)("$label", ({ templateId, name, set, out, kinds }) => {
  test("scaffoldService refuses it clearly and writes nothing", async () => {
    const before = snapshotTree(root);
    const result = await scaffoldService({ templatesDir, templateId, name, outDir: path.join(cwd, out), set });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(kinds).toContain(result.error.kind);
    expectClearMessage(describeScaffoldError(result.error));
    expect(snapshotTree(root)).toEqual(before);
    expect(existsSync("/tmp/aiplat-hostile-canary")).toBe(false);
  });

  test("aiplat scaffold refuses it clearly, exits non-zero and writes nothing", async () => {
    const before = snapshotTree(root);
    const args = ["scaffold", `--template=${templateId}`, `--name=${name}`, `--out=${out}`, ...set.map((s) => `--set=${s}`)];
    const r = await runAiplat(args, { cwd });
    expect(r.code).toBe(kinds.includes("target-exists") ? ExitCode.failed : ExitCode.usage);
    expect(r.out).toBe("");
    expect(r.err.startsWith("aiplat: ")).toBe(true);
    expectClearMessage(r.err);
    expect(snapshotTree(root)).toEqual(before);
  });
});

// ---------- aiplat render ----------

const validManifest = [
  "apiVersion: aiplatform.dev/v1",
  "kind: InferenceServiceManifest",
  "name: svc",
  "runtime: python",
  "image: registry.example.com/ml/svc:1.0.0",
  "model: {storageUri: s3://models/svc/model.onnx}",
  "environments:",
  "  dev: {context: sandbox, namespace: ml-dev}",
  "",
].join("\n");

const badManifests: readonly { label: string; text?: string; file?: "dir" | "missing" | "huge"; env?: string }[] = [
  { label: "empty file", text: "" },
  { label: "only a comment", text: "# nothing\n" },
  { label: "a scalar", text: "hello\n" },
  { label: "a list", text: "- a\n- b\n" },
  { label: "JSON array", text: "[1, 2, 3]" },
  { label: "unclosed flow map", text: "{apiVersion: aiplatform.dev/v1" },
  { label: "tab indentation", text: validManifest.replace("  dev:", "\tdev:") },
  { label: "duplicate keys", text: `${validManifest}name: other\n` },
  { label: "two documents", text: `${validManifest}---\n${validManifest}` },
  { label: "binary junk", text: "\u0000\u0001\u0002\u00ff\ufffe" },
  { label: "alias bomb", text: `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n` },
  { label: "wrong apiVersion", text: validManifest.replace("aiplatform.dev/v1", "v1") },
  { label: "a Secret instead", text: "apiVersion: v1\nkind: Secret\nmetadata: {name: x}\ndata: {token: eA==}\n" },
  { label: "unknown runtime", text: validManifest.replace("runtime: python", "runtime: tensorflow") },
  { label: "name with traversal", text: validManifest.replace("name: svc", "name: ../../etc") },
  { label: "name with a newline escape", text: validManifest.replace("name: svc", 'name: "svc\\nkind: Secret"') },
  { label: "__proto__ key", text: `${validManifest}__proto__: {polluted: true}\n` },
  { label: "constructor key", text: `${validManifest}constructor: {prototype: {polluted: true}}\n` },
  { label: "unknown field", text: `${validManifest}replicas: 3\n` },
  { label: "namespace with traversal", text: validManifest.replace("namespace: ml-dev", "namespace: ../kube-system") },
  { label: "image with a space", text: validManifest.replace("registry.example.com/ml/svc:1.0.0", '"evil image"') },
  { label: "canary traffic going down", text: `${validManifest}rollout: {strategy: canary, steps: [{traffic: 50}, {traffic: 10}]}\n` },
  { label: "GPU count as text", text: `${validManifest}resources: {gpu: {count: lots}}\n` },
  { label: "no environments", text: validManifest.replace(/environments:[\s\S]*/, "environments: {}\n") },
  { label: "a directory", file: "dir" },
  { label: "a missing file", file: "missing" },
  { label: "a file too large to be a manifest", file: "huge" },
  { label: "an unknown environment", text: validManifest, env: "prod" },
  { label: "an environment that is a path", text: validManifest, env: "../dev" },
  { label: "an inherited environment name", text: validManifest, env: "__proto__" },
  { label: "an environment with a newline", text: validManifest, env: "dev\nprod" },
  { label: "an environment with an escape sequence", text: validManifest, env: "\u001b[31mdev" },
  // issue 8 §9: the independent hostile-input run
  { label: "10k levels of nesting", text: `${validManifest}description: ${"[".repeat(10_000)}${"]".repeat(10_000)}\n` },
  { label: "__proto__ under environments", text: validManifest.replace("environments:\n", "environments:\n  __proto__: {context: x, namespace: y}\n") },
  { label: "a negative CPU", text: `${validManifest}resources: {cpu: "-4", memory: 1Gi}\n` },
  { label: "dots for memory", text: `${validManifest}resources: {cpu: "1", memory: "..."}\n` },
  { label: "1e309 CPU", text: `${validManifest}resources: {cpu: "1e309", memory: 1Gi}\n` },
  { label: "a !Ref tag", text: validManifest.replace("namespace: ml-dev", "namespace: !Ref Namespace") },
  { label: "a !!js/function tag", text: validManifest.replace("name: svc", "name: !!js/function svc") },
  { label: "text after a document end marker", text: `${validManifest}...\nkind: Secret\n` },
  { label: "CR-only line endings", text: validManifest.replace(/\n/g, "\r") },
];

describe.each(badManifests)("aiplat render: $label", ({ label, text, file, env }) => {
  test("fails clearly, prints no objects and writes nothing", async () => {
    const name = `m-${label.replace(/\W+/g, "-")}.yaml`;
    const manifestPath = path.join(root, "manifests", name);
    mkdirSync(path.dirname(manifestPath), { recursive: true });
    if (file === "dir") mkdirSync(manifestPath, { recursive: true });
    else if (file === "huge") writeFileSync(manifestPath, `${validManifest}# ${"x".repeat(2 * 1024 * 1024)}\n`);
    else if (file !== "missing") writeFileSync(manifestPath, text ?? "");
    const before = snapshotTree(root);
    const r = await runAiplat(["render", manifestPath, `--env=${env ?? "dev"}`], { cwd });
    expect(r.code).not.toBe(ExitCode.ok);
    expect(r.out).toBe("");
    expect(r.err.startsWith("aiplat: ")).toBe(true);
    expect(r.err.length).toBeGreaterThan(20);
    expect(r.err).not.toMatch(unreadable);
    expect(snapshotTree(root)).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
