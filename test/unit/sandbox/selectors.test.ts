/** Label and field selectors, with expectations from the Kubernetes documentation's examples and apimachinery's parser. */
import { describe, expect, test } from "vitest";
import { SelectorError, fieldValue, matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from "../../../sandbox/selectors";

const gpuPod = { app: "vllm", tier: "gpu", "nvidia.com/gpu.product": "A100" };
const cpuPod = { app: "api", tier: "cpu" };
const unlabelled = {};

describe("label selectors", () => {
  test.each([
    ["", [true, true, true]],
    ["app=vllm", [true, false, false]],
    ["app==vllm", [true, false, false]],
    ["app!=vllm", [false, true, true]],
    ["tier in (gpu, cpu)", [true, true, false]],
    ["tier notin (gpu)", [false, true, true]],
    ["tier", [true, true, false]],
    ["!tier", [false, false, true]],
    ["tier,app=api", [false, true, false]],
    ["nvidia.com/gpu.product=A100,tier in (gpu,cpu)", [true, false, false]],
    ["app in (vllm,api),!nvidia.com/gpu.product", [false, true, false]],
  ])("%j selects %j of (gpu pod, cpu pod, unlabelled)", (selector, expected) => {
    const requirements = parseLabelSelector(selector);
    expect([gpuPod, cpuPod, unlabelled].map((labels) => matchesLabels(requirements, labels))).toEqual(expected);
  });

  test("gt and lt compare integers", () => {
    expect(matchesLabels(parseLabelSelector("replicas>2"), { replicas: "3" })).toBe(true);
    expect(matchesLabels(parseLabelSelector("replicas<2"), { replicas: "3" })).toBe(false);
  });

  test.each(["app in (a", "a b", "=x", "app=in valid", "-bad-key=x", "app=" + "x".repeat(64)])("%j is rejected", (selector) => {
    expect(() => parseLabelSelector(selector)).toThrow(SelectorError);
  });
});

describe("field selectors", () => {
  const pod = { metadata: { name: "p", namespace: "ns" }, spec: { nodeName: "node-a" }, status: { phase: "Running" } };

  test.each([
    ["metadata.name=p", true],
    ["metadata.name==p,metadata.namespace=ns", true],
    ["spec.nodeName!=node-a", false],
    ["status.phase!=Pending", true],
    ["spec.nodeName=", false],
  ])("%j matches: %s", (selector, expected) => {
    expect(matchesFields(parseFieldSelector(selector), pod)).toBe(expected);
  });

  test("an unscheduled pod has an empty spec.nodeName, and absent booleans read as false", () => {
    expect(matchesFields(parseFieldSelector("spec.nodeName="), { spec: {} })).toBe(true);
    expect(fieldValue({ spec: {} }, "spec.unschedulable")).toBe("false");
  });

  test("escaped commas and equals signs are part of the value", () => {
    expect(parseFieldSelector("reason=a\\,b\\=c,type=Warning")).toEqual([
      { field: "reason", operator: "=", value: "a,b=c" },
      { field: "type", operator: "=", value: "Warning" },
    ]);
  });

  test("an event's source means its component", () => {
    expect(fieldValue({ source: { component: "kubelet" } }, "source")).toBe("kubelet");
  });

  test("a term without an operator is rejected", () => {
    expect(() => parseFieldSelector("metadata.name")).toThrow(SelectorError);
  });
});
