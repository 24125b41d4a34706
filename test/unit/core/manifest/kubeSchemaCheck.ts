import * as k8s from "@kubernetes/client-node";
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { Service } from "kubernetes-models/v1";
import { InferenceService } from "../../../../src/core/kube/objects/inferenceService";

/**
 * Checks a rendered object against the official Kubernetes OpenAPI schemas, the way the API
 * server would: types, required fields and formats through kubernetes-models (and the
 * prometheus-operator CRD for ServiceMonitor), and, like `kubectl apply --validate=strict`, no
 * field the API does not know, through client-node's models (generated from the same OpenAPI
 * document). KServe's InferenceService has no published schema package: it is checked with
 * the zod schema the extension reads it with, plus the fields KServe requires.
 */

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

const builtIns: Readonly<Record<string, { model: ModelClass; clientType: string | undefined }>> = {
  "apps/v1/Deployment": { model: Deployment, clientType: "V1Deployment" },
  "v1/Service": { model: Service, clientType: "V1Service" },
  "autoscaling/v2/HorizontalPodAutoscaler": { model: HorizontalPodAutoscaler, clientType: "V2HorizontalPodAutoscaler" },
  "policy/v1/PodDisruptionBudget": { model: PodDisruptionBudget, clientType: "V1PodDisruptionBudget" },
  "networking.k8s.io/v1/NetworkPolicy": { model: NetworkPolicy, clientType: "V1NetworkPolicy" },
  "monitoring.coreos.com/v1/ServiceMonitor": { model: ServiceMonitor, clientType: undefined },
};

interface AttributeType {
  readonly baseName: string;
  readonly type: string;
}
type ClientModel = { getAttributeTypeMap(): readonly AttributeType[] };

/** Fields of `value` that the client-node model `type` does not define, as JSON paths. */
export function unknownFields(value: unknown, type: string, at = ""): string[] {
  if (value === null || value === undefined) return [];
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return Array.isArray(value) ? value.flatMap((v, i) => unknownFields(v, array[1] ?? "", `${at}[${i}]`)) : [];
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => unknownFields(v, map[1] ?? "", `${at}.${k}`));
  const model = (k8s as unknown as Record<string, ClientModel | undefined>)[type];
  if (typeof model?.getAttributeTypeMap !== "function" || typeof value !== "object") return [];
  const attributes = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
    const t = attributes.get(k);
    return t === undefined ? [`${at}.${k}`] : unknownFields(v, t, `${at}.${k}`);
  });
}

function inferenceServiceProblems(obj: unknown): string[] {
  const parsed = InferenceService.safeParse(obj);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  const problems: string[] = [];
  const model = parsed.data.spec?.predictor?.model;
  if (!model?.modelFormat?.name) problems.push("spec.predictor.model.modelFormat.name is required");
  if (!model?.storageUri) problems.push("spec.predictor.model.storageUri is required");
  const canary = (parsed.data.spec?.predictor as { canaryTrafficPercent?: unknown } | undefined)?.canaryTrafficPercent;
  if (canary !== undefined && !(Number.isInteger(canary) && (canary as number) >= 0 && (canary as number) <= 100)) problems.push("canaryTrafficPercent must be 0-100");
  return problems;
}

/** Every problem with the object; empty when the API server would accept it. */
export function schemaProblems(obj: { apiVersion?: unknown; kind?: unknown }): string[] {
  const key = `${String(obj.apiVersion)}/${String(obj.kind)}`;
  if (key === "serving.kserve.io/v1beta1/InferenceService") return inferenceServiceProblems(obj);
  const entry = builtIns[key];
  if (!entry) return [`no schema for ${key}`];
  const problems: string[] = [];
  try {
    new entry.model(obj as never).validate();
  } catch (err) {
    problems.push(err instanceof Error ? err.message : String(err));
  }
  if (entry.clientType) problems.push(...unknownFields(obj, entry.clientType).map((p) => `unknown field ${p}`));
  return problems;
}
