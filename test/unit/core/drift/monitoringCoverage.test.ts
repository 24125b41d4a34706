import { describe, expect, test } from "vitest";
import { coverageWorkloadOf, monitoringCoverage, type CoverageManifest, type CoverageWorkload } from "../../../../src/core/drift/monitoringCoverage";
import { parseManifest } from "../../../../src/core/manifest/parseManifest";
import { renderKubernetesObjects } from "../../../../src/core/manifest/renderKubernetes";
import type { Workload } from "../../../../src/core/kube/workloads/workloadIndex";
import { compliant } from "../../cli/compliantManifest";

/** The compliant manifest (prod: aks-prod / llm, production) renamed, with extra top-level YAML. */
function manifest(name: string, extra = "", opts: { production?: boolean } = {}): CoverageManifest {
  let text = compliant.replace("name: chat", `name: ${name}`) + extra;
  if (opts.production === false) text = text.replace("    production: true\n", "");
  const parsed = parseManifest(text);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join("; "));
  return { file: `${name}/aiplatform.yaml`, manifest: parsed.manifest };
}

const drift = "monitoring:\n  drift:\n    reference: data/ref.parquet\n    current: data/cur.parquet\n";
const slo = "slo:\n  p95LatencyMs: 150\n  errorRate: 0.01\n";

/** The Deployment a manifest renders for prod, as the cluster would hold it (labels and the slo annotation). */
function deployed(m: CoverageManifest, context = "aks-prod"): CoverageWorkload {
  const rendered = renderKubernetesObjects(m.manifest, "prod");
  if (!rendered.ok) throw new Error(rendered.error);
  const d = rendered.objects.find((o) => o.kind === "Deployment");
  if (!d?.metadata) throw new Error("no Deployment");
  return { context, namespace: d.metadata.namespace ?? "", name: d.metadata.name ?? "", labels: d.metadata.labels ?? {}, annotations: d.metadata.annotations ?? {} };
}

describe("monitoring coverage", () => {
  test("only production services count; each kind of monitoring is the share of them that configure it; the target is 90 %", () => {
    const c = monitoringCoverage({
      manifests: [manifest("a", drift + slo), manifest("b", slo), manifest("c"), manifest("d", "monitoring:\n  dataQuality: true\n"), manifest("dev-only", drift, { production: false })],
    });
    expect(c.productionServices).toBe(4);
    expect(c.services.map((s) => [s.service, s.where, s.latency, s.errors, s.dataQuality, s.drift])).toEqual([
      ["llm/a", "workspace", true, true, true, true],
      ["llm/b", "workspace", true, true, false, false],
      ["llm/c", "workspace", false, false, false, false],
      ["llm/d", "workspace", false, false, true, false],
    ]);
    expect([c.latency, c.errors, c.dataQuality, c.drift, c.target]).toEqual([0.5, 0.5, 0.5, 0.25, 0.9]);
  });

  test("an availability alone counts as error monitoring; a tier alone (defaults) counts as neither", () => {
    const c = monitoringCoverage({ manifests: [manifest("a", "slo:\n  availability: 0.999\n"), manifest("b", "slo:\n  tier: tier-1\n")] });
    expect(c.services.map((s) => [s.service, s.latency, s.errors])).toEqual([
      ["llm/a", false, true],
      ["llm/b", false, false],
    ]);
  });

  test("a deployed service is one row found in both places; its slo annotation counts too", () => {
    const withSlo = manifest("a", slo);
    // The cluster runs a version deployed with an slo; the workspace's manifest has since lost it but gained drift.
    const c = monitoringCoverage({ manifests: [manifest("a", drift)], workloads: [deployed(withSlo)] });
    expect(c.services).toEqual([{ service: "llm/a", where: "both", latency: true, errors: true, dataQuality: true, drift: true }]);
    expect(c.productionServices).toBe(1);
  });

  test("a workload in a production namespace without a manifest here counts, from the cluster alone", () => {
    const c = monitoringCoverage({
      manifests: [manifest("a", drift)],
      workloads: [deployed(manifest("a")), { context: "aks-prod", namespace: "llm", name: "legacy-ranker", labels: {}, annotations: { "aiplatform.dev/slo": '{"p95LatencyMs":300}' } }],
    });
    expect(c.services.map((s) => [s.service, s.where, s.latency, s.errors, s.drift])).toEqual([
      ["llm/a", "both", false, false, true],
      ["llm/legacy-ranker", "cluster", true, false, false],
    ]);
    expect(c.drift).toBe(0.5);
  });

  test("workloads in other contexts or non-production namespaces are not production", () => {
    const c = monitoringCoverage({
      manifests: [manifest("a", drift)],
      workloads: [
        { context: "kind-dev", namespace: "llm-dev", name: "a" },
        { context: "aks-prod", namespace: "kube-system", name: "coredns" },
        { context: "other-cluster", namespace: "llm", name: "x" },
      ],
    });
    expect(c.services.map((s) => s.service)).toEqual(["llm/a"]);
  });

  test("an allowed namespace of a production environment is production too", () => {
    const m = manifest("a", drift).manifest;
    const prod = m.environments["prod"];
    if (!prod) throw new Error("no prod");
    const withAllowed: CoverageManifest = { file: "a/aiplatform.yaml", manifest: { ...m, environments: { prod: { ...prod, allowedNamespaces: ["llm-canary"] } } } };
    const c = monitoringCoverage({ manifests: [withAllowed], workloads: [{ context: "aks-prod", namespace: "llm-canary", name: "shadow" }] });
    expect(c.services.map((s) => [s.service, s.where])).toEqual([
      ["llm-canary/shadow", "cluster"],
      ["llm/a", "workspace"],
    ]);
  });

  test("no production services: every share is 0, not NaN", () => {
    const c = monitoringCoverage({ manifests: [manifest("dev-only", drift, { production: false })] });
    expect(c).toEqual({ productionServices: 0, latency: 0, errors: 0, dataQuality: 0, drift: 0, target: 0.9, services: [] });
  });

  test("a Deployments row reads the InferenceService's metadata when there is one", () => {
    const w = {
      kind: "InferenceService",
      namespace: "kserve-models",
      name: "fraud",
      id: "InferenceService/kserve-models/fraud",
      deployment: { metadata: { labels: { from: "deployment" } } },
      inferenceService: { metadata: { labels: { from: "isvc" }, annotations: { "aiplatform.dev/slo": "{}" } } },
      qualifications: [],
    } as unknown as Workload;
    expect(coverageWorkloadOf("ctx", w)).toEqual({ context: "ctx", namespace: "kserve-models", name: "fraud", labels: { from: "isvc" }, annotations: { "aiplatform.dev/slo": "{}" } });
  });
});
