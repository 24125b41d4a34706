/**
 * The autoscaling, disruption-budget and network-policy kinds: server-side printing with the
 * columns of kubernetes/pkg/printers/internalversion (printHorizontalPodAutoscaler,
 * printPodDisruptionBudget, printNetworkPolicy) and the API server's validation of them.
 */
import { describe, expect, test } from "vitest";
import { type KubeObject } from "../../../sandbox/kubeObject";
import { type ResourceType, findResource, isCustomResource } from "../../../sandbox/resourceTypes";
import { toTable } from "../../../sandbox/tablePrinter";
import { validateObject } from "../../../sandbox/validation";

function type(group: string, version: string, plural: string): ResourceType {
  const t = findResource(group, version, plural);
  if (!t) throw new Error(`${plural} is not served`);
  return t;
}

const hpaType = type("autoscaling", "v2", "horizontalpodautoscalers");
const pdbType = type("policy", "v1", "poddisruptionbudgets");
const netpolType = type("networking.k8s.io", "v1", "networkpolicies");
const smonType = type("monitoring.coreos.com", "v1", "servicemonitors");

const object = (spec: unknown, status?: unknown): KubeObject => ({ metadata: { name: "x", creationTimestamp: new Date().toISOString() }, spec, ...(status ? { status } : {}) });
const cells = (t: ResourceType, o: KubeObject) => toTable(t, [o], {}, "None").rows[0]?.cells;
const target = { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "chat" }, maxReplicas: 4 };
const cpu = (averageUtilization: number) => ({ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization } } });

describe("HorizontalPodAutoscaler rows", () => {
  test.each([
    ["no metrics", { ...target, minReplicas: 1 }, undefined, ["x", "Deployment/chat", "<none>", "1", 4, 0]],
    ["a CPU target not yet measured", { ...target, minReplicas: 2, metrics: [cpu(70)] }, undefined, ["x", "Deployment/chat", "cpu: <unknown>/70%", "2", 4, 0]],
    [
      "a measured CPU target",
      { ...target, metrics: [cpu(70)] },
      { currentReplicas: 3, currentMetrics: [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: 55 } } }] },
      ["x", "Deployment/chat", "cpu: 55%/70%", "<unset>", 4, 3],
    ],
    [
      "three metrics, of which two are shown",
      { ...target, minReplicas: 1, metrics: [cpu(70), { type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "8Gi" } } }, { type: "Pods", pods: { metric: { name: "rps" }, target: { type: "AverageValue", averageValue: "10" } } }] },
      undefined,
      ["x", "Deployment/chat", "cpu: <unknown>/70%, memory: <unknown>/8Gi + 1 more...", "1", 4, 0],
    ],
  ])("%s", (_what, spec, status, expected) => {
    expect(toTable(hpaType, [], {}, "None").columnDefinitions.map((c) => c.name)).toEqual(["Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age"]);
    expect(cells(hpaType, object(spec, status))?.slice(0, 6)).toEqual(expected);
  });
});

describe("PodDisruptionBudget and NetworkPolicy rows", () => {
  test.each([
    [{ maxUnavailable: 1 }, { disruptionsAllowed: 1 }, ["x", "N/A", "1", 1]],
    [{ minAvailable: "50%" }, undefined, ["x", "50%", "N/A", 0]],
  ])("PDB %j", (spec, status, expected) => {
    expect(toTable(pdbType, [], {}, "None").columnDefinitions.map((c) => c.name)).toEqual(["Name", "Min Available", "Max Unavailable", "Allowed Disruptions", "Age"]);
    expect(cells(pdbType, object(spec, status))?.slice(0, 4)).toEqual(expected);
  });

  test.each([
    [{ podSelector: {} }, "<none>"],
    [{ podSelector: { matchLabels: { app: "chat", tier: "llm" } } }, "app=chat,tier=llm"],
    [{ podSelector: { matchExpressions: [{ key: "app", operator: "In", values: ["b", "a"] }, { key: "canary", operator: "DoesNotExist" }] } }, "app in (a,b),!canary"],
  ])("NetworkPolicy %j selects %s", (spec, selector) => {
    expect(cells(netpolType, object(spec))?.slice(0, 2)).toEqual(["x", selector]);
  });

  test("a ServiceMonitor, a CRD without printer columns, shows NAME and AGE", () => {
    expect(toTable(smonType, [], {}, "None").columnDefinitions.map((c) => c.name)).toEqual(["Name", "Age"]);
  });
});

describe("custom resources", () => {
  test.each([
    ["servicemonitors", smonType, true],
    ["inferenceservices", type("serving.kserve.io", "v1beta1", "inferenceservices"), true],
    ["networkpolicies", netpolType, false],
    ["horizontalpodautoscalers", hpaType, false],
    ["pods", type("", "v1", "pods"), false],
  ])("%s: %s", (_plural, t, custom) => {
    expect(isCustomResource(t)).toBe(custom);
  });
});

describe("validation", () => {
  const named = (spec: unknown): KubeObject => ({ metadata: { name: "chat" }, spec });
  test.each([
    ["an HPA within its bounds", hpaType, { ...target, minReplicas: 1 }, []],
    ["an HPA whose max is below its min", hpaType, { ...target, minReplicas: 6 }, ["spec.maxReplicas: Invalid value: 4: must be greater than or equal to `minReplicas`"]],
    ["an HPA without a target name or max", hpaType, { scaleTargetRef: { kind: "Deployment" }, maxReplicas: 0 }, ["spec.scaleTargetRef.name: Required value", "spec.maxReplicas: Invalid value: 0: must be greater than 0"]],
    ["an HPA that scales to zero", hpaType, { ...target, minReplicas: 0 }, ["spec.minReplicas: Invalid value: 0: must be greater than or equal to 1"]],
    ["a PDB with maxUnavailable", pdbType, { maxUnavailable: 1 }, []],
    ["a PDB with both bounds", pdbType, { minAvailable: 1, maxUnavailable: 1 }, ['spec: Invalid value: {"minAvailable":1,"maxUnavailable":1}: minAvailable and maxUnavailable cannot be both set']],
    ["a NetworkPolicy", netpolType, { podSelector: {} }, []],
  ])("%s", (_what, t, spec, expected) => {
    expect(validateObject(t, named(spec)).map((c) => `${c.field ?? ""}: ${c.message}`)).toEqual(expected);
  });
});
