/** evaluatePolicies: every rule's findings as one list, errors first, each with rule, fix and where to point. */
import { describe, expect, test } from "vitest";
import { evaluatePolicies, hasErrors, PolicyFinding } from "../../../../src/core/policy/policyEvaluator";
import { policyRules } from "../../../../src/core/policy/policyRules";
import { deploymentObject, goodContainer, input } from "./policyFixtures";

describe("evaluatePolicies", () => {
  test("a compliant Deployment has no findings", () => {
    expect(evaluatePolicies(input([deploymentObject()]))).toEqual([]);
  });

  test("findings carry the rule's title and fix, the specific message and object, errors before warnings before info", () => {
    const d = deploymentObject({
      namespace: "payments",
      containers: [goodContainer({ image: "vllm/vllm-openai:latest", livenessProbe: null, resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { "nvidia.com/gpu": "1" } } })],
    });
    const findings = evaluatePolicies(input([d]));
    const ref = { apiVersion: "apps/v1", kind: "Deployment", namespace: "payments", name: "chat" };
    expect(findings.map((f) => [f.severity, f.ruleId, f.manifestPath.join(".")])).toEqual([
      ["error", "namespace-allowed", "environments.prod.namespace"],
      ["error", "limits-set", "resources"],
      ["error", "no-latest-tag", "image"],
      ["error", "immutable-image-in-production", "image"],
      ["warning", "probes-present", "probes.liveness"],
      ["info", "gpu-capacity", "resources.gpu"],
    ]);
    expect(findings[1]).toEqual({
      ruleId: "limits-set",
      severity: "error",
      title: "Requests and limits are set",
      message: 'Deployment payments/chat container "vllm" has no memory limit',
      fixHint: "set resources.cpu and resources.memory (the limits default to them; resources.memoryLimit raises the limit)",
      manifestPath: ["resources"],
      objectRef: ref,
      environment: "prod",
    });
    expect(findings[5]?.fixHint).toBe("run aiplat check --live (or deploy from the editor) to compare with the cluster's free GPUs");
    for (const f of findings) expect(PolicyFinding.safeParse(f).success).toBe(true);
    expect(hasErrors(findings)).toBe(true);
    expect(hasErrors(findings.filter((f) => f.severity !== "error"))).toBe(false);
  });

  test("the rules are data: unique ids, each with a title, a policy, a fix and a place in the manifest", () => {
    expect(new Set(policyRules.map((r) => r.id)).size).toBe(policyRules.length);
    expect(policyRules.map((r) => r.id).sort()).toEqual(["gpu-capacity", "immutable-image-in-production", "limits-set", "model-approved", "namespace-allowed", "no-latest-tag", "probes-present", "run-as-non-root"]);
    for (const r of policyRules) {
      expect(r.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(r.title && r.message && r.fixHint).toBeTruthy();
      expect(r.manifestPath.length).toBeGreaterThan(0);
    }
  });

  test("a rule set can be passed in, e.g. to run one rule", () => {
    const only = policyRules.filter((r) => r.id === "probes-present");
    expect(evaluatePolicies(input([deploymentObject({ containers: [goodContainer({ image: "x:latest", readinessProbe: null })] })]), only).map((f) => f.ruleId)).toEqual(["probes-present"]);
  });
});
