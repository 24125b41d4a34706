import type { KubeConfig, V1Deployment } from "@kubernetes/client-node";
import { requestJson } from "../../kube/client/kubeRequest";
import { collectionPath, ResourceTypes } from "../../kube/client/resourceTypes";
import { InferenceService } from "../../kube/objects/inferenceService";
import { classifyActionError, type ActionError } from "../../kube/rollout/clusterActions";
import { metricsTargetOfDeployment, metricsTargetOfInferenceService, type MetricsTarget } from "../../metrics/metricsTarget";
import { resolveSlo, sloSpecOfAnnotations } from "../../metrics/sloTargets";
import type { CanaryWorkload } from "./canaryRun";

/**
 * The whole service's metrics target for a canary resumed or checked from another client: the
 * runtime from the workload's images (for a pair, the stable Deployment's, which the canary shares),
 * the SLO the workload was deployed with (its aiplatform.dev/slo annotation) and the tier defaults.
 */
export async function canaryMetricsTarget(kc: KubeConfig, context: string, workload: CanaryWorkload, signal?: AbortSignal): Promise<{ readonly ok: true; readonly target: MetricsTarget } | { readonly ok: false; readonly error: ActionError }> {
  const type = workload.kind === "InferenceService" ? ResourceTypes.inferenceServices : ResourceTypes.deployments;
  try {
    const raw = await requestJson(kc, "GET", `${collectionPath(type, workload.namespace)}/${encodeURIComponent(workload.name)}`, { ...(signal ? { signal } : {}) });
    const annotations = (raw as { metadata?: { annotations?: Record<string, string> } }).metadata?.annotations;
    const slo = (runtime: Parameters<typeof resolveSlo>[1]) => resolveSlo(sloSpecOfAnnotations(annotations), runtime);
    if (workload.kind === "InferenceService") return { ok: true, target: metricsTargetOfInferenceService(context, InferenceService.parse(raw), slo) };
    return { ok: true, target: metricsTargetOfDeployment(context, raw as V1Deployment, slo) };
  } catch (err) {
    return { ok: false, error: classifyActionError(err, { verb: "get", resource: workload.kind === "InferenceService" ? "inferenceservices.serving.kserve.io" : "deployments", namespace: workload.namespace, name: workload.name }) };
  }
}
