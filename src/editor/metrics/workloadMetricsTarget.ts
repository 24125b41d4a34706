import { metricsTargetOfDeployment, metricsTargetOfInferenceService, type MetricsTarget } from "../../core/metrics/metricsTarget";
import { resolveSlo } from "../../core/metrics/sloTargets";
import type { Workload } from "../../core/kube/workloads/workloadIndex";

/**
 * A Deployments row as a MetricsTarget: the runtime from its images (or the InferenceService's
 * serving runtime), the SLO from the platform's tier defaults for that runtime. The rendered
 * objects carry no SLO of their own yet, so the manifest's `slo` reaches the row only once the
 * renderer writes it onto the object.
 */
export function metricsTargetOfWorkload(context: string, w: Workload): MetricsTarget | undefined {
  if (w.inferenceService) {
    const t = metricsTargetOfInferenceService(context, w.inferenceService, resolveSlo(undefined, "kserve"));
    return { ...t, slo: resolveSlo(undefined, t.runtime) };
  }
  if (w.deployment) {
    const t = metricsTargetOfDeployment(context, w.deployment, resolveSlo(undefined, "fastapi"));
    return { ...t, slo: resolveSlo(undefined, t.runtime) };
  }
  return undefined;
}
