/** The pod-template-hash: FNV-1a as published (test vectors), the safe alphabet, stability and EqualIgnoreHash. */
import { describe, expect, test } from "vitest";
import { computeHash, equalIgnoreHash, fnv32a, safeEncodeString } from "../../../sandbox/controllers/podTemplateHash";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("fnv-1a 32", () => {
  // Vectors from the FNV reference (draft-eastlake-fnv): "", "a", "foobar".
  test.each([
    ["", 0x811c9dc5],
    ["a", 0xe40c292c],
    ["foobar", 0xbf9cf968],
  ])("%j hashes to %d", (text, expected) => {
    expect(fnv32a(bytes(text))).toBe(expected);
  });
});

describe("hash rendering", () => {
  test("decimal digits map into apimachinery's SafeEncodeString alphabet", () => {
    // '0' is 48: 48 % 27 = 21 -> '4'; '9' is 57: 57 % 27 = 3 -> 'f'.
    expect(safeEncodeString("0123456789")).toBe("456789bcdf");
  });

  const template = { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "app", image: "nginx:1.25" }] } };

  test("is stable, independent of key order, and changes with the template or the collision count", () => {
    const reordered = { spec: { containers: [{ image: "nginx:1.25", name: "app" }] }, metadata: { labels: { app: "web" } } };
    expect(computeHash(template)).toBe(computeHash(reordered));
    expect(computeHash(template)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(computeHash({ ...template, spec: { containers: [{ name: "app", image: "nginx:1.26" }] } })).not.toBe(computeHash(template));
    expect(computeHash(template, 1)).not.toBe(computeHash(template));
  });

  test("templates equal but for the pod-template-hash label (or empty maps) are the same revision", () => {
    const labelled = { ...template, metadata: { labels: { app: "web", "pod-template-hash": "5d8f7c9b6" }, annotations: {} } };
    expect(equalIgnoreHash(template, labelled)).toBe(true);
    expect(equalIgnoreHash(template, { ...template, metadata: { labels: { app: "api" } } })).toBe(false);
  });
});
