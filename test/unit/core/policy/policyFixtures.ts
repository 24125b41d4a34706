import type { V1Node, V1Pod } from "@kubernetes/client-node";
import type { JsonValue, KubeObject } from "../../../../src/core/kube/objects/kubeObject";
import { ServiceManifest, type Environment } from "../../../../src/core/manifest/serviceManifest";
import type { PolicyInput } from "../../../../src/core/policy/policyEvaluator";

/** Hand-written Kubernetes objects and a manifest for the policy rules: one compliant baseline, varied per case. */

export const manifest = ServiceManifest.parse({
  apiVersion: "aiplatform.dev/v1",
  kind: "InferenceServiceManifest",
  name: "chat",
  runtime: "vllm",
  model: { storageUri: "hf://meta-llama/Llama-3.1-8B-Instruct" },
  image: "vllm/vllm-openai:v0.6.3",
  environments: {
    dev: { context: "kind-dev", namespace: "llm-dev" },
    prod: { context: "aks-prod", namespace: "llm", allowedNamespaces: ["llm-canary"], production: true },
  },
});

export const digest = `sha256:${"ab".repeat(32)}`;

type Json = { [key: string]: JsonValue };

/** `overrides` replace fields; null removes one. */
export function goodContainer(overrides: Record<string, unknown> = {}): Json {
  return {
    name: "vllm",
    image: `vllm/vllm-openai@${digest}`,
    resources: { requests: { cpu: "4", memory: "32Gi" }, limits: { cpu: "4", memory: "32Gi" } },
    readinessProbe: { httpGet: { path: "/health", port: "http" } },
    livenessProbe: { httpGet: { path: "/health", port: "http" } },
    ...(overrides as Json),
  };
}

export const nonRoot: Json = { runAsNonRoot: true, runAsUser: 1000 };

/** `pod` holds pod-level fields (securityContext, nodeSelector, affinity, tolerations); null removes one. */
export function deploymentObject(opts: { name?: string; namespace?: string; replicas?: number; containers?: Json[]; initContainers?: Json[]; pod?: Record<string, unknown> } = {}): KubeObject {
  const name = opts.name ?? "chat";
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: opts.namespace ?? "llm" },
    spec: {
      replicas: opts.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { securityContext: nonRoot, containers: opts.containers ?? [goodContainer()], ...(opts.initContainers ? { initContainers: opts.initContainers } : {}), ...(opts.pod as Json | undefined) },
      },
    },
  };
}

export function inferenceServiceObject(predictor: Json, namespace = "llm"): KubeObject {
  return { apiVersion: "serving.kserve.io/v1beta1", kind: "InferenceService", metadata: { name: "chat", namespace }, spec: { predictor } };
}

export function environment(name: "dev" | "prod"): Environment {
  const env = manifest.environments[name];
  if (!env) throw new Error(name);
  return env;
}

export function input(objects: KubeObject[], opts: { env?: "dev" | "prod"; cluster?: PolicyInput["cluster"] } = {}): PolicyInput {
  const envName = opts.env ?? "prod";
  return { manifest, envName, environment: environment(envName), objects, ...(opts.cluster ? { cluster: opts.cluster } : {}) };
}

export function gpuNode(name: string, opts: { pool?: string; product?: string; gpus?: number; mig?: Record<string, number>; ready?: boolean; cordoned?: boolean; taints?: { key: string; value?: string; effect: string }[] } = {}): V1Node {
  const allocatable: Record<string, string> = { cpu: "96", memory: "1800Gi" };
  if (opts.gpus !== undefined) allocatable["nvidia.com/gpu"] = String(opts.gpus);
  for (const [profile, n] of Object.entries(opts.mig ?? {})) allocatable[`nvidia.com/mig-${profile}`] = String(n);
  return {
    metadata: {
      name,
      labels: {
        "kubernetes.io/hostname": name,
        ...(opts.pool ? { "kubernetes.azure.com/agentpool": opts.pool } : {}),
        ...(opts.product ? { "nvidia.com/gpu.product": opts.product } : {}),
      },
    },
    spec: { ...(opts.cordoned ? { unschedulable: true } : {}), ...(opts.taints ? { taints: opts.taints } : {}) },
    status: { allocatable, capacity: allocatable, conditions: [{ type: "Ready", status: opts.ready === false ? "False" : "True" }] },
  };
}

export function gpuPod(name: string, node: string, resource: string, count: number, opts: { namespace?: string; phase?: "Running" | "Succeeded" } = {}): V1Pod {
  return {
    metadata: { name, namespace: opts.namespace ?? "other" },
    spec: { nodeName: node, containers: [{ name: "c", image: "x:1", resources: { limits: { [resource]: String(count) } } }] },
    status: { phase: opts.phase ?? "Running" },
  };
}
