/** Where a manifest path is in aiplatform.yaml, as line:column ranges an editor and a linter print. */
import { describe, expect, test } from "vitest";
import { manifestLocation, manifestLocator } from "../../../../src/core/manifest/manifestLocations";

const text = `apiVersion: aiplatform.dev/v1
kind: InferenceServiceManifest
name: chat
runtime: vllm
image: vllm/vllm-openai:latest
resources:
  cpu: "4"
  gpu: {count: 2, type: NVIDIA-A100-SXM4-80GB}
environments:
  prod:
    context: aks-prod
    namespace: llm
  dev:
    context: kind
    namespace: llm-dev
args:
  - --one
  - --two
`;

describe("manifestLocation", () => {
  test.each([
    { what: "a scalar value: the value", path: ["image"], at: { line: 5, column: 8, endLine: 5, endColumn: 31 } },
    { what: "a block: its key", path: ["resources"], at: { line: 6, column: 1, endLine: 6, endColumn: 10 } },
    { what: "a flow map: its key", path: ["resources", "gpu"], at: { line: 8, column: 3, endLine: 8, endColumn: 6 } },
    { what: "inside a flow map", path: ["resources", "gpu", "count"], at: { line: 8, column: 16, endLine: 8, endColumn: 17 } },
    { what: "an environment's namespace", path: ["environments", "dev", "namespace"], at: { line: 15, column: 16, endLine: 15, endColumn: 23 } },
    { what: "a list item", path: ["args", 1], at: { line: 18, column: 5, endLine: 18, endColumn: 10 } },
    { what: "a missing field: its parent's key", path: ["resources", "memory"], at: { line: 6, column: 1, endLine: 6, endColumn: 10 } },
    { what: "a missing environment: the environments key", path: ["environments", "staging", "namespace"], at: { line: 9, column: 1, endLine: 9, endColumn: 13 } },
    { what: "a missing top-level field: the start of the file", path: ["probes", "liveness"], at: { line: 1, column: 1, endLine: 1, endColumn: 2 } },
    { what: "an index past the list's end: the list's key", path: ["args", 5], at: { line: 16, column: 1, endLine: 16, endColumn: 5 } },
  ])("$what", ({ path, at }) => {
    expect(manifestLocation(text, path)).toEqual(at);
  });

  test("text that is not YAML locates everything at the start, without throwing", () => {
    expect(manifestLocator("image: [unclosed\n  : :")(["image"])).toMatchObject({ line: expect.any(Number) as number });
    expect(manifestLocation("", ["image"])).toEqual({ line: 1, column: 1, endLine: 1, endColumn: 2 });
  });
});
