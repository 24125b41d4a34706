import type { CoreV1Event, V1Node, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { podFindings } from "../../../../src/core/triage/triageFindings";

const now = Date.parse("2026-12-01T10:00:00Z");
const iso = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();

function pod(name: string, hash: string, status: V1Pod["status"], spec: Partial<NonNullable<V1Pod["spec"]>> = {}): V1Pod {
  return {
    metadata: { name, namespace: "ml", uid: `uid-${name}`, creationTimestamp: new Date(iso(30)), labels: { app: "scorer", "pod-template-hash": hash } },
    spec: { containers: [{ name: "app", image: "acr.io/scorer:2.0", resources: { limits: { memory: "2Gi" } } }], ...spec },
    status,
  };
}

/** The kubelet's status of a container in back-off after exiting with `exitCode`. */
function crashLooping(name: string, exitCode: number, restarts: number, reason = "Error"): V1Pod {
  return pod(name, "7f9c8d6b5", {
    phase: "Running",
    containerStatuses: [
      {
        name: "app",
        image: "acr.io/scorer:2.0",
        imageID: "",
        ready: false,
        restartCount: restarts,
        state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 5m0s restarting failed container" } },
        lastState: { terminated: { exitCode, reason, finishedAt: new Date(iso(1)) } },
      },
    ],
  });
}

function findings(input: { pods: V1Pod[]; events?: CoreV1Event[]; nodes?: V1Node[] | null; warnings?: CoreV1Event[] }) {
  return podFindings({ pods: input.pods, events: input.events ?? [], nodes: input.nodes === undefined ? [] : input.nodes, warnings: input.warnings ?? [], now });
}

describe("podFindings", () => {
  it("a crash loop is the code's, with the app's exit code and restarts, pinned on its pods' template hash", () => {
    const r = findings({ pods: [crashLooping("scorer-7f9c8d6b5-abcde", 1, 14), crashLooping("scorer-7f9c8d6b5-fghij", 1, 13)] });
    expect(r.findings).toHaveLength(1);
    const [f] = r.findings;
    expect(f).toMatchObject({ class: "crash-loop", side: "code", pods: ["scorer-7f9c8d6b5-abcde", "scorer-7f9c8d6b5-fghij"] });
    expect(f!.evidence[0]).toMatchObject({ kind: "pod-problem", pod: "scorer-7f9c8d6b5-abcde", container: "app", reason: "CrashLoopBackOff", exitCode: 1, restarts: 14 });
    expect(f!.evidence[0]!.fact).toBe("pod scorer-7f9c8d6b5-abcde container app: CrashLoopBackOff, 14 restarts, last exit 1 (Error)");
    expect([...r.hashes.get("crash-loop")!]).toEqual(["7f9c8d6b5"]);
  });

  it("an OOM kill is the platform's (against the memory limit), exit 137, with the limit", () => {
    const r = findings({ pods: [crashLooping("scorer-7f9c8d6b5-abcde", 137, 3, "OOMKilled")] });
    expect(r.findings.map((f) => [f.class, f.side])).toEqual([["oom", "platform"]]);
    expect(r.findings[0]!.evidence[0]).toMatchObject({ exitCode: 137, memoryLimit: "2Gi", reason: "OOMKilled" });
  });

  it("an image that cannot be pulled is the platform's", () => {
    const p = pod("scorer-7f9c8d6b5-abcde", "7f9c8d6b5", {
      phase: "Pending",
      containerStatuses: [{ name: "app", image: "acr.io/scorer:2.0", imageID: "", ready: false, restartCount: 0, state: { waiting: { reason: "ImagePullBackOff", message: "Back-off pulling image" } } }],
    });
    expect(findings({ pods: [p] }).findings.map((f) => [f.class, f.side])).toEqual([["image-pull", "platform"]]);
  });

  it("a pending pod the scheduler says lacks GPUs is GPU starvation, with the scheduler's message and the GPUs asked", () => {
    const message = "0/6 nodes are available: 4 Insufficient nvidia.com/gpu, 2 node(s) didn't match Pod's node affinity/selector.";
    const p = pod(
      "llm-5f7d8c9b6-x2k9p",
      "5f7d8c9b6",
      { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message }] },
      { containers: [{ name: "vllm", image: "vllm/vllm-openai:v0.6.3", resources: { requests: { "nvidia.com/gpu": "8" }, limits: { "nvidia.com/gpu": "8" } } }] },
    );
    const r = findings({ pods: [p] });
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ class: "gpu-starvation", side: "platform" });
    expect(r.findings[0]!.evidence[0]).toMatchObject({ kind: "scheduling", message, insufficientGpus: [{ resource: "nvidia.com/gpu", nodes: 4 }], gpusRequested: { "nvidia.com/gpu": 8 } });
  });

  it("a pending pod with no GPU shortage is a scheduling failure", () => {
    const message = "0/3 nodes are available: 3 node(s) had untolerated taint {dedicated: gpu}.";
    const p = pod("scorer-7f9c8d6b5-abcde", "7f9c8d6b5", { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message }] });
    expect(findings({ pods: [p] }).findings.map((f) => f.class)).toEqual(["scheduling"]);
  });

  it("pods on a node whose Ready condition is Unknown: node NotReady, naming the node and its pods", () => {
    const running = (name: string) =>
      pod(name, "7f9c8d6b5", { phase: "Running", containerStatuses: [{ name: "app", image: "x", imageID: "", ready: true, restartCount: 0, state: { running: {} } }] }, { nodeName: "aks-cpu-1" });
    const node: V1Node = { metadata: { name: "aks-cpu-1" }, status: { conditions: [{ type: "Ready", status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status." }] } };
    const r = findings({ pods: [running("scorer-7f9c8d6b5-aaaaa"), running("scorer-7f9c8d6b5-bbbbb")], nodes: [node] });
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ class: "node-not-ready", side: "platform", nodes: ["aks-cpu-1"], pods: ["scorer-7f9c8d6b5-aaaaa", "scorer-7f9c8d6b5-bbbbb"] });
    // One fact for the node, not one per pod.
    expect(r.findings[0]!.evidence.map((e) => e.fact)).toEqual(["node aks-cpu-1: Ready Unknown (NodeStatusUnknown), running scorer-7f9c8d6b5-aaaaa, scorer-7f9c8d6b5-bbbbb"]);
  });

  it("nodes that could not be read give no node finding (a blind spot, said elsewhere)", () => {
    const p = pod("scorer-7f9c8d6b5-aaaaa", "7f9c8d6b5", { phase: "Running" }, { nodeName: "aks-cpu-1" });
    expect(findings({ pods: [p], nodes: null }).findings).toEqual([]);
  });

  it("the ReplicaSet controller's FailedCreate for an exceeded quota is a quota finding", () => {
    const warning: CoreV1Event = {
      metadata: { name: "scorer-7f9c8d6b5.1" },
      involvedObject: { kind: "ReplicaSet", name: "scorer-7f9c8d6b5" },
      type: "Warning",
      reason: "FailedCreate",
      message: 'Error creating: pods "scorer-7f9c8d6b5-q2w3e" is forbidden: exceeded quota: gpu-quota, requested: requests.nvidia.com/gpu=1, used: requests.nvidia.com/gpu=4, limited: requests.nvidia.com/gpu=4',
      count: 7,
      lastTimestamp: new Date(iso(2)),
    };
    const r = findings({ pods: [], warnings: [warning] });
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ class: "quota", side: "platform" });
    expect(r.findings[0]!.evidence[0]!.fact).toBe(`ReplicaSet scorer-7f9c8d6b5: FailedCreate ×7: ${warning.message}`);
  });

  it("healthy pods: nothing", () => {
    const p = pod("scorer-7f9c8d6b5-aaaaa", "7f9c8d6b5", {
      phase: "Running",
      conditions: [{ type: "Ready", status: "True" }],
      containerStatuses: [{ name: "app", image: "x", imageID: "", ready: true, restartCount: 0, state: { running: {} } }],
    });
    expect(findings({ pods: [p] }).findings).toEqual([]);
  });
});
