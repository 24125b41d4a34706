import { describe, expect, test, vi } from "vitest";
import { ClusterModel, type ClusterModelChange } from "../../../../src/core/kube/cache/clusterModel";
import { ResourceTypes } from "../../../../src/core/kube/client/resourceTypes";
import type { ClusterConnection } from "../../../../src/editor/clusterConnection";
import { DeploymentsTreeProvider } from "../../../../src/editor/views/deployments/deploymentsTreeProvider";
import { GpuNodesTreeProvider } from "../../../../src/editor/views/gpuNodes/gpuNodesTreeProvider";
import { changedRowIds } from "../../../../src/editor/cost/costTreeText";
import type { CostReport } from "../../../../src/shared/protocol/cost";
import { costRow, sampleCostReport } from "../../cli/costReportFixture";
import { FakeCache } from "../../core/kube/cache/clusterModelChanges";
import { container, deployment, node, pod } from "../../core/kube/kubeObjects";
import type { FakeTreeItem } from "./fakeTreeVscode";

vi.mock("vscode", async () => (await import("./fakeTreeVscode")).fakeTreeVscode);

const pool = { "kubernetes.azure.com/agentpool": "a100pool" };
const gpuContainer = container("vllm", { image: "vllm/vllm-openai:v0.6.3", limits: { "nvidia.com/gpu": "1" } });

/** Two A100 nodes with two GPUs each, three of the four held by pods of llm-serving/vllm-llama3-70b. */
function cluster(): { connection: ClusterConnection; cache: FakeCache } {
  const cache = new FakeCache();
  cache.put(ResourceTypes.nodes, [0, 1].map((i) => node(`aks-a100pool-${i}`, { labels: pool, allocatable: { "nvidia.com/gpu": "2" } })));
  const d = deployment("vllm-llama3-70b", { containers: [gpuContainer], replicas: 3 });
  cache.put(ResourceTypes.deployments, [{ ...d, metadata: { ...d.metadata, namespace: "llm-serving" } }]);
  cache.put(
    ResourceTypes.pods,
    [0, 1, 2].map((i) => {
      const p = pod(`vllm-llama3-70b-abc-${i}`, { containers: [gpuContainer], phase: "Running", node: `aks-a100pool-${i % 2}` });
      return { ...p, metadata: { ...p.metadata, namespace: "llm-serving", labels: { app: "vllm-llama3-70b" }, ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "vllm-llama3-70b-abc", uid: "uid-rs", controller: true }] } };
    }),
  );
  const model = new ClusterModel(cache, { showAllDeployments: true });
  const none = (): { dispose(): void } => ({ dispose: () => undefined });
  const connection = {
    state: { kind: "synced", context: { name: "aks-prod" }, namespace: undefined },
    model,
    onDidChangeModel: none,
    onDidChangeModelData: (l: (c: ClusterModelChange) => void) => model.onDidChange(l),
    onDidChangeState: none,
  } as unknown as ClusterConnection;
  return { connection, cache };
}

const tooltip = (item: FakeTreeItem): string => (typeof item.tooltip === "string" ? item.tooltip : (item.tooltip?.value ?? ""));

describe("GPU Nodes rows", () => {
  test("without a cost report: allocation and idle GPUs from the cluster, no cost figures", () => {
    const provider = new GpuNodesTreeProvider(cluster().connection);
    const [poolRow] = provider.getChildren();
    const item = provider.getTreeItem(poolRow!) as unknown as FakeTreeItem;
    expect(item.description).toBe("3/4 GPUs · 1 idle · 2/2 nodes ready");
    expect(item.tooltip).toBeUndefined();
    const nodes = provider.getChildren(poolRow);
    expect(nodes.map((n) => (provider.getTreeItem(n) as unknown as FakeTreeItem).description)).toEqual(["2/2 GPU", "1/2 GPU · 1 idle"]);
  });

  test("with one: utilisation now and over 1 h, and the pool's cost per hour; a defaulted price says estimate", () => {
    const provider = new GpuNodesTreeProvider(cluster().connection);
    let report: CostReport = sampleCostReport({ nodes: sampleCostReport().nodes.map((n, i) => (i === 0 ? { ...n, node: "aks-a100pool-0" } : i === 1 ? { ...n, node: "aks-a100pool-1", gpuUtilisationNowPct: 3, gpuUtilisation1hPct: 4.4 } : n)) });
    provider.costOf = () => report;
    const [poolRow] = provider.getChildren();
    expect((provider.getTreeItem(poolRow!) as unknown as FakeTreeItem).description).toBe("3/4 GPUs · 1 idle · 2/2 nodes ready · util 71% now · 65% 1h · $9.54/h");
    const [first, second] = provider.getChildren(poolRow).map((n) => provider.getTreeItem(n) as unknown as FakeTreeItem);
    expect(second?.description).toBe("1/2 GPU · 1 idle · util 3% now · 4% 1h");
    expect(tooltip(first!)).toContain("**Cost** · $4.77/h from the shipped price book");
    report = { ...report, nodes: report.nodes.map((n) => (n.pool === "a100pool" ? { ...n, priceOrigin: "default" as const } : n)) };
    expect((provider.getTreeItem(poolRow!) as unknown as FakeTreeItem).description).toMatch(/\$9\.54\/h estimate$/);
  });

  test("a new report fires only the rows whose figures changed", () => {
    const provider = new GpuNodesTreeProvider(cluster().connection);
    const fired: unknown[] = [];
    provider.onDidChangeTreeData((e) => fired.push(e));
    const [poolRow] = provider.getChildren();
    provider.getChildren(poolRow);
    const base = sampleCostReport({ nodes: sampleCostReport().nodes.map((n, i) => ({ ...n, node: i < 2 ? `aks-a100pool-${i}` : n.node })) });
    provider.costOf = () => base;
    const before = provider.costKeys();
    const hotter = { ...base, nodes: base.nodes.map((n) => (n.node === "aks-a100pool-1" ? { ...n, gpuUtilisationNowPct: 99 } : n)) };
    provider.costOf = () => hotter;
    provider.refreshCostRows(changedRowIds(before, provider.costKeys()));
    expect(fired).toEqual([[{ type: "node", id: "node/aks-a100pool-1", pool: "a100pool", node: "aks-a100pool-1" }]]);
  });
});

describe("Deployments tooltips", () => {
  test("a workload's tooltip has its cost per 1K inferences and GPU efficiency once a report has its service", () => {
    const { connection } = cluster();
    const provider = new DeploymentsTreeProvider(connection, () => undefined);
    const [ns] = provider.getChildren();
    const [workload] = provider.getChildren(ns);
    expect(tooltip(provider.getTreeItem(workload!) as unknown as FakeTreeItem)).not.toMatch(/per 1K/);
    provider.costOf = () => sampleCostReport({ rows: [costRow("llm-serving/vllm-llama3-70b", { costPer1k: 5.98, gpuEfficiency: 0.21, estimates: ["partial-window"] })] });
    const text = tooltip(provider.getTreeItem(workload!) as unknown as FakeTreeItem);
    expect(text).toContain("**$5.98 per 1K inferences** estimate · GPU efficiency 21%");
    expect(provider.costKeys().size).toBe(1);
  });
});
