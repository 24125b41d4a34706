import { describe, expect, test } from "vitest";
import { groupNodePools, nodePoolOf } from "../../../../../src/core/kube/gpu/nodePools";
import { container, node, pod } from "../kubeObjects";

describe("nodePoolOf", () => {
  test.each<{ name: string; labels: Record<string, string>; pool: { name: string; source: string } }>([
    { name: "AKS agent pool", labels: { "kubernetes.azure.com/agentpool": "gpua100" }, pool: { name: "gpua100", source: "kubernetes.azure.com/agentpool" } },
    { name: "GKE node pool", labels: { "cloud.google.com/gke-nodepool": "l4-pool" }, pool: { name: "l4-pool", source: "cloud.google.com/gke-nodepool" } },
    { name: "EKS node group", labels: { "eks.amazonaws.com/nodegroup": "h100-ng" }, pool: { name: "h100-ng", source: "eks.amazonaws.com/nodegroup" } },
    {
      name: "a cloud pool label wins over the GPU product",
      labels: { "kubernetes.azure.com/agentpool": "gpua100", "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB" },
      pool: { name: "gpua100", source: "kubernetes.azure.com/agentpool" },
    },
    { name: "falls back to the GPU product", labels: { "nvidia.com/gpu.product": "NVIDIA-L4" }, pool: { name: "NVIDIA-L4", source: "nvidia.com/gpu.product" } },
    { name: "an empty pool label is no label", labels: { "kubernetes.azure.com/agentpool": "", "nvidia.com/gpu.product": "NVIDIA-L4" }, pool: { name: "NVIDIA-L4", source: "nvidia.com/gpu.product" } },
    { name: "nothing to go on", labels: {}, pool: { name: "(no pool)", source: "none" } },
  ])("$name", ({ labels, pool }) => {
    expect(nodePoolOf(node("n", { labels }))).toEqual(pool);
  });
});

describe("groupNodePools", () => {
  const aks = (name: string, extra: Parameters<typeof node>[1] = {}) =>
    node(name, {
      labels: { "kubernetes.azure.com/agentpool": "gpua100", "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB" },
      allocatable: { "nvidia.com/gpu": "8", "nvidia.com/mig-1g.10gb": "0" },
      ...extra,
    });
  const nodes = [
    node("bare-1", { allocatable: { "nvidia.com/gpu": "1" } }),
    aks("aks-gpua100-1", { unschedulable: true }),
    node("lab-l4", { labels: { "nvidia.com/gpu.product": "NVIDIA-L4" }, allocatable: { "nvidia.com/gpu": "1" } }),
    aks("aks-gpua100-0"),
    node("mig-0", {
      labels: { "kubernetes.azure.com/agentpool": "gpua100mig" },
      allocatable: { "nvidia.com/mig-1g.10gb": "7", "nvidia.com/mig-3g.40gb": "2" },
      conditions: [{ type: "Ready", status: "False", reason: "KubeletNotReady" }],
    }),
    node("mig-1", { labels: { "kubernetes.azure.com/agentpool": "gpua100mig" }, allocatable: { "nvidia.com/mig-1g.10gb": "7" } }),
  ];
  const pods = [
    pod("chat-a", { node: "aks-gpua100-0", containers: [container("vllm", { limits: { "nvidia.com/gpu": "4" } })] }),
    pod("chat-b", { node: "aks-gpua100-1", containers: [container("vllm", { limits: { "nvidia.com/gpu": "2" } })] }),
    pod("small-a", { node: "mig-0", containers: [container("c", { limits: { "nvidia.com/mig-1g.10gb": "1" } })] }),
    pod("small-b", { node: "mig-1", containers: [container("c", { limits: { "nvidia.com/mig-1g.10gb": "2" } })] }),
    pod("mid-a", { node: "mig-0", containers: [container("c", { limits: { "nvidia.com/mig-3g.40gb": "1" } })] }),
  ];

  test("pools sorted by name with (no pool) last, nodes sorted, totals per pool", () => {
    const pools = groupNodePools(nodes, pods);
    expect(pools.map((p) => [p.name, p.nodes.map((n) => n.node)])).toEqual([
      ["gpua100", ["aks-gpua100-0", "aks-gpua100-1"]],
      ["gpua100mig", ["mig-0", "mig-1"]],
      ["NVIDIA-L4", ["lab-l4"]],
      ["(no pool)", ["bare-1"]],
    ]);
    expect(pools[0]?.totals).toEqual({ nodes: 2, readyNodes: 2, cordonedNodes: 1, gpus: { allocatable: 16, allocated: 6 }, mig: { "1g.10gb": { allocatable: 0, allocated: 0 } } });
    expect(pools[1]?.totals).toEqual({
      nodes: 2,
      readyNodes: 1,
      cordonedNodes: 0,
      gpus: { allocatable: 0, allocated: 0 },
      mig: { "1g.10gb": { allocatable: 14, allocated: 3 }, "3g.40gb": { allocatable: 2, allocated: 1 } },
    });
    expect(pools[3]?.totals.gpus).toEqual({ allocatable: 1, allocated: 0 });
  });

  test("no nodes, no pools", () => {
    expect(groupNodePools([], pods)).toEqual([]);
  });
});
