/**
 * trackRollout against the sandbox with its controllers on (10 ms per simulated second): rollouts
 * that complete, that fail their progress deadline, whose new pods are stuck, and what happens
 * when the watch drops, the object goes away or the caller cancels.
 */
import { AppsV1Api, type V1Deployment } from "@kubernetes/client-node";
import { beforeAll, describe, expect, test } from "vitest";
import { startSandboxFixture, useSandbox } from "./sandboxFixture";
import { oneNodeScenario } from "./oneNodeScenario";
import { type RolloutProgress, trackRollout } from "../../src/core/kube/rollout/rolloutTracker";
import { applyObjects } from "../../src/core/kube/rollout/serverSideApply";

const scenario = oneNodeScenario(["ml"], { cpu: "64", memory: "256Gi" });

let apps: AppsV1Api;

const sandbox = useSandbox({ scenario, controllers: { msPerSecond: 10, podStartDelayMs: [20, 60] }, namespaceTokens: { "other-only": "other" } });
beforeAll(() => {
  apps = sandbox.kc.makeApiClient(AppsV1Api);
});

const fast = { pollIntervalMs: 50, degradedAfterMs: 500 };

function deployment(name: string, opts: { image?: string; behaviour?: string; replicas?: number; progressDeadlineSeconds?: number } = {}): V1Deployment {
  return {
    metadata: { name, namespace: "ml" },
    spec: {
      replicas: opts.replicas ?? 2,
      selector: { matchLabels: { app: name } },
      ...(opts.progressDeadlineSeconds ? { progressDeadlineSeconds: opts.progressDeadlineSeconds } : {}),
      template: {
        metadata: { labels: { app: name }, ...(opts.behaviour ? { annotations: { "sandbox.aiplatform.dev/behaviour": opts.behaviour } } : {}) },
        spec: { containers: [{ name: "server", image: opts.image ?? "vllm/vllm-openai:v0.6.3" }] },
      },
    },
  };
}

async function setImage(name: string, image: string, behaviour?: string): Promise<void> {
  const current = await apps.readNamespacedDeployment({ name, namespace: "ml" });
  const template = current.spec?.template;
  if (!current.spec || !template?.spec) throw new Error("no template");
  template.spec.containers[0] = { ...template.spec.containers[0], name: "server", image };
  template.metadata = { ...template.metadata, annotations: behaviour ? { "sandbox.aiplatform.dev/behaviour": behaviour } : {} };
  await apps.replaceNamespacedDeployment({ name, namespace: "ml", body: current });
}

describe("Deployments", () => {
  test("a good rollout completes, reporting kubectl's waiting lines on the way", async () => {
    await apps.createNamespacedDeployment({ namespace: "ml", body: deployment("good") });
    expect(await trackRollout(sandbox.kc, { kind: "Deployment", namespace: "ml", name: "good" }, fast)).toEqual({ outcome: "complete", message: 'deployment "good" successfully rolled out' });

    // A slow-starting release (30 simulated seconds before ready) is waited for, and said so.
    await setImage("good", "vllm/vllm-openai:v0.7.0", "slow-start");
    const progress: RolloutProgress[] = [];
    const result = await trackRollout(sandbox.kc, { kind: "Deployment", namespace: "ml", name: "good" }, { ...fast, onProgress: (p) => progress.push(p) });
    expect(result).toEqual({ outcome: "complete", message: 'deployment "good" successfully rolled out' });
    expect(progress.length).toBeGreaterThan(0);
    for (const p of progress) {
      expect(p.message).toMatch(/^Waiting for deployment (spec update to be observed|"good" rollout to finish: )/);
      expect(p.problems).toEqual([]);
    }
    const updated = await apps.readNamespacedDeployment({ name: "good", namespace: "ml" });
    expect(updated.status).toMatchObject({ updatedReplicas: 2, availableReplicas: 2, replicas: 2 });
  });

  test("an image the registry does not have ends 'failing' with the pull back-off, long before the progress deadline", async () => {
    await apps.createNamespacedDeployment({ namespace: "ml", body: deployment("typo") });
    await trackRollout(sandbox.kc, { kind: "Deployment", namespace: "ml", name: "typo" }, fast);
    await setImage("typo", "vllm/vllm-openai:does-not-exist");
    const result = await trackRollout(sandbox.kc, { kind: "Deployment", namespace: "ml", name: "typo" }, fast);
    expect(result.outcome).toBe("failing");
    if (result.outcome !== "failing") return;
    // The kubelet alternates ErrImagePull and ImagePullBackOff; both name the missing image.
    expect(result.message).toMatch(/^the new pods have not started for \d+ s: pod typo-[a-z0-9]+-[a-z0-9]{5} container server: (ImagePullBackOff|ErrImagePull), image vllm\/vllm-openai:does-not-exist/);
    expect(result.problems.every((p) => p.code === "ImagePullBackOff" || p.code === "ErrImagePull")).toBe(true);
    const d = await apps.readNamespacedDeployment({ name: "typo", namespace: "ml" });
    expect(d.status?.conditions?.find((c) => c.type === "Progressing")?.reason).not.toBe("ProgressDeadlineExceeded");
  });

  test("new pods that crash-loop are failing too", async () => {
    await apps.createNamespacedDeployment({ namespace: "ml", body: deployment("crash", { behaviour: "crashloop", replicas: 1 }) });
    const result = await trackRollout(sandbox.kc, { kind: "Deployment", namespace: "ml", name: "crash" }, { ...fast, degradedAfterMs: 300 });
    expect(result).toMatchObject({ outcome: "failing", message: expect.stringContaining("CrashLoopBackOff") as string });
  });

  test("a short progress deadline yields 'failed' with ProgressDeadlineExceeded", async () => {
    // Pods that run but never become ready are not "stuck": only the deadline ends this rollout.
    await apps.createNamespacedDeployment({ namespace: "ml", body: deployment("late", { behaviour: "readiness-fails", progressDeadlineSeconds: 1, replicas: 1 }) });
    const result = await trackRollout(sandbox.kc, { kind: "Deployment", namespace: "ml", name: "late" }, fast);
    expect(result).toEqual({ outcome: "failed", reason: "ProgressDeadlineExceeded", message: 'deployment "late" exceeded its progress deadline' });
  });

  test("timeoutMs ends a rollout that is neither done nor failing as kubectl rollout status --timeout does, with the last status line", async () => {
    // Pods that never become ready, a progress deadline far away: only the timeout ends this wait.
    await apps.createNamespacedDeployment({ namespace: "ml", body: deployment("patient", { behaviour: "readiness-fails", replicas: 1 }) });
    const lines: string[] = [];
    const result = await trackRollout(sandbox.kc, { kind: "Deployment", namespace: "ml", name: "patient" }, { ...fast, timeoutMs: 1500, onProgress: ({ message }) => lines.push(message) });
    expect(result).toEqual({ outcome: "timedOut", message: `timed out waiting for the condition: ${lines.at(-1) ?? ""}` });
    expect(lines.at(-1)).toMatch(/^Waiting for deployment "patient" rollout to finish: 0 of 1 updated replicas are available\.\.\.$/);
  });

  test("the watch is re-established when it drops, and the rollout is still seen to complete", async () => {
    await apps.createNamespacedDeployment({ namespace: "ml", body: deployment("dropped", { behaviour: "slow-start", replicas: 1 }) });
    const tracking = trackRollout(sandbox.kc, { kind: "Deployment", namespace: "ml", name: "dropped" }, { ...fast, pollIntervalMs: 60_000 });
    await new Promise((r) => setTimeout(r, 100));
    expect(sandbox.server.dropWatches("abrupt")).toBeGreaterThan(0);
    expect(await tracking).toEqual({ outcome: "complete", message: 'deployment "dropped" successfully rolled out' });
  });

  test("cancelling ends tracking at once; a missing or deleted Deployment is a failure that says so", async () => {
    await apps.createNamespacedDeployment({ namespace: "ml", body: deployment("held", { behaviour: "readiness-fails", replicas: 1 }) });
    const controller = new AbortController();
    const tracking = trackRollout(sandbox.kc, { kind: "Deployment", namespace: "ml", name: "held" }, { ...fast, signal: controller.signal });
    await new Promise((r) => setTimeout(r, 100));
    controller.abort();
    expect(await tracking).toEqual({ outcome: "cancelled" });

    expect(await trackRollout(sandbox.kc, { kind: "Deployment", namespace: "ml", name: "never" }, fast)).toEqual({ outcome: "failed", reason: "NotFound", message: 'deployment "never" in namespace ml does not exist' });

    const deleted = trackRollout(sandbox.kc, { kind: "Deployment", namespace: "ml", name: "held" }, fast);
    await new Promise((r) => setTimeout(r, 100));
    await apps.deleteNamespacedDeployment({ name: "held", namespace: "ml" });
    expect(await deleted).toEqual({ outcome: "failed", reason: "Deleted", message: 'deployment "held" in namespace ml was deleted during the rollout' });
  });
});

test("no right to read the Deployment, or no cluster answering, ends tracking with a reason rather than an exception", async () => {
  const limited = sandbox.kubeConfigFor("other-only");
  expect(await trackRollout(limited, { kind: "Deployment", namespace: "ml", name: "good" }, fast)).toMatchObject({ outcome: "failed", reason: "Forbidden", message: expect.stringContaining("deployments is forbidden") as string });

  const gone = await startSandboxFixture({ scenario });
  await gone.stop();
  expect(await trackRollout(gone.kc, { kind: "Deployment", namespace: "ml", name: "good" }, fast)).toMatchObject({ outcome: "failed", reason: "Unreachable" });
});

describe("InferenceServices", () => {
  const isvc = (name: string, storageUri: string, behaviour?: string) => ({
    apiVersion: "serving.kserve.io/v1beta1",
    kind: "InferenceService",
    metadata: { name, namespace: "ml", ...(behaviour ? { annotations: { "sandbox.aiplatform.dev/behaviour": behaviour } } : {}) },
    spec: { predictor: { model: { modelFormat: { name: "sklearn" }, storageUri } } },
  });
  const target = (name: string) => ({ kind: "InferenceService" as const, namespace: "ml", name });

  test("a new InferenceService completes once Ready with its latest revision rolled out", async () => {
    expect((await applyObjects(sandbox.kc, [isvc("iris", "gs://models/iris/1")], { dryRun: false })).ok).toBe(true);
    expect(await trackRollout(sandbox.kc, target("iris"), fast)).toEqual({ outcome: "complete", message: 'inferenceservice "iris" successfully rolled out (revision iris-predictor-00001)' });
  });

  test("a new revision whose predictor pods crash-loop is failing, though the InferenceService stays Ready on the old one", async () => {
    const applied = await applyObjects(sandbox.kc, [isvc("iris", "gs://models/iris/2", "crashloop")], { dryRun: false });
    expect(applied.ok).toBe(true);
    const result = await trackRollout(sandbox.kc, target("iris"), { ...fast, degradedAfterMs: 300 });
    expect(result).toMatchObject({ outcome: "failing", message: expect.stringMatching(/pod iris-predictor-[a-z0-9]+-[a-z0-9]{5} container kserve-container: CrashLoopBackOff/) as string });
  });
});
