/**
 * What a metrics query is about: one service (a Deployment or a KServe InferenceService) in one
 * kube context, the runtime that decides which metric names it exports, and its SLO.
 */
import type { V1Deployment } from "@kubernetes/client-node";
import type { InferenceService } from "../kube/objects/inferenceService";
import { modelServerOfImage } from "../kube/workloads/inferenceWorkload";
import type { ResolvedSlo } from "./sloTargets";

export type RuntimeId = "vllm" | "triton" | "kserve" | "fastapi";

export interface MetricsTarget {
  readonly context: string;
  readonly namespace: string;
  readonly name: string;
  readonly kind: "Deployment" | "InferenceService";
  readonly runtime: RuntimeId;
  readonly slo: ResolvedSlo;
  /**
   * The Azure ML online endpoint (or one of its deployments) serving this model, when its
   * metrics live in Azure Monitor platform metrics rather than Prometheus.
   */
  readonly azureResourceUri?: string;
  /**
   * A narrower set of the service's pods (RE2, anchored by PromQL), e.g. one ReplicaSet's pods
   * `<rs-name>-[a-z0-9]{5}`: a canary's measurements and triage's per-revision comparisons.
   */
  readonly podRegex?: string;
}

/** For legends and the dashboard's header. */
export const runtimeLabel: Readonly<Record<RuntimeId, string>> = { vllm: "vLLM", triton: "Triton", kserve: "KServe", fastapi: "FastAPI" };

/**
 * The runtime of a pod's images, judged by repository name as the Deployments tree does. A model
 * server we have no catalog for (or a custom image) is taken for a FastAPI app with
 * prometheus-fastapi-instrumentator, the python template's server.
 */
export function runtimeOfImages(images: readonly string[]): RuntimeId {
  const servers = images.map(modelServerOfImage);
  if (servers.includes("vllm")) return "vllm";
  if (servers.includes("tritonserver")) return "triton";
  if (servers.includes("kserve")) return "kserve";
  return "fastapi";
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * A RE2 regex (PromQL anchors it) matching the service's pod names: a Deployment's pods are
 * `<name>-<pod-template-hash>-<5 chars>`; a KServe predictor's are `<isvc>-predictor-…`, in
 * both RawDeployment (`-predictor-<hash>-<suffix>`) and Knative (`-predictor-00001-deployment-…`) mode.
 */
export function podNameRegex(target: Pick<MetricsTarget, "kind" | "name">): string {
  const name = escapeRegex(target.name);
  return target.kind === "InferenceService" ? `${name}-predictor-.+` : `${name}-[a-z0-9]{1,10}-[a-z0-9]{5}`;
}

/** The SLO itself, or how to resolve it once the runtime is known (its latency default depends on it). */
export type SloFor = ResolvedSlo | ((runtime: RuntimeId) => ResolvedSlo);

function sloOf(slo: SloFor, runtime: RuntimeId): ResolvedSlo {
  return typeof slo === "function" ? slo(runtime) : slo;
}

export function metricsTargetOfDeployment(context: string, deployment: V1Deployment, slo: SloFor): MetricsTarget {
  const spec = deployment.spec?.template.spec;
  const images = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].flatMap((c) => (c.image ? [c.image] : []));
  const runtime = runtimeOfImages(images);
  return { context, namespace: deployment.metadata?.namespace ?? "default", name: deployment.metadata?.name ?? "", kind: "Deployment", runtime, slo: sloOf(slo, runtime) };
}

/**
 * An InferenceService's predictor runs KServe's model server unless its serving runtime or a
 * custom container is vLLM or Triton, whose own metric names then apply.
 */
export function metricsTargetOfInferenceService(context: string, isvc: InferenceService, slo: SloFor): MetricsTarget {
  const predictor = isvc.spec?.predictor;
  const images = (predictor?.containers ?? []).flatMap((c) => (c.image ? [c.image] : []));
  const servingRuntime = (predictor?.model?.runtime ?? "").toLowerCase();
  const byImage = runtimeOfImages(images);
  const runtime: RuntimeId =
    byImage === "vllm" || servingRuntime.includes("vllm") ? "vllm" : byImage === "triton" || servingRuntime.includes("triton") ? "triton" : "kserve";
  return { context, namespace: isvc.metadata.namespace ?? "default", name: isvc.metadata.name, kind: "InferenceService", runtime, slo: sloOf(slo, runtime) };
}
