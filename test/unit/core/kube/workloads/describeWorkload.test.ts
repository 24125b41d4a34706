import type { CoreV1Event, V1Deployment } from "@kubernetes/client-node";
import { describe, expect, test } from "vitest";
import { describeWorkload } from "../../../../../src/core/kube/workloads/describeWorkload";

const now = Date.parse("2026-11-23T12:00:00Z");
const deployment: V1Deployment = {
  metadata: { name: "vllm", namespace: "llm" },
  spec: { replicas: 2, selector: {}, template: {}, strategy: { type: "RollingUpdate" } },
  status: {
    replicas: 2,
    updatedReplicas: 2,
    availableReplicas: 1,
    unavailableReplicas: 1,
    conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: 'ReplicaSet "vllm-1" has timed out progressing.' }],
  },
};
const event = (type: string, reason: string, minutesAgo: number): CoreV1Event => ({
  metadata: { name: `${reason}.${minutesAgo}` },
  involvedObject: { kind: "Pod", name: "vllm-1-a" },
  type,
  reason,
  message: `${reason} happened`,
  lastTimestamp: new Date(now - minutesAgo * 60_000),
  count: 3,
});

describe("describeWorkload", () => {
  const text = describeWorkload({
    workload: { kind: "Deployment", namespace: "llm", name: "vllm", id: "Deployment/llm/vllm", deployment, inferenceService: undefined, qualifications: [] },
    health: { health: "Failed", reasons: [{ code: "ProgressDeadlineExceeded", severity: "Failed", message: "rollout stuck past its deadline", pods: [] }] },
    pods: [],
    replicaSets: [],
    events: [event("Normal", "Pulled", 1), event("Warning", "BackOff", 30), event("Warning", "Unhealthy", 5)],
    now,
  });

  test("leads with the health verdict and its reasons", () => {
    expect(text).toMatch(/^Name: {8}vllm\nNamespace: {3}llm\nKind: {8}Deployment\nHealth: {6}Failed\n {2}- rollout stuck past its deadline\n/);
  });

  test("lists replicas and conditions as kubectl does", () => {
    expect(text).toContain("Replicas:    2 desired | 2 updated | 2 total | 1 available | 1 unavailable");
    expect(text).toMatch(/Progressing\s+False\s+ProgressDeadlineExceeded\s+ReplicaSet "vllm-1" has timed out progressing\./);
  });

  test("puts warnings first, newest first, then the rest", () => {
    const reasons = text
      .split("Events:\n")[1]
      ?.split("\n")
      .slice(1)
      .filter(Boolean)
      .map((l) => l.trim().split(/\s+/)[1]);
    expect(reasons).toEqual(["Unhealthy", "BackOff", "Pulled"]);
  });
});
