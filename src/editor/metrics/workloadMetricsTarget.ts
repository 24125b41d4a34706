import { metricsTargetOfDeployment, metricsTargetOfInferenceService, type MetricsTarget } from "../../core/metrics/metricsTarget";
import { resolveSlo, sloSpecOfAnnotations } from "../../core/metrics/sloTargets";
import type { Workload } from "../../core/kube/workloads/workloadIndex";

/**
 * A Deployments row as a MetricsTarget: the runtime from its images (or the InferenceService's
 * serving runtime), the SLO from the manifest's `slo` the workload was deployed with (the
 * aiplatform.dev/slo annotation), and the tier defaults for that runtime for the rest.
 */
export function metricsTargetOfWorkload(context: string, w: Workload): MetricsTarget | undefined {
  if (w.inferenceService) {
    const spec = sloSpecOfAnnotations(w.inferenceService.metadata?.annotations);
    return metricsTargetOfInferenceService(context, w.inferenceService, (runtime) => resolveSlo(spec, runtime));
  }
  if (w.deployment) {
    const spec = sloSpecOfAnnotations(w.deployment.metadata?.annotations);
    return metricsTargetOfDeployment(context, w.deployment, (runtime) => resolveSlo(spec, runtime));
  }
  return undefined;
}
