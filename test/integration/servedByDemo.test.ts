/**
 * Served-by over the real wires: the demo cluster (sandbox/scenarios/demo.yaml) read by the
 * informer into the ClusterModel, the demo registry (sandbox/mlflow/mlflowDemo.ts) read through
 * the product's MLflow client, joined by resolveServedBy. The expected answers are the demo's
 * own documented facts: vllm-llama3-70b serves llama3-70b-chat v4, reranker-onnx serves a model
 * the registry lacks, and the KServe services are found by their storage URIs.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mlflowDemo } from "../../sandbox/mlflow/mlflowDemo";
import { startSandboxMlflow, type SandboxMlflow } from "../../sandbox/mlflow/sandboxMlflow";
import { ClusterCache } from "../../src/core/kube/cache/clusterCache";
import { ClusterModel } from "../../src/core/kube/cache/clusterModel";
import { createMlflowRegistry } from "../../src/core/registry/mlflowRegistry";
import type { ModelRegistry } from "../../src/core/registry/modelRegistry";
import { parseTrackingUri } from "../../src/core/registry/registryTarget";
import { RegistrySnapshotBuilder, resolveServedBy, servingReferences, versionKey, type ServedBy } from "../../src/core/registry/servedBy";
import { useSandbox } from "./sandboxFixture";

const sandbox = useSandbox({ scenario: "demo" });
let mlflow: SandboxMlflow;
let cache: ClusterCache;
let served: ServedBy;

async function snapshotOf(registry: ModelRegistry): Promise<RegistrySnapshotBuilder> {
  const builder = new RegistrySnapshotBuilder();
  let pageToken: string | undefined;
  do {
    const page = await registry.searchRegisteredModels({ maxResults: 100, ...(pageToken ? { pageToken } : {}) });
    if (!page.ok) throw new Error(JSON.stringify(page.failure));
    builder.addModels(page.value.items);
    for (const m of page.value.items) {
      const versions = await registry.listAllVersions(m.name);
      if (!versions.ok) throw new Error(JSON.stringify(versions.failure));
      builder.addVersions(m.name, versions.value, { complete: true });
    }
    pageToken = page.value.nextPageToken;
  } while (pageToken);
  return builder;
}

beforeAll(async () => {
  mlflow = await startSandboxMlflow();
  const parsed = parseTrackingUri(mlflow.trackingUri);
  if (!parsed.ok) throw new Error(parsed.kind);
  const registry = createMlflowRegistry({ kind: parsed.kind, restBase: parsed.restBase, displayUrl: parsed.displayUrl, auth: { kind: "none" } });

  cache = new ClusterCache(sandbox.kc, undefined);
  const model = new ClusterModel(cache, { showAllDeployments: false });
  const synced = new Promise<void>((resolve) => cache.onDidChangeState((s) => s.kind === "synced" && resolve()));
  cache.start();
  const [builder] = await Promise.all([snapshotOf(registry), synced]);
  served = resolveServedBy(servingReferences(model.workloads), builder.snapshot());
}, 60_000);
afterAll(async () => {
  cache.stop();
  await mlflow.stop();
});

const servedBy = (name: string, version: string): string[] => (served.byVersion.get(versionKey(name, version)) ?? []).map((w) => w.id).sort();

describe("served-by on the demo", () => {
  test("each annotated Deployment serves the version its annotation names", () => {
    expect(servedBy(mlflowDemo.llama, "4")).toEqual(["Deployment/llm-serving/vllm-llama3-70b"]);
    expect(servedBy(mlflowDemo.mixtral, "1")).toEqual(["Deployment/llm-serving/vllm-mixtral-8x7b"]);
    expect(servedBy(mlflowDemo.triton, "3")).toEqual(["Deployment/triton/triton-ensemble"]);
    expect(servedBy(mlflowDemo.llama, "3")).toEqual([]);
  });

  test("InferenceServices are found by their storage URI", () => {
    expect(servedBy(mlflowDemo.sklearn, "1")).toEqual(["InferenceService/kserve-models/sklearn-iris"]);
    expect(servedBy(mlflowDemo.fraud, "3")).toEqual(["InferenceService/kserve-models/fraud-xgboost"]);
  });

  test("the service whose model the registry lacks is 'serving, not in the registry'", () => {
    const reranker = served.unregistered.find((u) => u.workload.id === "Deployment/onnx-api/reranker-onnx");
    expect(reranker?.reason).toEqual({ kind: "no-such-model", name: mlflowDemo.missing });
  });

  test("each served model counts its workloads; the unusual names are served by nothing", () => {
    expect(served.byModel.get(mlflowDemo.llama)).toBe(1);
    for (const name of [mlflowDemo.spaced, mlflowDemo.slashed, mlflowDemo.quoted, mlflowDemo.unicode]) expect(served.byModel.get(name)).toBeUndefined();
  });

});
