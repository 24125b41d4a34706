import type { V1Container, V1Deployment } from "@kubernetes/client-node";
import { isGpuResourceName } from "../objects/gpuResource";
import { parseImageReference, shortDigest } from "../objects/imageReference";
import { isInferenceService, type InferenceService } from "../objects/inferenceService";
import { containerRequest, effectivePodRequests } from "../objects/podEffectiveRequests";

/** Label that marks a Deployment as one of our services (the scaffold templates set it). */
export const serviceLabel = "ai-platform/service";
/**
 * Annotation holding the served model version, on the workload or its pod template. KServe
 * defines no model-version annotation (kserve/kserve pkg/constants/constants.go has none), so
 * ours is the only key read; the registry integration writes it.
 */
export const modelVersionAnnotation = "ai-platform/model-version";
/** KServe labels the predictor's Deployment and pods with the InferenceService's name. */
export const kserveInferenceServiceLabel = "serving.kserve.io/inferenceservice";

export type ModelServer = "vllm" | "tritonserver" | "kserve" | "torchserve" | "mlserver" | "text-generation-inference" | "bentoml" | "ray";

/** Why a workload counts as an inference workload; each is shown as one tooltip line. */
export type InferenceQualification =
  | { readonly kind: "InferenceService" }
  | { readonly kind: "RequestsGpus"; readonly gpus: Readonly<Record<string, number>> }
  | { readonly kind: "ServiceLabel"; readonly service: string }
  | { readonly kind: "ModelServerImage"; readonly server: ModelServer; readonly container: string; readonly image: string };

/**
 * Model servers, recognised by the repository's own name split on '-', '_' and '.', so
 * `team/vllm-openai` is vLLM but `library/array-tools` is not Ray. `namespaces` also accepts a
 * path component (KServe and BentoML publish their runtimes under their own namespace).
 */
const modelServers: readonly { readonly server: ModelServer; readonly tokens: readonly string[]; readonly namespaces?: readonly string[] }[] = [
  { server: "vllm", tokens: ["vllm"] },
  { server: "tritonserver", tokens: ["tritonserver"] },
  { server: "kserve", tokens: ["kserve"], namespaces: ["kserve"] },
  { server: "torchserve", tokens: ["torchserve"] },
  { server: "mlserver", tokens: ["mlserver"] },
  { server: "text-generation-inference", tokens: ["text", "generation", "inference"] },
  { server: "bentoml", tokens: ["bentoml"], namespaces: ["bentoml"] },
  { server: "ray", tokens: ["ray"] },
];

function containsRun(haystack: readonly string[], needle: readonly string[]): boolean {
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((t, j) => haystack[i + j] === t)) return true;
  }
  return false;
}

/** The model server an image runs, judged by its repository name only (never tag or registry). */
export function modelServerOfImage(image: string): ModelServer | undefined {
  const ref = parseImageReference(image.toLowerCase());
  const tokens = ref.name.split(/[-_.]+/).filter((t) => t.length > 0);
  const namespaces = ref.path.slice(0, -1);
  return modelServers.find((m) => containsRun(tokens, m.tokens) || (m.namespaces ?? []).some((n) => namespaces.includes(n)))?.server;
}

type Workload = V1Deployment | InferenceService;

/** Every reason the workload qualifies, in a fixed order; empty when it is not an inference workload. */
export function inferenceQualifications(workload: Workload): InferenceQualification[] {
  if (isInferenceService(workload)) return [{ kind: "InferenceService" }];
  const deployment = workload;
  const result: InferenceQualification[] = [];
  const podSpec = deployment.spec?.template.spec;
  if (podSpec) {
    const gpus = Object.fromEntries(effectivePodRequests(podSpec, isGpuResourceName));
    if (Object.values(gpus).some((n) => n > 0)) result.push({ kind: "RequestsGpus", gpus });
  }
  const service = deployment.metadata?.labels?.[serviceLabel];
  if (service !== undefined) result.push({ kind: "ServiceLabel", service });
  for (const c of [...(podSpec?.initContainers ?? []), ...(podSpec?.containers ?? [])]) {
    const server = c.image ? modelServerOfImage(c.image) : undefined;
    if (server && c.image) result.push({ kind: "ModelServerImage", server, container: c.name, image: c.image });
  }
  return result;
}

export function isInferenceWorkload(workload: Workload): boolean {
  return inferenceQualifications(workload).length > 0;
}

export function describeQualification(q: InferenceQualification): string {
  switch (q.kind) {
    case "InferenceService":
      return "KServe InferenceService";
    case "RequestsGpus":
      return `requests ${Object.entries(q.gpus)
        .filter(([, n]) => n > 0)
        .map(([name, n]) => `${n} ${name}`)
        .join(", ")} per pod`;
    case "ServiceLabel":
      return `labelled ${serviceLabel}=${q.service}`;
    case "ModelServerImage":
      return `container ${q.container} runs ${q.server} (${q.image})`;
  }
}

/** The InferenceService a Deployment serves as predictor (or transformer) for, if KServe made it. */
export function owningInferenceService(deployment: V1Deployment): string | undefined {
  return deployment.metadata?.labels?.[kserveInferenceServiceLabel];
}

export type ServedVersionSource = "annotation" | "image-tag" | "image-digest" | "runtime-version";

export interface ServedVersion {
  readonly version: string;
  readonly source: ServedVersionSource;
  /** The image the version was read from, when it came from an image. */
  readonly image?: string;
}

function versionOfImage(image: string): ServedVersion | undefined {
  const ref = parseImageReference(image);
  // A tag is what people name releases by; the digest is the fallback for pinned images.
  if (ref.tag) return { version: ref.tag, source: "image-tag", image };
  if (ref.digest) return { version: shortDigest(ref.digest), source: "image-digest", image };
  return undefined;
}

/** The container whose image stands for the served model: the model server, else a GPU user, else KServe's, else the first. */
function servingContainer(containers: readonly V1Container[]): V1Container | undefined {
  return (
    containers.find((c) => c.image !== undefined && modelServerOfImage(c.image) !== undefined) ??
    containers.find((c) => Object.keys({ ...c.resources?.requests, ...c.resources?.limits }).some((r) => isGpuResourceName(r) && containerRequest(c, r) > 0)) ??
    containers.find((c) => c.name === "kserve-container") ??
    containers[0]
  );
}

/**
 * The version being served: the `ai-platform/model-version` annotation (workload, then pod
 * template), else the serving image's tag, else its short digest. For an InferenceService
 * without the annotation: a custom predictor container's image, else `runtimeVersion` (the
 * serving runtime's image tag).
 */
export function servedVersion(workload: Workload): ServedVersion | undefined {
  const annotated = workload.metadata?.annotations?.[modelVersionAnnotation];
  if (annotated) return { version: annotated, source: "annotation" };
  if (isInferenceService(workload)) {
    const isvc = workload;
    const image = isvc.spec?.predictor?.containers?.find((c) => c.image)?.image;
    const fromImage = image ? versionOfImage(image) : undefined;
    if (fromImage) return fromImage;
    const runtimeVersion = isvc.spec?.predictor?.model?.runtimeVersion;
    return runtimeVersion ? { version: runtimeVersion, source: "runtime-version" } : undefined;
  }
  const template = workload.spec?.template;
  const templateAnnotated = template?.metadata?.annotations?.[modelVersionAnnotation];
  if (templateAnnotated) return { version: templateAnnotated, source: "annotation" };
  const image = servingContainer(template?.spec?.containers ?? [])?.image;
  return image ? versionOfImage(image) : undefined;
}
