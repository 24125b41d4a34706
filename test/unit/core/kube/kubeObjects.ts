import type {
  CoreV1Event,
  V1Container,
  V1ContainerStatus,
  V1Deployment,
  V1DeploymentCondition,
  V1Node,
  V1Pod,
  V1PodCondition,
  V1ReplicaSet,
} from "@kubernetes/client-node";
import type { InferenceService, KnativeCondition } from "../../../../src/core/kube/objects/inferenceService";

/**
 * Small factories for realistic Kubernetes objects, shaped like what the API server returns
 * (defaults applied, status filled by the controllers), so each test states only what matters.
 */

export const now = Date.parse("2025-06-01T12:00:00Z");
export const ago = (ms: number): Date => new Date(now - ms);
export const minutes = (n: number): number => n * 60_000;

type Resources = Record<string, string>;

export function container(
  name: string,
  opts: { image?: string; requests?: Resources; limits?: Resources; restartPolicy?: "Always" } = {},
): V1Container {
  return {
    name,
    image: opts.image ?? `registry.example.com/ml/${name}:1.0`,
    resources: { ...(opts.requests ? { requests: opts.requests } : {}), ...(opts.limits ? { limits: opts.limits } : {}) },
    ...(opts.restartPolicy ? { restartPolicy: opts.restartPolicy } : {}),
  };
}

export type ContainerState =
  | { running: true }
  | { waiting: string; message?: string }
  | { terminated: string; exitCode: number; finishedAt?: Date };

export function containerStatus(
  name: string,
  state: ContainerState,
  opts: { ready?: boolean; restartCount?: number; lastTerminated?: { reason: string; exitCode: number; finishedAt?: Date }; image?: string } = {},
): V1ContainerStatus {
  const current =
    "running" in state
      ? { running: { startedAt: ago(minutes(30)) } }
      : "waiting" in state
        ? { waiting: { reason: state.waiting, ...(state.message ? { message: state.message } : {}) } }
        : { terminated: { reason: state.terminated, exitCode: state.exitCode, finishedAt: state.finishedAt } };
  return {
    name,
    image: opts.image ?? `registry.example.com/ml/${name}:1.0`,
    imageID: "",
    ready: opts.ready ?? "running" in state,
    restartCount: opts.restartCount ?? 0,
    state: current,
    ...(opts.lastTerminated
      ? { lastState: { terminated: { reason: opts.lastTerminated.reason, exitCode: opts.lastTerminated.exitCode, finishedAt: opts.lastTerminated.finishedAt } } }
      : {}),
  };
}

export function podCondition(type: string, status: "True" | "False", opts: { reason?: string; message?: string; since?: Date } = {}): V1PodCondition {
  return { type, status, reason: opts.reason, message: opts.message, lastTransitionTime: opts.since ?? ago(minutes(30)) };
}

export function pod(
  name: string,
  opts: {
    namespace?: string;
    node?: string;
    phase?: "Pending" | "Running" | "Succeeded" | "Failed";
    containers?: V1Container[];
    initContainers?: V1Container[];
    overhead?: Resources;
    conditions?: V1PodCondition[];
    containerStatuses?: V1ContainerStatus[];
    initContainerStatuses?: V1ContainerStatus[];
    deleting?: boolean;
    createdAt?: Date;
  } = {},
): V1Pod {
  const phase = opts.phase ?? "Running";
  const running = phase === "Running";
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: opts.namespace ?? "ml",
      uid: `uid-${name}`,
      creationTimestamp: opts.createdAt ?? ago(minutes(30)),
      ...(opts.deleting ? { deletionTimestamp: ago(10_000) } : {}),
    },
    spec: {
      containers: opts.containers ?? [container("server")],
      ...(opts.initContainers ? { initContainers: opts.initContainers } : {}),
      ...(opts.overhead ? { overhead: opts.overhead } : {}),
      ...(opts.node ? { nodeName: opts.node } : {}),
    },
    status: {
      phase,
      startTime: ago(minutes(30)),
      conditions: opts.conditions ?? (running ? [podCondition("PodScheduled", "True"), podCondition("Ready", "True")] : []),
      containerStatuses: opts.containerStatuses ?? (running ? (opts.containers ?? [container("server")]).map((c) => containerStatus(c.name, { running: true })) : []),
      ...(opts.initContainerStatuses ? { initContainerStatuses: opts.initContainerStatuses } : {}),
    },
  };
}

export function deploymentCondition(type: "Available" | "Progressing" | "ReplicaFailure", status: "True" | "False" | "Unknown", reason: string, message?: string): V1DeploymentCondition {
  return { type, status, reason, message, lastTransitionTime: ago(minutes(20)), lastUpdateTime: ago(minutes(5)) };
}

/** A Deployment in steady state unless told otherwise: rollout complete, every replica available. */
export function deployment(
  name: string,
  opts: {
    replicas?: number;
    generation?: number;
    paused?: boolean;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    templateAnnotations?: Record<string, string>;
    containers?: V1Container[];
    initContainers?: V1Container[];
    status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; readyReplicas?: number; availableReplicas?: number } | "none";
    conditions?: V1DeploymentCondition[];
  } = {},
): V1Deployment {
  const replicas = opts.replicas ?? 2;
  const generation = opts.generation ?? 3;
  const s = opts.status === "none" ? undefined : opts.status;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "ml", uid: `uid-${name}`, generation, labels: opts.labels, annotations: opts.annotations },
    spec: {
      replicas,
      ...(opts.paused ? { paused: true } : {}),
      selector: { matchLabels: { app: name } },
      progressDeadlineSeconds: 600,
      template: {
        metadata: { labels: { app: name }, annotations: opts.templateAnnotations },
        spec: { containers: opts.containers ?? [container("server")], ...(opts.initContainers ? { initContainers: opts.initContainers } : {}) },
      },
    },
    ...(opts.status === "none"
      ? {}
      : {
          status: {
            observedGeneration: s?.observedGeneration ?? generation,
            replicas: s?.replicas ?? replicas,
            updatedReplicas: s?.updatedReplicas ?? replicas,
            readyReplicas: s?.readyReplicas ?? s?.availableReplicas ?? replicas,
            availableReplicas: s?.availableReplicas ?? replicas,
            conditions: opts.conditions ?? [
              deploymentCondition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."),
              deploymentCondition("Progressing", "True", "NewReplicaSetAvailable", `ReplicaSet "${name}-7d9c" has successfully progressed.`),
            ],
          },
        }),
  };
}

export function replicaSet(name: string, opts: { failure?: string } = {}): V1ReplicaSet {
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name, namespace: "ml", uid: `uid-${name}` },
    status: {
      replicas: 0,
      ...(opts.failure ? { conditions: [{ type: "ReplicaFailure", status: "True", reason: "FailedCreate", message: opts.failure }] } : {}),
    },
  };
}

export function podEvent(podName: string, reason: string, message: string, opts: { at?: Date; count?: number; type?: "Normal" | "Warning" } = {}): CoreV1Event {
  return {
    metadata: { name: `${podName}.${reason}.${message.length}`, namespace: "ml", creationTimestamp: opts.at ?? ago(60_000) },
    involvedObject: { kind: "Pod", name: podName, namespace: "ml", uid: `uid-${podName}` },
    reason,
    message,
    type: opts.type ?? "Warning",
    count: opts.count ?? 1,
    lastTimestamp: opts.at ?? ago(60_000),
  };
}

export function node(
  name: string,
  opts: {
    labels?: Record<string, string>;
    allocatable?: Resources;
    capacity?: Resources;
    conditions?: { type: string; status: "True" | "False" | "Unknown"; reason?: string; message?: string }[];
    taints?: { key: string; value?: string; effect: string }[];
    unschedulable?: boolean;
  } = {},
): V1Node {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, uid: `uid-${name}`, labels: opts.labels ?? {} },
    spec: { ...(opts.taints ? { taints: opts.taints } : {}), ...(opts.unschedulable ? { unschedulable: true } : {}) },
    status: {
      capacity: opts.capacity ?? opts.allocatable ?? {},
      allocatable: opts.allocatable ?? {},
      conditions: opts.conditions ?? [
        { type: "MemoryPressure", status: "False" },
        { type: "DiskPressure", status: "False" },
        { type: "PIDPressure", status: "False" },
        { type: "Ready", status: "True", reason: "KubeletReady" },
      ],
    },
  };
}

export function knCondition(type: string, status: "True" | "False" | "Unknown", reason?: string, message?: string): KnativeCondition {
  return { type, status, reason, message, lastTransitionTime: ago(minutes(10)).toISOString() };
}

export function inferenceService(
  name: string,
  opts: {
    conditions?: KnativeCondition[];
    generation?: number;
    observedGeneration?: number;
    annotations?: Record<string, string>;
    modelStatus?: NonNullable<InferenceService["status"]>["modelStatus"];
    predictor?: NonNullable<InferenceService["spec"]>["predictor"];
    noStatus?: boolean;
  } = {},
): InferenceService {
  return {
    apiVersion: "serving.kserve.io/v1beta1",
    kind: "InferenceService",
    metadata: { name, namespace: "ml", uid: `uid-${name}`, generation: opts.generation ?? 1, annotations: opts.annotations },
    spec: { predictor: opts.predictor ?? { model: { modelFormat: { name: "huggingface" }, storageUri: "hf://meta-llama/Llama-3.1-8B-Instruct" } } },
    ...(opts.noStatus
      ? {}
      : {
          status: {
            observedGeneration: opts.observedGeneration ?? opts.generation ?? 1,
            conditions: opts.conditions ?? [knCondition("IngressReady", "True"), knCondition("PredictorReady", "True"), knCondition("Ready", "True")],
            ...(opts.modelStatus ? { modelStatus: opts.modelStatus } : {}),
          },
        }),
  };
}
