import { modelVersionAnnotation, kserveInferenceServiceLabel, serviceLabel } from "../kube/workloads/inferenceWorkload";
import type { JsonValue, KubeObject } from "../kube/objects/kubeObject";
import { sloAnnotation } from "../kube/objects/wellKnownAnnotations";
import { formatModelUri, modelReferenceAnnotation } from "../registry/modelReference";
import { manifestModelReference } from "./manifestModelReference";
import {
  containerResources,
  containerSecurityContext,
  gpuScheduling,
  modelUri,
  modelVersion,
  podSecurityContext,
  renderPodSpec,
  renderProbes,
  tritonMetricsPort,
} from "./renderWorkload";
import type { Environment, ServiceManifest } from "./serviceManifest";

/**
 * aiplatform.yaml + an environment → the Kubernetes objects that run the service there.
 * Pure and deterministic: the same manifest gives the same objects in the same key order, so
 * a rendered file diffs cleanly in review and GitOps.
 */

export type RenderResult = { readonly ok: true; readonly objects: readonly KubeObject[] } | { readonly ok: false; readonly error: string };

type Json = { [key: string]: JsonValue };

export const managedByValue = "ai-platform-ops";
export const modelVersionLabel = "aiplatform.dev/model-version";
const kserveDeploymentMode = "serving.kserve.io/deploymentMode";

/**
 * A label value: at most 63 characters of [A-Za-z0-9-_.], beginning and ending with an
 * alphanumeric (k8s.io/apimachinery validation.IsValidLabelValue).
 */
export function toLabelValue(raw: string): string {
  const cleaned = raw
    .replace(/[^A-Za-z0-9._-]/g, "-")
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+/, "")
    .replace(/[^A-Za-z0-9]+$/, "");
  return cleaned === "" ? "unversioned" : cleaned;
}

export function renderKubernetesObjects(manifest: ServiceManifest, envName: string): RenderResult {
  const env = Object.hasOwn(manifest.environments, envName) ? manifest.environments[envName] : undefined;
  if (!env) {
    const known = Object.keys(manifest.environments);
    return { ok: false, error: `Unknown environment ${JSON.stringify(envName)}: ${manifest.name}'s manifest defines ${known.join(", ")}.` };
  }
  const ctx = context(manifest, env);
  if (manifest.runtime === "kserve") {
    return { ok: true, objects: [inferenceService(ctx), podDisruptionBudget(ctx), serviceMonitor(ctx), networkPolicy(ctx)] };
  }
  const hpa = horizontalPodAutoscaler(ctx);
  return { ok: true, objects: [deployment(ctx), service(ctx), ...(hpa ? [hpa] : []), podDisruptionBudget(ctx), serviceMonitor(ctx), networkPolicy(ctx)] };
}

interface RenderContext {
  readonly m: ServiceManifest;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** What selects the pods: stable across versions, since a Deployment's selector is immutable. */
  readonly selector: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

function context(m: ServiceManifest, env: Environment): RenderContext {
  const version = modelVersion(m);
  const labels = {
    "app.kubernetes.io/name": m.name,
    "app.kubernetes.io/managed-by": managedByValue,
    [serviceLabel]: m.name,
    [modelVersionLabel]: toLabelValue(version ?? "unversioned"),
  };
  // KServe names the predictor's pods itself; it always labels them with the InferenceService's name.
  const selector: Record<string, string> = m.runtime === "kserve" ? { [kserveInferenceServiceLabel]: m.name } : { "app.kubernetes.io/name": m.name, [serviceLabel]: m.name };
  // The label is sanitized; the annotation keeps the exact version (what the Deployments view shows).
  const annotations: Record<string, string> = version ? { [modelVersionAnnotation]: version } : {};
  return { m, namespace: env.namespace, labels, selector, annotations };
}

/**
 * The manifest's objectives travel on the workload (not its pod template, which would restart
 * pods when an objective changes), so the Deployments view and aiplat hold a running service to
 * the objectives it was deployed with.
 */
function sloAnnotations(m: ServiceManifest): Record<string, string> {
  return Object.keys(m.slo).length > 0 ? { [sloAnnotation]: JSON.stringify(m.slo) } : {};
}

/**
 * The registered model the service serves, as one models:/ URI on the workload's metadata (not
 * the pod template: moving an alias must not restart pods), so the Models tree can say what
 * serves each version without reading env vars.
 */
function modelAnnotations(m: ServiceManifest): Record<string, string> {
  const ref = manifestModelReference(m.model);
  return ref ? { [modelReferenceAnnotation]: formatModelUri(ref) } : {};
}

function metadata(ctx: RenderContext, extraAnnotations: Record<string, string> = {}): KubeObject["metadata"] {
  const annotations = { ...extraAnnotations, ...ctx.annotations };
  return { name: ctx.m.name, namespace: ctx.namespace, labels: ctx.labels, ...(Object.keys(annotations).length ? { annotations } : {}) };
}

function deployment(ctx: RenderContext): KubeObject {
  const { m } = ctx;
  const rollout = m.rollout.strategy === "rolling" ? m.rollout : { maxSurge: "25%", maxUnavailable: 0, progressDeadlineSeconds: 600 };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: metadata(ctx, { ...modelAnnotations(m), ...sloAnnotations(m) }),
    spec: {
      replicas: Math.max(1, m.scaling.minReplicas),
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: rollout.progressDeadlineSeconds,
      selector: { matchLabels: ctx.selector },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: rollout.maxSurge, maxUnavailable: rollout.maxUnavailable } },
      template: {
        metadata: { labels: ctx.labels, ...(Object.keys(ctx.annotations).length ? { annotations: ctx.annotations } : {}) },
        spec: renderPodSpec(m),
      },
    },
  };
}

/**
 * KServe's InferenceService. A canary rollout needs Serverless (Knative) mode, where
 * canaryTrafficPercent splits traffic between revisions; a rolling one runs as a plain
 * Deployment (RawDeployment), which needs no Knative.
 */
function inferenceService(ctx: RenderContext): KubeObject {
  const { m } = ctx;
  const canary = m.rollout.strategy === "canary" ? m.rollout.steps[0]?.traffic : undefined;
  const serverless = m.rollout.strategy === "canary";
  const resources = containerResources(m);
  const target = m.scaling.target;
  return {
    apiVersion: "serving.kserve.io/v1beta1",
    kind: "InferenceService",
    metadata: metadata(ctx, { [kserveDeploymentMode]: serverless ? "Serverless" : "RawDeployment", ...modelAnnotations(m), ...sloAnnotations(m) }),
    spec: {
      predictor: {
        // Only Knative scales to zero; a RawDeployment's HPA needs at least one replica.
        minReplicas: serverless ? m.scaling.minReplicas : Math.max(1, m.scaling.minReplicas),
        maxReplicas: m.scaling.maxReplicas,
        ...(target ? { scaleMetric: target.metric, scaleTarget: Math.max(1, Math.round(target.value)) } : {}),
        ...(canary !== undefined ? { canaryTrafficPercent: canary } : {}),
        labels: ctx.labels,
        ...(Object.keys(ctx.annotations).length ? { annotations: ctx.annotations } : {}),
        securityContext: podSecurityContext,
        ...gpuScheduling(m),
        model: {
          modelFormat: { name: m.modelFormat ?? "sklearn" },
          storageUri: modelUri(m),
          ...(m.image ? { image: m.image } : {}),
          ...(resources ? { resources } : {}),
          ...renderProbes(m),
          securityContext: containerSecurityContext,
        },
      },
    },
  };
}

function servicePorts(m: ServiceManifest): JsonValue[] {
  return [
    { name: "http", port: 80, targetPort: "http", protocol: "TCP" },
    ...(m.runtime === "triton" ? [{ name: "metrics", port: tritonMetricsPort, targetPort: "metrics", protocol: "TCP" }] : []),
  ];
}

function service(ctx: RenderContext): KubeObject {
  return { apiVersion: "v1", kind: "Service", metadata: metadata(ctx), spec: { type: "ClusterIP", selector: ctx.selector, ports: servicePorts(ctx.m) } };
}

/** Custom metrics come from the Prometheus adapter, under these names. */
const podsMetric = { rps: "http_requests_per_second", concurrency: "inflight_requests" } as const;

/**
 * No HPA when the replica count cannot change (min = max): it would only fight `kubectl scale`.
 * Without a target the HPA scales on CPU at 80% of the request.
 */
function horizontalPodAutoscaler(ctx: RenderContext): KubeObject | undefined {
  const { m } = ctx;
  const minReplicas = Math.max(1, m.scaling.minReplicas);
  if (m.scaling.maxReplicas <= minReplicas) return undefined;
  const target = m.scaling.target ?? { metric: "cpu" as const, value: 80 };
  const metric: Json =
    target.metric === "cpu" || target.metric === "memory"
      ? { type: "Resource", resource: { name: target.metric, target: { type: "Utilization", averageUtilization: Math.max(1, Math.round(target.value)) } } }
      : { type: "Pods", pods: { metric: { name: podsMetric[target.metric] }, target: { type: "AverageValue", averageValue: String(target.value) } } };
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: metadata(ctx),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: m.name },
      minReplicas,
      maxReplicas: m.scaling.maxReplicas,
      metrics: [metric],
    },
  };
}

/**
 * maxUnavailable: 1 rather than minAvailable: with one replica, minAvailable would block every
 * node drain (GPU pools get upgraded too); maxUnavailable lets a drain proceed one pod at a
 * time at any replica count.
 */
function podDisruptionBudget(ctx: RenderContext): KubeObject {
  return { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: metadata(ctx), spec: { maxUnavailable: 1, selector: { matchLabels: ctx.selector } } };
}

/**
 * Prometheus Operator scrapes /metrics through the Service. Triton serves metrics on their own
 * port; KServe's model servers serve them on 8080 behind services KServe names itself.
 */
function serviceMonitor(ctx: RenderContext): KubeObject {
  const { m } = ctx;
  const endpoint: Json =
    m.runtime === "kserve"
      ? { targetPort: 8080, path: "/metrics", interval: "30s" }
      : { port: m.runtime === "triton" ? "metrics" : "http", path: "/metrics", interval: "30s" };
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: metadata(ctx),
    spec: { selector: { matchLabels: ctx.selector }, endpoints: [endpoint] },
  };
}

const monitoringNamespace: Json = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } };
const sameNamespace: Json = { podSelector: {} };

/**
 * Only the service's own namespace and Prometheus (namespace `monitoring`) reach the pods. In
 * Serverless mode Knative's activator and Istio's gateway forward the traffic, so their
 * namespaces are let in too.
 */
function networkPolicy(ctx: RenderContext): KubeObject {
  const { m } = ctx;
  let ingress: Json[];
  if (m.runtime === "kserve") {
    const knative = m.rollout.strategy === "canary" ? ["knative-serving", "istio-system"] : [];
    ingress = [{ from: [sameNamespace, monitoringNamespace, ...knative.map((ns) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } }))] }];
  } else {
    const ports: Json[] = [{ protocol: "TCP", port: "http" }, ...(m.runtime === "triton" ? [{ protocol: "TCP", port: "metrics" }] : [])];
    ingress = [{ from: [sameNamespace, monitoringNamespace], ports }];
  }
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: metadata(ctx),
    spec: { podSelector: { matchLabels: ctx.selector }, policyTypes: ["Ingress"], ingress },
  };
}
