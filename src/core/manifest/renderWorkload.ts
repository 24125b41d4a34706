import type { JsonValue } from "../kube/objects/kubeObject";
import type { ServiceManifest } from "./serviceManifest";

/**
 * The pod-level pieces of a rendered service: the serving container per runtime, its probes,
 * resources, GPU scheduling and security context. renderKubernetes.ts wraps them in a
 * Deployment or an InferenceService.
 */

type Json = { [key: string]: JsonValue };

/** Where a pvc:// model is mounted, the path KServe's storage initializer uses too. */
const modelMountPath = "/mnt/models";
/** Triton serves Prometheus metrics on their own port, never on the HTTP port. */
export const tritonMetricsPort = 8002;

export const podSecurityContext: Json = { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } };
export const containerSecurityContext: Json = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: false, capabilities: { drop: ["ALL"] } };

export function modelUri(m: ServiceManifest): string {
  // A KServe storageUri may name its registered version too (model.registry); the URI is what loads.
  return "storageUri" in m.model ? m.model.storageUri : m.model.registry;
}

export function modelVersion(m: ServiceManifest): string | undefined {
  return m.model.version;
}

/** pvc://claim/sub/path → the claim and the path under it. */
function pvcModel(m: ServiceManifest): { claim: string; subPath: string } | undefined {
  const match = /^pvc:\/\/([^/]+)\/?(.*)$/.exec(modelUri(m));
  return match ? { claim: match[1] ?? "", subPath: match[2] ?? "" } : undefined;
}

function mountedModelPath(m: ServiceManifest): string | undefined {
  const pvc = pvcModel(m);
  return pvc ? (pvc.subPath ? `${modelMountPath}/${pvc.subPath}` : modelMountPath) : undefined;
}

/** vLLM downloads Hugging Face repos itself (`org/model`); a pvc:// model is read from the mount. */
function vllmModelArg(m: ServiceManifest): string {
  const uri = modelUri(m);
  if (uri.startsWith("hf://")) return uri.slice("hf://".length);
  return mountedModelPath(m) ?? uri;
}

/** Triton reads s3:// and gs:// repositories natively and Azure blobs as as://; anything else is baked into the image at /models. */
function tritonRepository(m: ServiceManifest): string {
  const uri = modelUri(m);
  if (uri.startsWith("s3://") || uri.startsWith("gs://")) return uri;
  if (uri.startsWith("azureblob://")) return `as://${uri.slice("azureblob://".length)}`;
  return mountedModelPath(m) ?? "/models";
}

const quantity = (q: string | number): string => String(q);

/** Requests from cpu/memory (and GPUs), limits from cpuLimit/memoryLimit else equal to the requests. */
export function containerResources(m: ServiceManifest): Json | undefined {
  const r = m.resources;
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  if (r.cpu !== undefined) requests.cpu = quantity(r.cpu);
  if (r.memory !== undefined) requests.memory = quantity(r.memory);
  const cpuLimit = r.cpuLimit ?? r.cpu;
  const memoryLimit = r.memoryLimit ?? r.memory;
  if (cpuLimit !== undefined) limits.cpu = quantity(cpuLimit);
  if (memoryLimit !== undefined) limits.memory = quantity(memoryLimit);
  const gpu = gpuResourceName(m);
  if (gpu && r.gpu) {
    // Extended resources cannot be overcommitted: Kubernetes requires requests == limits.
    requests[gpu] = String(r.gpu.count);
    limits[gpu] = String(r.gpu.count);
  }
  if (Object.keys(requests).length === 0 && Object.keys(limits).length === 0) return undefined;
  return { ...(Object.keys(requests).length ? { requests } : {}), ...(Object.keys(limits).length ? { limits } : {}) };
}

/** `nvidia.com/gpu`, or the MIG slice `nvidia.com/mig-<profile>` (the device plugin's "mixed" strategy). */
export function gpuResourceName(m: ServiceManifest): string | undefined {
  const gpu = m.resources.gpu;
  if (!gpu) return undefined;
  return gpu.mig ? `nvidia.com/mig-${gpu.mig}` : "nvidia.com/gpu";
}

/** GPU pools are tainted (AKS `sku=gpu`, the NVIDIA operator's `nvidia.com/gpu`); only GPU pods tolerate them. */
export function gpuScheduling(m: ServiceManifest): Json {
  const gpu = m.resources.gpu;
  if (!gpu) return {};
  return {
    ...(gpu.type ? { nodeSelector: { "nvidia.com/gpu.product": gpu.type } } : {}),
    tolerations: [
      { key: "sku", operator: "Equal", value: "gpu", effect: "NoSchedule" },
      { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
    ],
  };
}

export function renderProbes(m: ServiceManifest): Json {
  const probe = (p: NonNullable<ServiceManifest["probes"]["readiness"]>): Json => ({
    // KServe names the model container's ports itself, so its probes use the number.
    httpGet: { path: p.path, port: p.port ?? (m.runtime === "kserve" ? m.port : "http") },
    initialDelaySeconds: p.initialDelaySeconds,
    periodSeconds: p.periodSeconds,
    failureThreshold: p.failureThreshold,
  });
  const { readiness, liveness, startup } = m.probes;
  return {
    ...(readiness ? { readinessProbe: probe(readiness) } : {}),
    ...(liveness ? { livenessProbe: probe(liveness) } : {}),
    ...(startup ? { startupProbe: probe(startup) } : {}),
  };
}

function containerName(m: ServiceManifest): string {
  return m.runtime === "python" ? "server" : m.runtime;
}

function runtimeCommand(m: ServiceManifest): Json {
  const port = String(m.port);
  switch (m.runtime) {
    case "vllm": {
      // The vllm/vllm-openai image's entrypoint is the OpenAI-compatible API server: args only.
      const gpus = m.resources.gpu && !m.resources.gpu.mig ? m.resources.gpu.count : 1;
      return { args: ["--model", vllmModelArg(m), "--port", port, ...(gpus > 1 ? ["--tensor-parallel-size", String(gpus)] : [])] };
    }
    case "triton":
      return { command: ["tritonserver"], args: [`--model-repository=${tritonRepository(m)}`, `--http-port=${port}`, `--metrics-port=${tritonMetricsPort}`] };
    case "python":
      return { command: ["uvicorn"], args: ["app.main:app", "--host", "0.0.0.0", "--port", port] };
    case "kserve":
      return {};
  }
}

function containerEnv(m: ServiceManifest): JsonValue[] {
  const env: Json[] = [
    { name: "MODEL_URI", value: modelUri(m) },
    { name: "MODEL_VERSION", value: modelVersion(m) ?? "unversioned" },
  ];
  const mounted = mountedModelPath(m);
  if (mounted) env.push({ name: "MODEL_PATH", value: mounted });
  if (m.runtime === "vllm") {
    // As uid 1000 the image's HOME (/root) is not writable; the Hugging Face cache goes to a volume.
    env.push({ name: "HOME", value: "/cache" }, { name: "HF_HOME", value: "/cache/huggingface" });
  }
  return env;
}

export function containerPorts(m: ServiceManifest): JsonValue[] {
  return [
    { name: "http", containerPort: m.port, protocol: "TCP" },
    ...(m.runtime === "triton" ? [{ name: "metrics", containerPort: tritonMetricsPort, protocol: "TCP" }] : []),
  ];
}

function volumes(m: ServiceManifest): { volumes: Json[]; mounts: Json[] } {
  const volumes: Json[] = [];
  const mounts: Json[] = [];
  if (m.runtime === "vllm") {
    // PyTorch's NCCL and dataloader workers use /dev/shm; the container default of 64Mi is too small.
    volumes.push({ name: "dshm", emptyDir: { medium: "Memory" } }, { name: "cache", emptyDir: {} });
    mounts.push({ name: "dshm", mountPath: "/dev/shm" }, { name: "cache", mountPath: "/cache" });
  }
  const pvc = pvcModel(m);
  if (pvc) {
    volumes.push({ name: "model", persistentVolumeClaim: { claimName: pvc.claim, readOnly: true } });
    mounts.push({ name: "model", mountPath: modelMountPath, readOnly: true });
  }
  return { volumes, mounts };
}

/** The pod spec of a vllm, triton or python Deployment. */
export function renderPodSpec(m: ServiceManifest): Json {
  const { volumes: vols, mounts } = volumes(m);
  const resources = containerResources(m);
  const container: Json = {
    name: containerName(m),
    image: m.image ?? "",
    imagePullPolicy: "IfNotPresent",
    ...runtimeCommand(m),
    ports: containerPorts(m),
    env: containerEnv(m),
    ...(resources ? { resources } : {}),
    ...renderProbes(m),
    ...(mounts.length ? { volumeMounts: mounts } : {}),
    securityContext: containerSecurityContext,
  };
  return {
    securityContext: podSecurityContext,
    containers: [container],
    ...(vols.length ? { volumes: vols } : {}),
    ...gpuScheduling(m),
  };
}
