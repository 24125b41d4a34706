/** Free GPUs per node and pool, as the scheduler counts them: only Ready, uncordoned nodes; only pods that still hold devices. */
import { describe, expect, test } from "vitest";
import { computeClusterCapacity } from "../../../../src/core/policy/clusterCapacity";
import { gpuNode, gpuPod } from "./policyFixtures";

describe("computeClusterCapacity", () => {
  const capacity = computeClusterCapacity(
    [
      gpuNode("a-0", { pool: "gpua100", product: "NVIDIA-A100-SXM4-80GB", gpus: 8 }),
      gpuNode("a-1", { pool: "gpua100", product: "NVIDIA-A100-SXM4-80GB", gpus: 8 }),
      gpuNode("a-cordoned", { pool: "gpua100", product: "NVIDIA-A100-SXM4-80GB", gpus: 8, cordoned: true }),
      gpuNode("a-down", { pool: "gpua100", product: "NVIDIA-A100-SXM4-80GB", gpus: 8, ready: false }),
      gpuNode("m-0", { pool: "gpumig", product: "NVIDIA-A100-SXM4-40GB", mig: { "1g.5gb": 7, "3g.20gb": 2 } }),
      gpuNode("cpu-0", { pool: "system" }),
    ],
    [
      gpuPod("p1", "a-0", "nvidia.com/gpu", 3),
      gpuPod("p2", "a-0", "nvidia.com/gpu", 2),
      gpuPod("finished", "a-1", "nvidia.com/gpu", 8, { phase: "Succeeded" }),
      gpuPod("on-cordoned", "a-cordoned", "nvidia.com/gpu", 1),
      gpuPod("m1", "m-0", "nvidia.com/mig-1g.5gb", 5),
    ],
  );

  test("pools sum the free devices of their eligible nodes, per product and resource, with the most free on one node", () => {
    expect(capacity.pools).toEqual([
      { pool: "gpua100", product: "NVIDIA-A100-SXM4-80GB", resource: "nvidia.com/gpu", migProfile: undefined, nodes: 2, allocatable: 16, free: 11, largestFreeOnNode: 8 },
      { pool: "gpumig", product: "NVIDIA-A100-SXM4-40GB", resource: "nvidia.com/mig-1g.5gb", migProfile: "1g.5gb", nodes: 1, allocatable: 7, free: 2, largestFreeOnNode: 2 },
      { pool: "gpumig", product: "NVIDIA-A100-SXM4-40GB", resource: "nvidia.com/mig-3g.20gb", migProfile: "3g.20gb", nodes: 1, allocatable: 2, free: 2, largestFreeOnNode: 2 },
    ]);
  });

  test("nodes keep their labels, free devices and who holds the rest; cordoned, NotReady and GPU-less nodes are left out", () => {
    expect(capacity.nodes.map((n) => n.name)).toEqual(["a-0", "a-1", "m-0"]);
    expect(capacity.nodes[0]).toMatchObject({
      pool: "gpua100",
      product: "NVIDIA-A100-SXM4-80GB",
      allocatable: { "nvidia.com/gpu": 8 },
      free: { "nvidia.com/gpu": 3 },
      holders: [
        { namespace: "other", pod: "p1", resource: "nvidia.com/gpu", count: 3 },
        { namespace: "other", pod: "p2", resource: "nvidia.com/gpu", count: 2 },
      ],
    });
    expect(capacity.nodes[0]?.labels["kubernetes.io/hostname"]).toBe("a-0");
  });

  test("pods asking more than a node has (after a device plugin restart) leave it at 0 free, not below", () => {
    const over = computeClusterCapacity([gpuNode("a-0", { gpus: 2 })], [gpuPod("big", "a-0", "nvidia.com/gpu", 4)]);
    expect(over.nodes[0]?.free).toEqual({ "nvidia.com/gpu": 0 });
  });
});
