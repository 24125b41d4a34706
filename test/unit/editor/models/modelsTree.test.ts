import { afterEach, describe, expect, test, vi } from "vitest";
import { ClusterModel } from "../../../../src/core/kube/cache/clusterModel";
import { ResourceTypes } from "../../../../src/core/kube/client/resourceTypes";
import { createMlflowRegistry } from "../../../../src/core/registry/mlflowRegistry";
import type { ModelRegistry } from "../../../../src/core/registry/modelRegistry";
import { parseTrackingUri } from "../../../../src/core/registry/registryTarget";
import { ModelsCatalog } from "../../../../src/editor/models/modelsCatalog";
import { ModelsServedBy } from "../../../../src/editor/models/modelsServedBy";
import type { ModelsNode } from "../../../../src/editor/models/modelsTree";
import { ModelsTreeProvider } from "../../../../src/editor/models/modelsTreeProvider";
import { DeploymentsNode } from "../../../../src/editor/views/deployments/deploymentsTree";
import { mlflowDemo } from "../../../../sandbox/mlflow/mlflowDemo";
import type { MlflowSeed } from "../../../../sandbox/mlflow/mlflowStore";
import { startSandboxMlflow, type SandboxMlflow } from "../../../../sandbox/mlflow/sandboxMlflow";
import { FakeCache } from "../../core/kube/cache/clusterModelChanges";
import { deployment, inferenceService } from "../../core/kube/kubeObjects";
import type { FakeMarkdownString, FakeTreeItem } from "../views/fakeTreeVscode";

vi.mock("vscode", async () => (await import("../views/fakeTreeVscode")).fakeTreeVscode);

/**
 * The Models tree over the real registry client and the sandbox MLflow registry (which follows
 * MLflow's handlers: paging tokens, filters, aliases), with the cluster side from a ClusterModel.
 */

const servers: SandboxMlflow[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function registryOf(seed?: MlflowSeed): Promise<{ sandbox: SandboxMlflow; registry: ModelRegistry }> {
  const sandbox = await startSandboxMlflow(seed ? { seed } : {});
  servers.push(sandbox);
  const parsed = parseTrackingUri(sandbox.trackingUri);
  if (!parsed.ok) throw new Error(`sandbox tracking URI ${sandbox.trackingUri} does not parse`);
  // No retries: a fault the test injects is the answer the tree sees.
  const registry = createMlflowRegistry({ kind: "mlflow", restBase: parsed.restBase, displayUrl: parsed.displayUrl, auth: { kind: "none" }, retries: 0, timeoutMs: 5_000 }, { backoffBaseMs: 1 });
  return { sandbox, registry };
}

/** The demo's serving side: llama3 v4 by annotation, the missing reranker, fraud-xgboost v3 by storageUri. */
function demoCluster(): ClusterModel {
  const cache = new FakeCache();
  const annotated = (namespace: string, name: string, model: string) => {
    const d = deployment(name, { annotations: { "aiplatform.dev/model": model }, labels: { "ai-platform/service": name } });
    return { ...d, metadata: { ...d.metadata, namespace } };
  };
  cache.put(ResourceTypes.deployments, [annotated("llm-serving", "vllm-llama3-70b", `models:/${mlflowDemo.llama}/4`), annotated("onnx-api", "reranker-onnx", `models:/${mlflowDemo.missing}/2`)]);
  const isvc = inferenceService("fraud-xgboost", { predictor: { model: { modelFormat: { name: "xgboost" }, storageUri: "https://aiplatformmodels.blob.core.windows.net/models/fraud-xgboost/3" } } });
  cache.put(ResourceTypes.inferenceServices, [{ ...isvc, metadata: { ...isvc.metadata, namespace: "fraud" } }]);
  return new ClusterModel(cache, { showAllDeployments: true });
}

function treeOf(registry: ModelRegistry, cluster?: ClusterModel, filter?: string) {
  const catalog = new ModelsCatalog(registry, filter);
  const servedBy = new ModelsServedBy(registry, {});
  servedBy.setWorkloads(cluster?.workloads);
  const provider = new ModelsTreeProvider({ catalog: () => catalog, servedBy: () => servedBy.state, registryUrl: () => registry.displayUrl, uiUrl: () => registry.displayUrl, notes: () => registry.notes() });
  const fired: (ModelsNode[] | "all")[] = [];
  provider.onDidChangeTreeData((e) => fired.push(e === undefined ? "all" : Array.isArray(e) ? e : [e]));
  const item = (node: ModelsNode) => provider.getTreeItem(node) as unknown as FakeTreeItem;
  const row = async (label: string, parent?: ModelsNode) => {
    const found = (await provider.getChildren(parent)).find((n) => item(n).label === label);
    if (!found) throw new Error(`no row ${label} under ${parent?.id ?? "the root"}`);
    return found;
  };
  const labels = async (parent?: ModelsNode) => (await provider.getChildren(parent)).map((n) => item(n).label);
  /** Renders every row VS Code would have shown (the expanded ones), so a repaint can compare. */
  const renderAll = async (parent?: ModelsNode): Promise<void> => {
    for (const n of await provider.getChildren(parent)) {
      item(n);
      if (n.type === "model" && catalog.versionsOf(n.name)) await renderAll(n);
    }
  };
  return { catalog, servedBy, provider, fired, item, row, labels, renderAll };
}

const tooltip = (i: FakeTreeItem): string => (typeof i.tooltip === "string" ? i.tooltip : (i.tooltip?.value ?? ""));

describe("Models tree over the sandbox registry", () => {
  test("a model row shows its latest version, alias chips and what serves it; the version row lists the serving Deployment with its health", async () => {
    const { registry } = await registryOf();
    const t = treeOf(registry, demoCluster());
    await t.catalog.loadModels();
    await t.servedBy.refresh(new AbortController().signal);

    const llama = await t.row(mlflowDemo.llama);
    expect(t.item(llama).description).toBe("v4 · @challenger v4 · @champion v3 · served by 1");
    expect(t.item(llama).contextValue).toBe("registeredModel");

    expect(await t.labels(llama)).toEqual(["v4", "v3", "v2", "v1"]);
    const v4 = await t.row("v4", llama);
    expect(t.item(v4).contextValue).toBe("modelVersion.served");
    expect(t.item(v4).description).toMatch(/^@challenger · run [0-9a-f]{8} · 3d · ml-pipeline@aiplatform\.example · served by 1$/);
    const lineage = tooltip(t.item(v4));
    expect(lineage).toContain("Source: mlflow\\-artifacts:/3/");
    // No run_link registered: the MLflow UI's run route.
    const runId = t.catalog.versionsOf(mlflowDemo.llama)?.items[0]?.runId ?? "";
    expect(lineage).toContain(`- Run: [${runId}](${registry.displayUrl}/#/runs/${runId})`);
    expect(lineage).toMatch(/Training data: abfss:\/\/datasets@aiplatformlake\\\.dfs/);
    expect(lineage).toMatch(/Git commit: [0-9a-f]{40}/);
    expect(lineage).toContain("Longer context \\(16k\\); evaluation still running\\.");
    const v3 = await t.row("v3", llama);
    expect(t.item(v3).contextValue).toBe("modelVersion");
    expect(await t.provider.getChildren(v3)).toEqual([]);

    const serving = await t.row("vllm-llama3-70b", v4);
    expect(t.item(serving).description).toBe("llm-serving · Deployment · Healthy");
    expect(t.item(serving).contextValue).toBe("servingWorkload");
    expect(t.item(serving).iconPath).toMatchObject({ id: "pass-filled" });
    // The Deployments tree's workload commands (Describe, Latency Dashboard, Roll Back) take the row as it is.
    expect(DeploymentsNode.safeParse(serving)).toMatchObject({ success: true, data: { type: "workload", id: "Deployment/llm-serving/vllm-llama3-70b" } });

    // The KServe service is matched by its storageUri against the version's source.
    const fraud = await t.row(mlflowDemo.fraud);
    expect(t.item(fraud).description).toContain("served by 1");
    expect(await t.labels(await t.row("v3", fraud))).toEqual(["fraud-xgboost"]);
  });

  test("a workload naming a model the registry lacks is listed under Serving, not in the registry", async () => {
    const { registry } = await registryOf();
    const t = treeOf(registry, demoCluster());
    await t.catalog.loadModels();
    await t.servedBy.refresh(new AbortController().signal);

    const group = await t.row("Serving, not in the registry");
    expect(t.item(group).description).toBe("1");
    const reranker = await t.row("reranker-onnx", group);
    expect(t.item(reranker).description).toBe(`onnx-api · names model ${mlflowDemo.missing}, which the registry does not have`);
    expect(t.item(reranker).contextValue).toBe("unregisteredServing");
  });

  test("hundreds of models and versions page lazily: 100 models and 50 versions per Load more…, rows kept as the same objects", async () => {
    const many: MlflowSeed = {
      models: [
        ...Array.from({ length: 249 }, (_, i) => ({ name: `model-${String(i).padStart(3, "0")}`, versions: [{ source: `s3://bucket/m${i}/1` }] })),
        { name: "model-zzz", versions: Array.from({ length: 120 }, (_, v) => ({ source: `s3://bucket/zzz/${v + 1}` })) },
      ],
    };
    const { registry, sandbox } = await registryOf(many);
    const t = treeOf(registry);
    await t.catalog.loadModels();

    const first = await t.provider.getChildren();
    expect(first).toHaveLength(101);
    expect(t.item(first[100]!)).toMatchObject({ label: "Load more…", contextValue: "loadMore" });
    expect(t.item(first[100]!).description).toBe("100 models shown");

    await t.catalog.loadMoreModels();
    t.provider.repaint();
    const second = await t.provider.getChildren();
    expect(second).toHaveLength(201);
    // VS Code keeps expansion and selection only for the same element objects.
    expect(second.slice(0, 100)).toEqual(first.slice(0, 100));
    for (let i = 0; i < 100; i++) expect(second[i]).toBe(first[i]);

    await t.catalog.loadMoreModels();
    const all = await t.labels();
    expect(all).toHaveLength(250);
    expect(all.at(-1)).toBe("model-zzz");
    expect(new Set(all).size).toBe(250);

    const zzz = await t.row("model-zzz");
    const versions = await t.labels(zzz);
    expect(versions).toHaveLength(51);
    expect(versions.slice(0, 3)).toEqual(["v120", "v119", "v118"]);
    expect(versions.at(-1)).toBe("Load more…");
    await t.catalog.loadMoreVersions("model-zzz");
    await t.catalog.loadMoreVersions("model-zzz");
    const every = await t.labels(zzz);
    expect(every).toEqual(Array.from({ length: 120 }, (_, i) => `v${120 - i}`));

    // Three pages of 50, each asking for this model's versions newest first.
    const versionSearches = sandbox.requests.filter((r) => r.endpoint === "model-versions/search").map((r) => new URL(r.url, "http://x").searchParams);
    expect(versionSearches.map((q) => [q.get("filter"), q.get("order_by"), q.get("max_results")])).toEqual(Array.from({ length: 3 }, () => ["name = 'model-zzz'", "version_number DESC", "50"]));
  });

  test("a page token the server no longer accepts starts the list again from the first page instead of failing", async () => {
    const many: MlflowSeed = { models: Array.from({ length: 150 }, (_, i) => ({ name: `m-${String(i).padStart(3, "0")}`, versions: [{ source: `s3://b/${i}` }] })) };
    const { registry, sandbox } = await registryOf(many);
    const t = treeOf(registry);
    await t.catalog.loadModels();
    sandbox.faults.add({ kind: "status", status: 400, match: "page_token", body: { error_code: "INVALID_PARAMETER_VALUE", message: "Invalid page token, could not base64-decode" } });
    await t.catalog.loadMoreModels();
    const labels = await t.labels();
    expect(labels).toHaveLength(101);
    expect(labels.at(-1)).toBe("Load more…");
    expect(t.catalog.modelsFailure).toBeUndefined();
    expect(sandbox.requests.filter((r) => r.status === 400)).toHaveLength(1);
    await t.catalog.loadMoreModels();
    expect(await t.labels()).toHaveLength(150);
  });

  test("a registry that goes away keeps the rows and adds a row saying what failed; the next answer removes it", async () => {
    const { registry, sandbox } = await registryOf();
    const t = treeOf(registry);
    await t.catalog.loadModels();
    await t.renderAll();
    const before = await t.labels();

    sandbox.faults.add({ kind: "status", status: 503, count: 5, body: { error_code: "TEMPORARILY_UNAVAILABLE", message: "maintenance" } });
    await t.catalog.poll();
    t.provider.repaint();
    expect(t.fired.at(-1)).toBe("all");
    const during = await t.labels();
    expect(during).toEqual([...before, "Could not list models"]);
    const problem = (await t.provider.getChildren()).at(-1)!;
    expect(t.item(problem).contextValue).toBe("registryProblem");
    expect(tooltip(t.item(problem))).toContain("TEMPORARILY\\_UNAVAILABLE");
    expect(tooltip(t.item(problem))).toContain("127\\.0\\.0\\.1");

    sandbox.faults.clear();
    await t.catalog.poll();
    t.provider.repaint();
    expect(await t.labels()).toEqual(before);
  });

  test("moving an alias repaints the model row and the two version rows, not the others", async () => {
    const { registry } = await registryOf();
    const t = treeOf(registry);
    await t.catalog.loadModels();
    const llama = await t.row(mlflowDemo.llama);
    await t.labels(llama);
    await t.renderAll();
    t.fired.length = 0;

    const moved = await registry.setAlias(mlflowDemo.llama, "champion", "4");
    expect(moved.ok).toBe(true);
    await t.catalog.poll();
    t.provider.repaint();

    expect(t.fired).toHaveLength(1);
    const ids = (t.fired[0] as ModelsNode[]).map((n) => n.id).sort();
    expect(ids).toEqual([llama.id, (await t.row("v3", llama)).id, (await t.row("v4", llama)).id].sort());
    expect(t.item(await t.row("v4", llama)).description).toMatch(/^@challenger @champion · /);

    // Nothing changed: a poll fires nothing.
    t.fired.length = 0;
    await t.catalog.poll();
    t.provider.repaint();
    expect(t.fired).toEqual([]);
  });

  test("registry text cannot inject HTML, links or commands into a tooltip, and a ~100 KB description is cut", async () => {
    const { registry } = await registryOf();
    const t = treeOf(registry);
    await t.catalog.loadModels();
    const triton = t.item(await t.row(mlflowDemo.triton));
    const md = triton.tooltip as FakeMarkdownString & { isTrusted?: boolean; supportHtml?: boolean };
    expect(md.isTrusted).toBe(false);
    expect(md.supportHtml).toBe(false);
    expect(md.value).not.toMatch(/(?<!\\)<script/);
    expect(md.value).not.toMatch(/(?<!\\)\[Run me(?<!\\)\]/);
    expect(md.value).toContain("\\[Run me\\]\\(command:workbench\\.action\\.terminal\\.new\\)");

    const v3 = t.item(await t.row("v3", await t.row(mlflowDemo.triton)));
    expect(v3.description).toContain("Production");
    expect(tooltip(v3)).toContain("\\[click\\]\\(https://attacker\\.example\\)");

    const bert = await t.row(mlflowDemo.bert);
    const v1 = t.item(await t.row("v1", bert));
    expect(tooltip(v1).length).toBeLessThan(5_000);
    expect(tooltip(v1)).toMatch(/characters; the rest is in MLflow/);
  });

  test("names with a space, a slash, a quote and non-ASCII letters list their own versions under distinct ids", async () => {
    const { registry } = await registryOf();
    const t = treeOf(registry);
    await t.catalog.loadModels();
    const names = [mlflowDemo.spaced, mlflowDemo.slashed, mlflowDemo.quoted, mlflowDemo.unicode];
    const rows = await Promise.all(names.map((n) => t.row(n)));
    expect(new Set(rows.map((r) => r.id)).size).toBe(4);
    expect(await t.labels(rows[0])).toEqual(["v2", "v1"]);
    expect(await t.labels(rows[1])).toEqual(["v1"]);
    expect(await t.labels(rows[2])).toEqual(["v1"]);
    expect(await t.labels(rows[3])).toEqual(["v2", "v1"]);
    for (const name of names) expect(t.catalog.versionsOf(name)?.items.every((v) => v.name === name)).toBe(true);
    expect(t.item(rows[3]!).description).toContain("@champion v1");
  });

  test("a filter lists only matching models; findings about the whole registry are not shown under it", async () => {
    const { registry } = await registryOf();
    const t = treeOf(registry, demoCluster(), "name ILIKE '%llama%'");
    await t.catalog.loadModels();
    await t.servedBy.refresh(new AbortController().signal);
    expect(await t.labels()).toEqual([mlflowDemo.llama]);
  });
});
