import { readFileSync } from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, test } from "vitest";
import { manifestJsonSchemaText } from "../../../../src/core/manifest/manifestJsonSchema";

const committed = readFileSync(path.resolve(__dirname, "../../../../schemas/aiplatform.schema.json"), "utf8");

const valid = {
  apiVersion: "aiplatform.dev/v1",
  kind: "InferenceServiceManifest",
  name: "llama3-chat",
  runtime: "vllm",
  model: { storageUri: "hf://meta-llama/Meta-Llama-3-8B-Instruct" },
  image: "vllm/vllm-openai:v0.6.3",
  resources: { cpu: "4", memory: "32Gi", gpu: { count: 1, type: "NVIDIA-A100-SXM4-80GB" } },
  environments: { dev: { context: "sandbox", namespace: "ml-dev" } },
};

describe("the JSON Schema editors validate aiplatform.yaml with", () => {
  test("is the committed schemas/aiplatform.schema.json (run npm run schema when it is stale)", () => {
    expect(committed).toBe(manifestJsonSchemaText());
  });

  // An independent validator (Ajv, draft 2020-12) reads the generated schema the way the YAML extension does.
  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(JSON.parse(committed) as object);

  test("accepts a manifest the zod schema accepts, with defaults omitted", () => {
    expect(validate(valid)).toBe(true);
  });

  test.each([
    ["a name that is not DNS-1123", { ...valid, name: "Llama_3" }, "/name"],
    ["an unknown runtime", { ...valid, runtime: "tensorflow" }, "/runtime"],
    ["a field that does not exist", { ...valid, replicas: 3 }, ""],
    ["a GPU count of 0", { ...valid, resources: { gpu: { count: 0 } } }, "/resources/gpu/count"],
    ["an environment without a namespace", { ...valid, environments: { dev: { context: "sandbox" } } }, "/environments/dev"],
    ["an image with a newline", { ...valid, image: "vllm/vllm-openai:v1\nkind: Secret" }, "/image"],
  ])("rejects %s", (_what, manifest, pointer) => {
    expect(validate(manifest)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toContain(pointer);
  });

  test("describes the fields, for hovers and completion", () => {
    const schema = JSON.parse(committed) as { properties: Record<string, { description?: string }> };
    for (const field of ["name", "runtime", "model", "image", "resources", "environments", "rollout"]) expect(schema.properties[field]?.description).toBeTruthy();
  });
});
