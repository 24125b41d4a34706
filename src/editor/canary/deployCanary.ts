import type * as vscode from "vscode";
import { canaryHandover, type CanaryHandover } from "../../core/deploy/canary/canaryHandover";
import type { CanaryResult } from "../../core/deploy/canary/canaryRun";
import { runCanary } from "../../core/deploy/canary/runCanary";
import type { DeployPlan } from "../../core/deploy/planDeploy";
import type { MetricsSource } from "../../core/metrics/metricsSource";
import { workloadId } from "../../core/kube/workloads/workloadIndex";
import type { AuditTrail } from "../auditTrail";
import type { MetricsConnection } from "../metrics/metricsConnection";
import type { ReadOnlyContexts } from "../readOnlyContexts";
import { followCanary } from "./canaryFollow";

export interface DeployCanaryDeps {
  readonly metrics: MetricsConnection;
  readonly trail: AuditTrail;
  readonly readOnly: ReadOnlyContexts;
  readonly log: vscode.LogOutputChannel;
}

export type CanaryHandoverOf = Extract<CanaryHandover, { kind: "canary" }>;

/** What Deploy does with a canary manifest: go ahead with a canary (its source found), go out whole, or refuse and say why. */
export type DeployCanaryPlan =
  | { readonly kind: "none" }
  /** A first deploy (nothing to compare with) or a change that leaves the pods as they are: no canary, said in the log. */
  | { readonly kind: "whole"; readonly why: string }
  | { readonly kind: "canary"; readonly handover: CanaryHandoverOf; readonly source: MetricsSource }
  | { readonly kind: "no-metrics"; readonly why: string };

/**
 * Asked before the deploy is confirmed: core's handover (the same as `aiplat deploy`'s) and the
 * metrics source of the deploy's context. Without a source every measurement would be
 * inconclusive and the canary could only hold, so the deploy is refused with why instead.
 */
export async function deployCanaryPlan(deps: Pick<DeployCanaryDeps, "metrics">, p: DeployPlan): Promise<DeployCanaryPlan> {
  const handover = canaryHandover(p);
  switch (handover.kind) {
    case "not-canary":
      return { kind: "none" };
    case "first-deploy":
      return { kind: "whole", why: `first deploy of ${p.manifest.name}: it goes out whole, without a canary (there is no running version to compare it with)` };
    case "no-new-version":
      return { kind: "whole", why: `the pods of ${p.manifest.name} do not change, so there is no new version to try as a canary` };
    case "canary":
      break;
  }
  const state = await deps.metrics.state();
  const context = p.context.name;
  if (state.kind === "none") return { kind: "no-metrics", why: `no metrics source is connected for ${context} (Connect Metrics… sets one up)` };
  if (state.kind === "problem") return { kind: "no-metrics", why: `the metrics source for ${context} cannot be used: ${state.problem}` };
  if (state.context !== context) return { kind: "no-metrics", why: `the connected metrics source is for ${state.context}, and this deploy goes to ${context}: select ${context} first` };
  return { kind: "canary", handover, source: state.source };
}

/**
 * After the apply: the canary steps under a cancellable progress notification. Cancelling leaves
 * the state on the object; the message says how to resume (Resume Canary on the row).
 */
export function runDeployCanary(deps: DeployCanaryDeps, c: Extract<DeployCanaryPlan, { kind: "canary" }>, reason: string, appliedAt: Date): Promise<CanaryResult> {
  const { handover, source } = c;
  const { plan, workload } = handover;
  const service = { namespace: workload.namespace, name: workload.name, workloadId: workloadId(workload.kind, workload.namespace, workload.name) };
  if (workload.kind === "Deployment") deps.log.info(`Canary: ${workload.name}-canary runs ${handover.revision} next to ${workload.name}; the Service splits traffic by replica count, so each step's share is approximate.`);
  return followCanary(service, "Deploy", deps.log, (signal, onProgress) =>
    runCanary({
      kc: plan.kc,
      context: plan.context,
      actor: plan.actor,
      workload,
      metrics: { source, target: handover.target },
      auditFile: deps.trail.file,
      readOnly: deps.readOnly.policy,
      signal,
      onProgress,
      reason,
      rollout: handover.rollout,
      revision: handover.revision,
      ...(handover.canaryTemplate ? { canaryTemplate: handover.canaryTemplate } : {}),
      changedAt: appliedAt,
    }),
  );
}
