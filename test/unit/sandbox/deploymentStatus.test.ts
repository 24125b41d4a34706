/** Deployment conditions as deploymentutil sets them, and the kubelet's back-off and image naming. */
import { describe, expect, test } from "vitest";
import { deploymentTimedOut, rolloutStatus, setCondition } from "../../../sandbox/controllers/deploymentStatus";
import { type Condition, type Deployment, type ReplicaSet } from "../../../sandbox/controllers/kubeShapes";
import { backOffSeconds, goDuration, normalizedImage } from "../../../sandbox/controllers/podBehaviour";

const at = (iso: string) => new Date(iso);
const cond = (status: "True" | "False" | "Unknown", reason: string, time: string): Condition => ({ type: "Progressing", status, reason, lastUpdateTime: time, lastTransitionTime: time });

describe("setCondition", () => {
  test("the same status and reason is no change; a new reason with the same status keeps the transition time and moves to the end", () => {
    const available: Condition = { type: "Available", status: "True", reason: "MinimumReplicasAvailable" };
    const start = [cond("True", "NewReplicaSetCreated", "2025-01-01T00:00:00Z"), available];
    expect(setCondition(start, cond("True", "NewReplicaSetCreated", "2025-01-01T00:05:00Z"))).toEqual(start);
    const next = setCondition(start, cond("True", "ReplicaSetUpdated", "2025-01-01T00:05:00Z"));
    expect(next.map((c) => c.type)).toEqual(["Available", "Progressing"]);
    expect(next[1]).toMatchObject({ reason: "ReplicaSetUpdated", lastUpdateTime: "2025-01-01T00:05:00Z", lastTransitionTime: "2025-01-01T00:00:00Z" });
  });
});

const deployment = (conditions: Condition[], status: Deployment["status"] = {}): Deployment => ({
  metadata: { name: "d", generation: 2 },
  spec: { replicas: 2, progressDeadlineSeconds: 60, selector: { matchLabels: { app: "d" } }, template: {}, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } },
  status: { observedGeneration: 2, ...status, conditions },
});
const rs = (name: string, spec: number, available: number): ReplicaSet => ({
  metadata: { name },
  spec: { replicas: spec, selector: {}, template: {} },
  status: { replicas: spec, ...(available ? { readyReplicas: available, availableReplicas: available } : {}) },
});

describe("progress deadline", () => {
  const d = deployment([cond("True", "ReplicaSetUpdated", "2025-01-01T00:00:00Z")], { replicas: 3, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2 });

  test.each([
    ["2025-01-01T00:00:59Z", false],
    ["2025-01-01T00:01:00Z", false],
    ["2025-01-01T00:01:01Z", true],
  ])("at %s timed out: %s", (now, expected) => {
    expect(deploymentTimedOut(d, d.status ?? {}, at(now))).toBe(expected);
  });

  test("without progress past the deadline, Progressing turns False with the real reason and message", () => {
    const status = rolloutStatus([rs("d-new", 1, 0), rs("d-old", 2, 2)], rs("d-new", 1, 0), d, at("2025-01-01T00:02:00Z"));
    expect(status.conditions?.find((c) => c.type === "Progressing")).toMatchObject({ status: "False", reason: "ProgressDeadlineExceeded", message: 'ReplicaSet "d-new" has timed out progressing.' });
    expect(status).toMatchObject({ replicas: 3, updatedReplicas: 1, availableReplicas: 2, unavailableReplicas: 1 });
  });

  test("new ready pods are progress: the condition is refreshed and the deadline restarts", () => {
    const status = rolloutStatus([rs("d-new", 2, 1), rs("d-old", 1, 1)], rs("d-new", 2, 1), d, at("2025-01-01T00:02:00Z"));
    expect(status.conditions?.find((c) => c.type === "Progressing")).toMatchObject({ status: "True", reason: "ReplicaSetUpdated", lastUpdateTime: "2025-01-01T00:02:00Z", lastTransitionTime: "2025-01-01T00:00:00Z" });
  });

  test("a finished rollout says the new ReplicaSet has successfully progressed", () => {
    const status = rolloutStatus([rs("d-new", 2, 2)], rs("d-new", 2, 2), d, at("2025-01-01T00:02:00Z"));
    expect(status.conditions?.find((c) => c.type === "Progressing")).toMatchObject({ status: "True", reason: "NewReplicaSetAvailable", message: 'ReplicaSet "d-new" has successfully progressed.' });
    expect(status.conditions?.find((c) => c.type === "Available")).toMatchObject({ status: "True", message: "Deployment has minimum availability." });
  });
});

describe("kubelet clocks and names", () => {
  test.each([
    [1, 0],
    [2, 10],
    [3, 20],
    [6, 160],
    [7, 300],
    [40, 300],
  ])("after %d failures the back-off is %ds", (failures, seconds) => {
    expect(backOffSeconds(failures)).toBe(seconds);
  });

  test.each([
    [10, "10s"],
    [80, "1m20s"],
    [300, "5m0s"],
  ])("%ds prints as %s", (seconds, text) => {
    expect(goDuration(seconds)).toBe(text);
  });

  test.each([
    ["nginx", "docker.io/library/nginx:latest"],
    ["vllm/vllm-openai:v0.6.3", "docker.io/vllm/vllm-openai:v0.6.3"],
    ["aiplatform.azurecr.io/bert:1.4.0", "aiplatform.azurecr.io/bert:1.4.0"],
    ["localhost:5000/app", "localhost:5000/app:latest"],
  ])("%s resolves to %s", (image, ref) => {
    expect(normalizedImage(image)).toBe(ref);
  });
});
