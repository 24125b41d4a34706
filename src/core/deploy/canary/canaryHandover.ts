import type { V1Deployment } from "@kubernetes/client-node";
import type { KubeObject } from "../../kube/objects/kubeObject";
import { InferenceService } from "../../kube/objects/inferenceService";
import { metricsTargetOfDeployment, metricsTargetOfInferenceService, type MetricsTarget } from "../../metrics/metricsTarget";
import { resolveSlo } from "../../metrics/sloTargets";
import type { DeployPlan } from "../planDeploy";
import type { CanaryRolloutSpec, CanaryWorkload } from "./canaryRun";
import type { PodTemplate } from "./deploymentPairDriver";

/**
 * What a deploy of a canary manifest hands to runCanary, the same for `aiplat deploy` and the
 * editor's Deploy. KServe: the plan is applied as it is (the rendered canaryTrafficPercent is the
 * first step). A Deployment: the stable Deployment must not roll to the new template, so the plan
 * applies it with its live template (labels, annotations and the rest still change) and the new
 * template goes to the `<name>-canary` Deployment the canary creates.
 */
export type CanaryHandover =
  | { readonly kind: "not-canary" }
  /** Nothing runs yet: there is no stable version to compare with, so the first version goes out whole. */
  | { readonly kind: "first-deploy" }
  /** The pods would not change (only metadata, scaling or other objects do): nothing to try. */
  | { readonly kind: "no-new-version" }
  | {
      readonly kind: "canary";
      /** What applyDeploy applies (for a Deployment pair: the stable Deployment with its live template). */
      readonly plan: DeployPlan;
      readonly workload: CanaryWorkload;
      readonly rollout: CanaryRolloutSpec;
      /** What is tried, for the state and the audit records: the image and the model version. */
      readonly revision: string;
      readonly canaryTemplate?: PodTemplate;
      /** The whole service's metrics target, with the manifest's SLO (the canary narrows it to its pods). */
      readonly target: MetricsTarget;
    };

/** JSON with sorted keys, so two servers' key orders compare equal. */
function canonical(v: unknown): string {
  const sort = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(sort) : typeof x === "object" && x !== null ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sort((x as Record<string, unknown>)[k])])) : x;
  return JSON.stringify(sort(v));
}

type Spec = { spec?: { template?: PodTemplate; predictor?: Record<string, unknown> & { canaryTrafficPercent?: number } } };

function podsOf(o: KubeObject | undefined): string | undefined {
  if (!o) return undefined;
  const spec = (o as unknown as Spec).spec;
  if (o.kind === "InferenceService") {
    const { canaryTrafficPercent: _share, ...predictor } = spec?.predictor ?? {};
    return canonical(predictor);
  }
  return canonical(spec?.template?.spec);
}

function revisionOf(plan: DeployPlan, workload: KubeObject): string {
  const model = plan.manifest.model as { readonly version?: string; readonly storageUri?: string; readonly registry?: string };
  const image = (workload as unknown as Spec).spec?.template?.spec === undefined ? plan.manifest.image : ((workload as unknown as Spec).spec?.template?.spec as { containers?: { image?: string }[] }).containers?.[0]?.image;
  const modelText = model.version ? `${model.registry ?? model.storageUri ?? "model"} ${model.version}` : (model.storageUri ?? model.registry);
  return [image, modelText].filter((x): x is string => typeof x === "string" && x !== "").join(" · ") || plan.manifest.name;
}

export function canaryHandover(plan: DeployPlan): CanaryHandover {
  const rollout = plan.manifest.rollout;
  if (rollout.strategy !== "canary" || !plan.workload) return { kind: "not-canary" };
  const index = plan.objects.findIndex((o) => o.kind === plan.workload?.kind && o.metadata.name === plan.workload.name);
  const rendered = plan.objects[index];
  const live = plan.liveObjects[index];
  if (!rendered) return { kind: "not-canary" };
  if (!live) return { kind: "first-deploy" };
  const desired = plan.dryRun[index]?.object ?? rendered;
  if (podsOf(desired) === podsOf(live)) return { kind: "no-new-version" };
  const slo = (runtime: Parameters<typeof resolveSlo>[1]) => resolveSlo(plan.manifest.slo, runtime);
  const workload: CanaryWorkload = { kind: plan.workload.kind === "InferenceService" ? "InferenceService" : "Deployment", namespace: plan.workload.namespace, name: plan.workload.name };
  const revision = revisionOf(plan, rendered);
  if (workload.kind === "InferenceService") {
    const isvc = InferenceService.safeParse(rendered);
    const target = isvc.success ? metricsTargetOfInferenceService(plan.context.name, isvc.data, slo) : { ...metricsTargetOfDeployment(plan.context.name, {}, slo), kind: "InferenceService" as const, namespace: workload.namespace, name: workload.name };
    return { kind: "canary", plan, workload, rollout, revision, target };
  }
  const canaryTemplate = (rendered as unknown as Spec).spec?.template;
  const liveTemplate = (live as unknown as Spec).spec?.template;
  const stable = { ...rendered, spec: { ...(rendered as unknown as { spec: Record<string, unknown> }).spec, template: liveTemplate } } as unknown as KubeObject;
  const objects = plan.objects.map((o, i) => (i === index ? stable : o));
  const target = metricsTargetOfDeployment(plan.context.name, rendered as unknown as V1Deployment, slo);
  return { kind: "canary", plan: { ...plan, objects }, workload, rollout, revision, ...(canaryTemplate ? { canaryTemplate } : {}), target };
}
