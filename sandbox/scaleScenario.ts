/**
 * A generated scenario for benchmarks: N GPU nodes, M deployments with one replica set each,
 * and P running pods spread over them, built as plain objects (no YAML, no validation) so
 * that 10,000 pods load in a fraction of a second.
 */
import { randomUUID } from "node:crypto";
import { type KubeObject } from "./kubeObject";
import { type Scenario } from "./scenario";

export interface ScaleScenarioOptions {
  nodes: number;
  deployments: number;
  pods: number;
  /** Deployments are spread over this many namespaces (default 10). */
  namespaces?: number;
  now?: Date;
}

function hash(i: number): string {
  return (0x5f7d8c9b6 + i * 7919).toString(16).slice(-9);
}

export function scaleScenario(options: ScaleScenarioOptions): Scenario {
  const now = (options.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, "Z");
  const namespaceCount = Math.max(1, options.namespaces ?? 10);
  // Five teams own the namespaces, under the cost model's default team label.
  const namespaces: KubeObject[] = Array.from({ length: namespaceCount }, (_, i) => ({ metadata: { name: `bench-${i}`, labels: { team: `team-${i % 5}` } }, spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } }));
  const nodes: KubeObject[] = Array.from({ length: options.nodes }, (_, i) => {
    const name = `aks-a100pool-10000000-vmss${String(i).padStart(6, "0")}`;
    return {
      metadata: { name, labels: { "kubernetes.azure.com/agentpool": "a100pool", "node.kubernetes.io/instance-type": "Standard_ND96amsr_A100_v4", "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB", "nvidia.com/gpu.memory": "81920", "kubernetes.io/hostname": name } },
      spec: { taints: [{ key: "sku", value: "gpu", effect: "NoSchedule" }] },
      status: {
        capacity: { cpu: "96", memory: "1857568436Ki", pods: "110", "nvidia.com/gpu": "8" },
        allocatable: { cpu: "95640m", memory: "1780124852Ki", pods: "110", "nvidia.com/gpu": "8" },
        conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", lastHeartbeatTime: now, lastTransitionTime: now }],
        nodeInfo: { kubeletVersion: "v1.32.4" },
      },
    };
  });
  const deployments: KubeObject[] = [];
  const replicasets: KubeObject[] = [];
  const perDeployment = options.deployments > 0 ? Math.ceil(options.pods / options.deployments) : 0;
  for (let d = 0; d < options.deployments; d++) {
    const name = `model-${d}`;
    const namespace = `bench-${d % namespaceCount}`;
    const replicas = Math.max(0, Math.min(perDeployment, options.pods - d * perDeployment));
    const template = { metadata: { labels: { app: name } }, spec: { containers: [{ name: "server", image: "vllm/vllm-openai:v0.6.3", resources: { limits: { "nvidia.com/gpu": "1" } } }] } };
    const status = { observedGeneration: 1, replicas, readyReplicas: replicas, availableReplicas: replicas, updatedReplicas: replicas };
    deployments.push({
      metadata: { name, namespace, labels: { app: name, "ai-platform/service": name }, annotations: { "deployment.kubernetes.io/revision": "1" } },
      spec: { replicas, selector: { matchLabels: { app: name } }, template },
      status,
    });
    replicasets.push({
      metadata: {
        name: `${name}-${hash(d)}`,
        namespace,
        labels: { app: name, "pod-template-hash": hash(d) },
        annotations: { "deployment.kubernetes.io/revision": "1" },
        ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name, uid: "", controller: true, blockOwnerDeletion: true }],
      },
      spec: { replicas, selector: { matchLabels: { app: name, "pod-template-hash": hash(d) } }, template },
      status,
    });
  }
  const pods: KubeObject[] = [];
  for (let p = 0; p < options.pods && options.deployments > 0; p++) {
    const d = Math.floor(p / perDeployment);
    const deployment = `model-${d}`;
    const rs = `${deployment}-${hash(d)}`;
    pods.push({
      metadata: {
        name: `${rs}-${p.toString(36).padStart(5, "0")}`,
        namespace: `bench-${d % namespaceCount}`,
        labels: { app: deployment, "pod-template-hash": hash(d) },
        ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: rs, uid: "", controller: true, blockOwnerDeletion: true }],
      },
      spec: { nodeName: nodes.length ? nodes[p % nodes.length]?.metadata.name : undefined, containers: [{ name: "server", image: "vllm/vllm-openai:v0.6.3" }] },
      status: {
        phase: "Running",
        podIP: `10.${(p >> 16) & 255}.${(p >> 8) & 255}.${p & 255}`,
        containerStatuses: [{ name: "server", ready: true, restartCount: 0, state: { running: { startedAt: now } } }],
      },
    });
  }
  return {
    name: `scale-${options.nodes}n-${options.deployments}d-${options.pods}p`,
    namespaces,
    nodes,
    services: [],
    deployments,
    replicasets,
    pods,
    inferenceservices: [],
    events: [],
    logs: [],
  } as Scenario;
}

/**
 * The pod a ReplicaSet controller would create in place of `old`: same owner, labels and
 * node, a new name (the controller's random 5-character suffix, here a sequence) and uid,
 * Running at `now`. The bench replaces pods with it to churn the cache for minutes.
 */
export function replacementPod(old: KubeObject, seq: number, now: Date = new Date()): KubeObject {
  const owner = old.metadata.ownerReferences?.find((o) => o.kind === "ReplicaSet");
  const startedAt = now.toISOString().replace(/\.\d{3}Z$/, "Z");
  const { resourceVersion: _rv, uid: _uid, creationTimestamp: _created, ...metadata } = old.metadata;
  return {
    ...old,
    metadata: { ...metadata, name: `${owner?.name ?? "pod"}-c${seq.toString(36).padStart(5, "0")}`, uid: randomUUID(), creationTimestamp: startedAt },
    status: { ...(old.status as object), phase: "Running", containerStatuses: [{ name: "server", ready: true, restartCount: 0, state: { running: { startedAt } } }] },
  };
}
