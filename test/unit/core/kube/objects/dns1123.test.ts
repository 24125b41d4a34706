import { describe, expect, test } from "vitest";
import { isDns1123Label, isDns1123Subdomain, isQualifiedName } from "../../../../../src/core/kube/objects/dns1123";

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

// Cases from k8s.io/apimachinery/pkg/util/validation/validation_test.go (TestIsQualifiedName): label keys.
describe("qualified names (label keys) as Kubernetes validates them", () => {
  test.each([
    "simple",
    "now-with-dashes",
    "1-starts-with-num",
    "1234",
    "simple/simple",
    "now-with-dashes/simple",
    "now-with-dashes/now-with-dashes",
    "now.with.dots/simple",
    "now-with.dashes-and.dots/simple",
    "1-num.2-num/3-num",
    "1234/5678",
    "1.2.3.4/5678",
    "Uppercase_Is_OK_123",
    "example.com/Uppercase_Is_OK_123",
    "requests.storage-foo",
    "a".repeat(63),
    `${"a".repeat(253)}/${"b".repeat(63)}`,
  ])("%s is a label key", (k) => {
    expect(isQualifiedName(k)).toBe(true);
  });
  test.each(["nospecialchars%^=@", "cantendwithadash-", "-cantstartwithadash-", "only/one/slash", "Example.com/abc", "example_com/abc", "example.com/", "/simple", "a".repeat(64), `${"a".repeat(254)}/abc`])("%j is not a label key", (k) => {
    expect(isQualifiedName(k)).toBe(false);
  });
});
