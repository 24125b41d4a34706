import { describe, expect, test } from "vitest";
import { pendingGpuPods } from "../../../../../src/core/kube/gpu/pendingGpuPods";
import { insufficientGpus } from "../../../../../src/core/kube/workloads/podScheduling";
import { ago, container, minutes, pod, podCondition, podEvent } from "../kubeObjects";

const gpu = (n: number) => [container("vllm", { limits: { "nvidia.com/gpu": String(n) } })];
const unschedulable = (message: string) => [podCondition("PodScheduled", "False", { reason: "Unschedulable", message })];

describe("pendingGpuPods", () => {
  const conditionMessage = "0/6 nodes are available: 2 Insufficient nvidia.com/gpu, 4 node(s) didn't match Pod's node affinity/selector.";
  const pods = [
    pod("z-from-condition", { phase: "Pending", containers: gpu(2), conditions: unschedulable(conditionMessage), createdAt: ago(minutes(7)) }),
    pod("a-from-event", { phase: "Pending", namespace: "research", containers: gpu(8), conditions: [] }),
    pod("b-bound-pulling", { phase: "Pending", node: "gpu-a", containers: gpu(1), conditions: [podCondition("PodScheduled", "True")] }),
    pod("c-not-gpu", { phase: "Pending", containers: [container("web", { requests: { cpu: "1" } })], conditions: unschedulable("0/6 nodes are available: 6 Insufficient cpu.") }),
    pod("d-running", { phase: "Running", node: "gpu-a", containers: gpu(1) }),
    pod("e-terminating", { phase: "Pending", containers: gpu(1), deleting: true, conditions: unschedulable(conditionMessage) }),
    pod("f-init-gpu", { phase: "Pending", initContainers: gpu(1), containers: [container("app")], conditions: unschedulable("0/6 nodes are available: 6 Insufficient nvidia.com/gpu.") }),
  ];
  const events = [
    { ...podEvent("a-from-event", "FailedScheduling", "0/6 nodes are available: 6 Insufficient cpu.", { at: ago(minutes(5)) }), involvedObject: { kind: "Pod", name: "a-from-event", namespace: "research", uid: "uid-a-from-event" } },
    { ...podEvent("a-from-event", "FailedScheduling", "0/6 nodes are available: 6 Insufficient nvidia.com/gpu.", { at: ago(minutes(1)) }), involvedObject: { kind: "Pod", name: "a-from-event", namespace: "research", uid: "uid-a-from-event" } },
  ];

  test("GPU pods that are Pending, with the scheduler's reason, sorted by namespace then name", () => {
    const result = pendingGpuPods(pods, events);
    expect(result.map((p) => `${p.namespace}/${p.name}`)).toEqual(["ml/b-bound-pulling", "ml/f-init-gpu", "ml/z-from-condition", "research/a-from-event"]);
    expect(result.find((p) => p.name === "z-from-condition")).toEqual({
      namespace: "ml",
      name: "z-from-condition",
      uid: "uid-z-from-condition",
      gpus: { "nvidia.com/gpu": 2 },
      createdAt: ago(minutes(7)).getTime(),
      boundTo: undefined,
      scheduling: { reason: "Unschedulable", message: conditionMessage, source: "condition", insufficientGpus: [{ resource: "nvidia.com/gpu", nodes: 2 }] },
    });
  });

  test("the latest FailedScheduling event stands in when there is no condition", () => {
    const fromEvent = pendingGpuPods(pods, events).find((p) => p.name === "a-from-event");
    expect(fromEvent?.scheduling).toEqual({
      reason: "FailedScheduling",
      message: "0/6 nodes are available: 6 Insufficient nvidia.com/gpu.",
      source: "event",
      insufficientGpus: [{ resource: "nvidia.com/gpu", nodes: 6 }],
    });
  });

  test("a pod the scheduler placed is pending on its node, not waiting for GPUs", () => {
    const bound = pendingGpuPods(pods, events).find((p) => p.name === "b-bound-pulling");
    expect(bound).toMatchObject({ boundTo: "gpu-a", scheduling: undefined });
  });

  test("an init container's GPUs make the pod a GPU pod", () => {
    expect(pendingGpuPods(pods, events).find((p) => p.name === "f-init-gpu")?.gpus).toEqual({ "nvidia.com/gpu": 1 });
  });
});

describe("insufficientGpus reads kube-scheduler's messages", () => {
  test.each([
    { message: "0/3 nodes are available: 3 Insufficient nvidia.com/gpu.", found: [{ resource: "nvidia.com/gpu", nodes: 3 }] },
    {
      message: "0/5 nodes are available: 1 Insufficient cpu, 2 Insufficient nvidia.com/mig-1g.5gb, 2 node(s) had untolerated taint {nvidia.com/gpu: present}. preemption: 0/5 nodes are available: 2 Insufficient nvidia.com/mig-1g.5gb.",
      found: [{ resource: "nvidia.com/mig-1g.5gb", nodes: 2 }],
    },
    { message: "0/2 nodes are available: 2 Insufficient amd.com/gpu, 2 Insufficient memory.", found: [{ resource: "amd.com/gpu", nodes: 2 }] },
    { message: "0/4 nodes are available: 4 Insufficient memory.", found: [] },
  ])("$message", ({ message, found }) => {
    expect(insufficientGpus(message)).toEqual(found);
  });
});
