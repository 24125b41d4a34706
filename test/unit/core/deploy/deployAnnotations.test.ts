/** What goes out with a deploy's apply: our change annotations on the workload, and a KServe predictor kept for rollback. */
import { describe, expect, test } from "vitest";
import { annotateForDeploy, workloadObject } from "../../../../src/core/deploy/deployAnnotations";
import { checkDeployReason, defaultDeployReason } from "../../../../src/core/deploy/deployReason";
import type { KubeObject } from "../../../../src/core/kube/objects/kubeObject";
import { previousPredictorAnnotation } from "../../../../src/core/kube/rollout/inferenceServiceRollout";
import type { ServiceManifest } from "../../../../src/core/manifest/serviceManifest";

const service: KubeObject = { apiVersion: "v1", kind: "Service", metadata: { name: "chat", namespace: "ml" }, spec: { ports: [] } };
const deployment: KubeObject = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "chat", namespace: "ml", annotations: { team: "ml" } }, spec: {} };
const isvc = (storageUri: string): KubeObject => ({ apiVersion: "serving.kserve.io/v1beta1", kind: "InferenceService", metadata: { name: "iris", namespace: "ml" }, spec: { predictor: { model: { storageUri } } } });
const ours = { "kubernetes.io/change-cause": "v4" };

describe("annotateForDeploy", () => {
  test("the workload gets the change annotations beside its own; other objects go out as rendered", () => {
    const [s, d] = annotateForDeploy([service, deployment], { annotations: ours, livePredictor: undefined });
    expect(s).toEqual(service);
    expect(d?.metadata.annotations).toEqual({ team: "ml", "kubernetes.io/change-cause": "v4" });
  });

  test("an InferenceService keeps the live predictor it replaces, and only when it changes", () => {
    const live = { model: { storageUri: "gs://m/1" } };
    const [changed] = annotateForDeploy([isvc("gs://m/2")], { annotations: ours, livePredictor: live });
    expect(JSON.parse(changed?.metadata.annotations?.[previousPredictorAnnotation] ?? "null")).toEqual(live);
    const [same] = annotateForDeploy([isvc("gs://m/1")], { annotations: ours, livePredictor: live });
    expect(same?.metadata.annotations?.[previousPredictorAnnotation]).toBeUndefined();
    const [created] = annotateForDeploy([isvc("gs://m/1")], { annotations: ours, livePredictor: undefined });
    expect(created?.metadata.annotations?.[previousPredictorAnnotation]).toBeUndefined();
  });

  test("the workload is the Deployment or InferenceService among the rendered objects", () => {
    expect(workloadObject([service, deployment])).toBe(deployment);
    expect(workloadObject([service])).toBeUndefined();
  });
});

describe("the change cause", () => {
  test.each([
    { reason: "", production: true, problem: "required" },
    { reason: "   ", production: true, problem: "required" },
    { reason: "", production: false, problem: undefined },
    { reason: "a\nb", production: false, problem: "multi-line" },
    { reason: "x".repeat(301), production: false, problem: "too-long" },
    { reason: "x".repeat(300), production: true, problem: undefined },
  ])("$reason.length chars, production $production: $problem", ({ reason, production, problem }) => {
    expect(checkDeployReason(reason, production)).toBe(problem);
  });

  test("without one, the record says what runs and which model", () => {
    const m = { name: "chat", runtime: "vllm", image: "vllm/vllm-openai:v0.6.3", model: { storageUri: "hf://meta-llama/Llama-3.1-8B-Instruct" } } as unknown as ServiceManifest;
    expect(defaultDeployReason(m)).toBe("deploy vllm/vllm-openai:v0.6.3 (hf://meta-llama/Llama-3.1-8B-Instruct)");
  });
});
