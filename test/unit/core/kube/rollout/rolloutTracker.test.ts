/**
 * The decisions inside trackRollout: which pod problems mean a rollout is stuck, which
 * ReplicaSet is the new one, when an InferenceService has rolled out, and how long stuck pods
 * are waited for. Deployment states follow kubectl rollout status (tested in rolloutStatus.test.ts).
 */
import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, test } from "vitest";
import type { PodProblem } from "../../../../../src/core/kube/workloads/podProblems";
import {
  freshMemory,
  inferenceServiceRolloutStatus,
  judgeRollout,
  newReplicaSetOf,
  podsOf,
  type RolloutMemory,
  stuckPodProblems,
} from "../../../../../src/core/kube/rollout/rolloutTracker";
import type { RolloutStatus } from "../../../../../src/core/kube/workloads/rolloutStatus";
import type { InferenceService } from "../../../../../src/core/kube/objects/inferenceService";
import { ago, containerStatus, deployment, inferenceService, knCondition, minutes, now, pod, replicaSet } from "../kubeObjects";

const waiting = (pods: V1Pod["status"]) => pod("chat-7d9c-abcde", { phase: "Pending", ...(pods ? { containerStatuses: pods.containerStatuses ?? [] } : {}) });

describe("stuckPodProblems", () => {
  test.each([
    { what: "a running, ready pod", pods: [pod("chat-7d9c-abcde")], codes: [] },
    { what: "ImagePullBackOff", pods: [waiting({ containerStatuses: [containerStatus("server", { waiting: "ImagePullBackOff" })] })], codes: ["ImagePullBackOff"] },
    { what: "ErrImagePull", pods: [waiting({ containerStatuses: [containerStatus("server", { waiting: "ErrImagePull" })] })], codes: ["ErrImagePull"] },
    {
      what: "CreateContainerConfigError (a missing secret)",
      pods: [waiting({ containerStatuses: [containerStatus("server", { waiting: "CreateContainerConfigError", message: 'secret "hf-token" not found' })] })],
      codes: ["CreateContainerConfigError"],
    },
    {
      what: "CrashLoopBackOff",
      pods: [pod("chat-7d9c-abcde", { containerStatuses: [containerStatus("server", { waiting: "CrashLoopBackOff" }, { restartCount: 4, lastTerminated: { reason: "Error", exitCode: 1, finishedAt: ago(10_000) } })] })],
      codes: ["CrashLoopBackOff"],
    },
    {
      what: "one OOM kill, which may be a spike",
      pods: [pod("chat-7d9c-abcde", { containerStatuses: [containerStatus("server", { running: true }, { restartCount: 1, lastTerminated: { reason: "OOMKilled", exitCode: 137, finishedAt: ago(10_000) } })] })],
      codes: [],
    },
    {
      what: "repeated OOM kills",
      pods: [pod("chat-7d9c-abcde", { containerStatuses: [containerStatus("server", { running: true }, { restartCount: 2, lastTerminated: { reason: "OOMKilled", exitCode: 137, finishedAt: ago(10_000) } })] })],
      codes: ["OOMKilled"],
    },
    { what: "ContainerCreating, which is progress", pods: [waiting({ containerStatuses: [containerStatus("server", { waiting: "ContainerCreating" })] })], codes: [] },
    {
      what: "a readiness probe failing for long, which only the deadline ends",
      pods: [pod("chat-7d9c-abcde", { conditions: [{ type: "Ready", status: "False", lastTransitionTime: ago(minutes(10)) }], containerStatuses: [containerStatus("server", { running: true }, { ready: false })] })],
      codes: [],
    },
  ])("$what → $codes", ({ pods, codes }) => {
    expect(stuckPodProblems(pods, now).map((p) => p.code)).toEqual(codes);
  });
});

describe("newReplicaSetOf", () => {
  const d = deployment("chat", { annotations: { "deployment.kubernetes.io/revision": "3" } });
  const owned = (name: string, revision: string, owner = "uid-chat") => ({
    ...replicaSet(name),
    metadata: { ...replicaSet(name).metadata, annotations: { "deployment.kubernetes.io/revision": revision }, ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "chat", uid: owner, controller: true }] },
  });

  test.each([
    { what: "the ReplicaSet at the Deployment's revision", sets: [owned("chat-old", "2"), owned("chat-new", "3")], name: "chat-new" },
    { what: "none while the controller has not made it yet", sets: [owned("chat-old", "2")], name: undefined },
    { what: "not one another Deployment controls", sets: [owned("other-new", "3", "uid-other")], name: undefined },
  ])("$what", ({ sets, name }) => {
    expect(newReplicaSetOf(d, sets)?.metadata?.name).toBe(name);
  });

  test("a Deployment without a revision yet has no new ReplicaSet", () => {
    expect(newReplicaSetOf(deployment("chat"), [owned("chat-new", "1")])).toBeUndefined();
  });

  test("podsOf keeps the pods the ReplicaSet controls", () => {
    const rs = owned("chat-new", "3");
    const mine = { ...pod("chat-new-aaaaa"), metadata: { ...pod("chat-new-aaaaa").metadata, ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "chat-new", uid: "uid-chat-new", controller: true }] } };
    expect(podsOf(rs, [mine, pod("chat-old-bbbbb")]).map((p) => p.metadata?.name)).toEqual(["chat-new-aaaaa"]);
  });
});

describe("inferenceServiceRolloutStatus", () => {
  const withRevisions = (created: string, ready: string | undefined, opts: Parameters<typeof inferenceService>[1] = {}) => {
    const isvc = inferenceService("llm", opts);
    return { ...isvc, status: { ...isvc.status, components: { predictor: { latestCreatedRevision: created, ...(ready ? { latestReadyRevision: ready } : {}) } } } };
  };
  const rolling = deployment("llm-predictor", { generation: 2, status: { observedGeneration: 2, replicas: 2, updatedReplicas: 1, availableReplicas: 1 } });
  const timedOut = deployment("llm-predictor", {
    status: { updatedReplicas: 1, availableReplicas: 1, replicas: 2 },
    conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" }],
  });

  test.each<{ what: string; isvc: InferenceService; predictor?: ReturnType<typeof deployment>; expected: RolloutStatus }>([
    {
      what: "Ready on the latest revision, predictor rolled out",
      isvc: withRevisions("llm-predictor-00002", "llm-predictor-00002"),
      predictor: deployment("llm-predictor"),
      expected: { state: "complete", message: 'inferenceservice "llm" successfully rolled out (revision llm-predictor-00002)' },
    },
    {
      what: "a canary rolled back to 0%: says where traffic goes, as the latest revision has none",
      isvc: {
        ...withRevisions("llm-predictor-00002", "llm-predictor-00002"),
        status: {
          ...withRevisions("llm-predictor-00002", "llm-predictor-00002").status,
          components: {
            predictor: {
              latestCreatedRevision: "llm-predictor-00002",
              latestReadyRevision: "llm-predictor-00002",
              traffic: [
                { tag: "latest", revisionName: "llm-predictor-00002", percent: 0, latestRevision: true },
                { tag: "prev", revisionName: "llm-predictor-00001", percent: 100, latestRevision: false },
              ],
            },
          },
        },
      },
      predictor: deployment("llm-predictor"),
      expected: { state: "complete", message: 'inferenceservice "llm" successfully rolled out (traffic: llm-predictor-00002 0%, llm-predictor-00001 100%)' },
    },
    {
      what: "Ready on the latest revision in serverless mode (no predictor Deployment)",
      isvc: withRevisions("llm-predictor-00002", "llm-predictor-00002"),
      expected: { state: "complete", message: 'inferenceservice "llm" successfully rolled out (revision llm-predictor-00002)' },
    },
    {
      what: "the spec change not yet observed, though Ready from before",
      isvc: withRevisions("llm-predictor-00001", "llm-predictor-00001", { generation: 2, observedGeneration: 1 }),
      expected: { state: "waiting", stage: "notObserved", message: "Waiting for InferenceService spec update to be observed..." },
    },
    {
      what: "Ready, but on the previous revision (kserve#1859: the new one is not ready)",
      isvc: withRevisions("llm-predictor-00002", "llm-predictor-00001"),
      predictor: rolling,
      expected: { state: "waiting", stage: "updating", message: 'Waiting for inferenceservice "llm" (deployment "llm-predictor") rollout to finish: 1 out of 2 new replicas have been updated...' },
    },
    {
      what: "not Ready, serverless, with KServe's reason",
      isvc: withRevisions("llm-predictor-00001", undefined, { conditions: [knCondition("Ready", "False", "RevisionMissing", "Configuration \"llm-predictor\" does not have any ready Revision.")] }),
      expected: { state: "waiting", stage: "becomingAvailable", message: 'Waiting for inferenceservice "llm" to become ready: Configuration "llm-predictor" does not have any ready Revision.' },
    },
    {
      what: "the predictor Deployment past its progress deadline",
      isvc: withRevisions("llm-predictor-00002", "llm-predictor-00001"),
      predictor: timedOut,
      expected: { state: "timedOut", message: 'inferenceservice "llm" exceeded its progress deadline (deployment "llm-predictor" exceeded its progress deadline)' },
    },
  ])("$what", ({ isvc, predictor, expected }) => {
    expect(inferenceServiceRolloutStatus(isvc, predictor)).toEqual(expected);
  });
});

describe("judgeRollout", () => {
  const complete: RolloutStatus = { state: "complete", message: 'deployment "chat" successfully rolled out' };
  const timedOut: RolloutStatus = { state: "timedOut", message: 'deployment "chat" exceeded its progress deadline' };
  const becoming: RolloutStatus = { state: "waiting", stage: "becomingAvailable", message: 'Waiting for deployment "chat" rollout to finish: 0 of 1 updated replicas are available...' };
  const pull: PodProblem = { code: "ImagePullBackOff", pod: "chat-7d9c-abcde", container: "server", message: "pod chat-7d9c-abcde container server: ImagePullBackOff, image vllm/vllm-openai:does-not-exist" };
  const stuck = (since: number, last = since): RolloutMemory => ({ stuckSince: since, lastStuckAt: last });
  const t = 1_000_000;

  test.each<{ what: string; status: RolloutStatus; problems: PodProblem[]; memory: RolloutMemory; at: number; result: unknown; next: RolloutMemory }>([
    { what: "complete wins even with a stuck pod left over", status: complete, problems: [pull], memory: stuck(t - 60_000), at: t, result: { outcome: "complete", message: complete.message }, next: freshMemory },
    {
      what: "the deadline passed: failed, naming the stuck pods",
      status: timedOut,
      problems: [pull],
      memory: freshMemory,
      at: t,
      result: { outcome: "failed", reason: "ProgressDeadlineExceeded", message: `deployment "chat" exceeded its progress deadline: ${pull.message}` },
      next: freshMemory,
    },
    { what: "waiting without problems keeps waiting", status: becoming, problems: [], memory: freshMemory, at: t, result: undefined, next: freshMemory },
    { what: "stuck for the first time starts the clock", status: becoming, problems: [pull], memory: freshMemory, at: t, result: undefined, next: stuck(t) },
    { what: "stuck for less than 15 s keeps waiting", status: becoming, problems: [pull], memory: stuck(t - 14_999), at: t, result: undefined, next: stuck(t - 14_999, t) },
    {
      what: "stuck for 15 s is failing",
      status: becoming,
      problems: [pull, pull],
      memory: stuck(t - 15_000),
      at: t,
      result: { outcome: "failing", message: `the new pods have not started for 15 s: ${pull.message}`, problems: [pull, pull] },
      next: stuck(t - 15_000, t),
    },
    { what: "a crash-looping pod briefly running does not reset the clock", status: becoming, problems: [], memory: stuck(t - 10_000, t - 1000), at: t, result: undefined, next: stuck(t - 10_000, t - 1000) },
    { what: "pods fine for the whole window have recovered", status: becoming, problems: [], memory: stuck(t - 40_000, t - 15_000), at: t, result: undefined, next: freshMemory },
  ])("$what", ({ status, problems, memory, at, result, next }) => {
    expect(judgeRollout(status, problems, memory, at, 15_000)).toEqual({ result, memory: next });
  });

  test("many stuck pods are summarised", () => {
    const many = [1, 2, 3, 4, 5].map((i) => ({ ...pull, pod: `p${i}`, message: `pod p${i} container server: ImagePullBackOff` }));
    const judged = judgeRollout(becoming, many, stuck(t - 20_000), t, 15_000);
    expect(judged.result).toMatchObject({
      outcome: "failing",
      message: "the new pods have not started for 20 s: pod p1 container server: ImagePullBackOff; pod p2 container server: ImagePullBackOff; pod p3 container server: ImagePullBackOff; and 2 more",
    });
  });
});
