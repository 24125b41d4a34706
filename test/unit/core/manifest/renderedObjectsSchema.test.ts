import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { renderKubernetesObjects } from "../../../../src/core/manifest/renderKubernetes";
import { planScaffold } from "../../../../src/core/scaffold/planScaffold";
import { loadTemplate, type LoadedTemplate } from "../../../../src/core/scaffold/templateCatalog";
import { schemaProblems, unknownFields } from "./kubeSchemaCheck";

const templatesDir = path.resolve(__dirname, "../../../../templates");
const load = async (id: string): Promise<LoadedTemplate> => {
  const t = await loadTemplate(templatesDir, id);
  if (!t.ok) throw new Error(JSON.stringify(t.error));
  return t.value;
};

/** Each template as scaffolded, and with the --set variants that change what is rendered. */
const variants: readonly { template: string; set: string[] }[] = [
  { template: "vllm", set: [] },
  { template: "vllm", set: ["resources.gpu.mig=3g.40gb"] },
  { template: "vllm", set: ["resources.gpu.count=2", "scaling.minReplicas=2", "scaling.maxReplicas=2"] },
  { template: "vllm", set: ["model.storageUri=pvc://llm-weights/llama3"] },
  { template: "triton", set: [] },
  { template: "triton", set: ["model.storageUri=pvc://triton-models/repo", "scaling.target.metric=memory", "scaling.target.value=75"] },
  { template: "kserve", set: [] },
  { template: "kserve", set: ["rollout.strategy=canary"] },
  { template: "kserve", set: ["modelFormat=huggingface", "model.storageUri=hf://org/model", "resources.gpu.count=1", "resources.gpu.type=NVIDIA-L4"] },
  { template: "python", set: [] },
  { template: "python", set: ["resources.gpu.count=1", "scaling.target.metric=rps", "scaling.target.value=20.5"] },
];

describe("every object every template renders passes the Kubernetes OpenAPI schemas", () => {
  test.each(variants.map((v) => ({ ...v, label: `${v.template} ${v.set.join(" ") || "(defaults)"}` })))("$label", async ({ template, set }) => {
    const plan = planScaffold(await load(template), { name: "svc-a1", set });
    if (!plan.ok) throw new Error(JSON.stringify(plan.error));
    const k8sFiles = plan.files.filter((f) => f.path.startsWith("k8s/"));
    expect(k8sFiles.length).toBeGreaterThanOrEqual(4);
    for (const file of k8sFiles) {
      // Read back as kubectl would (YAML 1.1), from the file the scaffold writes.
      const obj = parse(file.content, { version: "1.1" }) as { apiVersion: string; kind: string };
      expect({ file: file.path, problems: schemaProblems(obj) }).toEqual({ file: file.path, problems: [] });
    }
    for (const env of Object.keys(plan.manifest.environments)) {
      const r = renderKubernetesObjects(plan.manifest, env);
      if (!r.ok) throw new Error(r.error);
      for (const obj of r.objects) expect({ env, kind: obj.kind, problems: schemaProblems(obj) }).toEqual({ env, kind: obj.kind, problems: [] });
    }
  });
});

describe("the check can fail: broken objects are caught", () => {
  const rendered = async (template: string): Promise<Record<string, unknown>> => {
    const plan = planScaffold(await load(template), { name: "svc-b", set: [] });
    if (!plan.ok) throw new Error(JSON.stringify(plan.error));
    const r = renderKubernetesObjects(plan.manifest, "dev");
    if (!r.ok) throw new Error(r.error);
    return Object.fromEntries(r.objects.map((o) => [o.kind, structuredClone(o)]));
  };
  const remove = Symbol("remove");
  /** Sets (or removes) the value at a dotted path such as Deployment.spec.replicas. */
  const mutate = (root: Record<string, unknown>, dotted: string, value: unknown): void => {
    const keys = dotted.split(".");
    const last = keys.pop() ?? "";
    let node = root;
    for (const k of keys) node = node[k] as Record<string, unknown>;
    if (value === remove) delete node[last];
    else node[last] = value;
  };

  test.each([
    { name: "a container without a name", template: "vllm", at: "Deployment.spec.template.spec.containers.0.name", value: remove, says: /required property name/ },
    { name: "replicas as text", template: "vllm", at: "Deployment.spec.replicas", value: "two", says: /replicas must be integer/ },
    { name: "a misspelt field", template: "vllm", at: "Deployment.spec.template.spec.containers.0.readinessprobe", value: {}, says: /unknown field .*readinessprobe/ },
    { name: "a probe port that is neither number nor name", template: "python", at: "Deployment.spec.template.spec.containers.0.readinessProbe.httpGet.port", value: true, says: /port/ },
    { name: "an HPA without maxReplicas", template: "python", at: "HorizontalPodAutoscaler.spec.maxReplicas", value: remove, says: /maxReplicas/ },
    { name: "a Service port that is text", template: "python", at: "Service.spec.ports.0.port", value: "eighty", says: /port must be integer/ },
    { name: "a PDB selector that is a string", template: "triton", at: "PodDisruptionBudget.spec.selector", value: "app=x", says: /selector/ },
    { name: "a NetworkPolicy with ingress as an object", template: "triton", at: "NetworkPolicy.spec.ingress", value: { from: [] }, says: /ingress must be array/ },
    { name: "a ServiceMonitor interval Prometheus cannot parse", template: "vllm", at: "ServiceMonitor.spec.endpoints.0.interval", value: "30 seconds", says: /interval must match pattern/ },
    { name: "an InferenceService without a storageUri", template: "kserve", at: "InferenceService.spec.predictor.model.storageUri", value: remove, says: /storageUri is required/ },
    { name: "an InferenceService without a name", template: "kserve", at: "InferenceService.metadata.name", value: remove, says: /metadata\.name/ },
    { name: "a canary percentage over 100", template: "kserve", at: "InferenceService.spec.predictor.canaryTrafficPercent", value: 150, says: /canaryTrafficPercent/ },
  ])("$name", async ({ template, at, value, says }) => {
    const objects = await rendered(template);
    const valid = Object.values(objects).flatMap((o) => schemaProblems(o as { apiVersion: string; kind: string }));
    expect(valid).toEqual([]);
    mutate(objects, at, value);
    const problems = Object.values(objects).flatMap((o) => schemaProblems(o as { apiVersion: string; kind: string }));
    expect(problems.join("\n")).toMatch(says);
  });

  test("unknownFields follows arrays and maps into nested models", () => {
    expect(unknownFields({ spec: { template: { spec: { containers: [{ name: "a", resources: { limits: { cpu: "1" } }, bogus: 1 }] } } } }, "V1Deployment")).toEqual([
      ".spec.template.spec.containers[0].bogus",
    ]);
  });
});
