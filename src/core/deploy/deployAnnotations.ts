import type { KubeObject } from "../kube/objects/kubeObject";
import { previousPredictorAnnotation } from "../kube/rollout/inferenceServiceRollout";

/** The workload among the rendered objects: the one whose rollout is followed and rolled back. */
export function workloadObject(objects: readonly KubeObject[]): KubeObject | undefined {
  return objects.find((o) => o.kind === "Deployment" || o.kind === "InferenceService");
}

/**
 * Our change annotations go out with the apply itself, so the new revision carries its
 * change-cause (as `kubectl apply` with --record did). A KServe InferenceService also keeps the
 * predictor it replaces, which is what a RawDeployment-mode rollback restores.
 */
export function annotateForDeploy(objects: readonly KubeObject[], opts: { readonly annotations: Record<string, string>; readonly livePredictor: unknown }): KubeObject[] {
  return objects.map((o) => {
    if (o.kind !== "Deployment" && o.kind !== "InferenceService") return o;
    const annotations: Record<string, string> = { ...o.metadata.annotations, ...opts.annotations };
    if (o.kind === "InferenceService" && opts.livePredictor && JSON.stringify(opts.livePredictor) !== JSON.stringify(o.spec?.["predictor"])) {
      annotations[previousPredictorAnnotation] = JSON.stringify(opts.livePredictor);
    }
    return { ...o, metadata: { ...o.metadata, annotations } };
  });
}
