import { describe, expect, test } from "vitest";
import { checkResourceQuantity, parseDeviceCount, parseQuantity, scanQuantity } from "../../../../../src/core/kube/objects/resourceQuantity";

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

describe("scanQuantity matches apimachinery's ParseQuantity (quantity_test.go's tables)", () => {
  // Valid and invalid inputs from k8s.io/apimachinery/pkg/api/resource/quantity_test.go
  // (TestQuantityParse), with the values they denote.
  test.each([
    { q: "0", value: 0 },
    { q: "1.", value: 1 },
    { q: "1.G", value: 1e9 },
    { q: ".001", value: 0.001 },
    { q: ".0001k", value: 0.1 },
    { q: "9Ei", value: 9 * 2 ** 60 },
    { q: "12E", value: 12e18 },
    { q: "100.035Ki", value: 100.035 * 1024 },
    { q: "0.5Mi", value: 0.5 * 2 ** 20 },
    { q: "1.01E", value: 1.01e18 },
    { q: "1E-3", value: 0.001 },
    { q: "1e+3", value: 1000 },
    { q: "-1", value: -1 },
    { q: "-3.01e-2", value: -0.0301 },
    { q: "+5n", value: 5e-9 },
  ])("$q parses to $value", ({ q, value }) => {
    const scanned = scanQuantity(q);
    expect(scanned.ok).toBe(true);
    if (scanned.ok) expect(scanned.value).toBeCloseTo(value, 9);
  });

  test.each(["1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i", "-3.01i", "-3.01e-", " 1", "1 ", "...", "1e", "1K", "1KiB", "", "1,5", "0x10", "Inf", "NaN"])("%j is refused", (q) => {
    expect(scanQuantity(q).ok).toBe(false);
  });
});

describe("checkResourceQuantity: what the API server and scheduler accept as a request or limit", () => {
  test.each([
    { q: "4", unit: "cpu" as const, problem: undefined },
    { q: "500m", unit: "cpu" as const, problem: undefined },
    { q: 2, unit: "cpu" as const, problem: undefined },
    { q: "16Gi", unit: "bytes" as const, problem: undefined },
    { q: "1", unit: "devices" as const, problem: undefined },
    // ValidateNonnegativeQuantity: "must be greater than or equal to 0".
    { q: "-4", unit: "cpu" as const, problem: "negative" },
    { q: -4, unit: "cpu" as const, problem: "negative" },
    { q: "...", unit: "bytes" as const, problem: "not-a-quantity" },
    { q: "16GB", unit: "bytes" as const, problem: "not-a-quantity" },
    // A valid quantity to the grammar, but beyond int64 milli-cores / bytes.
    { q: "1e309", unit: "cpu" as const, problem: "too-large" },
    { q: Infinity, unit: "cpu" as const, problem: "too-large" },
    { q: "9Ei", unit: "bytes" as const, problem: "too-large" },
    // Extended resources must be whole numbers ("must be an integer").
    { q: "1.5", unit: "devices" as const, problem: "not-whole" },
    { q: "500m", unit: "devices" as const, problem: "not-whole" },
  ])("$q ($unit) → $problem", ({ q, unit, problem }) => {
    expect(checkResourceQuantity(q, unit)?.kind).toBe(problem);
  });
});
