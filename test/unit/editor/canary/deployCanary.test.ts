/**
 * What the editor's Deploy does with a canary manifest, asked before anything changes: core's
 * handover (shared with aiplat deploy) plus the metrics source of the deploy's context. A canary
 * goes ahead only with a source (otherwise it could only hold, so the deploy is refused with
 * why); a first deploy goes out whole; a rolling manifest is no canary. The applied plan keeps
 * the stable Deployment's pods, and the new template goes to the canary.
 */
import { describe, expect, test, vi } from "vitest";
import type { DeployPlan } from "../../../../src/core/deploy/planDeploy";
import type { KubeObject } from "../../../../src/core/kube/objects/kubeObject";
import { renderKubernetesObjects } from "../../../../src/core/manifest/renderKubernetes";
import { ServiceManifest, type ServiceManifestInput } from "../../../../src/core/manifest/serviceManifest";
import type { MetricsSource } from "../../../../src/core/metrics/metricsSource";

vi.mock("vscode", () => ({}));
const { deployCanaryPlan } = await import("../../../../src/editor/canary/deployCanary");

type Templated = { spec: { template: { spec: { containers: { image: string }[] } } } };

/** A plan as planDeploy makes it; `liveImage` is what the cluster runs now (none: a first deploy). */
function plan(overrides: Partial<ServiceManifestInput>, liveImage?: string): DeployPlan {
  const manifest = ServiceManifest.parse({
    apiVersion: "aiplatform.dev/v1",
    kind: "InferenceServiceManifest",
    name: "llama3-chat",
    runtime: "vllm",
    model: { storageUri: "hf://meta-llama/Meta-Llama-3-8B-Instruct" },
    image: "vllm/vllm-openai:v0.6.3",
    port: 8000,
    environments: { dev: { context: "sandbox", namespace: "ml-dev" } },
    slo: { p95LatencyMs: 900, errorRate: 0.02 },
    ...overrides,
  });
  const rendered = renderKubernetesObjects(manifest, "dev");
  if (!rendered.ok) throw new Error(rendered.error);
  const live = rendered.objects.map((o): KubeObject | undefined => {
    if (liveImage === undefined) return undefined;
    if (o.kind !== "Deployment") return o;
    const copy = structuredClone(o) as unknown as Templated;
    for (const c of copy.spec.template.spec.containers) c.image = liveImage;
    return copy as unknown as KubeObject;
  });
  return { manifest, context: { name: "sandbox" }, objects: rendered.objects, liveObjects: live, dryRun: [], workload: { kind: "Deployment", namespace: "ml-dev", name: "llama3-chat" } } as unknown as DeployPlan;
}

const canary = { strategy: "canary" as const, steps: [{ traffic: 20 }, { traffic: 100 }], analysis: { interval: "1m", count: 5, failureLimit: 1 } };
const source = { kind: "prometheus" } as unknown as MetricsSource;
const entry = { context: "sandbox", kind: "prometheus" as const, url: "http://prometheus:9090" };

describe("a canary deploy in the editor", () => {
  const none = { metrics: { state: () => Promise.resolve({ kind: "none", context: "sandbox" }) } } as never;
  const ready = (context: string) => ({ metrics: { state: () => Promise.resolve({ kind: "ready", context, entry, source }) } }) as never;

  test("a rolling manifest is no canary; a first deploy goes out whole, and says why", async () => {
    expect(await deployCanaryPlan(ready("sandbox"), plan({}, "vllm/vllm-openai:v0.6.2"))).toEqual({ kind: "none" });
    expect(await deployCanaryPlan(ready("sandbox"), plan({ rollout: canary }))).toEqual({
      kind: "whole",
      why: "first deploy of llama3-chat: it goes out whole, without a canary (there is no running version to compare it with)",
    });
  });

  test("a new version with the context's source: the canary, judged against the manifest's SLO; the stable Deployment keeps its pods", async () => {
    const c = await deployCanaryPlan(ready("sandbox"), plan({ rollout: canary }, "vllm/vllm-openai:v0.6.2"));
    if (c.kind !== "canary") throw new Error(`no canary: ${JSON.stringify(c)}`);
    expect(c.source).toBe(source);
    expect(c.handover.target).toMatchObject({ context: "sandbox", namespace: "ml-dev", name: "llama3-chat", kind: "Deployment", runtime: "vllm", slo: { p95LatencyMs: 900, errorRate: 0.02 } });
    const stable = c.handover.plan.objects.find((o) => o.kind === "Deployment") as unknown as Templated;
    expect(stable.spec.template.spec.containers[0]?.image).toBe("vllm/vllm-openai:v0.6.2");
    expect((c.handover.canaryTemplate as unknown as Templated["spec"]["template"]).spec.containers[0]?.image).toBe("vllm/vllm-openai:v0.6.3");
  });

  test("no source for the deploy's context: refused, with why", async () => {
    expect(await deployCanaryPlan(none, plan({ rollout: canary }, "vllm/vllm-openai:v0.6.2"))).toEqual({ kind: "no-metrics", why: "no metrics source is connected for sandbox (Connect Metrics… sets one up)" });
    expect(await deployCanaryPlan(ready("aks-prod"), plan({ rollout: canary }, "vllm/vllm-openai:v0.6.2"))).toEqual({
      kind: "no-metrics",
      why: "the connected metrics source is for aks-prod, and this deploy goes to sandbox: select sandbox first",
    });
  });
});
