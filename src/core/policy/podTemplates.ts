import type { V1Container, V1PodSpec } from "@kubernetes/client-node";
import type { KubeObject } from "../kube/objects/kubeObject";

/**
 * The pods a Kubernetes object will run, whatever its kind: a Pod, a workload's pod template,
 * a CronJob's job template or a KServe predictor (whose pod fields sit inline in the predictor
 * and whose model is a container). Policy rules read these, so they hold for rendered objects
 * and hand-written YAML alike.
 */

export interface PolicyObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

export interface PodTemplate {
  readonly ref: PolicyObjectRef;
  /** Pod-level fields: securityContext, nodeSelector, affinity, tolerations. */
  readonly spec: V1PodSpec;
  /** The app containers (not init containers). */
  readonly containers: readonly V1Container[];
  readonly initContainers: readonly V1Container[];
  /** Pods that run at the least: replicas, an HPA's or a predictor's minReplicas (at least 1), a Job's parallelism. */
  readonly minPods: number;
  /** Does the name belong to one of this object's own pods (so its GPUs are reused on an update)? */
  readonly ownsPod: (namespace: string, podName: string) => boolean;
}

type Json = Record<string, unknown>;

function record(value: unknown): Json | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) current = record(current)?.[key];
  return current;
}

function containersOf(value: unknown): V1Container[] {
  return Array.isArray(value) ? value.filter((c): c is V1Container => record(c) !== undefined) : [];
}

function count(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : fallback;
}

export function refOf(object: KubeObject): PolicyObjectRef {
  return { apiVersion: object.apiVersion, kind: object.kind, ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}), name: object.metadata.name };
}

/** `Deployment ml/chat`, as messages name an object. */
export function describeRef(ref: PolicyObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The HPA in the same set of objects that scales this one, if any. */
function scaledBy(objects: readonly KubeObject[], object: KubeObject): KubeObject | undefined {
  return objects.find(
    (o) =>
      o.kind === "HorizontalPodAutoscaler" &&
      (o.metadata.namespace ?? "") === (object.metadata.namespace ?? "") &&
      at(o.spec, "scaleTargetRef", "kind") === object.kind &&
      at(o.spec, "scaleTargetRef", "name") === object.metadata.name,
  );
}

/** KServe's predictor: pod fields inline, the model (or a legacy per-format key) as the kserve-container. */
function predictorTemplate(predictor: Json): { spec: V1PodSpec; containers: V1Container[] } {
  const own = containersOf(predictor.containers);
  if (own.length > 0) return { spec: { ...predictor, containers: own }, containers: own };
  const legacy = ["sklearn", "xgboost", "lightgbm", "tensorflow", "pytorch", "triton", "onnx", "huggingface", "pmml", "paddle"].find((k) => record(predictor[k]));
  const model = record(predictor.model) ?? (legacy ? record(predictor[legacy]) : undefined);
  const containers = model ? [{ name: "kserve-container", ...model } as V1Container] : [];
  return { spec: { ...predictor, containers }, containers };
}

/** The pod template of one object, or undefined for kinds that run no pods (Service, HPA, PDB…). */
export function podTemplateOf(object: KubeObject, objects: readonly KubeObject[] = [object]): PodTemplate | undefined {
  const ref = refOf(object);
  const name = escape(object.metadata.name);
  const namespace = object.metadata.namespace ?? "";
  const sameNamespace = (ns: string): boolean => ns === namespace || namespace === "";
  const spec = object.spec as Json | undefined;
  const make = (podSpec: unknown, minPods: number, ownName: RegExp): PodTemplate | undefined => {
    const s = record(podSpec);
    if (!s) return undefined;
    return {
      ref,
      spec: s as unknown as V1PodSpec,
      containers: containersOf(s.containers),
      initContainers: containersOf(s.initContainers),
      minPods,
      ownsPod: (ns, podName) => sameNamespace(ns) && ownName.test(podName),
    };
  };
  const hpaMin = (): number | undefined => {
    const hpa = scaledBy(objects, object);
    return hpa ? Math.max(1, count(at(hpa.spec, "minReplicas"), 1)) : undefined;
  };
  switch (object.kind) {
    case "Pod":
      return make(spec, 1, new RegExp(`^${name}$`));
    case "Deployment":
      // <deployment>-<pod-template-hash>-<5 random>
      return make(at(spec, "template", "spec"), hpaMin() ?? count(spec?.replicas, 1), new RegExp(`^${name}-[a-z0-9]{1,10}-[a-z0-9]{5}$`));
    case "ReplicaSet":
      return make(at(spec, "template", "spec"), hpaMin() ?? count(spec?.replicas, 1), new RegExp(`^${name}-[a-z0-9]{5}$`));
    case "StatefulSet":
      return make(at(spec, "template", "spec"), hpaMin() ?? count(spec?.replicas, 1), new RegExp(`^${name}-\\d+$`));
    case "DaemonSet":
      // One pod per matching node: not a count the capacity rule can check.
      return make(at(spec, "template", "spec"), 0, new RegExp(`^${name}-[a-z0-9]{5}$`));
    case "Job":
      return make(at(spec, "template", "spec"), count(spec?.parallelism, 1), new RegExp(`^${name}-[a-z0-9]{5}$`));
    case "CronJob":
      return make(at(spec, "jobTemplate", "spec", "template", "spec"), count(at(spec, "jobTemplate", "spec", "parallelism"), 1), new RegExp(`^${name}-\\d+-[a-z0-9]{5}$`));
    case "InferenceService": {
      const predictor = record(spec?.predictor);
      if (!predictor || !object.apiVersion.startsWith("serving.kserve.io/")) return undefined;
      const { spec: podSpec, containers } = predictorTemplate(predictor);
      // RawDeployment: <isvc>-predictor-<hash>-<5>; Serverless: <isvc>-predictor-00001-deployment-<hash>-<5>.
      const template = make(podSpec, Math.max(1, count(predictor.minReplicas, 1)), new RegExp(`^${name}-predictor-`));
      return template && { ...template, containers };
    }
    default:
      return undefined;
  }
}

export function podTemplates(objects: readonly KubeObject[]): PodTemplate[] {
  return objects.flatMap((o) => podTemplateOf(o, objects) ?? []);
}
