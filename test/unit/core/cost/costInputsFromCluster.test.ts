/**
 * The cost model's nodes and pods from cluster objects: when each ran inside the window (pod
 * start and finish as the kubelet reports them in status), the capacity and requests that are
 * priced (effective requests as the scheduler counts them, MIG slices and time-sliced replicas as
 * shares of a physical GPU), the service and team each pod is charged to, and the marks for what
 * the cluster cannot know.
 */
import type { V1Namespace, V1Node, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { CostWindow } from "../../../../src/core/cost/costInputs";
import { costInputsFromObjects } from "../../../../src/core/cost/costInputsFromCluster";
import { serviceOfPod } from "../../../../src/core/cost/serviceOfPod";

const day = 86_400;
const end = Date.UTC(2026, 11, 1) / 1000;
const window: CostWindow = { start: end - 7 * day, end, duration: "7d" };
const iso = (t: number) => new Date(t * 1000).toISOString();

function node(name: string, opts: { created?: number; labels?: Record<string, string>; capacity?: Record<string, string>; deleting?: number } = {}): V1Node {
  return {
    metadata: {
      name,
      creationTimestamp: iso(opts.created ?? end - 30 * day) as unknown as Date,
      ...(opts.deleting !== undefined ? { deletionTimestamp: iso(opts.deleting) as unknown as Date } : {}),
      labels: opts.labels ?? {},
    },
    status: { capacity: opts.capacity ?? { cpu: "8", memory: "32Gi" } },
  };
}

interface PodOpts {
  namespace?: string;
  node?: string;
  labels?: Record<string, string>;
  owner?: { kind: string; name: string };
  started?: number;
  phase?: string;
  finished?: number[];
  conditionsAt?: number[];
  containers?: { image?: string; requests?: Record<string, string>; limits?: Record<string, string> }[];
  init?: { requests?: Record<string, string> }[];
}

function pod(name: string, o: PodOpts = {}): V1Pod {
  return {
    metadata: {
      namespace: o.namespace ?? "llm-serving",
      name,
      labels: o.labels ?? {},
      ...(o.owner ? { ownerReferences: [{ apiVersion: "apps/v1", kind: o.owner.kind, name: o.owner.name, uid: "u", controller: true }] } : {}),
    },
    spec: {
      // "" stands for a pod the scheduler has not placed yet.
      ...(o.node === "" ? {} : { nodeName: o.node ?? "n1" }),
      containers: (o.containers ?? [{ requests: { cpu: "1", memory: "1Gi" } }]).map((c, i) => ({
        name: `c${i}`,
        image: c.image ?? "python:3.12",
        resources: { ...(c.requests ? { requests: c.requests } : {}), ...(c.limits ? { limits: c.limits } : {}) },
      })),
      ...(o.init ? { initContainers: o.init.map((c, i) => ({ name: `i${i}`, image: "busybox", resources: { requests: c.requests } })) } : {}),
    },
    status: {
      phase: o.phase ?? "Running",
      ...(o.started !== undefined ? { startTime: iso(o.started) as unknown as Date } : {}),
      ...(o.finished ? { containerStatuses: o.finished.map((t, i) => ({ name: `c${i}`, image: "x", imageID: "", ready: false, restartCount: 0, state: { terminated: { exitCode: 0, finishedAt: iso(t) as unknown as Date } } })) } : {}),
      ...(o.conditionsAt ? { conditions: o.conditionsAt.map((t) => ({ type: "Ready", status: "False", lastTransitionTime: iso(t) as unknown as Date })) } : {}),
    },
  };
}

const inputs = (nodes: V1Node[], pods: V1Pod[], namespaces: V1Namespace[] = []) => costInputsFromObjects(nodes, pods, namespaces, window, { teamLabel: "team" });

describe("serviceOfPod", () => {
  it.each([
    ["a Deployment's pod: the ReplicaSet's name minus the pod-template-hash", { owner: { kind: "ReplicaSet", name: "vllm-llama3-70b-7b4c9d6f8" }, labels: { "pod-template-hash": "7b4c9d6f8", "ai-platform/service": "llama3-70b" } }, "llm-serving/vllm-llama3-70b", "Deployment"],
    ["a KServe predictor: the InferenceService, not the predictor Deployment", { owner: { kind: "ReplicaSet", name: "sklearn-iris-predictor-5d8f7c9b6d" }, labels: { "pod-template-hash": "5d8f7c9b6d", "serving.kserve.io/inferenceservice": "sklearn-iris" } }, "llm-serving/sklearn-iris", "InferenceService"],
    ["a bare pod with our service label", { labels: { "ai-platform/service": "scratch" } }, "llm-serving/scratch", "Deployment"],
  ] as const)("%s", (_, o, key, kind) => {
    expect(serviceOfPod(pod("p", o as PodOpts))).toMatchObject({ key, kind });
  });

  it.each([
    ["a Job's pod", { owner: { kind: "Job", name: "train-1" } }],
    ["a StatefulSet's pod", { owner: { kind: "StatefulSet", name: "redis" } }],
    ["a bare ReplicaSet (no hash label)", { owner: { kind: "ReplicaSet", name: "manual-rs" } }],
    ["a static pod", {}],
  ])("%s serves no service", (_, o) => {
    expect(serviceOfPod(pod("p", o as PodOpts))).toBeUndefined();
  });
});

describe("costInputsFromObjects", () => {
  it("runs a pod from its start (or the window's) to now, and a finished one to its last container's finish", () => {
    const r = inputs(
      [node("n1")],
      [
        pod("old", { started: end - 30 * day }),
        pod("new", { started: end - 2 * day }),
        pod("job-done", { started: end - 3 * day, phase: "Succeeded", finished: [end - 3 * day + 600, end - 3 * day + 900] }),
        pod("evicted", { started: end - 1 * day, phase: "Failed", conditionsAt: [end - day + 60, end - day + 120] }),
        pod("long-gone", { started: end - 20 * day, phase: "Succeeded", finished: [end - 10 * day] }),
        pod("pending", { node: "" }),
      ],
    );
    const intervals = Object.fromEntries(r.pods.map((p) => [p.name, p.intervals]));
    expect(intervals).toEqual({
      old: [{ start: window.start, end }],
      new: [{ start: end - 2 * day, end }],
      "job-done": [{ start: end - 3 * day, end: end - 3 * day + 900 }],
      evicted: [{ start: end - day, end: end - day + 120 }],
    });
  });

  it("prices what the scheduler reserves: effective requests, with an init container's peak", () => {
    const r = inputs(
      [node("n1")],
      [pod("p", { started: end - day, containers: [{ requests: { cpu: "500m", memory: "1Gi" } }, { limits: { cpu: "1", memory: "2Gi" } }], init: [{ requests: { cpu: "4", memory: "512Mi" } }] })],
    );
    expect(r.pods[0]!.requests).toEqual({ cpuCores: 4, ramBytes: 3 * 2 ** 30, gpus: 0 });
  });

  it("counts physical GPUs: the feature-discovery count, MIG slices as sevenths, time-sliced replicas as shares", () => {
    const mig = node("mig", {
      labels: { "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB", "nvidia.com/mig.strategy": "mixed" },
      capacity: { cpu: "96", memory: "1857568436Ki", "nvidia.com/gpu": "0", "nvidia.com/mig-1g.10gb": "7" },
    });
    const counted = node("counted", { labels: { "nvidia.com/gpu.count": "8" }, capacity: { cpu: "96", memory: "900Gi", "nvidia.com/mig-1g.10gb": "56" } });
    const sliced = node("sliced", { labels: { "nvidia.com/gpu.replicas": "4", "nvidia.com/gpu.product": "Tesla-T4" }, capacity: { cpu: "4", memory: "28Gi", "nvidia.com/gpu": "4" } });
    const whole = node("whole", { capacity: { cpu: "24", memory: "220Gi", "nvidia.com/gpu": "1" } });
    const r = inputs(
      [mig, counted, sliced, whole],
      [
        pod("on-mig", { node: "mig", started: end - day, containers: [{ limits: { "nvidia.com/mig-1g.10gb": "1" }, requests: { cpu: "2", memory: "8Gi" } }] }),
        pod("on-mig-3g", { node: "mig", started: end - day, containers: [{ limits: { "nvidia.com/mig-3g.40gb": "1" } }] }),
        pod("on-sliced", { node: "sliced", started: end - day, containers: [{ limits: { "nvidia.com/gpu": "1" } }] }),
        pod("on-whole", { node: "whole", started: end - day, containers: [{ limits: { "nvidia.com/gpu": "1" } }] }),
      ],
    );
    expect(Object.fromEntries(r.nodes.map((n) => [n.name, n.capacity.gpus]))).toEqual({ mig: 1, counted: 8, sliced: 1, whole: 1 });
    expect(r.nodes.find((n) => n.name === "mig")!.capacity).toMatchObject({ cpuCores: 96, ramBytes: 1857568436 * 1024 });
    const gpus = Object.fromEntries(r.pods.map((p) => [p.name, p.requests.gpus]));
    expect(gpus["on-mig"]).toBeCloseTo(1 / 7, 12);
    expect(gpus["on-mig-3g"]).toBeCloseTo(3 / 7, 12);
    expect(gpus["on-sliced"]).toBe(0.25);
    expect(gpus["on-whole"]).toBe(1);
  });

  it("reads the instance type (or the beta label), the pool and the GPU product; a node that came inside the window is marked", () => {
    const r = inputs([
      node("a", { labels: { "node.kubernetes.io/instance-type": "Standard_NC24ads_A100_v4", "kubernetes.azure.com/agentpool": "a100pool", "nvidia.com/gpu.product": "NVIDIA-A100-PCIE-80GB" } }),
      node("b", { labels: { "beta.kubernetes.io/instance-type": "Standard_D8s_v5" }, created: end - 2 * day }),
      node("c", { created: end - 40 * day, deleting: end - 3 * day }),
      node("future", { created: end + 60 }),
    ], []);
    expect(r.nodes.map((n) => [n.name, n.instanceType, n.pool, n.gpuProduct])).toEqual([
      ["a", "Standard_NC24ads_A100_v4", "a100pool", "NVIDIA-A100-PCIE-80GB"],
      ["b", "Standard_D8s_v5", "(no pool)", undefined],
      ["c", undefined, "(no pool)", undefined],
    ]);
    expect(r.nodes[1]!.intervals).toEqual([{ start: end - 2 * day, end }]);
    expect(r.nodes[2]!.intervals).toEqual([{ start: window.start, end: end - 3 * day }]);
    expect(r.estimates).toContainEqual(expect.objectContaining({ code: "partial-window", subject: "node b" }));
    expect(r.estimates.filter((e) => e.code === "partial-window")).toHaveLength(1);
  });

  it("charges a pod to its team label, else its namespace's", () => {
    const r = inputs(
      [node("n1")],
      [pod("labelled", { started: end - day, labels: { team: "search" } }), pod("inherits", { started: end - day }), pod("none", { namespace: "other", started: end - day })],
      [{ metadata: { name: "llm-serving", labels: { team: "llm" } } }],
    );
    expect(Object.fromEntries(r.pods.map((p) => [p.name, p.team]))).toEqual({ labelled: "search", inherits: "llm", none: undefined });
  });

  it("lists services with their runtime, and marks those whose pods all started inside the window", () => {
    const rs = (name: string, hash: string) => ({ owner: { kind: "ReplicaSet", name: `${name}-${hash}` }, labels: { "pod-template-hash": hash } });
    const r = inputs(
      [node("n1")],
      [
        pod("chat-7b4c9d6f8-aaaaa", { ...rs("chat", "7b4c9d6f8"), started: end - 30 * day, containers: [{ image: "vllm/vllm-openai:v0.6.3" }] }),
        pod("chat-7b4c9d6f8-bbbbb", { ...rs("chat", "7b4c9d6f8"), started: end - day, containers: [{ image: "vllm/vllm-openai:v0.6.3" }] }),
        pod("resnet-5d8f7c9b6d-ccccc", { ...rs("resnet", "5d8f7c9b6d"), started: end - day, containers: [{ image: "nvcr.io/nvidia/tritonserver:24.08-py3" }] }),
        pod("iris-predictor-00001-deployment-6f8d9c7b5-ddddd", { labels: { "serving.kserve.io/inferenceservice": "iris" }, started: end - 10 * day, containers: [{ image: "registry/custom:1" }] }),
      ],
    );
    expect(r.services.map((s) => [s.key, s.kind, s.runtime])).toEqual([
      ["llm-serving/chat", "Deployment", "vllm"],
      ["llm-serving/iris", "InferenceService", "kserve"],
      ["llm-serving/resnet", "Deployment", "triton"],
    ]);
    expect(r.pods.find((p) => p.name.startsWith("chat"))!.service).toBe("llm-serving/chat");
    expect(r.estimates.filter((e) => e.code === "history-unknown").map((e) => e.subject)).toEqual(["service llm-serving/resnet"]);
  });
});
