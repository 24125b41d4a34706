import { describe, expect, test } from "vitest";
import { parseDocument } from "yaml";
import { parseManifest } from "../../../../src/core/manifest/parseManifest";
import { manifestModelReference } from "../../../../src/core/manifest/manifestModelReference";
import { registeredModelUri } from "../../../../src/core/manifest/serviceManifest";
import { applyReplacements, manifestRegistryField, setManifestModel } from "../../../../src/core/manifest/setManifestModel";

const vllm = `# The chat model behind the support bot.
apiVersion: aiplatform.dev/v1
kind: InferenceServiceManifest
name: llama3-chat   # keep in sync with the gateway route
runtime: vllm
model:
  # weights from Hugging Face until the registry has them
  storageUri: hf://meta-llama/Meta-Llama-3-8B-Instruct  # 8B for now
image: vllm/vllm-openai:v0.6.3
environments:
  dev: { context: kind-dev, namespace: llm-dev }

  prod:
    context: prod-east
    namespace: llm
    production: true
`;

const kserve = `apiVersion: aiplatform.dev/v1
kind: InferenceServiceManifest
name: fraud-xgboost
runtime: kserve
modelFormat: xgboost
model:
  storageUri: 'gs://old-bucket/fraud/2'
  version: "2" # the one finance signed off
environments:
  prod: { context: prod-east, namespace: fraud, production: true }
`;

function modelOf(text: string): Record<string, unknown> {
  return (parseDocument(text).toJS() as { model: Record<string, unknown> }).model;
}

function changedLines(before: string, after: string): string[] {
  const a = before.split("\n");
  const b = after.split("\n");
  return b.filter((line, i) => a[i] !== line || a.length !== b.length).filter((line) => !a.includes(line));
}

describe("setManifestModel", () => {
  test("a vLLM service switches from a storage URI to a registry version; every comment and the rest of the layout stay", () => {
    const r = setManifestModel(vllm, { kind: "registry", registry: "models:/llama3-70b-chat", version: "4" });
    if (!r.ok) throw new Error(r.detail);
    expect(r.text).toBe(
      vllm.replace("  storageUri: hf://meta-llama/Meta-Llama-3-8B-Instruct  # 8B for now", '  registry: models:/llama3-70b-chat  # 8B for now\n  version: "4"'),
    );
    const parsed = parseManifest(r.text);
    expect(parsed.ok && parsed.manifest.model).toEqual({ registry: "models:/llama3-70b-chat", version: "4" });
  });

  test("a version that looks like a number is written as a string, so the manifest still parses", () => {
    const r = setManifestModel(vllm, { kind: "registry", registry: "models:/m", version: "10" });
    expect(r.ok && parseDocument(r.text).getIn(["model", "version"])).toBe("10");
  });

  test("KServe: the storageUri changes in its own quote style, the registry link is added, the version's comment stays", () => {
    const r = setManifestModel(kserve, { kind: "storage", storageUri: "https://aiplatformmodels.blob.core.windows.net/models/fraud-xgboost/3", registry: "models:/fraud-xgboost", version: "3" });
    if (!r.ok) throw new Error(r.detail);
    expect(r.text).toBe(
      kserve
        .replace("'gs://old-bucket/fraud/2'", "'https://aiplatformmodels.blob.core.windows.net/models/fraud-xgboost/3'")
        .replace('version: "2" # the one finance signed off', 'version: "3" # the one finance signed off\n  registry: models:/fraud-xgboost'),
    );
    expect(modelOf(r.text)).toEqual({ storageUri: "https://aiplatformmodels.blob.core.windows.net/models/fraud-xgboost/3", version: "3", registry: "models:/fraud-xgboost" });
    const parsed = parseManifest(r.text);
    expect(parsed.ok ? undefined : parsed.problems).toBeUndefined();
  });

  test("deploying the version already written changes nothing", () => {
    const once = setManifestModel(kserve, { kind: "storage", storageUri: "gs://b/f/3", registry: "models:/fraud-xgboost", version: "3" });
    if (!once.ok) throw new Error(once.detail);
    const again = setManifestModel(once.text, { kind: "storage", storageUri: "gs://b/f/3", registry: "models:/fraud-xgboost", version: "3" });
    expect(again.ok && again.edits).toEqual([]);
  });

  test("an alias reference becomes a pinned version; only the model lines change", () => {
    const text = vllm.replace(/model:\n(.*\n){2}/, "model:\n  registry: models:/llama3-70b-chat@champion\n");
    const r = setManifestModel(text, { kind: "registry", registry: "models:/llama3-70b-chat", version: "3" });
    if (!r.ok) throw new Error(r.detail);
    expect(changedLines(text, r.text)).toEqual(["  registry: models:/llama3-70b-chat", '  version: "3"']);
  });

  test("names with spaces, slashes and Unicode (percent-encoded in the URI) survive the round trip", () => {
    const registry = manifestRegistryField("team/fraud detector ü");
    const r = setManifestModel(vllm, { kind: "registry", registry, version: "1" });
    if (!r.ok) throw new Error(r.detail);
    const parsed = parseManifest(r.text);
    expect(parsed.ok && manifestModelReference(parsed.manifest.model)).toEqual({ kind: "version", name: "team/fraud detector ü", version: "1" });
  });

  test("CRLF files get CRLF lines", () => {
    const crlf = kserve.replace(/\n/g, "\r\n");
    const r = setManifestModel(crlf, { kind: "storage", storageUri: "gs://b/3", registry: "models:/fraud-xgboost", version: "3" });
    if (!r.ok) throw new Error(r.detail);
    expect(r.text.replace(/\r\n/g, "")).not.toContain("\n");
    expect(modelOf(r.text).registry).toBe("models:/fraud-xgboost");
  });

  test("a flow-style model stays one line", () => {
    const text = vllm.replace(/model:\n(.*\n){2}/, "model: { storageUri: hf://org/m }\n");
    const r = setManifestModel(text, { kind: "registry", registry: "models:/m", version: "2" });
    if (!r.ok) throw new Error(r.detail);
    expect(r.text).toContain('model: { registry: models:/m, version: "2" }\n');
  });

  test("edits are minimal replacements that reproduce the text", () => {
    const r = setManifestModel(kserve, { kind: "storage", storageUri: "gs://b/3", registry: "models:/fraud-xgboost", version: "3" });
    if (!r.ok) throw new Error(r.detail);
    expect(applyReplacements(kserve, r.edits)).toBe(r.text);
    expect(Math.max(...r.edits.map((e) => e.length))).toBeLessThan(30);
  });

  test.each([
    { text: "model: [a", problem: "not-yaml" },
    { text: "name: x\n", problem: "no-model" },
    { text: "model: models:/x/1\n", problem: "model-not-a-map" },
  ])("$problem is said, not guessed", ({ text, problem }) => {
    const r = setManifestModel(text, { kind: "registry", registry: "models:/x", version: "1" });
    expect(r.ok ? undefined : r.problem).toBe(problem);
  });
});

describe("manifestRegistryField", () => {
  test.each(["llama3-70b-chat", "fraud detector", "team/fraud", "modèle-ü", "it's (new)!", "a@b"])("%s: the manifest accepts it and it reads back as the same registered model", (name) => {
    const registry = manifestRegistryField(name);
    expect(registry).toMatch(registeredModelUri);
    expect(manifestModelReference({ registry, version: "1" })).toEqual({ kind: "version", name, version: "1" });
  });
});
