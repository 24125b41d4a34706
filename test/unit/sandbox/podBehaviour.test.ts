/** The sandbox registry's rule: an image is missing when its repository or tag says does-not-exist. */
import { describe, expect, test } from "vitest";
import { imageExists, imagePullError } from "../../../sandbox/controllers/podBehaviour";

describe("imageExists", () => {
  test.each([
    ["vllm/vllm-openai:v0.6.3", true],
    ["python:3.12", true],
    ["nginx", true],
    ["aiplatform.azurecr.io/llm/vllm@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true],
    ["vllm/vllm-openai:does-not-exist", false],
    ["example.com/does-not-exist/x:1", false],
    ["registry.local:5000/team/does-not-exist", false],
    ["does-not-exist:1.0", false],
    ["ghcr.io/org/model-does-not-exist-yet:2", false],
  ])("%s → %s", (image, exists) => {
    expect(imageExists(image)).toBe(exists);
  });
});

describe("imagePullError", () => {
  // containerd's wording for a manifest the registry does not have, with the reference it resolved.
  test.each([
    ["vllm/vllm-openai:does-not-exist", "docker.io/vllm/vllm-openai:does-not-exist"],
    ["does-not-exist", "docker.io/library/does-not-exist:latest"],
    ["example.com/does-not-exist/x:1", "example.com/does-not-exist/x:1"],
  ])("%s resolves to %s", (image, ref) => {
    expect(imagePullError(image)).toBe(`rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`);
  });
});
