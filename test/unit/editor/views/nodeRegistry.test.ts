import { describe, expect, test } from "vitest";
import { NodeRegistry } from "../../../../src/editor/views/nodeRegistry";

type Node = { readonly id: string; readonly label?: string };

describe("NodeRegistry", () => {
  test("hands back the same object for the same id, so VS Code keeps expansion and selection", () => {
    const r = new NodeRegistry<Node>();
    const [first] = r.list(undefined, [{ id: "namespace/ml" }]);
    const [again] = r.list(undefined, [{ id: "namespace/ml" }]);
    expect(again).toBe(first);
  });

  test("a node whose fields changed is replaced, keeping its children", () => {
    const r = new NodeRegistry<Node>();
    r.list(undefined, [{ id: "node/a", label: "pool-1" }]);
    r.list("node/a", [{ id: "node/a/pod/ml/p" }]);
    const [moved] = r.list(undefined, [{ id: "node/a", label: "pool-2" }]);
    expect(moved?.label).toBe("pool-2");
    expect(r.get("node/a/pod/ml/p")).toBeDefined();
  });

  test("listing a parent without a child prunes the child and everything under it", () => {
    const r = new NodeRegistry<Node>();
    r.list(undefined, [{ id: "ns/a" }, { id: "ns/b" }]);
    r.list("ns/a", [{ id: "w/1" }, { id: "w/2" }]);
    r.list("w/1", [{ id: "w/1/pods" }]);
    r.list("w/1/pods", [{ id: "w/1/pod/x" }, { id: "w/1/pod/y" }]);
    expect(r.size).toBe(7);
    r.list("ns/a", [{ id: "w/2" }]);
    expect(r.size).toBe(3);
    expect(r.get("w/1/pod/x")).toBeUndefined();
    r.list(undefined, [{ id: "ns/b" }]);
    expect(r.size).toBe(1);
    expect(r.indexSizes()).toEqual({ parents: 1, children: 1 });
  });

  test("deleting a node whose object went drops its subtree and its place under its parent", () => {
    const r = new NodeRegistry<Node>();
    r.list(undefined, [{ id: "pool/a" }]);
    r.list("pool/a", [{ id: "node/1" }, { id: "node/2" }]);
    r.list("node/1", [{ id: "node/1/pod/ml/p" }]);
    r.delete("node/1");
    expect(r.size).toBe(2);
    expect(r.indexSizes()).toEqual({ parents: 2, children: 2 });
    expect(r.parentOf(r.get("node/2")!)).toBe(r.get("pool/a"));
  });

  test("a node interned under another parent moves there", () => {
    const r = new NodeRegistry<Node>();
    r.list(undefined, [{ id: "pool/a" }, { id: "pool/b" }]);
    r.list("pool/a", [{ id: "node/1" }]);
    r.list("pool/b", [{ id: "node/1" }]);
    expect(r.parentOf(r.get("node/1")!)?.id).toBe("pool/b");
    r.list("pool/a", []);
    expect(r.get("node/1")).toBeDefined();
    expect(r.indexSizes()).toEqual({ parents: 3, children: 3 });
  });
});
