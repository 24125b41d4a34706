/** Patch formats, with expectations from RFC 7386's and RFC 6902's examples and Kubernetes' strategic merge docs. */
import { describe, expect, test } from "vitest";
import { type Json, PatchError, applyJsonPatch, applyMergePatch, applyServerSideApply, applyStrategicMergePatch } from "../../../sandbox/patch";

describe("JSON merge patch (RFC 7386, appendix A)", () => {
  test.each<[Json, Json, Json]>([
    [{ a: "b" }, { a: "c" }, { a: "c" }],
    [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
    [{ a: "b" }, { a: null }, {}],
    [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
    [{ a: ["b"] }, { a: "c" }, { a: "c" }],
    [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
    [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
    [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
    [["a", "b"], ["c", "d"], ["c", "d"]],
    [{ a: "b" }, ["c"], ["c"]],
    [{ a: "foo" }, null, null],
    [{ a: "foo" }, "bar", "bar"],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: "b", c: null }, { a: "b" }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])("%j patched with %j is %j", (target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });

  test("server-side apply merges objects and replaces lists", () => {
    expect(applyServerSideApply({ spec: { replicas: 1, args: ["a", "b"] }, metadata: { labels: { x: "1" } } }, { spec: { args: ["c"] }, metadata: { labels: { y: "2" } } })).toEqual({
      spec: { replicas: 1, args: ["c"] },
      metadata: { labels: { x: "1", y: "2" } },
    });
  });
});

describe("JSON patch (RFC 6902, appendix A)", () => {
  test.each<[string, Json, Json, Json]>([
    ["add an object member", { foo: "bar" }, [{ op: "add", path: "/baz", value: "qux" }], { baz: "qux", foo: "bar" }],
    ["add an array element", { foo: ["bar", "baz"] }, [{ op: "add", path: "/foo/1", value: "qux" }], { foo: ["bar", "qux", "baz"] }],
    ["remove an object member", { baz: "qux", foo: "bar" }, [{ op: "remove", path: "/baz" }], { foo: "bar" }],
    ["remove an array element", { foo: ["bar", "qux", "baz"] }, [{ op: "remove", path: "/foo/1" }], { foo: ["bar", "baz"] }],
    ["replace a value", { baz: "qux", foo: "bar" }, [{ op: "replace", path: "/baz", value: "boo" }], { baz: "boo", foo: "bar" }],
    ["move a value", { foo: { bar: "baz", waldo: "fred" }, qux: { corge: "grault" } }, [{ op: "move", from: "/foo/waldo", path: "/qux/thud" }], { foo: { bar: "baz" }, qux: { corge: "grault", thud: "fred" } }],
    ["move an array element", { foo: ["all", "grass", "cows", "eat"] }, [{ op: "move", from: "/foo/1", path: "/foo/3" }], { foo: ["all", "cows", "eat", "grass"] }],
    ["test then add", { baz: "qux" }, [{ op: "test", path: "/baz", value: "qux" }, { op: "add", path: "/n", value: 1 }], { baz: "qux", n: 1 }],
    ["add a nested member", { foo: "bar" }, [{ op: "add", path: "/child", value: { grandchild: {} } }], { foo: "bar", child: { grandchild: {} } }],
    ["append with -", { foo: ["bar"] }, [{ op: "add", path: "/foo/-", value: ["abc", "def"] }], { foo: ["bar", ["abc", "def"]] }],
    ["~1 escapes a slash", { labels: {} }, [{ op: "add", path: "/labels/app.kubernetes.io~1name", value: "x" }], { labels: { "app.kubernetes.io/name": "x" } }],
    ["copy", { a: { b: 1 } }, [{ op: "copy", from: "/a", path: "/c" }], { a: { b: 1 }, c: { b: 1 } }],
  ])("%s", (_name, target, patch, expected) => {
    expect(applyJsonPatch(target, patch)).toEqual(expected);
  });

  test.each<[string, Json, Json]>([
    ["a failing test", { baz: "qux" }, [{ op: "test", path: "/baz", value: "bar" }]],
    ["adding under a missing parent", { foo: "bar" }, [{ op: "add", path: "/baz/bat", value: "qux" }]],
    ["removing a missing member", { foo: "bar" }, [{ op: "remove", path: "/baz" }]],
    ["an index past the end", { foo: [1] }, [{ op: "add", path: "/foo/3", value: 2 }]],
    ["an unknown operation", {}, [{ op: "frobnicate", path: "/a" }]],
    ["a patch that is not a list", {}, { op: "add" }],
  ])("%s is an error and leaves the target alone", (_name, target, patch) => {
    const before = structuredClone(target);
    expect(() => applyJsonPatch(target, patch)).toThrow(PatchError);
    expect(target).toEqual(before);
  });
});

describe("strategic merge patch", () => {
  const deployment: Json = {
    metadata: { labels: { app: "web" }, finalizers: ["a"] },
    spec: {
      template: {
        spec: {
          containers: [
            { name: "web", image: "nginx:1.25", ports: [{ containerPort: 80 }], env: [{ name: "A", value: "1" }] },
            { name: "sidecar", image: "envoy:1.30" },
          ],
          tolerations: [{ key: "sku", value: "gpu" }],
        },
      },
    },
  };

  test("containers merge by name: the image changes, ports and the other container stay", () => {
    const patched = applyStrategicMergePatch(deployment, {
      spec: { template: { spec: { "$setElementOrder/containers": [{ name: "web" }], containers: [{ name: "web", image: "nginx:1.26" }] } } },
    });
    expect(patched).toMatchObject({
      spec: { template: { spec: { containers: [{ name: "web", image: "nginx:1.26", ports: [{ containerPort: 80 }] }, { name: "sidecar", image: "envoy:1.30" }] } } },
    });
  });

  test("env merges by name, a new container is appended, $patch: delete removes one", () => {
    const patched = applyStrategicMergePatch(deployment, {
      spec: {
        template: {
          spec: {
            containers: [
              { name: "web", env: [{ name: "B", value: "2" }] },
              { name: "sidecar", $patch: "delete" },
              { name: "exporter", image: "dcgm-exporter:3.3" },
            ],
          },
        },
      },
    }) as { spec: { template: { spec: { containers: { name: string; env?: unknown[] }[] } } } };
    expect(patched.spec.template.spec.containers.map((c) => c.name)).toEqual(["web", "exporter"]);
    expect(patched.spec.template.spec.containers[0]?.env).toEqual([{ name: "A", value: "1" }, { name: "B", value: "2" }]);
  });

  test("lists without a merge key are replaced; null deletes; finalizers merge as a set", () => {
    const patched = applyStrategicMergePatch(deployment, {
      metadata: { labels: { app: null, tier: "gpu" }, finalizers: ["b", "a"] },
      spec: { template: { spec: { tolerations: [{ key: "dedicated", value: "llm" }] } } },
    });
    expect(patched).toMatchObject({ metadata: { labels: { tier: "gpu" }, finalizers: ["a", "b"] }, spec: { template: { spec: { tolerations: [{ key: "dedicated", value: "llm" }] } } } });
    expect((patched as { metadata: { labels: object } }).metadata.labels).not.toHaveProperty("app");
  });

  test("$deleteFromPrimitiveList removes values and $patch: replace replaces a map", () => {
    const patched = applyStrategicMergePatch(deployment, { metadata: { "$deleteFromPrimitiveList/finalizers": ["a"], labels: { $patch: "replace", only: "this" } } });
    expect(patched).toMatchObject({ metadata: { finalizers: [], labels: { only: "this" } } });
  });
});
