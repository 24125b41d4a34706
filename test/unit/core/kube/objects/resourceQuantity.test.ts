import { describe, expect, test } from "vitest";
import { parseDeviceCount, parseQuantity } from "../../../../../src/core/kube/objects/resourceQuantity";

describe("parseQuantity follows the Kubernetes quantity grammar", () => {
  // kubernetes.io "Resource Management for Pods and Containers": 128974848, 129e6, 129M,
  // 128974848000m and 123Mi are the same order of memory; 123Mi is exactly 128974848 bytes.
  test.each([
    { q: "128974848", value: 128974848 },
    { q: "129e6", value: 129_000_000 },
    { q: "129M", value: 129_000_000 },
    { q: "128974848000m", value: 128974848 },
    { q: "123Mi", value: 128974848 },
    { q: "100m", value: 0.1 },
    { q: "0.1", value: 0.1 },
    { q: "1Gi", value: 1073741824 },
    { q: "1.5Gi", value: 1610612736 },
    { q: "1G", value: 1e9 },
    { q: "2", value: 2 },
    { q: "1k", value: 1000 },
    { q: "1Ki", value: 1024 },
    { q: "500u", value: 0.0005 },
    { q: "1E", value: 1e18 },
    { q: "1e3", value: 1000 },
    { q: "+3", value: 3 },
  ])("$q is $value", ({ q, value }) => {
    expect(parseQuantity(q)).toBeCloseTo(value, 9);
  });

  test.each(["", "abc", "1Zi", "1.2.3", "Gi", "1 Gi", "1K", "1mi"])("%j is not a quantity", (q) => {
    expect(parseQuantity(q)).toBeUndefined();
  });

  test("numbers pass through and undefined stays undefined", () => {
    expect(parseQuantity(4)).toBe(4);
    expect(parseQuantity(undefined)).toBeUndefined();
  });
});

describe("parseDeviceCount accepts only the whole numbers the API server allows for extended resources", () => {
  test.each([
    { q: "8", count: 8 },
    { q: "0", count: 0 },
    { q: "1000m", count: 1 },
    { q: "2k", count: 2000 },
    { q: "500m", count: undefined },
    { q: "1.5", count: undefined },
    { q: "-1", count: undefined },
    { q: "lots", count: undefined },
  ])("$q → $count", ({ q, count }) => {
    expect(parseDeviceCount(q)).toBe(count);
  });
});
