/**
 * The deploy path end to end in core, against the sandbox with its controllers on, as the
 * editor and aiplat run it: scaffold → render → policy gates → server-side dry run and apply →
 * follow the rollout → Healthy; then a bad image → the rollout fails → rollback restores it.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { AppsV1Api, CoreV1Api } from "@kubernetes/client-node";
import { describe, expect, test } from "vitest";
import { useSandbox } from "./sandboxFixture";
import { parseManifest } from "../../src/core/manifest/parseManifest";
import { renderKubernetesObjects } from "../../src/core/manifest/renderKubernetes";
import { fetchClusterCapacity } from "../../src/core/policy/clusterCapacity";
import { evaluatePolicies, hasErrors } from "../../src/core/policy/policyEvaluator";
import { trackRollout } from "../../src/core/kube/rollout/rolloutTracker";
import { undoDeployment } from "../../src/core/kube/rollout/rolloutUndo";
import { applyObjects } from "../../src/core/kube/rollout/serverSideApply";
import { classifyWorkloadHealth } from "../../src/core/kube/workloads/workloadHealth";
import { scaffoldService } from "../../src/core/scaffold/scaffoldService";
import type { ServiceManifest } from "../../src/core/manifest/serviceManifest";

const templatesDir = path.resolve(__dirname, "../../templates");

// The demo cluster with fast clocks: its A100s are all taken, its A10s free.
const sandbox = useSandbox({ scenario: "demo", controllers: { msPerSecond: 10, podStartDelayMs: [20, 60] } });

async function ship(manifest: ServiceManifest) {
  const rendered = renderKubernetesObjects(manifest, "dev");
  if (!rendered.ok) throw new Error(rendered.error);
  const capacity = await fetchClusterCapacity(sandbox.kc);
  if (!capacity.ok) throw new Error(capacity.error.message);
  const environment = manifest.environments["dev"];
  if (!environment) throw new Error("no dev environment");
  const findings = evaluatePolicies({ manifest, envName: "dev", environment, objects: rendered.objects, cluster: capacity.capacity });
  return { objects: [...rendered.objects], findings };
}

const fast = { pollIntervalMs: 50, degradedAfterMs: 1_000 };

async function health(name: string) {
  const apps = sandbox.kc.makeApiClient(AppsV1Api);
  const deployment = await apps.readNamespacedDeployment({ namespace: "ml-dev", name });
  const replicaSets = (await apps.listNamespacedReplicaSet({ namespace: "ml-dev" })).items;
  const pods = (await sandbox.kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: "ml-dev" })).items;
  return classifyWorkloadHealth({ deployment, replicaSets, pods, events: [], now: Date.now() }).health;
}

describe("scaffold → deploy → Healthy → bad image → rollback", () => {
  test("the gate refuses a GPU type with no free GPUs, naming the pool", async () => {
    const made = await scaffoldService({ templatesDir, templateId: "vllm", name: "chat-a100", outDir: path.join(sandbox.dir, "chat-a100"), set: [] });
    if (!made.ok) throw new Error(JSON.stringify(made.error));
    const { findings } = await ship(made.manifest);
    expect(findings.filter((f) => f.severity === "error").map((f) => f.ruleId)).toEqual(["gpu-capacity"]);
    expect(findings[0]?.message).toMatch(/pool a100pool has 0 free/);
  });

  test("on the free A10s it passes the gates, applies, rolls out and is Healthy; a broken image fails and the undo restores it", async () => {
    const made = await scaffoldService({ templatesDir, templateId: "vllm", name: "chat", outDir: path.join(sandbox.dir, "chat"), set: ["resources.gpu.type=NVIDIA-A10"] });
    if (!made.ok) throw new Error(JSON.stringify(made.error));
    const parsed = parseManifest(readFileSync(path.join(made.dir, "aiplatform.yaml"), "utf8"));
    if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join("; "));
    const good = await ship(parsed.manifest);
    expect(hasErrors(good.findings)).toBe(false);

    const dry = await applyObjects(sandbox.kc, good.objects, { dryRun: true });
    expect(dry.ok).toBe(true);
    expect((await sandbox.kc.makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace: "ml-dev" })).items).toEqual([]);
    const applied = await applyObjects(sandbox.kc, good.objects, { dryRun: false });
    expect(applied.outcomes.map((o) => (o.ok ? `${o.ref.kind} ${o.action}` : `${o.ref.kind} failed`))).toEqual([
      "Deployment created",
      "Service created",
      "HorizontalPodAutoscaler created",
      "PodDisruptionBudget created",
      "ServiceMonitor created",
      "NetworkPolicy created",
    ]);
    expect(await trackRollout(sandbox.kc, { kind: "Deployment", namespace: "ml-dev", name: "chat" }, fast)).toMatchObject({ outcome: "complete" });
    expect(await health("chat")).toBe("Healthy");

    const bad = await ship({ ...parsed.manifest, image: "vllm/vllm-openai:does-not-exist" });
    expect(hasErrors(bad.findings)).toBe(false);
    expect((await applyObjects(sandbox.kc, bad.objects, { dryRun: false })).ok).toBe(true);
    const failing = await trackRollout(sandbox.kc, { kind: "Deployment", namespace: "ml-dev", name: "chat" }, fast);
    expect(failing).toMatchObject({ outcome: "failing" });
    expect("message" in failing ? failing.message : "").toMatch(/ImagePullBackOff|ErrImagePull/);
    expect(await health("chat")).not.toBe("Healthy");

    const undone = await undoDeployment(sandbox.kc, "ml-dev", "chat");
    expect(undone).toMatchObject({ ok: true, skipped: false, fromRevision: "2", toRevision: "1" });
    expect(await trackRollout(sandbox.kc, { kind: "Deployment", namespace: "ml-dev", name: "chat" }, fast)).toMatchObject({ outcome: "complete" });
    const live = await sandbox.kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: "ml-dev", name: "chat" });
    expect(live.spec?.template.spec?.containers[0]?.image).toBe("vllm/vllm-openai:v0.6.3");
    expect(await health("chat")).toBe("Healthy");
  });
});
