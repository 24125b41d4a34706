/** applyObjects and fetchLiveObjects against the sandbox through the real HTTP stack: dry run, create, unchanged, errors. */
import { describe, expect, test } from "vitest";
import { findResource } from "../../sandbox/resourceTypes";
import { parseScenario } from "../../sandbox/scenario";
import { startSandboxFixture, useSandbox } from "./sandboxFixture";
import type { KubeObject } from "../../src/core/kube/objects/kubeObject";
import { toComparableYaml } from "../../src/core/kube/rollout/comparableYaml";
import { applyObjects, fetchLiveObjects } from "../../src/core/kube/rollout/serverSideApply";

const scenario = parseScenario(`
namespaces:
  - metadata: {name: ml}
  - metadata: {name: other}
`);

const deployment = (name: string, image: string): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: "ml" },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "server", image }] } },
  },
});
const service = (name: string): KubeObject => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, namespace: "ml" },
  spec: { selector: { app: name }, ports: [{ name: "http", port: 80, targetPort: 8000 }] },
});
const hpa = (name: string): KubeObject => ({
  apiVersion: "autoscaling/v2",
  kind: "HorizontalPodAutoscaler",
  metadata: { name, namespace: "ml" },
  spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name }, minReplicas: 1, maxReplicas: 3 },
});
const serviceMonitor = (name: string): KubeObject => ({
  apiVersion: "monitoring.coreos.com/v1",
  kind: "ServiceMonitor",
  metadata: { name, namespace: "ml" },
  spec: { selector: { matchLabels: { app: name } }, endpoints: [{ port: "http" }] },
});

const sandbox = useSandbox({ scenario, namespaceTokens: { "ml-only-token": "ml" } });

function stored(group: string, version: string, plural: string, name: string) {
  const type = findResource(group, version, plural);
  if (!type) throw new Error(`${plural} is not served`);
  return sandbox.server.store.get(type, "ml", name);
}

describe("applyObjects", () => {
  const bundle = [deployment("chat", "vllm/vllm-openai:v0.6.3"), service("chat"), hpa("chat"), serviceMonitor("chat")];

  test("a dry run answers with the would-be objects, server defaults filled in, and stores nothing", async () => {
    const before = sandbox.server.store.resourceVersion;
    const result = await applyObjects(sandbox.kc, bundle, { dryRun: true });
    expect(result.ok).toBe(true);
    expect(result.outcomes.map((o) => (o.ok ? `${o.ref.kind}/${o.ref.name} ${o.action}` : o.error.message))).toEqual([
      "Deployment/chat created",
      "Service/chat created",
      "HorizontalPodAutoscaler/chat created",
      "ServiceMonitor/chat created",
    ]);
    const wouldBe = result.outcomes[0];
    expect(wouldBe?.ok && (wouldBe.object as { spec?: { progressDeadlineSeconds?: number } }).spec?.progressDeadlineSeconds).toBe(600);
    expect(sandbox.server.store.resourceVersion).toBe(before);
    expect(stored("apps", "v1", "deployments", "chat")).toBeUndefined();
    expect(stored("monitoring.coreos.com", "v1", "servicemonitors", "chat")).toBeUndefined();
  });

  test("apply creates; applying the same again is unchanged, dry run or not", async () => {
    const created = await applyObjects(sandbox.kc, bundle, { dryRun: false });
    expect(created.outcomes.map((o) => o.ok && o.action)).toEqual(["created", "created", "created", "created"]);
    expect(stored("apps", "v1", "deployments", "chat")?.metadata.generation).toBe(1);
    expect(stored("monitoring.coreos.com", "v1", "servicemonitors", "chat")).toBeDefined();

    const before = sandbox.server.store.resourceVersion;
    for (const dryRun of [true, false]) {
      const again = await applyObjects(sandbox.kc, bundle, { dryRun });
      expect(again.outcomes.map((o) => o.ok && o.action)).toEqual(["unchanged", "unchanged", "unchanged", "unchanged"]);
    }
    expect(sandbox.server.store.resourceVersion).toBe(before);
  });

  test("a changed image is configured: only in the answer on a dry run, in the cluster on a real apply", async () => {
    const changed = deployment("chat", "vllm/vllm-openai:v0.7.0");
    const dry = await applyObjects(sandbox.kc, [changed], { dryRun: true });
    expect(dry.outcomes[0]).toMatchObject({ ok: true, action: "configured", object: { metadata: { generation: 2 } } });
    expect(JSON.stringify(stored("apps", "v1", "deployments", "chat")?.spec)).toContain("v0.6.3");
    const real = await applyObjects(sandbox.kc, [changed], { dryRun: false, fieldManager: "ai-platform-ops" });
    expect(real.outcomes[0]).toMatchObject({ ok: true, action: "configured" });
    expect(JSON.stringify(stored("apps", "v1", "deployments", "chat")?.spec)).toContain("v0.7.0");
  });

  test("an invalid object comes back with the API server's message; the others still apply", async () => {
    const result = await applyObjects(sandbox.kc, [deployment("Bad_Name", "vllm/vllm-openai:v0.6.3"), service("after-bad")], { dryRun: false });
    expect(result.ok).toBe(false);
    expect(result.outcomes[0]).toMatchObject({
      ok: false,
      error: { kind: "invalid", message: expect.stringMatching(/^Deployment\.apps "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/) as string },
    });
    expect(result.outcomes[1]).toMatchObject({ ok: true, action: "created" });
  });

  test("a kind the cluster does not serve is explained, with what to install", async () => {
    const scaledObject = { apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject", metadata: { name: "chat", namespace: "ml" }, spec: {} };
    const oldMonitor = { ...serviceMonitor("chat"), apiVersion: "monitoring.coreos.com/v1alpha1" };
    const result = await applyObjects(sandbox.kc, [scaledObject, oldMonitor], { dryRun: true });
    expect(result.outcomes.map((o) => !o.ok && o.error)).toEqual([
      { kind: "unknown-kind", message: "the cluster does not serve keda.sh/v1alpha1 ScaledObject — install KEDA or remove it" },
      { kind: "unknown-kind", message: "the cluster serves monitoring.coreos.com only in version v1, not v1alpha1: change the apiVersion of ServiceMonitor to monitoring.coreos.com/v1" },
    ]);
  });

  test("a missing namespace, a token limited to another namespace and an object without a name are each their own error", async () => {
    const elsewhere = { ...service("lost"), metadata: { name: "lost", namespace: "nowhere" } };
    const missing = await applyObjects(sandbox.kc, [elsewhere, { apiVersion: "v1", kind: "Service", metadata: {} } as unknown as KubeObject], { dryRun: true });
    expect(missing.outcomes.map((o) => !o.ok && o.error)).toEqual([
      { kind: "not-found", message: 'namespaces "nowhere" not found' },
      { kind: "malformed", message: "the object has no metadata.name" },
    ]);

    const limited = sandbox.kubeConfigFor("ml-only-token");
    const other = { ...service("x"), metadata: { name: "x", namespace: "other" } };
    const forbidden = await applyObjects(limited, [other], { dryRun: true });
    expect(forbidden.outcomes[0]).toMatchObject({ ok: false, error: { kind: "forbidden", message: expect.stringMatching(/^services is forbidden: User ".*" cannot \w+ resource "services" in API group "" in the namespace "other"$/) as string } });
  });

  test("objects that name no namespace go to the one given, as kubectl uses the context's", async () => {
    const bare = { apiVersion: "v1", kind: "Service", metadata: { name: "bare" }, spec: { ports: [{ port: 80 }] } };
    const result = await applyObjects(sandbox.kc, [bare], { dryRun: false, namespace: "ml" });
    expect(result.outcomes[0]).toMatchObject({ ok: true, action: "created", ref: { namespace: "ml" } });
    expect(stored("", "v1", "services", "bare")).toBeDefined();
  });

  test("after the cluster stops answering, the remaining objects are skipped rather than each timing out", async () => {
    const gone = await startSandboxFixture({ scenario });
    await gone.stop();
    const result = await applyObjects(gone.kc, [service("a"), service("b")], { dryRun: true });
    expect(result.outcomes.map((o) => !o.ok && o.error.kind)).toEqual(["unreachable", "skipped"]);
  });
});

describe("fetchLiveObjects", () => {
  test("gives each desired object's live counterpart without server noise, or undefined when absent", async () => {
    await applyObjects(sandbox.kc, [deployment("live", "python:3.12")], { dryRun: false });
    const [live, absent] = await fetchLiveObjects(sandbox.kc, [deployment("live", "python:3.13"), service("never-applied")]);
    expect(absent).toMatchObject({ ok: true, live: undefined });
    if (!live?.ok || !live.live) throw new Error("no live object");
    const metadata = live.live.metadata as unknown as Record<string, unknown>;
    for (const key of ["managedFields", "resourceVersion", "uid", "generation", "creationTimestamp"]) expect(metadata).not.toHaveProperty(key);
    expect(live.live).not.toHaveProperty("status");
    // What the diff leaves out is still there for those who need it.
    expect(live.raw?.metadata).toMatchObject({ name: "live", generation: 1 });
    expect(live.raw).toHaveProperty("metadata.resourceVersion");
    // The diff a person sees: only the image line differs.
    const desired = toComparableYaml(deployment("live", "python:3.13")).split("\n");
    const current = toComparableYaml(live.live).split("\n");
    expect(current.filter((l) => !desired.includes(l)).map((l) => l.trim())).toEqual(expect.arrayContaining(["image: python:3.12"]));
    expect(desired.filter((l) => !current.includes(l)).map((l) => l.trim())).toEqual(["image: python:3.13"]);
  });
});
