import { describe, expect, test } from "vitest";
import { ServiceManifest, type ServiceManifestInput } from "../../../../src/core/manifest/serviceManifest";
import { driftServiceOf, manifestsForWorkload, type WorkspaceManifest } from "../../../../src/editor/drift/driftServiceOf";

/** A KServe manifest as aiplat scaffold writes it, with the given name and environments. */
function manifest(file: string, name: string, environments: ServiceManifestInput["environments"]): WorkspaceManifest {
  return {
    file,
    manifest: ServiceManifest.parse({
      apiVersion: "aiplatform.dev/v1",
      kind: "InferenceServiceManifest",
      name,
      runtime: "kserve",
      modelFormat: "xgboost",
      model: { storageUri: "s3://models/fraud/3", version: "3" },
      environments,
      monitoring: { drift: { reference: "data/reference.parquet", current: "data/current.csv" } },
    }),
  };
}

const fraudProd = manifest("/ws/fraud/aiplatform.yaml", "fraud-xgboost", {
  dev: { context: "sandbox", namespace: "ml-dev" },
  prod: { context: "aks-prod", namespace: "kserve-models", production: true },
});
const fraudCopy = manifest("/ws/fraud-eu/aiplatform.yaml", "fraud-xgboost", { prod: { context: "aks-eu", namespace: "kserve-models", production: true } });
const sentiment = manifest("/ws/sentiment/aiplatform.yaml", "sentiment", { prod: { context: "aks-prod", namespace: "onnx-api", allowedNamespaces: ["onnx-canary"] } });

describe("which service a manifest is, and which manifest a Deployments row was deployed from", () => {
  test("results and history are named after the manifest, as aiplat drift --manifest --save names them", () => {
    expect(driftServiceOf(fraudProd.manifest)).toBe("fraud-xgboost");
  });

  test.each([
    ["the InferenceService named as the manifest, in the selected context", { context: "aks-prod", namespace: "kserve-models", name: "fraud-xgboost", labels: undefined }, [fraudProd]],
    ["in another context of the same name: only the manifest deploying there", { context: "aks-eu", namespace: "kserve-models", name: "fraud-xgboost", labels: undefined }, [fraudCopy]],
    ["a dev namespace the manifest also deploys to", { context: "sandbox", namespace: "ml-dev", name: "fraud-xgboost", labels: undefined }, [fraudProd]],
    ["a context no manifest names (a local kubeconfig's own name): every manifest deploying to the namespace", { context: "sandbox", namespace: "kserve-models", name: "fraud-xgboost", labels: undefined }, [fraudProd, fraudCopy]],
    ["a Deployment named otherwise, labelled with the service (as our renderer labels it)", { context: "aks-prod", namespace: "onnx-api", name: "fastapi-onnx-sentiment", labels: { "ai-platform/service": "sentiment" } }, [sentiment]],
    ["an allowed namespace of the environment", { context: "aks-prod", namespace: "onnx-canary", name: "sentiment", labels: undefined }, [sentiment]],
    ["the right name in a namespace no environment deploys to", { context: "aks-prod", namespace: "default", name: "fraud-xgboost", labels: undefined }, []],
    ["a workload no manifest names", { context: "aks-prod", namespace: "kserve-models", name: "sklearn-iris", labels: undefined }, []],
  ])("%s", (_, workload, expected) => {
    expect(manifestsForWorkload([fraudProd, fraudCopy, sentiment], workload).map((m) => m.file)).toEqual(expected.map((m) => m.file));
  });
});
