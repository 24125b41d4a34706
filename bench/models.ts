/**
 * The `models` scenario: the sandbox MLflow registry seeded with 500 models × 20 versions
 * (sandbox/mlflow/mlflowScale.ts) behind the real client, and the 10,000-pod scale cluster
 * (sandbox/scaleScenario.ts: 1,000 Deployments of 10 pods) synced into a ClusterModel over the
 * API server's watch, as the extension does.
 *   firstPageMs   a fresh client (new connection) → the Models tree's first page of rows: the
 *                 catalog's first search of registered models and the tree listing and rendering
 *                 its rows, median of `runs` (target < 500)
 *   servedByMs    served-by for the whole cluster: every workload's model reference read from the
 *                 ClusterModel and resolved against the registry snapshot, median of `runs`
 *                 (target < 200)
 *   heapDeltaMB   heap held by the registry side (snapshot of every version, the catalog's
 *                 first page and a served-by result), between two forced collections (target < 40)
 *   snapshotMs    for the record: listing all 10,000 versions over HTTP into the snapshot
 * The Deployments name their model as our render does (the aiplatform.dev/model annotation): most
 * a version, a tenth an alias, a twentieth a model the registry lacks.
 */
import { performance } from "node:perf_hooks";
import { KubeConfig } from "@kubernetes/client-node";
import { startSandboxMlflow } from "../sandbox/mlflow/sandboxMlflow";
import { scaleRegistrySeed } from "../sandbox/mlflow/mlflowScale";
import { startSandbox } from "../sandbox/sandboxLauncher";
import { scaleScenario } from "../sandbox/scaleScenario";
import { ClusterCache } from "../src/core/kube/cache/clusterCache";
import { ClusterModel } from "../src/core/kube/cache/clusterModel";
import { createMlflowRegistry } from "../src/core/registry/mlflowRegistry";
import type { ModelRegistry, ModelVersion } from "../src/core/registry/modelRegistry";
import { modelReferenceAnnotation } from "../src/core/registry/modelReference";
import { parseTrackingUri } from "../src/core/registry/registryTarget";
import { RegistrySnapshotBuilder, resolveServedBy, servingReferences, type ServedBy } from "../src/core/registry/servedBy";
import { ModelsCatalog } from "../src/editor/models/modelsCatalog";
import { ModelsTree } from "../src/editor/models/modelsTree";
import { forcedGc, median } from "./benchStats";

export const modelsScale = { models: 500, versionsPerModel: 20, nodes: 1000, deployments: 1000, pods: 10_000 } as const;
const runs = 5;
const round = (x: number): number => Math.round(x * 10) / 10;

function registryAt(trackingUri: string): ModelRegistry {
  const parsed = parseTrackingUri(trackingUri);
  if (!parsed.ok) throw new Error(`sandbox tracking URI ${trackingUri}: ${parsed.kind}`);
  return createMlflowRegistry({ kind: parsed.kind, restBase: parsed.restBase, displayUrl: parsed.displayUrl, auth: { kind: "none" } });
}

/** The model reference of Deployment d, as the render writes it. */
function referenceOf(d: number): string {
  const model = d % modelsScale.models;
  if (d % 20 === 19) return `models:/retired-model-${d}/1`;
  if (d % 10 === 3) return `models:/model-${model}@champion`;
  return `models:/model-${model}/${1 + (d % modelsScale.versionsPerModel)}`;
}

async function syncedModel(kubeconfig: string): Promise<{ model: ClusterModel; cache: ClusterCache }> {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  const cache = new ClusterCache(kc, undefined);
  const model = new ClusterModel(cache, { showAllDeployments: false, now: () => Date.now() });
  const synced = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the scale cluster did not sync in 120 s (${cache.state.kind})`)), 120_000);
    cache.onDidChangeState((s) => {
      if (s.kind === "synced") {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  cache.start();
  await synced;
  return { model, cache };
}

async function loadSnapshot(registry: ModelRegistry, builder: RegistrySnapshotBuilder): Promise<void> {
  let token: string | undefined;
  do {
    const page = await registry.searchRegisteredModels({ maxResults: 1000, ...(token ? { pageToken: token } : {}) });
    if (!page.ok) throw new Error(`registered-models/search: ${JSON.stringify(page.failure)}`);
    builder.addModels(page.value.items);
    token = page.value.nextPageToken;
  } while (token);
  const byModel = new Map<string, ModelVersion[]>();
  do {
    const page = await registry.searchModelVersions({ maxResults: 1000, ...(token ? { pageToken: token } : {}) });
    if (!page.ok) throw new Error(`model-versions/search: ${JSON.stringify(page.failure)}`);
    for (const v of page.value.items) {
      const list = byModel.get(v.name);
      if (list) list.push(v);
      else byModel.set(v.name, [v]);
    }
    token = page.value.nextPageToken;
  } while (token);
  for (const [name, versions] of byModel) builder.addVersions(name, versions, { complete: true });
}

export async function modelsBench(): Promise<Record<string, unknown>> {
  const gc = forcedGc();
  const mlflow = await startSandboxMlflow({ seed: scaleRegistrySeed(modelsScale.models, modelsScale.versionsPerModel) });
  const scenario = scaleScenario({ nodes: modelsScale.nodes, deployments: modelsScale.deployments, pods: modelsScale.pods });
  (scenario.deployments ?? []).forEach((d, i) => {
    const metadata = d.metadata as { annotations?: Record<string, string> };
    metadata.annotations = { ...(metadata.annotations ?? {}), [modelReferenceAnnotation]: referenceOf(i) };
  });
  const { server } = await startSandbox({ scenario });
  try {
    console.error("[bench] models: syncing the 10k-pod cluster");
    const { model, cache } = await syncedModel(server.kubeconfig({}));
    try {
      // The tree's first page: a fresh client each run, so the connection is part of it.
      const firstPage: number[] = [];
      let rows = 0;
      for (let i = 0; i <= runs; i++) {
        const started = performance.now();
        const catalog = new ModelsCatalog(registryAt(mlflow.trackingUri), undefined);
        await catalog.loadModels();
        const tree = new ModelsTree({ catalog: () => catalog, servedBy: () => ({ resolved: undefined, problem: undefined }) }, (n) => JSON.stringify(n));
        rows = tree.getChildren().length;
        if (i > 0) firstPage.push(performance.now() - started);
        catalog.dispose();
      }
      if (rows < 100) throw new Error(`the first page listed ${rows} rows`);

      gc();
      gc();
      const before = process.memoryUsage().heapUsed;
      const registry = registryAt(mlflow.trackingUri);
      const builder = new RegistrySnapshotBuilder();
      const snapshotStarted = performance.now();
      await loadSnapshot(registry, builder);
      const snapshotMs = performance.now() - snapshotStarted;
      const catalog = new ModelsCatalog(registry, undefined);
      await catalog.loadModels();

      const servedBy: number[] = [];
      let result: ServedBy | undefined;
      for (let i = 0; i <= runs; i++) {
        const started = performance.now();
        result = resolveServedBy(servingReferences(model.workloads), builder.snapshot());
        if (i > 0) servedBy.push(performance.now() - started);
      }
      gc();
      gc();
      const held = process.memoryUsage().heapUsed - before;
      const served = [...(result?.byVersion.values() ?? [])].reduce((s, list) => s + list.length, 0);
      const unregistered = result?.unregistered.length ?? 0;
      if (served === 0) throw new Error("served-by resolved no workload");
      catalog.dispose();
      return {
        bench: "models",
        firstPageMs: round(median(firstPage)),
        firstPageRunsMs: firstPage.map(round),
        firstPageRows: rows,
        servedByMs: round(median(servedBy)),
        servedByRunsMs: servedBy.map(round),
        heapDeltaMB: round(held / 2 ** 20),
        snapshotMs: round(snapshotMs),
        models: modelsScale.models,
        versions: modelsScale.models * modelsScale.versionsPerModel,
        workloads: model.workloads.all().length,
        pods: modelsScale.pods,
        served,
        unregistered,
      };
    } finally {
      cache.stop();
      model.dispose();
    }
  } finally {
    await server.stop();
    await mlflow.stop();
  }
}
