import { productVersion } from "../../../../src/core/productVersion";
import type { V1Deployment } from "@kubernetes/client-node";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { parse } from "yaml";
import type { KubeObject } from "../../../../src/core/kube/objects/kubeObject";
import { toKubeYaml } from "../../../../src/core/kube/objects/kubeYaml";
import { parseManifest } from "../../../../src/core/manifest/parseManifest";
import { renderKubernetesObjects } from "../../../../src/core/manifest/renderKubernetes";
import { planScaffold, type PlannedFile, type PlanResult } from "../../../../src/core/scaffold/planScaffold";
import { describeScaffoldErrorForTerminal as describeScaffoldError } from "../../../../src/cli/scaffoldCommand";
import { listTemplates, loadTemplate, type LoadedTemplate } from "../../../../src/core/scaffold/templateCatalog";

const templatesDir = path.resolve(__dirname, "../../../../templates");
const now = new Date("2025-06-01T09:30:00Z");

async function load(id: string): Promise<LoadedTemplate> {
  const t = await loadTemplate(templatesDir, id);
  if (!t.ok) throw new Error(describeScaffoldError(t.error));
  return t.value;
}

async function plan(id: string, set: string[] = [], name = "llama3-chat"): Promise<Extract<PlanResult, { ok: true }>> {
  const p = planScaffold(await load(id), { name, set, now });
  if (!p.ok) throw new Error(describeScaffoldError(p.error));
  return p;
}

const file = (files: readonly PlannedFile[], p: string): string => {
  const f = files.find((x) => x.path === p);
  if (!f) throw new Error(`${p} was not planned; planned: ${files.map((x) => x.path).join(", ")}`);
  return f.content;
};

const commonFiles = ["runbook.md", ".github/workflows/aiplatform-check.yml"];
const deploymentFiles = ["k8s/deployment.yaml", "k8s/service.yaml", "k8s/horizontalpodautoscaler.yaml", "k8s/poddisruptionbudget.yaml", "k8s/servicemonitor.yaml", "k8s/networkpolicy.yaml"];

describe("the template catalog", () => {
  test("lists the four templates with a title and description", async () => {
    const r = await listTemplates(templatesDir);
    expect(r.ok && r.value.map((t) => t.id)).toEqual(["kserve", "python", "triton", "vllm"]);
    for (const t of r.ok ? r.value : []) {
      expect(t.title.length).toBeGreaterThan(5);
      expect(t.description.length).toBeGreaterThan(20);
    }
  });

  test("an unknown template names the known ones", async () => {
    const r = await loadTemplate(templatesDir, "pytorch");
    expect(r).toEqual({ ok: false, error: { kind: "unknown-template", templateId: "pytorch", known: ["kserve", "python", "triton", "vllm"] } });
    expect(describeScaffoldError(r.ok ? ({} as never) : r.error)).toContain("Choose one of: kserve, python, triton, vllm");
  });

  test("the shared _common folder is not a template", async () => {
    expect((await loadTemplate(templatesDir, "_common")).ok).toBe(false);
  });
});

describe("what each template writes", () => {
  test.each([
    { id: "vllm", files: ["aiplatform.yaml", ...deploymentFiles, "Dockerfile", ...commonFiles] },
    { id: "triton", files: ["aiplatform.yaml", ...deploymentFiles, "Dockerfile", "model_repository/README.md", "model_repository/llama3-chat/config.pbtxt", ...commonFiles] },
    { id: "kserve", files: ["aiplatform.yaml", "k8s/inferenceservice.yaml", "k8s/poddisruptionbudget.yaml", "k8s/servicemonitor.yaml", "k8s/networkpolicy.yaml", ...commonFiles] },
    { id: "python", files: ["aiplatform.yaml", ...deploymentFiles, "Dockerfile", "requirements.txt", "app/__init__.py", "app/main.py", "model/README.md", ...commonFiles] },
  ])("$id", async ({ id, files }) => {
    expect((await plan(id)).files.map((f) => f.path)).toEqual(files);
  });

  test.each(["vllm", "triton", "kserve", "python"])("%s: aiplatform.yaml reads back as the planned manifest", async (id) => {
    const p = await plan(id);
    const parsed = parseManifest(file(p.files, "aiplatform.yaml"));
    expect(parsed.ok && parsed.manifest).toEqual(p.manifest);
  });

  test("the defaults: dev on the sandbox context, prod needing approval, rolling rollouts", async () => {
    for (const id of ["vllm", "triton", "kserve", "python"]) {
      const m = (await plan(id)).manifest;
      expect(m.environments).toEqual({
        dev: { context: "sandbox", namespace: "ml-dev", production: false, approvalRequired: false },
        prod: { context: "prod", namespace: "ml-prod", production: true, approvalRequired: true },
      });
      expect(m.rollout.strategy).toBe("rolling");
    }
  });

  test("vLLM: the pinned OpenAI server, Llama 3 8B Instruct, one A100, /health probes", async () => {
    const m = (await plan("vllm")).manifest;
    expect(m.image).toBe("vllm/vllm-openai:v0.6.3");
    expect(m.model).toEqual({ storageUri: "hf://meta-llama/Meta-Llama-3-8B-Instruct" });
    expect(m.resources.gpu).toEqual({ count: 1, type: "NVIDIA-A100-SXM4-80GB" });
    expect([m.probes.readiness?.path, m.probes.liveness?.path, m.probes.startup?.path]).toEqual(["/health", "/health", "/health"]);
  });

  test("KServe: KServe's sklearn example model, no image", async () => {
    const m = (await plan("kserve")).manifest;
    expect(m.modelFormat).toBe("sklearn");
    expect(m.model).toMatchObject({ storageUri: "gs://kfserving-examples/models/sklearn/1.0/model" });
    expect(m.image).toBeUndefined();
  });

  test("the k8s/ files are the objects aiplat renders for the first environment, under a header saying so", async () => {
    const p = await plan("vllm");
    const rendered = renderKubernetesObjects(p.manifest, "dev");
    if (!rendered.ok) throw new Error(rendered.error);
    for (const obj of rendered.objects) {
      const content = file(p.files, `k8s/${obj.kind.toLowerCase()}.yaml`);
      const header = content.split("\n").filter((l) => l.startsWith("#"));
      expect(header.join("\n")).toMatch(/rendered from aiplatform\.yaml for environment "dev" on 2025-06-01/);
      expect(header.join("\n")).toContain("for review and GitOps");
      expect(header.join("\n")).toContain("npx aiplat render aiplatform.yaml --env dev");
      expect(content).toBe(`${header.join("\n")}\n${toKubeYaml(obj)}`);
    }
  });

  test("the CI workflow runs aiplat check on every environment, production until pinned as not yet deployable, with the aiplat that scaffolded it", async () => {
    const workflow = parse(file((await plan("python")).files, ".github/workflows/aiplatform-check.yml")) as { on: Record<string, unknown>; jobs: { check: { env: Record<string, string>; steps: { run?: string }[] } } };
    expect(Object.keys(workflow.on)).toEqual(["pull_request", "push"]);
    expect(workflow.jobs.check.env["AIPLAT_PACKAGE"]).toBe(`ai-platform-ops@${productVersion}`);
    const runs = workflow.jobs.check.steps.map((s) => s.run).filter(Boolean);
    expect(runs).toEqual([
      'npx --yes --package="$AIPLAT_PACKAGE" aiplat check aiplatform.yaml --env dev',
      'npx --yes --package="$AIPLAT_PACKAGE" aiplat check aiplatform.yaml --env prod --unpinned-prod warning',
    ]);
  });

  test("the runbook carries the SLOs, rollback commands for the environment, dashboards and escalation", async () => {
    const runbook = file((await plan("vllm")).files, "runbook.md");
    expect(runbook).toContain("| p95 latency | ≤ 2000 ms |");
    expect(runbook).toContain("| error rate | ≤ 1% of requests |");
    expect(runbook).toContain("| availability | ≥ 99.5% |");
    expect(runbook).toContain(`aiplat rollback ml-dev/llama3-chat --context 'sandbox' --reason`);
    expect(runbook).toContain("kubectl --context 'sandbox' -n ml-dev rollout undo deployment/llama3-chat");
    expect(runbook).toContain("## Dashboards");
    expect(runbook).toContain("vllm:e2e_request_latency_seconds_bucket");
    expect(runbook).toContain("## Escalation");
  });

  test("a KServe canary runbook rolls back by setting the canary to 0%", async () => {
    const runbook = file((await plan("kserve", ["rollout.strategy=canary"])).files, "runbook.md");
    expect(runbook).toContain("10% → 50% → 100%");
    expect(runbook).toContain('"canaryTrafficPercent":0');
  });

  test("a runbook without SLOs says how to add them", async () => {
    const t = await load("python");
    const { slo: _slo, ...defaults } = t.defaults;
    const p = planScaffold({ ...t, defaults }, { name: "ranker", set: [], now });
    expect(p.ok && file(p.files, "runbook.md")).toContain("No SLOs are set yet");
  });

  test("Dockerfiles run as a non-root user from a pinned base", async () => {
    for (const id of ["vllm", "triton", "python"]) {
      const dockerfile = file((await plan(id)).files, "Dockerfile");
      expect(dockerfile).toMatch(/^FROM [^\s:]+:[^\s]+$/m);
      expect(dockerfile).not.toMatch(/^FROM [^\s]+:latest$/m);
      expect(dockerfile).toMatch(/^USER 1000$/m);
    }
    expect(file((await plan("vllm")).files, "Dockerfile")).toMatch(/^FROM vllm\/vllm-openai:v0\.6\.3$/m);
  });

  test("Triton's model config is named after the model folder it sits in", async () => {
    const config = file((await plan("triton", [], "resnet50")).files, "model_repository/resnet50/config.pbtxt");
    expect(config).toMatch(/^name: "resnet50"$/m);
    expect(config).toContain("kind: KIND_GPU");
  });

  test("text is not HTML-escaped", async () => {
    const runbook = file((await plan("python", ["description=A&B <fast> \"quoted\""])).files, "runbook.md");
    expect(runbook).toContain('A&B <fast> "quoted"');
  });

  test("the same request plans byte-identical files", async () => {
    expect((await plan("triton", ["scaling.maxReplicas=5"])).files).toEqual((await plan("triton", ["scaling.maxReplicas=5"])).files);
  });
});

describe("--set changes what is written", () => {
  test("a namespace override moves every object and the runbook's commands", async () => {
    const p = await plan("python", ["environments.dev.namespace=team-a"]);
    for (const f of p.files.filter((x) => x.path.startsWith("k8s/"))) expect((parse(f.content) as KubeObject).metadata.namespace).toBe("team-a");
    expect(file(p.files, "runbook.md")).toContain("-n team-a rollout undo deployment/llama3-chat");
  });

  test("two GPUs split vLLM over both", async () => {
    const d = parse(file((await plan("vllm", ["resources.gpu.count=2"])).files, "k8s/deployment.yaml")) as V1Deployment;
    expect(d.spec?.template.spec?.containers[0]?.args).toContain("--tensor-parallel-size");
    expect(d.spec?.template.spec?.containers[0]?.resources?.limits?.["nvidia.com/gpu"]).toBe("2");
  });

  test("a MIG slice replaces the template's GPU type", async () => {
    const d = parse(file((await plan("vllm", ["resources.gpu.mig=3g.40gb"])).files, "k8s/deployment.yaml")) as V1Deployment;
    expect(d.spec?.template.spec?.containers[0]?.resources?.limits).toMatchObject({ "nvidia.com/mig-3g.40gb": "1" });
    expect(d.spec?.template.spec?.nodeSelector).toBeUndefined();
  });

  test("a KServe canary starts at 10% in Serverless mode", async () => {
    const isvc = parse(file((await plan("kserve", ["rollout.strategy=canary"])).files, "k8s/inferenceservice.yaml")) as {
      metadata: { annotations: Record<string, string> };
      spec: { predictor: { canaryTrafficPercent: number } };
    };
    expect(isvc.spec.predictor.canaryTrafficPercent).toBe(10);
    expect(isvc.metadata.annotations["serving.kserve.io/deploymentMode"]).toBe("Serverless");
  });

  test.each([
    { set: ["scaling.maxReplicas=0"], says: "scaling.maxReplicas: " },
    { set: ["resources.gpu.count=two"], says: "resources.gpu.count: " },
    { set: ["frobnicate=1"], says: "frobnicate" },
    { set: ["resources.gpu.vendor=amd"], says: "vendor" },
    { set: ["environments.dev.namespace=ML_Dev"], says: "environments.dev.namespace: " },
    { set: ["image=Not An Image"], says: "image: " },
    { set: ["rollout.strategy=canary", "rollout.tolerance=-1"], template: "vllm", says: "rollout.tolerance: " },
  ])("an invalid manifest is refused with the field and why: $set", async ({ set, says, template }) => {
    const p = planScaffold(await load(template ?? "python"), { name: "svc", set, now });
    expect(p.ok).toBe(false);
    if (p.ok) return;
    expect(p.error.kind).toBe("invalid-manifest");
    expect(describeScaffoldError(p.error)).toContain(says);
  });
});

describe("generated Python compiles", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "aiplat-py-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each([
    { label: "python defaults", set: [] as string[] },
    { label: "python on a GPU with a pvc model", set: ["resources.gpu.count=1", "model.storageUri=pvc://models/ranker/model.onnx", "model.version=2024-06-01"] },
  ])("$label: python3 -m py_compile accepts every .py file", async ({ label, set }) => {
    const p = await plan("python", set, "ranker");
    const pyFiles = p.files.filter((f) => f.path.endsWith(".py"));
    expect(pyFiles.map((f) => f.path)).toEqual(["app/__init__.py", "app/main.py"]);
    const root = path.join(dir, label.replace(/\W+/g, "-"));
    for (const f of pyFiles) {
      mkdirSync(path.dirname(path.join(root, f.path)), { recursive: true });
      writeFileSync(path.join(root, f.path), f.content);
    }
    // Throws, with python's message, if any file does not compile.
    execFileSync("python3", ["-m", "py_compile", ...pyFiles.map((f) => path.join(root, f.path))], { stdio: "pipe" });
    const main = file(p.files, "app/main.py");
    for (const route of ['@app.get("/health")', '@app.get("/ready")', '@app.get("/metrics")', '@app.post("/predict"']) expect(main).toContain(route);
    expect(main).toContain('SERVICE_NAME = "ranker"');
  });

  test("py_compile does reject broken Python (the check can fail)", () => {
    const broken = path.join(dir, "broken.py");
    writeFileSync(broken, "def f(:\n    pass\n");
    expect(() => execFileSync("python3", ["-m", "py_compile", broken], { stdio: "pipe" })).toThrow();
  });
});
