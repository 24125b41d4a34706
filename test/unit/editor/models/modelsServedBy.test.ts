import { afterEach, describe, expect, test, vi } from "vitest";
import type { V1Deployment } from "@kubernetes/client-node";
import { ClusterModel } from "../../../../src/core/kube/cache/clusterModel";
import { ResourceTypes } from "../../../../src/core/kube/client/resourceTypes";
import { createMlflowRegistry } from "../../../../src/core/registry/mlflowRegistry";
import type { ModelRegistry } from "../../../../src/core/registry/modelRegistry";
import { ModelsCatalog } from "../../../../src/editor/models/modelsCatalog";
import { ModelsServedBy } from "../../../../src/editor/models/modelsServedBy";
import type { ModelsNode } from "../../../../src/editor/models/modelsTree";
import { ModelsTreeProvider } from "../../../../src/editor/models/modelsTreeProvider";
import { mlflowDemo } from "../../../../sandbox/mlflow/mlflowDemo";
import { startSandboxMlflow, type SandboxMlflow, type SandboxMlflowOptions } from "../../../../sandbox/mlflow/sandboxMlflow";
import { FakeCache } from "../../core/kube/cache/clusterModelChanges";
import { deployment, deploymentCondition, inferenceService } from "../../core/kube/kubeObjects";
import type { FakeTreeItem } from "../views/fakeTreeVscode";

vi.mock("vscode", async () => (await import("../views/fakeTreeVscode")).fakeTreeVscode);

const servers: SandboxMlflow[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function registryOf(options: SandboxMlflowOptions = {}): Promise<ModelRegistry> {
  const sandbox = await startSandboxMlflow(options);
  servers.push(sandbox);
  return createMlflowRegistry({ kind: sandbox.flavour, restBase: new URL(`${sandbox.restBase}/`), displayUrl: sandbox.trackingUri, auth: { kind: "none" }, retries: 0 }, { backoffBaseMs: 1 });
}

function annotated(namespace: string, name: string, model: string, opts: Parameters<typeof deployment>[1] = {}): V1Deployment {
  const d = deployment(name, { ...opts, annotations: { "aiplatform.dev/model": model }, labels: { "ai-platform/service": name } });
  return { ...d, metadata: { ...d.metadata, namespace } };
}

function isvc(namespace: string, name: string, storageUri: string) {
  const i = inferenceService(name, { predictor: { model: { modelFormat: { name: "onnx" }, storageUri } } });
  return { ...i, metadata: { ...i.metadata, namespace } };
}

function view(registry: ModelRegistry, served: ModelsServedBy) {
  const catalog = new ModelsCatalog(registry, undefined);
  const provider = new ModelsTreeProvider({ catalog: () => catalog, servedBy: () => served.state, registryUrl: () => registry.displayUrl, uiUrl: () => registry.displayUrl, notes: () => registry.notes() });
  const item = (n: ModelsNode) => provider.getTreeItem(n) as unknown as FakeTreeItem;
  const row = async (label: string, parent?: ModelsNode): Promise<ModelsNode> => {
    const found = (await provider.getChildren(parent)).find((n) => item(n).label === label);
    if (!found) throw new Error(`no row ${label}`);
    return found;
  };
  return { catalog, provider, item, row };
}

const bucket = "s3://aiplatform-mlflow/mlartifacts";

describe("What serves each version", () => {
  test("a KServe storageUri in the artifact bucket resolves to the MLflow 3 version whose download URI maps there; an unknown path is a finding", async () => {
    const registry = await registryOf();
    const cache = new FakeCache();
    cache.put(ResourceTypes.inferenceServices, [
      isvc("onnx-api", "sentiment-v3", `${bucket}/${mlflowDemo.experimentId}/models/${mlflowDemo.loggedModelId}/artifacts/`),
      isvc("onnx-api", "stray", `${bucket}/99/nothing/here`),
    ]);
    const cluster = new ClusterModel(cache, { showAllDeployments: true });
    const served = new ModelsServedBy(registry, { "mlflow-artifacts:/": bucket });
    served.setWorkloads(cluster.workloads);
    await served.refresh(new AbortController().signal);

    const resolution = served.state.resolved;
    expect(resolution?.byWorkload.get("InferenceService/onnx-api/sentiment-v3")).toEqual({ kind: "resolved", name: mlflowDemo.sentiment, version: "3" });
    expect(resolution?.unregistered.map((u) => [u.workload.name, u.reason])).toEqual([["stray", { kind: "no-matching-source", uri: `${bucket}/99/nothing/here` }]]);
    expect(served.state.problem).toBeUndefined();
  });

  test("on a registry without aliases (Azure ML) an alias reference is neither served nor a finding, and the rows say why", async () => {
    const registry = await registryOf({ flavour: "azureml" });
    const cache = new FakeCache();
    cache.put(ResourceTypes.deployments, [annotated("llm-serving", "by-alias", `models:/${mlflowDemo.llama}@champion`), annotated("llm-serving", "by-version", `models:/${mlflowDemo.llama}/3`)]);
    const served = new ModelsServedBy(registry, {});
    served.setWorkloads(new ClusterModel(cache, { showAllDeployments: true }).workloads);
    await served.refresh(new AbortController().signal);

    expect(registry.notes().map((n) => n.feature)).toContain("aliases");
    expect(served.state.resolved?.unregistered).toEqual([]);
    expect(served.state.resolved?.byWorkload.get("Deployment/llm-serving/by-alias")).toMatchObject({ kind: "unjudged" });
    expect(served.state.resolved?.byWorkload.get("Deployment/llm-serving/by-version")).toEqual({ kind: "resolved", name: mlflowDemo.llama, version: "3" });

    const v = view(registry, served);
    await v.catalog.loadModels();
    const llama = await v.row(mlflowDemo.llama);
    expect(v.item(llama).description).toContain("served by 1");
    expect((v.item(llama).tooltip as { value: string }).value).toContain("no alias endpoints");
  });

  test("a serving workload turning unhealthy repaints its own row only", async () => {
    const registry = await registryOf();
    const cache = new FakeCache();
    cache.put(ResourceTypes.deployments, [annotated("llm-serving", "vllm-llama3-70b", `models:/${mlflowDemo.llama}/4`)]);
    const cluster = new ClusterModel(cache, { showAllDeployments: true });
    const served = new ModelsServedBy(registry, {});
    served.setWorkloads(cluster.workloads);
    await served.refresh(new AbortController().signal);
    const v = view(registry, served);
    await v.catalog.loadModels();
    const llama = await v.row(mlflowDemo.llama);
    for (const n of await v.provider.getChildren()) v.item(n);
    for (const n of await v.provider.getChildren(llama)) v.item(n);
    const v4 = await v.row("v4", llama);
    const serving = await v.row("vllm-llama3-70b", v4);
    expect(v.item(serving).description).toBe("llm-serving · Deployment · Healthy");

    const fired: (ModelsNode[] | undefined)[] = [];
    v.provider.onDidChangeTreeData((e) => fired.push(e === undefined ? undefined : Array.isArray(e) ? e : [e]));
    cache.put(ResourceTypes.deployments, [
      annotated("llm-serving", "vllm-llama3-70b", `models:/${mlflowDemo.llama}/4`, {
        status: { readyReplicas: 0, availableReplicas: 0 },
        conditions: [deploymentCondition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability."), deploymentCondition("Progressing", "False", "ProgressDeadlineExceeded", "timed out")],
      }),
    ]);
    served.setWorkloads(cluster.workloads);
    v.provider.repaint();

    expect(fired.map((f) => f?.map((n) => n.id))).toEqual([[serving.id]]);
    expect(v.item(serving).description).not.toContain("Healthy");
  });
});
