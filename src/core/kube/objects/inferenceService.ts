import * as z from "zod";

/**
 * The part of a KServe InferenceService (serving.kserve.io/v1beta1) that the trees read.
 * client-node has no model for custom resources, so objects from the custom-objects API are
 * parsed with this schema; unknown fields pass through untouched. Field names follow
 * kserve/kserve pkg/apis/serving/v1beta1 (inference_service_status.go, predictor.go).
 */

const Timestamp = z.union([z.string(), z.date()]);

export const KnativeCondition = z.looseObject({
  type: z.string(),
  status: z.enum(["True", "False", "Unknown"]),
  reason: z.string().optional(),
  message: z.string().optional(),
  severity: z.string().optional(),
  lastTransitionTime: Timestamp.optional(),
});
export type KnativeCondition = z.infer<typeof KnativeCondition>;

const Container = z.looseObject({ name: z.string().optional(), image: z.string().optional() });

/** A Knative traffic target; `percent` is omitted when it is 0 and `latestRevision` when false. */
export const TrafficTarget = z.looseObject({
  tag: z.string().optional(),
  revisionName: z.string().optional(),
  latestRevision: z.boolean().optional(),
  percent: z.number().optional(),
});
export type TrafficTarget = z.infer<typeof TrafficTarget>;

/** status.components.predictor (ComponentStatusSpec): revisions and where traffic goes. */
const ComponentStatus = z.looseObject({
  url: z.string().optional(),
  latestCreatedRevision: z.string().optional(),
  latestReadyRevision: z.string().optional(),
  latestRolledoutRevision: z.string().optional(),
  previousRolledoutRevision: z.string().optional(),
  traffic: z.array(TrafficTarget).optional(),
});

export const InferenceService = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: z.looseObject({
    name: z.string(),
    namespace: z.string().optional(),
    uid: z.string().optional(),
    generation: z.number().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
  spec: z
    .looseObject({
      predictor: z
        .looseObject({
          model: z
            .looseObject({
              modelFormat: z.looseObject({ name: z.string().optional(), version: z.string().optional() }).optional(),
              runtime: z.string().optional(),
              runtimeVersion: z.string().optional(),
              storageUri: z.string().optional(),
            })
            .optional(),
          containers: z.array(Container).optional(),
          minReplicas: z.number().optional(),
          /** Share of traffic for the newest revision while a canary runs (Knative mode); 0 pins traffic to the previous one. */
          canaryTrafficPercent: z.number().optional(),
        })
        .optional(),
    })
    .optional(),
  status: z
    .looseObject({
      observedGeneration: z.number().optional(),
      /** The mode the controller settled on (KServe 0.15+); it wins over the annotation. */
      deploymentMode: z.string().optional(),
      components: z.looseObject({ predictor: ComponentStatus.optional() }).optional(),
      conditions: z.array(KnativeCondition).optional(),
      url: z.string().optional(),
      modelStatus: z
        .looseObject({
          transitionStatus: z.string().optional(),
          states: z.looseObject({ activeModelState: z.string().optional(), targetModelState: z.string().optional() }).optional(),
          lastFailureInfo: z
            .looseObject({
              location: z.string().optional(),
              reason: z.string().optional(),
              message: z.string().optional(),
              exitCode: z.number().optional(),
            })
            .optional(),
        })
        .optional(),
    })
    .optional(),
});
export type InferenceService = z.infer<typeof InferenceService>;

export function isInferenceService(obj: { apiVersion?: string; kind?: string }): obj is InferenceService {
  return obj.kind === "InferenceService" && (obj.apiVersion ?? "").startsWith("serving.kserve.io/");
}

export function findCondition(isvc: InferenceService, type: string): KnativeCondition | undefined {
  return isvc.status?.conditions?.find((c) => c.type === type);
}
