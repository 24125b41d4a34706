/** Which pods an object runs, for each kind that runs any, and how many at the least. */
import { describe, expect, test } from "vitest";
import type { KubeObject } from "../../../../src/core/kube/objects/kubeObject";
import { podTemplateOf } from "../../../../src/core/policy/podTemplates";
import { deploymentObject, inferenceServiceObject } from "./policyFixtures";

const podSpec = { containers: [{ name: "c", image: "x:1" }] };
const obj = (kind: string, spec: Record<string, unknown>, apiVersion = "apps/v1"): KubeObject => ({ apiVersion, kind, metadata: { name: "chat", namespace: "llm" }, spec: spec as never });

describe("podTemplateOf", () => {
  test.each([
    { kind: "Deployment", object: deploymentObject({ replicas: 3 }), minPods: 3, containers: ["vllm"] },
    { kind: "StatefulSet", object: obj("StatefulSet", { replicas: 2, template: { spec: podSpec } }), minPods: 2, containers: ["c"] },
    { kind: "DaemonSet (one per node: no count)", object: obj("DaemonSet", { template: { spec: podSpec } }), minPods: 0, containers: ["c"] },
    { kind: "Job", object: obj("Job", { parallelism: 4, template: { spec: podSpec } }, "batch/v1"), minPods: 4, containers: ["c"] },
    { kind: "CronJob", object: obj("CronJob", { jobTemplate: { spec: { template: { spec: podSpec } } } }, "batch/v1"), minPods: 1, containers: ["c"] },
    { kind: "Pod", object: obj("Pod", podSpec, "v1"), minPods: 1, containers: ["c"] },
    { kind: "InferenceService (model)", object: inferenceServiceObject({ minReplicas: 2, model: { modelFormat: { name: "sklearn" } } }), minPods: 2, containers: ["kserve-container"] },
    { kind: "InferenceService (scale to zero still needs room for one)", object: inferenceServiceObject({ minReplicas: 0, model: { modelFormat: { name: "sklearn" } } }), minPods: 1, containers: ["kserve-container"] },
    { kind: "InferenceService (own containers)", object: inferenceServiceObject({ containers: [{ name: "server", image: "x:1" }] }), minPods: 1, containers: ["server"] },
    { kind: "InferenceService (legacy per-format key)", object: inferenceServiceObject({ sklearn: { storageUri: "gs://m" } }), minPods: 1, containers: ["kserve-container"] },
  ])("$kind", ({ object, minPods, containers }) => {
    const t = podTemplateOf(object);
    expect(t?.minPods).toBe(minPods);
    expect(t?.containers.map((c) => c.name)).toEqual(containers);
  });

  test("kinds that run no pods have none", () => {
    expect(podTemplateOf(obj("Service", { selector: {} }, "v1"))).toBeUndefined();
    expect(podTemplateOf(obj("HorizontalPodAutoscaler", {}, "autoscaling/v2"))).toBeUndefined();
  });

  test.each([
    { object: deploymentObject(), pod: "chat-7d9c5b8f4-abcde", own: true },
    { object: deploymentObject(), pod: "chat-web-7d9c5b8f4-abcde", own: false },
    { object: deploymentObject(), pod: "chatbot-7d9c5b8f4-abcde", own: false },
    { object: inferenceServiceObject({ model: {} }), pod: "chat-predictor-5f7d8c9b6-x2k9p", own: true },
    { object: inferenceServiceObject({ model: {} }), pod: "chat-predictor-00002-deployment-5f7d8c9b6-x2k9p", own: true },
  ])("$pod belongs to $object.kind chat: $own", ({ object, pod, own }) => {
    expect(podTemplateOf(object)?.ownsPod("llm", pod)).toBe(own);
    expect(podTemplateOf(object)?.ownsPod("elsewhere", pod)).toBe(false);
  });
});
