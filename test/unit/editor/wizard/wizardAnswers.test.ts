import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { planScaffold } from "../../../../src/core/scaffold/planScaffold";
import { loadTemplate } from "../../../../src/core/scaffold/templateCatalog";
import { computeChoices, type FreeGpus } from "../../../../src/editor/wizard/computeChoices";
import { answersToSet, modelProblem, parseModelAnswer, type WizardTemplate } from "../../../../src/editor/wizard/wizardAnswers";

const templatesDir = path.resolve(__dirname, "../../../../templates");
const vllm: WizardTemplate = { id: "vllm", title: "vLLM", description: "", detail: "", defaultModel: "hf://meta-llama/Meta-Llama-3-8B-Instruct", cpuCapable: false, gpuRequired: true };
const python: WizardTemplate = { ...vllm, id: "python", cpuCapable: true, gpuRequired: false };
const kserve: WizardTemplate = { ...vllm, id: "kserve", cpuCapable: true, gpuRequired: false };

/** What the demo sandbox has: A100s with room, a full T4 pool, MIG slices. */
const free: FreeGpus = {
  products: [
    { product: "Tesla-T4", pools: ["t4pool"], free: 0, total: 2 },
    { product: "NVIDIA-A100-SXM4-80GB", pools: ["a100pool"], free: 12, total: 32 },
  ],
  mig: [{ profile: "1g.10gb", pools: ["migpool"], free: 5, total: 7 }],
};

describe("the model step", () => {
  test.each([
    ["hf://meta-llama/Meta-Llama-3-8B-Instruct", { storageUri: "hf://meta-llama/Meta-Llama-3-8B-Instruct" }],
    // MLflow's URI forms: /3 is a version, @champion an alias.
    ["models:/fraud/3", { registry: "models:/fraud", version: "3" }],
    ["models:/fraud@champion", { registry: "models:/fraud@champion" }],
    ["runs:/0a1b2c/model@4", { registry: "runs:/0a1b2c/model", version: "4" }],
    ["s3://bucket/models/fraud/1", { storageUri: "s3://bucket/models/fraud/1" }],
  ])("%s is a model reference", (answer, model) => {
    expect(parseModelAnswer(answer)).toEqual({ ok: true, model });
  });

  test.each([
    ["", /required/],
    ["models:/fraud", /needs a version or an alias/],
    ["ftp://host/model", /Not a model reference/],
    ["hf://org/model\nkind: Secret", /Not a model reference/],
  ])("%j is refused with a hint", (answer, message) => {
    expect(modelProblem(answer, vllm)).toMatch(message);
  });

  test("KServe needs a storage URI", () => {
    expect(modelProblem("models:/fraud/3", kserve)).toMatch(/storage URI/);
    expect(modelProblem("gs://kfserving-examples/models/sklearn/1.0/model", kserve)).toBeUndefined();
  });
});

describe("the compute step", () => {
  test("offers the cluster's GPU products with their free counts, recommending one with room", () => {
    const choices = computeChoices(vllm, free);
    expect(choices.map((c) => c.label)).toEqual(["$(chip) 1 × NVIDIA-A100-SXM4-80GB", "$(chip) 1 × Tesla-T4"]);
    expect(choices[0]).toMatchObject({ description: "12 of 32 free · a100pool", recommended: true });
    expect(choices[1]?.recommended).toBe(false);
  });

  test("vLLM gets no CPU-only or MIG choice; a CPU-capable runtime gets both, CPU recommended when it needs no GPU", () => {
    expect(computeChoices(vllm, free).some((c) => c.id === "cpu" || c.id.startsWith("mig:"))).toBe(false);
    const choices = computeChoices(python, free);
    expect(choices.map((c) => c.id)).toEqual(["gpu:NVIDIA-A100-SXM4-80GB", "gpu:Tesla-T4", "mig:1g.10gb", "cpu"]);
    expect(choices.find((c) => c.recommended)?.id).toBe("cpu");
  });

  test("without a cluster it offers common products and says free GPUs are unknown", () => {
    const choices = computeChoices(vllm, undefined);
    expect(choices.length).toBeGreaterThan(0);
    expect(choices.every((c) => c.description?.includes("not connected"))).toBe(true);
  });
});

describe("every answer the wizard can give scaffolds a valid service", () => {
  const cases = [
    { template: vllm, model: "hf://meta-llama/Meta-Llama-3-8B-Instruct", compute: "gpu:Tesla-T4" },
    { template: python, model: "models:/fraud/3", compute: "cpu" },
    { template: python, model: "models:/fraud@champion", compute: "cpu" },
    { template: python, model: "s3://bucket/ranker/model.onnx", compute: "mig:1g.10gb" },
    { template: kserve, model: "gs://kfserving-examples/models/sklearn/1.0/model", compute: "cpu" },
  ];
  test.each(cases)("$template.id, $model, $compute", async ({ template, model, compute }) => {
    const choice = computeChoices(template, free).find((c) => c.id === compute);
    expect(choice).toBeDefined();
    const set = answersToSet({ template, name: "svc", model, compute: choice, parentDir: "/tmp" });
    const loaded = await loadTemplate(templatesDir, template.id);
    if (!loaded.ok) throw new Error("template did not load");
    const plan = planScaffold(loaded.value, { name: "svc", set });
    if (!plan.ok) throw new Error(JSON.stringify(plan.error));
    const parsed = parseModelAnswer(model);
    expect(parsed.ok && plan.manifest.model).toEqual(parsed.ok ? parsed.model : undefined);
    if (compute === "cpu") expect(plan.manifest.resources.gpu).toBeUndefined();
    if (compute.startsWith("mig:")) expect(plan.manifest.resources.gpu?.mig).toBe("1g.10gb");
    if (compute === "gpu:Tesla-T4") expect(plan.manifest.resources.gpu?.type).toBe("Tesla-T4");
  });
});
