/**
 * model-approved: a production deploy serves a registered version that carries the environment's
 * approval (an alias, champion by default; a stage; a tag). The expected verdicts follow from
 * the criteria as the manifest states them; the version facts are shaped as MLflow returns
 * them (aliases on the version, current_stage, tags).
 */
import { describe, expect, test } from "vitest";
import { renderKubernetesObjects } from "../../../../src/core/manifest/renderKubernetes";
import { ServiceManifest, type ServiceManifestInput } from "../../../../src/core/manifest/serviceManifest";
import { evaluatePolicies, type PolicyFinding } from "../../../../src/core/policy/policyEvaluator";
import { policyRules } from "../../../../src/core/policy/policyRules";
import { approvalCriteria, type ApprovalReference, type ModelApprovalFacts } from "../../../../src/core/registry/modelApproval";
import type { ModelVersion } from "../../../../src/core/registry/modelRegistry";

const rule = policyRules.filter((r) => r.id === "model-approved");
const registry = "http://127.0.0.1:5000";

function manifest(overrides: Partial<ServiceManifestInput> = {}): ServiceManifest {
  return ServiceManifest.parse({
    apiVersion: "aiplatform.dev/v1",
    kind: "InferenceServiceManifest",
    name: "vllm-llama3-70b",
    runtime: "vllm",
    image: "vllm/vllm-openai:v0.6.3",
    model: { registry: "models:/llama3-70b-chat", version: "4" },
    environments: {
      dev: { context: "kind", namespace: "llm-dev" },
      staging: { context: "kind", namespace: "llm-stg", modelApproval: { stage: "Staging" } },
      prod: { context: "aks", namespace: "llm", production: true },
      "prod-tagged": { context: "aks", namespace: "llm", production: true, modelApproval: { tag: "approval=approved", alias: "blessed" } },
    },
    ...overrides,
  });
}

function findings(m: ServiceManifest, env: string, model?: ModelApprovalFacts): PolicyFinding[] {
  const environment = m.environments[env];
  const rendered = renderKubernetesObjects(m, env);
  if (!environment || !rendered.ok) throw new Error("bad fixture");
  return evaluatePolicies({ manifest: m, envName: env, environment, objects: rendered.objects, ...(model ? { model } : {}) }, rule);
}

const v4 = (extra: Partial<ModelVersion> = {}): ModelVersion => ({ name: "llama3-70b-chat", version: "4", tags: [], aliases: ["challenger"], currentStage: "None", status: "READY", ...extra });
const versionRef: ApprovalReference = { kind: "version", name: "llama3-70b-chat", version: "4" };
const resolved = (version: ModelVersion, extra: Partial<Extract<ModelApprovalFacts, { kind: "resolved" }>> = {}): ModelApprovalFacts => ({
  kind: "resolved",
  reference: versionRef,
  registry,
  version,
  aliasHolders: new Map([
    ["champion", "3"],
    ["challenger", "4"],
  ]),
  aliasesUnsupported: false,
  ...extra,
});

describe("approval criteria", () => {
  test.each([
    { env: "prod", expected: [{ kind: "alias", alias: "champion" }] },
    { env: "staging", expected: [{ kind: "stage", stage: "Staging" }] },
    { env: "prod-tagged", expected: [{ kind: "alias", alias: "blessed" }, { kind: "tag", key: "approval", value: "approved" }] },
  ])("$env: $expected", ({ env, expected }) => {
    const environment = manifest().environments[env];
    if (!environment) throw new Error(env);
    expect(approvalCriteria(environment)).toEqual(expected);
  });

  test("a tag value may hold '=': the key ends at the first", () => {
    const m = manifest({ environments: { prod: { context: "aks", namespace: "llm", production: true, modelApproval: { tag: "sign-off=ml=ok" } } } });
    expect(approvalCriteria(m.environments["prod"]!)).toEqual([{ kind: "tag", key: "sign-off", value: "ml=ok" }]);
  });
});

describe("model-approved", () => {
  test.each([
    { what: "champion in prod (the default)", env: "prod", version: v4({ aliases: ["champion"] }), approved: true },
    { what: "challenger in prod", env: "prod", version: v4(), approved: false },
    { what: "stage Production does not satisfy the default alias", env: "prod", version: v4({ currentStage: "Production" }), approved: false },
    { what: "Staging stage in staging", env: "staging", version: v4({ currentStage: "Staging" }), approved: true },
    { what: "a stage compares without case", env: "staging", version: v4({ currentStage: "staging" }), approved: true },
    { what: "champion does not satisfy a stage criterion", env: "staging", version: v4({ aliases: ["champion"] }), approved: false },
    { what: "the tag, exactly", env: "prod-tagged", version: v4({ tags: [{ key: "approval", value: "approved" }] }), approved: true },
    { what: "the tag with another value", env: "prod-tagged", version: v4({ tags: [{ key: "approval", value: "pending" }] }), approved: false },
    { what: "any one criterion: the alias", env: "prod-tagged", version: v4({ aliases: ["blessed"] }), approved: true },
  ])("$what → approved: $approved", ({ env, version, approved }) => {
    const found = findings(manifest(), env, resolved(version));
    expect(found.map((f) => f.severity)).toEqual(approved ? [] : ["error"]);
    for (const f of found) expect(f.manifestPath).toEqual(["model"]);
  });

  test("the finding says what the version carries and who holds the alias now", () => {
    const [f] = findings(manifest(), "prod", resolved(v4()));
    expect(f?.message).toBe("models:/llama3-70b-chat/4 is not approved for prod: it carries alias challenger, and approval needs alias champion (champion is version 3)");
  });

  test("an alias reference names the version it resolved to", () => {
    const m = manifest({ model: { registry: "models:/llama3-70b-chat@challenger" } });
    const [f] = findings(m, "prod", resolved(v4(), { reference: { kind: "alias", name: "llama3-70b-chat", alias: "challenger" } }));
    expect(f?.message).toMatch(/^models:\/llama3-70b-chat@challenger \(version 4\) is not approved for prod/);
  });

  test("a dev environment without modelApproval is not gated", () => {
    expect(findings(manifest(), "dev", resolved(v4()))).toEqual([]);
    expect(findings(manifest(), "dev")).toEqual([]);
  });

  test("without a registry it says it did not check, as info, with the way to connect one", () => {
    const [f] = findings(manifest(), "prod");
    expect(f).toMatchObject({ severity: "info", ruleId: "model-approved", manifestPath: ["model"] });
    expect(f?.message).toBe("not checked: no model registry connected; environment prod needs models:/llama3-70b-chat/4 to carry alias champion");
    expect(f?.fixHint).toMatch(/Connect Model Registry….*MLFLOW_TRACKING_URI/);
  });

  test("a registry that cannot be asked warns (does not block) and says why", () => {
    const [f] = findings(manifest(), "prod", { kind: "registry-failure", reference: versionRef, registry, failure: { kind: "timeout", afterMs: 10_000 } });
    expect(f).toMatchObject({ severity: "warning" });
    expect(f?.message).toBe(`could not check that models:/llama3-70b-chat/4 carries alias champion: the registry at ${registry} did not answer within 10 s`);
  });

  test.each([
    { missing: "model" as const, text: "has no registered model llama3-70b-chat" },
    { missing: "version" as const, text: "has no version 4 of llama3-70b-chat" },
  ])("a $missing the registry lacks blocks", ({ missing, text }) => {
    const [f] = findings(manifest(), "prod", { kind: "not-found", reference: versionRef, registry, missing });
    expect(f?.severity).toBe("error");
    expect(f?.message).toContain(text);
  });

  test("a bare storage URI in production is not gated; an environment that asks for approval requires a registered version", () => {
    const storage = manifest({ model: { storageUri: "hf://meta-llama/Meta-Llama-3-8B-Instruct" } });
    expect(findings(storage, "prod", { kind: "not-a-registry-model" })).toEqual([]);
    const [f] = findings(storage, "prod-tagged", { kind: "not-a-registry-model" });
    expect(f).toMatchObject({ severity: "error" });
    expect(f?.message).toMatch(/^hf:\/\/meta-llama\/Meta-Llama-3-8B-Instruct names no registered model version/);
  });

  test("on a registry without aliases, an alias-only criterion warns that it could not be checked", () => {
    const [f] = findings(manifest(), "prod", resolved(v4({ aliases: [] }), { aliasesUnsupported: true, aliasHolders: new Map() }));
    expect(f?.severity).toBe("warning");
    expect(f?.message).toContain("has no aliases");
  });
});
