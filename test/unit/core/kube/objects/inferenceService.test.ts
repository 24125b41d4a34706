import { describe, expect, test } from "vitest";
import { findCondition, InferenceService, isInferenceService } from "../../../../../src/core/kube/objects/inferenceService";

// Shaped like `kubectl get isvc -o json` for KServe's sklearn-iris quick-start, status included.
const fromApi: unknown = {
  apiVersion: "serving.kserve.io/v1beta1",
  kind: "InferenceService",
  metadata: { name: "sklearn-iris", namespace: "kserve-test", generation: 1, uid: "0b9e", annotations: { "serving.kserve.io/deploymentMode": "RawDeployment" } },
  spec: { predictor: { model: { modelFormat: { name: "sklearn" }, storageUri: "gs://kfserving-examples/models/sklearn/1.0/model" } } },
  status: {
    observedGeneration: 1,
    url: "http://sklearn-iris-kserve-test.example.com",
    deploymentMode: "RawDeployment",
    conditions: [
      { type: "IngressReady", status: "True", lastTransitionTime: "2025-06-01T11:50:00Z" },
      { type: "PredictorReady", status: "True", lastTransitionTime: "2025-06-01T11:50:00Z" },
      { type: "Ready", status: "True", lastTransitionTime: "2025-06-01T11:50:00Z" },
    ],
    modelStatus: { transitionStatus: "UpToDate", states: { activeModelState: "Loaded", targetModelState: "Loaded" }, copies: { failedCopies: 0, totalCopies: 1 } },
  },
};

describe("InferenceService schema", () => {
  test("parses an object from the API and keeps fields it does not name", () => {
    const parsed = InferenceService.parse(fromApi);
    expect(findCondition(parsed, "Ready")?.status).toBe("True");
    expect(parsed.status?.modelStatus?.states?.activeModelState).toBe("Loaded");
    expect((parsed.status as Record<string, unknown>)["deploymentMode"]).toBe("RawDeployment");
    expect(isInferenceService(parsed)).toBe(true);
  });

  test.each([
    { name: "no metadata.name", value: { kind: "InferenceService", metadata: {} } },
    { name: "a condition status outside True/False/Unknown", value: { metadata: { name: "x" }, status: { conditions: [{ type: "Ready", status: "Yes" }] } } },
  ])("rejects $name", ({ value }) => {
    expect(InferenceService.safeParse(value).success).toBe(false);
  });

  test.each([
    { obj: { apiVersion: "serving.kserve.io/v1beta1", kind: "InferenceService" }, is: true },
    { obj: { apiVersion: "serving.kubeflow.org/v1beta1", kind: "InferenceService" }, is: false },
    { obj: { apiVersion: "apps/v1", kind: "Deployment" }, is: false },
  ])("isInferenceService($obj.apiVersion $obj.kind) is $is", ({ obj, is }) => {
    expect(isInferenceService(obj)).toBe(is);
  });
});
