/** The scheduler's filters and FitError message, table-driven against kube-scheduler's documented behaviour. */
import { describe, expect, test } from "vitest";
import { type Node, type Pod } from "../../../sandbox/controllers/kubeShapes";
import { evaluateNode, fitErrorMessage, podRequests, tolerates } from "../../../sandbox/controllers/schedulingFit";

const node = (name: string, extra: Partial<Node> = {}, ready = "True"): Node => ({
  metadata: { name, labels: { pool: name.split("-")[0] ?? "" } },
  spec: {},
  status: { allocatable: { cpu: "8", memory: "32Gi", pods: "110", "nvidia.com/gpu": "8" }, conditions: [{ type: "Ready", status: ready as "True" }] },
  ...extra,
});
const pod = (spec: Partial<Pod["spec"]> = {}): Pod => ({ metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "i", resources: { requests: { cpu: "1" } } }], ...spec } });

describe("filters", () => {
  test.each([
    ["cordoned", node("a", { spec: { unschedulable: true } }), pod(), ["node(s) were unschedulable"], true],
    ["tainted", node("a", { spec: { taints: [{ key: "sku", value: "gpu", effect: "NoSchedule" }] } }), pod(), ["node(s) had untolerated taint {sku: gpu}"], true],
    ["PreferNoSchedule is no filter", node("a", { spec: { taints: [{ key: "x", effect: "PreferNoSchedule" }] } }), pod(), [], false],
    ["not ready", node("a", {}, "False"), pod(), ["node(s) had untolerated taint {node.kubernetes.io/not-ready: }"], true],
    ["unknown readiness", node("a", {}, "Unknown"), pod(), ["node(s) had untolerated taint {node.kubernetes.io/unreachable: }"], true],
    ["selector", node("a"), pod({ nodeSelector: { pool: "b" } }), ["node(s) didn't match Pod's node affinity/selector"], true],
    ["too big for any node", node("a"), pod({ containers: [{ name: "c", image: "i", resources: { limits: { "nvidia.com/gpu": "16" } } }] }), ["Insufficient nvidia.com/gpu"], true],
    ["cpu and memory both short", node("a"), pod({ containers: [{ name: "c", image: "i", resources: { requests: { cpu: "9", memory: "40Gi" } } }] }), ["Insufficient cpu", "Insufficient memory"], true],
  ])("%s", (_, n, p, reasons, unresolvable) => {
    const verdict = evaluateNode(p, n, []);
    expect(verdict.reasons).toEqual(reasons);
    if (reasons.length > 0) expect(verdict.unresolvable).toBe(unresolvable);
  });

  test("requests of pods already on the node count; a shortfall that preemption could fix is resolvable", () => {
    const gpuPod = (n: string) => pod({ containers: [{ name: "c", image: "i", resources: { limits: { "nvidia.com/gpu": n } } }] });
    expect(evaluateNode(gpuPod("4"), node("a"), [gpuPod("4")]).reasons).toEqual([]);
    expect(evaluateNode(gpuPod("4"), node("a"), [gpuPod("8")])).toMatchObject({ reasons: ["Insufficient nvidia.com/gpu"], unresolvable: false });
  });

  test.each([
    [{ key: "sku", operator: "Equal" as const, value: "gpu", effect: "NoSchedule" }, true],
    [{ key: "sku", operator: "Exists" as const }, true],
    [{ operator: "Exists" as const }, true],
    [{ key: "sku", operator: "Equal" as const, value: "cpu" }, false],
    [{ key: "sku", operator: "Exists" as const, effect: "NoExecute" }, false],
  ])("toleration %j tolerates sku=gpu:NoSchedule: %s", (toleration, expected) => {
    expect(tolerates(toleration, { key: "sku", value: "gpu", effect: "NoSchedule" })).toBe(expected);
  });

  test("limits stand in for missing requests", () => {
    expect(podRequests(pod({ containers: [{ name: "c", image: "i", resources: { limits: { cpu: "2", "nvidia.com/gpu": "1" }, requests: { cpu: "500m" } } }] }))).toEqual(
      new Map([["cpu", 0.5], ["nvidia.com/gpu", 1]]),
    );
  });
});

describe("FitError message", () => {
  test("counts nodes per reason, sorted as strings (so 12 sorts before 3), then the preemption summary", () => {
    const verdicts = [
      { node: "x", reasons: ["node(s) had untolerated taint {node.kubernetes.io/unreachable: }"], unresolvable: true },
      ...Array.from({ length: 3 }, (_, i) => ({ node: `c${i}`, reasons: ["node(s) were unschedulable"], unresolvable: true })),
      ...Array.from({ length: 12 }, (_, i) => ({ node: `g${i}`, reasons: ["Insufficient nvidia.com/gpu"], unresolvable: false })),
    ];
    expect(fitErrorMessage(verdicts)).toBe(
      "0/16 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 12 Insufficient nvidia.com/gpu, 3 node(s) were unschedulable. " +
        "preemption: 0/16 nodes are available: 12 No preemption victims found for incoming pod, 4 Preemption is not helpful for scheduling.",
    );
  });

  test("no nodes at all", () => {
    expect(fitErrorMessage([])).toBe("no nodes available to schedule pods");
  });
});
