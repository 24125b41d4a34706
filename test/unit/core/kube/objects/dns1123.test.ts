import { describe, expect, test } from "vitest";
import { isDns1123Label, isDns1123Subdomain } from "../../../../../src/core/kube/objects/dns1123";

// Cases from k8s.io/apimachinery/pkg/util/validation/validation_test.go (TestIsDNS1123Label, TestIsDNS1123Subdomain).
describe("DNS-1123 names as Kubernetes validates them", () => {
  test.each(["a", "ab", "abc", "a1", "a-1", "a--1--2--b", "0", "01", "012", "1a", "1-a", "1--a--b--2", "a".repeat(63)])("%s is a label", (n) => {
    expect(isDns1123Label(n)).toBe(true);
  });
  test.each(["", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a", "1-", "-1", "_", "a_", "_a", "a_b", "1_", "_1", "1_2", ".", "a.", ".a", "a.b", "1.", ".1", "1.2", " ", "a ", " a", "a b", "1 ", " 1", "1 2", "a".repeat(64)])("%j is not a label", (n) => {
    expect(isDns1123Label(n)).toBe(false);
  });
  test.each(["a", "a.b.c.d.e", "aaaaa.bbbbb", "a.a.a", "11.22.33", "a-1.b-2", `${"a".repeat(63)}.${"b".repeat(63)}`])("%s is a subdomain", (n) => {
    expect(isDns1123Subdomain(n)).toBe(true);
  });
  test.each(["", "A", "a.", ".a", "a..b", "a_b", "a-.b", "a.-b", "a".repeat(254)])("%j is not a subdomain", (n) => {
    expect(isDns1123Subdomain(n)).toBe(false);
  });
});
