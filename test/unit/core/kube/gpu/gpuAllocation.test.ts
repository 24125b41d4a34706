import { describe, expect, test } from "vitest";
import { gpuAllocations, isGpuNode, nodeGpuAllocation, podGpuRequests, type GpuUtilisation } from "../../../../../src/core/kube/gpu/gpuAllocation";
import { container, node, pod } from "../kubeObjects";

const gfd = { "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB", "nvidia.com/gpu.memory": "81920", "nvidia.com/gpu.count": "8", "nvidia.com/gpu.present": "true" };
const a100 = node("aks-gpua100-0", { labels: gfd, allocatable: { cpu: "94", memory: "1800Gi", "nvidia.com/gpu": "8" } });
const gpus = (n: number) => ({ "nvidia.com/gpu": String(n) });

describe("podGpuRequests", () => {
  test.each([
    { name: "limits only: the request defaults to the limit", p: pod("p", { containers: [container("c", { limits: gpus(2) })] }), expected: { "nvidia.com/gpu": 2 } },
    {
      name: "an init container asking for more than the app containers sets the pod's request",
      p: pod("p", { initContainers: [container("warmup", { limits: gpus(4) })], containers: [container("c", { limits: gpus(1) })] }),
      expected: { "nvidia.com/gpu": 4 },
    },
    {
      name: "app containers are summed",
      p: pod("p", { containers: [container("a", { limits: gpus(1) }), container("b", { requests: gpus(2), limits: gpus(2) })] }),
      expected: { "nvidia.com/gpu": 3 },
    },
    { name: "CPU and memory are not GPUs", p: pod("p", { containers: [container("c", { requests: { cpu: "8", memory: "32Gi" } })] }), expected: {} },
    { name: "MIG slices are their own resource", p: pod("p", { containers: [container("c", { limits: { "nvidia.com/mig-1g.10gb": "1" } })] }), expected: { "nvidia.com/mig-1g.10gb": 1 } },
  ])("$name", ({ p, expected }) => {
    expect(Object.fromEntries(podGpuRequests(p))).toEqual(expected);
  });
});

describe("nodeGpuAllocation", () => {
  test("counts the effective requests of non-terminated pods bound to the node", () => {
    const pods = [
      pod("chat-a", { node: "aks-gpua100-0", containers: [container("vllm", { limits: gpus(2) })] }),
      pod("batch-b", { node: "aks-gpua100-0", initContainers: [container("warmup", { limits: gpus(4) })], containers: [container("app", { limits: gpus(1) })] }),
      pod("done-c", { node: "aks-gpua100-0", phase: "Succeeded", containers: [container("job", { limits: gpus(1) })] }),
      pod("failed-d", { node: "aks-gpua100-0", phase: "Failed", containers: [container("job", { limits: gpus(2) })] }),
      pod("starting-e", { node: "aks-gpua100-0", phase: "Pending", containers: [container("triton", { limits: gpus(1) })] }),
      pod("elsewhere-f", { node: "aks-gpua100-1", containers: [container("vllm", { limits: gpus(8) })] }),
      pod("unscheduled-g", { phase: "Pending", containers: [container("vllm", { limits: gpus(8) })] }),
      pod("web-h", { node: "aks-gpua100-0", containers: [container("web", { requests: { cpu: "1" } })] }),
    ];
    const allocation = nodeGpuAllocation(a100, pods);
    // 2 (limits only) + 4 (init container wins over 1) + 1 (bound, still starting) = 7; Succeeded and Failed pods hold nothing.
    expect(allocation.gpus).toEqual([
      {
        resource: "nvidia.com/gpu",
        migProfile: undefined,
        allocatable: 8,
        allocated: 7,
        pods: [
          { namespace: "ml", name: "batch-b", count: 4 },
          { namespace: "ml", name: "chat-a", count: 2 },
          { namespace: "ml", name: "starting-e", count: 1 },
        ],
      },
    ]);
    expect(allocation.mig).toEqual([]);
    expect(allocation).toMatchObject({
      node: "aks-gpua100-0",
      product: "NVIDIA-A100-SXM4-80GB",
      memoryMiB: 81920,
      physicalGpus: 8,
      sharedReplicas: undefined,
      ready: "True",
      pressures: [],
      taints: [],
      cordoned: false,
    });
    expect(allocation.utilisation).toBeUndefined();
  });

  test("MIG mixed strategy: each profile listed separately from whole GPUs", () => {
    const n = node("gpu-mig-0", {
      labels: { ...gfd, "nvidia.com/gpu.count": "2", "nvidia.com/mig.strategy": "mixed" },
      allocatable: { "nvidia.com/gpu": "1", "nvidia.com/mig-1g.10gb": "7", "nvidia.com/mig-3g.40gb": "0" },
    });
    const pods = [
      ...[1, 2, 3].map((i) => pod(`small-${i}`, { node: "gpu-mig-0", containers: [container("c", { limits: { "nvidia.com/mig-1g.10gb": "1" } })] })),
      pod("big", { node: "gpu-mig-0", containers: [container("c", { limits: gpus(1) })] }),
    ];
    const allocation = nodeGpuAllocation(n, pods);
    expect(allocation.migStrategy).toBe("mixed");
    expect(allocation.gpus.map((g) => [g.resource, g.allocatable, g.allocated])).toEqual([["nvidia.com/gpu", 1, 1]]);
    expect(allocation.mig.map((g) => [g.migProfile, g.allocatable, g.allocated])).toEqual([
      ["1g.10gb", 7, 3],
      ["3g.40gb", 0, 0],
    ]);
  });

  test("a pod holding GPUs the node no longer advertises still shows (device plugin down)", () => {
    const n = node("gpu-broken", { labels: gfd, allocatable: { cpu: "94" } });
    const allocation = nodeGpuAllocation(n, [pod("chat", { node: "gpu-broken", containers: [container("c", { limits: gpus(2) })] })]);
    expect(allocation.gpus.map((g) => [g.resource, g.allocatable, g.allocated])).toEqual([["nvidia.com/gpu", 0, 2]]);
  });

  test("time-slicing: allocatable counts replicas, the labels give the physical GPUs", () => {
    const n = node("gpu-ts", { labels: { "nvidia.com/gpu.product": "Tesla-T4", "nvidia.com/gpu.count": "1", "nvidia.com/gpu.replicas": "4" }, allocatable: gpus(4) });
    expect(nodeGpuAllocation(n, [])).toMatchObject({ physicalGpus: 1, sharedReplicas: 4, gpus: [{ allocatable: 4, allocated: 0 }] });
  });

  test("conditions, taints and cordon", () => {
    const n = node("gpu-sick", {
      labels: gfd,
      allocatable: gpus(8),
      unschedulable: true,
      taints: [
        { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" },
        { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" },
      ],
      conditions: [
        { type: "MemoryPressure", status: "True", reason: "KubeletHasInsufficientMemory", message: "kubelet has insufficient memory available" },
        { type: "DiskPressure", status: "False" },
        { type: "PIDPressure", status: "False" },
        { type: "Ready", status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status." },
      ],
    });
    expect(nodeGpuAllocation(n, [])).toMatchObject({
      ready: "Unknown",
      pressures: [{ type: "MemoryPressure", reason: "KubeletHasInsufficientMemory", message: "kubelet has insufficient memory available" }],
      taints: [
        { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" },
        { key: "node.kubernetes.io/unschedulable", value: undefined, effect: "NoSchedule" },
      ],
      cordoned: true,
    });
  });
});

describe("isGpuNode", () => {
  test.each([
    { name: "advertises nvidia.com/gpu", n: a100, gpu: true },
    { name: "advertises only MIG slices", n: node("mig", { allocatable: { "nvidia.com/mig-1g.5gb": "7" } }), gpu: true },
    { name: "advertises amd.com/gpu", n: node("mi300", { allocatable: { "amd.com/gpu": "8" } }), gpu: true },
    { name: "GPU-feature-discovery found a GPU but the plugin reports none", n: node("broken", { labels: { "nvidia.com/gpu.present": "true" } }), gpu: true },
    { name: "a CPU node", n: node("cpu", { allocatable: { cpu: "16", memory: "64Gi" } }), gpu: false },
  ])("$name → $gpu", ({ n, gpu }) => {
    expect(isGpuNode(n)).toBe(gpu);
  });
});

describe("gpuAllocations", () => {
  test("indexes pods by node once and attaches utilisation by node name", () => {
    const util: GpuUtilisation = { sampledAt: 1, devices: [{ index: 0, utilisationPercent: 93, memoryUsedMiB: 70000 }] };
    const other = node("aks-gpua100-1", { labels: gfd, allocatable: gpus(8) });
    const result = gpuAllocations(
      [a100, other],
      [pod("a", { node: "aks-gpua100-1", containers: [container("c", { limits: gpus(8) })] })],
      new Map([["aks-gpua100-1", util]]),
    );
    expect(result.map((r) => [r.node, r.gpus[0]?.allocated, r.utilisation])).toEqual([
      ["aks-gpua100-0", 0, undefined],
      ["aks-gpua100-1", 8, util],
    ]);
  });
});
