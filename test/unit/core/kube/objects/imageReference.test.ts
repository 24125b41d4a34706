import { describe, expect, test } from "vitest";
import { parseImageReference, shortDigest } from "../../../../../src/core/kube/objects/imageReference";

const digest = "sha256:6e2b7ac4f2e5a2a0f8d6b21c7b7a9e1f3c4d5e6f708192a3b4c5d6e7f8091a2b";

describe("parseImageReference splits references the way the distribution grammar does", () => {
  test.each([
    { image: "vllm/vllm-openai:v0.6.3", registry: undefined, path: ["vllm", "vllm-openai"], tag: "v0.6.3", digest: undefined },
    { image: "myregistry.io/team/vllm-openai:v0.6", registry: "myregistry.io", path: ["team", "vllm-openai"], tag: "v0.6", digest: undefined },
    { image: "localhost:5000/triton:24.05", registry: "localhost:5000", path: ["triton"], tag: "24.05", digest: undefined },
    { image: "localhost/ray", registry: "localhost", path: ["ray"], tag: undefined, digest: undefined },
    { image: "nvcr.io/nvidia/tritonserver:24.05-py3", registry: "nvcr.io", path: ["nvidia", "tritonserver"], tag: "24.05-py3", digest: undefined },
    { image: "busybox", registry: undefined, path: ["busybox"], tag: undefined, digest: undefined },
    { image: `ghcr.io/org/server@${digest}`, registry: "ghcr.io", path: ["org", "server"], tag: undefined, digest },
    { image: `ghcr.io/org/server:2.1@${digest}`, registry: "ghcr.io", path: ["org", "server"], tag: "2.1", digest },
  ])("$image", ({ image, registry, path, tag, digest: d }) => {
    const ref = parseImageReference(image);
    expect(ref).toEqual({ registry, path, name: path[path.length - 1], tag, digest: d });
  });

  test("a short digest keeps the algorithm and 12 hex digits, as docker shows image IDs", () => {
    expect(shortDigest(digest)).toBe("sha256:6e2b7ac4f2e5");
  });
});
