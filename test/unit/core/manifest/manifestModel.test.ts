/**
 * The manifest's `model` and `environments.<env>.modelApproval`: what parses, what is refused
 * with a message at the field, and the registered version each form names.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, test } from "vitest";
import { manifestModelReference } from "../../../../src/core/manifest/manifestModelReference";
import { parseManifest } from "../../../../src/core/manifest/parseManifest";

const text = (model: string, extra = "") => `apiVersion: aiplatform.dev/v1
kind: InferenceServiceManifest
name: svc
runtime: kserve
modelFormat: xgboost
model: ${model}
environments:
  prod: { context: aks, namespace: ml, production: true${extra} }
`;
const vllm = (model: string) => text(model).replace("runtime: kserve\nmodelFormat: xgboost", "runtime: vllm\nimage: vllm/vllm-openai:v0.6.3");

function problems(yaml: string): string[] {
  const r = parseManifest(yaml);
  return r.ok ? [] : r.problems.map((p) => p.message);
}

describe("model", () => {
  test.each([
    { model: '{registry: "models:/llama3-70b-chat", version: "4"}', ref: { kind: "version", name: "llama3-70b-chat", version: "4" } },
    { model: '{registry: "models:/llama3-70b-chat@champion"}', ref: { kind: "alias", name: "llama3-70b-chat", alias: "champion" } },
    { model: '{registry: "models:/team%2Ffraud%20detector%20%C3%BC", version: "1"}', ref: { kind: "version", name: "team/fraud detector ü", version: "1" } },
    { model: '{registry: "runs:/0a1b2c/model", version: "1"}', ref: undefined },
    { model: "{storageUri: hf://meta-llama/Meta-Llama-3-8B-Instruct}", ref: undefined },
  ])("$model names $ref", ({ model, ref }) => {
    const r = parseManifest(vllm(model));
    if (!r.ok) throw new Error(r.problems.map((p) => p.message).join("; "));
    expect(manifestModelReference(r.manifest.model)).toEqual(ref);
  });

  test("KServe: a storageUri with its registry link names that version", () => {
    const r = parseManifest(text('{storageUri: "https://aiplatformmodels.blob.core.windows.net/models/fraud-xgboost/3", version: "3", registry: "models:/fraud-xgboost"}'));
    expect(r.ok && manifestModelReference(r.manifest.model)).toEqual({ kind: "version", name: "fraud-xgboost", version: "3" });
  });

  test.each([
    { model: '{registry: "models:/llama3-70b-chat"}', message: 'model.registry: a registry model needs a version (version: "3") or an alias (registry: models:/<name>@champion)' },
    { model: '{registry: "models:/llama3-70b-chat@champion", version: "3"}', message: "model.version: models:/<name>@<alias> names its version through the alias: drop version, or write registry: models:/<name> with version" },
    { model: '{registry: "models:/llama3-70b-chat/3", version: "3"}', message: "model.registry: write the registered model's name only (models:/llama3-70b-chat) and the version in version" },
    { model: '{registry: "models:/llama3-70b-chat/Production", version: "3"}', message: "model.registry: write the registered model's name only (models:/llama3-70b-chat) and the version in version" },
    { model: '{registry: "models:/a/b/c", version: "3"}', message: "model.registry: a registered model, models:/<name> (with version) or models:/<name>@<alias>; encode a '/' in a name as %2F" },
    { model: '{storageUri: "gs://b/m", registry: "models:/m"}', message: 'model.version: say which version of the registered model the storageUri is (version: "3")' },
  ])("$model is refused at the field", ({ model, message }) => {
    expect(problems(vllm(model))).toEqual([message]);
  });

  test("a storage registry link is a name, not a version or alias", () => {
    expect(problems(text('{storageUri: "gs://b/m", version: "3", registry: "models:/m@champion"}')).join()).toMatch(/^model/);
  });
});

describe("environments.<env>.modelApproval", () => {
  test.each([
    { approval: "{}", ok: true },
    { approval: "{alias: champion}", ok: true },
    { approval: "{stage: Production, tag: approval=approved}", ok: true },
    { approval: "{alias: latest}", ok: false },
    { approval: "{alias: v3}", ok: false },
    { approval: "{alias: 'has space'}", ok: false },
    { approval: "{stage: Archived}", ok: false },
    { approval: "{tag: approved}", ok: false },
    { approval: "{tag: '=x'}", ok: false },
    { approval: "{owner: me}", ok: false },
  ])("$approval parses: $ok", ({ approval, ok }) => {
    const found = problems(text('{storageUri: "gs://b/m"}', `, modelApproval: ${approval}`));
    expect(found.length === 0).toBe(ok);
    for (const p of found) expect(p).toMatch(/^environments\.prod\.modelApproval/);
  });
});

describe("the committed JSON Schema (what the editor validates with) agrees", () => {
  const schema = JSON.parse(readFileSync(path.resolve(__dirname, "../../../../schemas/aiplatform.schema.json"), "utf8")) as object;
  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
  const base = { apiVersion: "aiplatform.dev/v1", kind: "InferenceServiceManifest", name: "svc", runtime: "vllm", image: "vllm/vllm-openai:v0.6.3", environments: { prod: { context: "aks", namespace: "ml" } } };

  test.each([
    [{ registry: "models:/llama3-70b-chat@champion" }, true],
    [{ registry: "models:/llama3-70b-chat", version: "4" }, true],
    [{ storageUri: "gs://b/m", registry: "models:/m", version: "3" }, true],
    [{ registry: "models:/llama3-70b-chat@champion", version: "3" }, true], // the union's first branch; zod refuses it (above)
    [{ registry: "models:/llama3-70b-chat" }, false],
    [{ storageUri: "gs://b/m", registry: "models:/m@champion", version: "3" }, false],
  ])("%j valid: %s", (model, ok) => {
    expect(validate({ ...base, model })).toBe(ok);
  });

  test("modelApproval is described for hovers", () => {
    expect(validate({ ...base, model: { registry: "models:/m", version: "1" }, environments: { prod: { context: "aks", namespace: "ml", modelApproval: { alias: "champion", tag: "approval=approved" } } } })).toBe(true);
    expect(JSON.stringify(schema)).toContain("What makes a registry model version approved here");
  });
});
