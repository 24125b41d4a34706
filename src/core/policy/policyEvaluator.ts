import * as z from "zod";
import type { KubeObject } from "../kube/objects/kubeObject";
import type { Environment, ServiceManifest } from "../manifest/serviceManifest";
import type { ModelApprovalFacts } from "../registry/modelApproval";
import type { ClusterCapacity } from "./clusterCapacity";
import { policyRules, type PolicyRule } from "./policyRules";

/**
 * Runs the policy rules over one environment's rendered objects. A finding says which rule,
 * how bad, what exactly is wrong (which object, which container), how to fix it, and where in
 * aiplatform.yaml to point; the editor turns those into Problems, the CLI into linter lines.
 */

export const PolicySeverity = z.enum(["error", "warning", "info"]);
export type PolicySeverity = z.infer<typeof PolicySeverity>;

export const ManifestPath = z.array(z.union([z.string(), z.number()]));
export type ManifestPath = z.infer<typeof ManifestPath>;

export const PolicyFinding = z.object({
  ruleId: z.string(),
  severity: PolicySeverity,
  title: z.string(),
  message: z.string(),
  fixHint: z.string(),
  /** Where in aiplatform.yaml, e.g. ["resources"] or ["environments", "prod", "namespace"]. */
  manifestPath: ManifestPath,
  objectRef: z.object({ apiVersion: z.string(), kind: z.string(), namespace: z.string().optional(), name: z.string() }).optional(),
  environment: z.string(),
});
export type PolicyFinding = z.infer<typeof PolicyFinding>;

export interface PolicyInput {
  readonly manifest: ServiceManifest;
  readonly envName: string;
  readonly environment: Environment;
  /** The rendered objects, or hand-written YAML: the rules read Kubernetes objects. */
  readonly objects: readonly KubeObject[];
  /** Free GPUs of the target cluster; without it the capacity rule reports that it did not check. */
  readonly cluster?: ClusterCapacity;
  /** What the registry says of the version deployed; without it model-approved reports that it did not check. */
  readonly model?: ModelApprovalFacts;
}

const severityOrder: Record<PolicySeverity, number> = { error: 0, warning: 1, info: 2 };

/** Every finding of every rule, errors first, then in rule order. */
export function evaluatePolicies(input: PolicyInput, rules: readonly PolicyRule[] = policyRules): PolicyFinding[] {
  const findings = rules.flatMap((rule, order) =>
    rule.check(input).map((v) => ({
      order,
      finding: {
        ruleId: rule.id,
        severity: v.severity ?? rule.severity,
        title: rule.title,
        message: v.message,
        fixHint: v.fixHint ?? rule.fixHint,
        manifestPath: [...(v.manifestPath ?? rule.manifestPath)],
        ...(v.objectRef ? { objectRef: v.objectRef } : {}),
        environment: input.envName,
      } satisfies PolicyFinding,
    })),
  );
  return findings
    .sort((a, b) => severityOrder[a.finding.severity] - severityOrder[b.finding.severity] || a.order - b.order)
    .map((f) => f.finding);
}

export function hasErrors(findings: readonly PolicyFinding[]): boolean {
  return findings.some((f) => f.severity === "error");
}
