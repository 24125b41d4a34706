/**
 * A model-server pod as the exporters see it: which runtime serves it, which service and
 * revision it belongs to, its model name and probe, and since when its process has been counting.
 * Also the pods of the past, rebuilt from the ReplicaSets' rollout history for the backfill.
 */
import { type KubeObject } from "../kubeObject";
import { type ObjectStore } from "../objectStore";
import { findResource, type ResourceType } from "../resourceTypes";
import { type RevisionTraits, type RuntimeId, type ServiceTraffic, hashKey, revisionTraits, runtimeOfImage, serviceTraffic, uniform } from "./trafficModel";

const kinds = {
  pods: findResource("", "v1", "pods") as ResourceType,
  replicaSets: findResource("apps", "v1", "replicasets") as ResourceType,
  deployments: findResource("apps", "v1", "deployments") as ResourceType,
  inferenceServices: findResource("serving.kserve.io", "v1beta1", "inferenceservices"),
};

const revisionAnnotation = "deployment.kubernetes.io/revision";
const desiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
const deploymentModeAnnotation = "serving.kserve.io/deploymentMode";

interface Container {
  name?: string;
  image?: string;
  args?: string[];
  command?: string[];
  ports?: { containerPort?: number; name?: string }[];
  readinessProbe?: { httpGet?: { path?: string }; periodSeconds?: number };
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
}
interface PodSpec {
  containers?: Container[];
  nodeName?: string;
}
interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: PodSpec;
}
interface ContainerStatus {
  name?: string;
  state?: { running?: { startedAt?: string } };
  lastState?: { terminated?: { startedAt?: string; finishedAt?: string } };
}

export interface ModelServerTarget {
  namespace: string;
  pod: string;
  node?: string;
  podIP?: string;
  container: string;
  runtime: RuntimeId;
  /** namespace/name of the Deployment (or of the pod itself when it has no owner). */
  serviceKey: string;
  replicas: number;
  revision: number;
  traits: RevisionTraits;
  modelName: string;
  /** FastAPI apps: the inference route. */
  handler: string;
  probe?: { path: string; periodSeconds: number };
  /** Set when the InferenceService runs in Knative (Serverless) mode: the queue-proxy's revision. */
  knative?: { service: string; configuration: string; revision: string };
  /** The port Prometheus would scrape on the pod (vLLM 8000, Triton 8002, KServe and apps 8080). */
  port: number;
  /** GPUs (or MIG slices) the pod holds, for the dcgm-exporter's pod mapping. */
  gpus: { resource: string; count: number };
  /** The service's demand and GPU busy fraction, from its Deployment's annotations. */
  traffic: ServiceTraffic;
  /** Every container of the pod with what it requests (cores, bytes), for the kubelet's cAdvisor series. */
  containers: readonly PodContainer[];
}

export interface PodContainer {
  name: string;
  image: string;
  serving: boolean;
  cpuRequest?: number;
  memoryRequest?: number;
  cpuLimit?: number;
  memoryLimit?: number;
}

const ms = (timestamp: unknown): number | undefined => {
  if (typeof timestamp !== "string") return undefined;
  const t = Date.parse(timestamp);
  return Number.isFinite(t) ? t : undefined;
};

function ownerName(object: KubeObject, kind: string): string | undefined {
  return object.metadata.ownerReferences?.find((o) => o.kind === kind)?.name;
}

function revisionOf(rs: KubeObject): number {
  return Number.parseInt(rs.metadata.annotations?.[revisionAnnotation] ?? "", 10) || 0;
}

function flagValue(args: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === flag) return args[i + 1];
    if (arg.startsWith(`${flag}=`)) return arg.slice(flag.length + 1);
  }
  return undefined;
}

/** The container that serves: the first with a model-server image, else the first. */
function servingContainer(spec: PodSpec | undefined): { container: Container; runtime: RuntimeId } | undefined {
  const containers = spec?.containers ?? [];
  for (const container of containers) {
    const runtime = runtimeOfImage(container.image ?? "");
    if (runtime) return { container, runtime };
  }
  const first = containers[0];
  return first ? { container: first, runtime: "fastapi" } : undefined;
}

function gpusOf(container: Container): { resource: string; count: number } {
  for (const source of [container.resources?.limits, container.resources?.requests]) {
    for (const [resource, value] of Object.entries(source ?? {})) {
      if (resource === "nvidia.com/gpu" || resource.startsWith("nvidia.com/mig-")) return { resource, count: Number.parseInt(value, 10) || 0 };
    }
  }
  return { resource: "nvidia.com/gpu", count: 0 };
}

function modelNameOf(runtime: RuntimeId, container: Container, service: string, isvc: string | undefined): string {
  const args = [...(container.command ?? []), ...(container.args ?? [])];
  switch (runtime) {
    case "vllm":
      return flagValue(args, "--served-model-name") ?? flagValue(args, "--model") ?? args.find((a) => !a.startsWith("-") && a.includes("/")) ?? service;
    case "triton": {
      const repository = flagValue(args, "--model-repository") ?? "";
      const last = repository.split("/").filter(Boolean).pop();
      return last && last !== "models" ? last : service;
    }
    case "kserve":
      return flagValue(args, "--model_name") ?? isvc ?? service;
    case "fastapi":
      return service;
  }
}

/** Kubernetes quantities as the pods here write them: "500m", "2", "6Gi", "256Mi". */
export function parseQuantity(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(value.trim());
  if (!m) return undefined;
  const n = Number.parseFloat(m[1] ?? "");
  const scale: Record<string, number> = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
  return Number.isFinite(n) ? n * (m[2] ? (scale[m[2]] ?? 1) : 1) : undefined;
}

function podContainers(spec: PodSpec | undefined, serving: Container): PodContainer[] {
  return (spec?.containers ?? []).map((c) => {
    const q = (source: Record<string, string> | undefined, key: string): number | undefined => parseQuantity(source?.[key]);
    const fields = { cpuRequest: q(c.resources?.requests, "cpu"), memoryRequest: q(c.resources?.requests, "memory"), cpuLimit: q(c.resources?.limits, "cpu"), memoryLimit: q(c.resources?.limits, "memory") };
    return { name: c.name ?? "app", image: c.image ?? "", serving: c === serving, ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) };
  });
}

const defaultPorts: Record<RuntimeId, number> = { vllm: 8000, triton: 8002, kserve: 8080, fastapi: 8080 };

interface Owners {
  rs?: KubeObject;
  deployment?: KubeObject;
}

function ownersOf(store: ObjectStore, pod: KubeObject): Owners {
  const namespace = pod.metadata.namespace;
  const rsName = ownerName(pod, "ReplicaSet");
  const rs = rsName ? store.get(kinds.replicaSets, namespace, rsName) : undefined;
  const deploymentName = rs ? ownerName(rs, "Deployment") : undefined;
  const deployment = deploymentName ? store.get(kinds.deployments, namespace, deploymentName) : undefined;
  return { ...(rs ? { rs } : {}), ...(deployment ? { deployment } : {}) };
}

/** Builds the target for a pod (running or historical) from its template and owners. */
function buildTarget(store: ObjectStore, meta: { namespace: string; pod: string; node?: string; podIP?: string }, template: PodTemplate, owners: Owners): ModelServerTarget | undefined {
  const serving = servingContainer(template.spec);
  if (!serving) return undefined;
  const { container, runtime } = serving;
  // A `<name>-canary` Deployment (the metric-gated canary) serves the same service as its stable one.
  const service = owners.deployment?.metadata.annotations?.["aiplatform.dev/canary-of"] ?? owners.deployment?.metadata.name ?? meta.pod;
  const isvcName = template.metadata?.labels?.["serving.kserve.io/inferenceservice"];
  const isvc = isvcName && kinds.inferenceServices ? store.get(kinds.inferenceServices, meta.namespace, isvcName) : undefined;
  const mode = isvc?.metadata.annotations?.[deploymentModeAnnotation] ?? owners.deployment?.metadata.annotations?.[deploymentModeAnnotation];
  const knative = runtime === "kserve" && isvcName && (mode === "Knative" || mode === "Serverless");
  const revision = owners.rs ? revisionOf(owners.rs) : 1;
  const probe = container.readinessProbe?.httpGet?.path;
  const replicas = (owners.deployment?.spec as { replicas?: number } | undefined)?.replicas ?? 1;
  return {
    ...meta,
    container: container.name ?? "app",
    runtime,
    serviceKey: `${meta.namespace}/${service}`,
    replicas: Math.max(1, replicas),
    revision,
    traits: revisionTraits(
      owners.rs ? (owners.rs.spec as { template?: PodTemplate } | undefined)?.template?.metadata?.annotations : template.metadata?.annotations,
      (template.spec?.containers ?? []).map((c) => c.image ?? ""),
    ),
    modelName: modelNameOf(runtime, container, service, isvcName),
    handler: "/predict",
    ...(probe ? { probe: { path: probe, periodSeconds: container.readinessProbe?.periodSeconds ?? 10 } } : {}),
    ...(knative ? { knative: { service: `${isvcName}-predictor`, configuration: `${isvcName}-predictor`, revision: `${isvcName}-predictor-${String(revision).padStart(5, "0")}` } } : {}),
    port: container.ports?.find((p) => p.name === "metrics")?.containerPort ?? container.ports?.[0]?.containerPort ?? defaultPorts[runtime],
    gpus: gpusOf(container),
    traffic: serviceTraffic(owners.deployment ? owners.deployment.metadata.annotations : template.metadata?.annotations),
    containers: podContainers(template.spec, container),
  };
}

/** When the pod's serving container started, if it is running now; undefined for pods that serve nothing. */
export function servingSince(pod: KubeObject): number | undefined {
  const status = pod.status as { phase?: string; startTime?: string; containerStatuses?: ContainerStatus[] } | undefined;
  if (status?.phase !== "Running") return undefined;
  const name = servingContainer((pod.spec as PodSpec | undefined))?.container.name;
  const cs = status.containerStatuses?.find((c) => c.name === name) ?? status.containerStatuses?.[0];
  if (!cs?.state?.running) return undefined;
  return ms(cs.state.running.startedAt) ?? ms(status.startTime) ?? ms(pod.metadata.creationTimestamp);
}

/** The exporter's view of a live pod: undefined unless it is Running with its server up. */
export function liveTarget(store: ObjectStore, namespace: string, name: string): { target: ModelServerTarget; since: number } | undefined {
  const pod = store.get(kinds.pods, namespace, name);
  if (!pod) return undefined;
  const since = servingSince(pod);
  if (since === undefined) return undefined;
  const spec = pod.spec as PodSpec | undefined;
  const podIP = (pod.status as { podIP?: string } | undefined)?.podIP;
  const target = buildTarget(store, { namespace, pod: name, ...(spec?.nodeName ? { node: spec.nodeName } : {}), ...(podIP ? { podIP } : {}) }, { metadata: { labels: pod.metadata.labels ?? {}, annotations: pod.metadata.annotations ?? {} }, spec: spec ?? {} }, ownersOf(store, pod));
  return target ? { target, since } : undefined;
}

/** A pod's life as the backfill writes it: counters reset at each start; the pod serves until `end`. */
export interface HistoricalPod {
  target: ModelServerTarget;
  /** Process starts in ascending order; the first is when the pod began serving. */
  starts: number[];
  end: number;
  /** The pod serves now, so the live exporter continues its counters from the last start. */
  live: boolean;
}

const suffixAlphabet = "bcdfghjklmnpqrstvwxz2456789";

/** A deterministic pod-name suffix in the ReplicaSet controller's alphabet, for pods that are gone. */
function podSuffix(rsName: string, index: number): string {
  const key = hashKey(rsName);
  let suffix = "";
  for (let i = 0; i < 5; i++) suffix += suffixAlphabet[Math.floor(uniform(key, 7, index, i) * suffixAlphabet.length)];
  return suffix;
}

function podStarts(pod: KubeObject): number[] {
  const status = pod.status as { startTime?: string; containerStatuses?: ContainerStatus[] } | undefined;
  const first = ms(status?.startTime) ?? ms(pod.metadata.creationTimestamp);
  const cs = status?.containerStatuses?.[0];
  const starts = [first, ms(cs?.lastState?.terminated?.startedAt), ms(cs?.state?.running?.startedAt)].filter((t): t is number => t !== undefined);
  return [...new Set(starts)].sort((a, b) => a - b);
}

/**
 * Every pod that served in [from, now]: the live ones as they are, and for ReplicaSets scaled to
 * zero, their replicas from the ReplicaSet's creation until the next revision's, named with the
 * old pod-template-hash. A pod that is not serving now served until its Ready condition went False.
 */
export function historicalPods(store: ObjectStore, from: number, now: number): HistoricalPod[] {
  const result: HistoricalPod[] = [];
  const seenRs = new Set<string>();
  for (const pod of store.list(kinds.pods)) {
    const namespace = pod.metadata.namespace ?? "default";
    const name = pod.metadata.name ?? "";
    const owners = ownersOf(store, pod);
    if (owners.rs) seenRs.add(`${namespace}/${owners.rs.metadata.name ?? ""}`);
    const status = pod.status as { podIP?: string; conditions?: { type?: string; status?: string; lastTransitionTime?: string }[] } | undefined;
    let end = now;
    const live = servingSince(pod) !== undefined;
    if (!live) {
      const ready = status?.conditions?.find((c) => c.type === "Ready");
      const stopped = ready?.status === "False" ? ms(ready.lastTransitionTime) : undefined;
      if (stopped === undefined) continue;
      end = stopped;
    }
    const starts = podStarts(pod).filter((t) => t < end);
    if (!starts.length || end <= from) continue;
    const spec = pod.spec as PodSpec | undefined;
    const target = buildTarget(store, { namespace, pod: name, ...(spec?.nodeName ? { node: spec.nodeName } : {}), ...(status?.podIP ? { podIP: status.podIP } : {}) }, { metadata: { labels: pod.metadata.labels ?? {}, annotations: pod.metadata.annotations ?? {} }, spec: spec ?? {} }, owners);
    if (target) result.push({ target, starts, end, live });
  }
  for (const deployment of store.list(kinds.deployments)) {
    const namespace = deployment.metadata.namespace ?? "default";
    const replicaSets = store
      .list(kinds.replicaSets, namespace)
      .filter((rs) => ownerName(rs, "Deployment") === deployment.metadata.name)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    replicaSets.forEach((rs, i) => {
      const rsName = rs.metadata.name ?? "";
      if (seenRs.has(`${namespace}/${rsName}`)) return;
      const start = ms(rs.metadata.creationTimestamp);
      const next = replicaSets[i + 1];
      const end = next ? ms(next.metadata.creationTimestamp) : undefined;
      if (start === undefined || end === undefined || end <= from || end <= start) return;
      const template = (rs.spec as { template?: PodTemplate } | undefined)?.template ?? {};
      const desired = Number.parseInt(rs.metadata.annotations?.[desiredReplicasAnnotation] ?? "", 10) || ((deployment.spec as { replicas?: number } | undefined)?.replicas ?? 1);
      for (let r = 0; r < desired; r++) {
        const target = buildTarget(store, { namespace, pod: `${rsName}-${podSuffix(rsName, r)}` }, template, { rs, deployment });
        if (target) result.push({ target, starts: [start], end, live: false });
      }
    });
  }
  return result;
}
