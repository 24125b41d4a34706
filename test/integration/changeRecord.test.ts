/**
 * Change records on the cluster, through the sandbox and the real kubectl: the Event a person
 * sees in `kubectl get events`, the annotations on the object, and the change-cause that
 * `kubectl rollout history` shows for the revision a deploy made.
 */
import { AppsV1Api, CoreV1Api, type V1Deployment } from "@kubernetes/client-node";
import { beforeAll, describe, expect, test } from "vitest";
import { type Actor } from "../../src/core/audit/auditRecord";
import { changeAnnotations, recordChangeOnObject } from "../../src/core/kube/rollout/changeRecord";
import { requestJson } from "../../src/core/kube/client/kubeRequest";
import { parseScenario } from "../../sandbox/scenario";
import { useSandbox } from "./sandboxFixture";
import { eventually } from "./eventually";
import { kubectlCli } from "./kubectlCli";

const scenario = parseScenario(`
namespaces:
  - metadata: {name: default}
  - metadata: {name: ml}
nodes:
  - metadata: {name: gpu-0, labels: {kubernetes.io/hostname: gpu-0}}
    status:
      allocatable: {cpu: "96", memory: 1800Gi, nvidia.com/gpu: "8", pods: "110"}
      conditions: [{type: Ready, status: "True", reason: KubeletReady}]
`);

const viewerToken = "ml-editor-token";
const actor: Actor = { kubeUser: "alice", gitUser: { name: "Alice Example", email: "alice@example.com" }, osUser: "alice" };
const now = new Date("2026-11-23T10:15:30.123Z");

let core: CoreV1Api;
let apps: AppsV1Api;
let llm: V1Deployment;

const sandbox = useSandbox({ scenario, controllers: { msPerSecond: 10, podStartDelayMs: [10, 20] }, namespaceTokens: { [viewerToken]: "ml" } });
const { kubectl } = kubectlCli(() => sandbox.kubectlEnv);

function deployment(name: string, image: string): V1Deployment {
  return {
    metadata: { name, namespace: "ml" },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "server", image, resources: { requests: { cpu: "100m", memory: "128Mi" } } }] } },
    },
  };
}

beforeAll(async () => {
  core = sandbox.kc.makeApiClient(CoreV1Api);
  apps = sandbox.kc.makeApiClient(AppsV1Api);
  llm = await apps.createNamespacedDeployment({ namespace: "ml", body: deployment("llm", "vllm/vllm-openai:v0.6.2") });
});

describe("recordChangeOnObject on a Deployment", () => {
  test("creates an Event about the object, with its uid, saying who did what and why", async () => {
    const target = { apiVersion: "apps/v1", kind: "Deployment", namespace: "ml", name: "llm", uid: llm.metadata?.uid ?? "" };
    const result = await recordChangeOnObject(sandbox.kc, target, { action: "rollback", reason: "p99 latency doubled", actor, revisionAfter: "3", outcome: "succeeded" }, { now });
    expect(result.annotations).toEqual({ ok: true });
    expect(result.event.ok).toBe(true);
    if (!result.event.ok) return;
    expect(result.event.name).toMatch(/^llm\.[a-z0-9]+$/);

    const event = await core.readNamespacedEvent({ namespace: "ml", name: result.event.name });
    expect(event.involvedObject).toEqual({ apiVersion: "apps/v1", kind: "Deployment", namespace: "ml", name: "llm", uid: llm.metadata?.uid });
    expect(event).toMatchObject({
      type: "Normal",
      reason: "AiPlatformRollback",
      action: "Rollback",
      message: "alice (Alice Example) rolled back Deployment ml/llm (revision 3). Reason: p99 latency doubled",
      source: { component: "ai-platform-ops" },
      reportingComponent: "ai-platform-ops",
      count: 1,
    });
    expect(event.lastTimestamp?.toISOString()).toBe("2026-11-23T10:15:30.000Z");
  });

  test("the Event is what kubectl get events shows for the Deployment", async () => {
    const out = await kubectl("get", "events", "-n", "ml", "--field-selector", "involvedObject.name=llm,reason=AiPlatformRollback", "-o", "wide");
    const row = out.split("\n").find((l) => l.includes("AiPlatformRollback"));
    expect(row).toMatch(/\sNormal\s+AiPlatformRollback\s+deployment\/llm\s+ai-platform-ops\s+alice \(Alice Example\) rolled back Deployment ml\/llm \(revision 3\)\. Reason: p99 latency doubled\s/);
  });

  test("annotates the Deployment: change-cause as kubectl rollout history shows it, and the last action, actor, reason and time", async () => {
    const d = await apps.readNamespacedDeployment({ namespace: "ml", name: "llm" });
    expect(d.metadata?.annotations).toMatchObject({
      "kubernetes.io/change-cause": "aiplat rollback to revision 3: p99 latency doubled (by alice)",
      "aiplatform.dev/last-action": "rollback",
      "aiplatform.dev/last-actor": "alice (Alice Example)",
      "aiplatform.dev/last-reason": "p99 latency doubled",
      "aiplatform.dev/last-change-at": "2026-11-23T10:15:30Z",
    });
    expect(JSON.parse(await kubectl("get", "deploy", "llm", "-n", "ml", "-o", "jsonpath={.metadata.annotations}"))).toMatchObject({ "aiplatform.dev/last-action": "rollback" });
  });

  test("a failed change is a Warning Event and leaves the annotations as they were", async () => {
    const before = (await apps.readNamespacedDeployment({ namespace: "ml", name: "llm" })).metadata?.annotations;
    const result = await recordChangeOnObject(sandbox.kc, { apiVersion: "apps/v1", kind: "Deployment", namespace: "ml", name: "llm" }, { action: "scale", reason: "more traffic", actor, outcome: "failed" });
    expect(result.annotations).toEqual({ ok: true, skipped: "the scale failed, so the object did not change" });
    if (!result.event.ok) throw new Error("no event");
    const event = await core.readNamespacedEvent({ namespace: "ml", name: result.event.name });
    expect(event).toMatchObject({ type: "Warning", reason: "AiPlatformScale", message: "alice (Alice Example) tried to scale Deployment ml/llm: failed. Reason: more traffic" });
    expect((await apps.readNamespacedDeployment({ namespace: "ml", name: "llm" })).metadata?.annotations).toEqual(before);
  });
});

describe("change-cause and rollout history", () => {
  test("annotations sent with the deploy itself become the new revision's CHANGE-CAUSE; a later scale leaves it alone", async () => {
    await apps.createNamespacedDeployment({ namespace: "ml", body: deployment("tgi", "ghcr.io/huggingface/text-generation-inference:2.3") });
    await eventually(async () => expect(await kubectl("rollout", "history", "deploy/tgi", "-n", "ml")).toMatch(/^1\s+<none>$/m), 10_000);

    const deploy = { action: "deploy" as const, reason: "upgrade TGI to 2.4", actor, revisionAfter: "2", outcome: "succeeded" as const };
    const patch = {
      metadata: { annotations: changeAnnotations(deploy, now) },
      spec: { template: { spec: { containers: [{ name: "server", image: "ghcr.io/huggingface/text-generation-inference:2.4", resources: { requests: { cpu: "100m", memory: "128Mi" } } }] } } },
    };
    await requestJson(sandbox.kc, "PATCH", "/apis/apps/v1/namespaces/ml/deployments/tgi", { body: patch, contentType: "application/merge-patch+json" });
    const recorded = await recordChangeOnObject(sandbox.kc, { apiVersion: "apps/v1", kind: "Deployment", namespace: "ml", name: "tgi" }, deploy, { now, annotationsApplied: true });
    expect(recorded.annotations).toEqual({ ok: true, skipped: "the caller applied them with the change" });
    expect(recorded.event.ok).toBe(true);
    const history = /^2\s+aiplat deploy to revision 2: upgrade TGI to 2\.4 \(by alice\)$/m;
    await eventually(async () => expect(await kubectl("rollout", "history", "deploy/tgi", "-n", "ml")).toMatch(history), 10_000);

    await requestJson(sandbox.kc, "PATCH", "/apis/apps/v1/namespaces/ml/deployments/tgi/scale", { body: { spec: { replicas: 2 } } });
    const scaled = await recordChangeOnObject(sandbox.kc, { apiVersion: "apps/v1", kind: "Deployment", namespace: "ml", name: "tgi" }, { action: "scale", reason: "evening peak", actor, outcome: "succeeded" }, { now });
    expect(scaled.annotations).toEqual({ ok: true });
    await eventually(async () => {
      const d = await apps.readNamespacedDeployment({ namespace: "ml", name: "tgi" });
      expect(d.metadata?.annotations?.["aiplatform.dev/last-action"]).toBe("scale");
      expect(d.status?.replicas).toBe(2);
    }, 10_000);
    expect(await kubectl("rollout", "history", "deploy/tgi", "-n", "ml")).toMatch(history);
  });
});

describe("recordChangeOnObject on a Node", () => {
  test("a cordon's Event goes to namespace default, about the Node, as kubectl's are", async () => {
    const node = await core.readNode({ name: "gpu-0" });
    const result = await recordChangeOnObject(sandbox.kc, { apiVersion: "v1", kind: "Node", name: "gpu-0", uid: node.metadata?.uid ?? "" }, { action: "cordon", reason: "ECC errors on GPU 3", actor, outcome: "succeeded" }, { now });
    expect(result.annotations).toEqual({ ok: true });
    if (!result.event.ok) throw new Error("no event");
    const event = await core.readNamespacedEvent({ namespace: "default", name: result.event.name });
    expect(event.involvedObject).toEqual({ apiVersion: "v1", kind: "Node", name: "gpu-0", uid: node.metadata?.uid });
    expect(event.message).toBe("alice (Alice Example) cordoned Node gpu-0. Reason: ECC errors on GPU 3");
    expect(await kubectl("get", "events", "-n", "default", "--field-selector", "reason=AiPlatformCordon")).toMatch(/AiPlatformCordon\s+node\/gpu-0\s+alice/);

    const annotations = (await core.readNode({ name: "gpu-0" })).metadata?.annotations ?? {};
    expect(annotations).toMatchObject({ "aiplatform.dev/last-action": "cordon", "aiplatform.dev/last-reason": "ECC errors on GPU 3" });
    // Not a revision: no change-cause.
    expect(annotations["kubernetes.io/change-cause"]).toBeUndefined();
  });

  test("a user who may not touch nodes or events in default gets both failures back as values", async () => {
    const limited = sandbox.kubeConfigFor(viewerToken);
    const result = await recordChangeOnObject(limited, { apiVersion: "v1", kind: "Node", name: "gpu-0" }, { action: "uncordon", actor, outcome: "succeeded" });
    expect(result.annotations).toMatchObject({ ok: false, error: { kind: "forbidden", verb: "patch", resource: "nodes" } });
    expect(result.event).toMatchObject({ ok: false, error: { kind: "forbidden", verb: "create", resource: "events", namespace: "default" } });
  });
});
