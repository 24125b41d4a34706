import type { CoreV1Event, V1Pod } from "@kubernetes/client-node";
import { describe, expect, test } from "vitest";
import { ClusterModel, type ClusterModelChange } from "../../../../src/core/kube/cache/clusterModel";
import { ResourceTypes } from "../../../../src/core/kube/client/resourceTypes";
import { DeploymentsTree, type DeploymentsNode } from "../../../../src/editor/views/deployments/deploymentsTree";
import { GpuNodesTree, type GpuNodesNode } from "../../../../src/editor/views/gpuNodes/gpuNodesTree";
import type { ModelTree } from "../../../../src/editor/views/modelTree";
import { FakeCache } from "../../core/kube/cache/clusterModelChanges";
import { container, deployment, node, pod, replicaSet } from "../../core/kube/kubeObjects";

/**
 * An hour of a scale scenario in simulated time: pods replaced continuously, each new pod
 * Pending for a second and then Running on a GPU node, with a Scheduled and a Killing event
 * that expire after the API server's event TTL. The trees stand for a view with every row
 * expanded: after each debounced refresh, VS Code has re-read every row the refresh touched.
 */
const namespaces = ["bench-0", "bench-1", "bench-2"];
const deployments = 12;
const podsPerDeployment = 5;
const gpuNodes = 10;
const replacementsPerSecond = 2;
const hour = 3600;
/** kube-apiserver --event-ttl; shortened from the default hour so the hour reaches steady state. */
const eventTtlSeconds = 600;

const gpuContainers = [container("vllm", { image: "vllm/vllm-openai:v0.6.3", limits: { "nvidia.com/gpu": "1" } })];
const nsOf = (d: number): string => namespaces[d % namespaces.length]!;
const withMeta = <T extends { metadata?: object }>(o: T, meta: object): T => ({ ...o, metadata: { ...o.metadata, ...meta } });

function scenario(cache: FakeCache): { live: Map<string, V1Pod> } {
  cache.put(
    ResourceTypes.nodes,
    Array.from({ length: gpuNodes }, (_, i) => node(`gpu-${i}`, { labels: { "kubernetes.azure.com/agentpool": i % 2 ? "a100pool" : "h100pool" }, allocatable: { "nvidia.com/gpu": "8" } })),
  );
  const live = new Map<string, V1Pod>();
  for (let d = 0; d < deployments; d++) {
    const name = `model-${d}`;
    cache.put(ResourceTypes.deployments, [withMeta(deployment(name, { containers: gpuContainers, replicas: podsPerDeployment }), { namespace: nsOf(d) })]);
    cache.put(ResourceTypes.replicaSets, [withMeta(replicaSet(`${name}-rs`), { namespace: nsOf(d), ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name, uid: `uid-${name}`, controller: true }] })]);
    for (let p = 0; p < podsPerDeployment; p++) {
      const created = runningPod(d, `${name}-rs-${p}`, p);
      live.set(created.metadata!.name!, created);
    }
  }
  cache.put(ResourceTypes.pods, [...live.values()]);
  return { live };
}

function newPod(d: number, name: string, phase: "Pending" | "Running", nodeIndex: number): V1Pod {
  const p = pod(name, { containers: gpuContainers, phase, node: phase === "Running" ? `gpu-${nodeIndex % gpuNodes}` : undefined });
  return withMeta(p, { namespace: nsOf(d), ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: `model-${d}-rs`, uid: `uid-model-${d}-rs`, controller: true }] });
}
const runningPod = (d: number, name: string, seq: number): V1Pod => newPod(d, name, "Running", seq);

function event(seq: number, about: V1Pod, reason: "Scheduled" | "Killing", at: number): CoreV1Event {
  return {
    metadata: { name: `${about.metadata?.name}.${seq}`, namespace: about.metadata?.namespace, uid: `uid-event-${seq}`, creationTimestamp: new Date(at * 1000) },
    involvedObject: { kind: "Pod", name: about.metadata?.name, namespace: about.metadata?.namespace, uid: about.metadata?.uid },
    reason,
    message: reason === "Scheduled" ? `Successfully assigned ${about.metadata?.name}` : "Stopping container vllm",
    type: "Normal",
    count: 1,
    lastTimestamp: new Date(at * 1000),
  };
}

/** Every row of a fully expanded view, read by a fresh tree over the same model. */
function liveRows<N extends { id: string }>(fresh: ModelTree<N>): string[] {
  const ids: string[] = [];
  const walk = (n: N | undefined): void => {
    for (const child of fresh.getChildren(n)) {
      ids.push(child.id);
      walk(child);
    }
  };
  walk(undefined);
  return ids.sort();
}

/** What VS Code does with an expanded view when rows are refreshed: it reads their children again. */
function reread<N extends { id: string }>(tree: ModelTree<N>, refreshed: N[] | "root"): void {
  if (refreshed === "root") liveRows(tree);
  else for (const n of refreshed) tree.getChildren(n);
}

function registeredIds<N extends { id: string }>(tree: ModelTree<N>, fresh: ModelTree<N>): string[] {
  return liveRows(fresh).filter((id) => tree.registry.get(id) !== undefined);
}

describe("tree registries and the model stay at the live object count under an hour of pod churn", () => {
  test("12 Deployments × 5 pods, 2 pods replaced a second for an hour", () => {
    const cache = new FakeCache();
    const { live } = scenario(cache);
    const model = new ClusterModel(cache, { showAllDeployments: false, now: () => 0 });
    const deploymentsTree = new DeploymentsTree(() => model, () => undefined);
    const gpuTree = new GpuNodesTree(() => model);
    const pending: ClusterModelChange[] = [];
    model.onDidChange((c) => pending.push(c));
    // The user expands every row once.
    const expand = <N extends { id: string }>(tree: ModelTree<N>): void => void liveRows(tree);
    expand(deploymentsTree);
    expand(gpuTree);
    const startRows = deploymentsTree.registry.size + gpuTree.registry.size;

    const events: { event: CoreV1Event; at: number }[] = [];
    const starting = new Map<string, number>();
    let seq = 0;
    const largest = { deploymentsRows: 0, gpuRows: 0, pods: 0, events: 0 };
    for (let second = 1; second <= hour; second++) {
      // Last second's new pods were scheduled: Running on a node.
      for (const [name, d] of starting) {
        const running = newPod(d, name, "Running", seq);
        live.set(name, running);
        cache.put(ResourceTypes.pods, [running]);
        events.push({ event: event(seq++, running, "Scheduled", second), at: second });
        cache.put(ResourceTypes.events, [events[events.length - 1]!.event]);
      }
      starting.clear();
      for (let r = 0; r < replacementsPerSecond; r++) {
        const victim = [...live.values()][(second * 7 + r * 13) % live.size]!;
        const d = Number(victim.metadata?.ownerReferences?.[0]?.name.match(/model-(\d+)/)?.[1]);
        live.delete(victim.metadata!.name!);
        starting.delete(victim.metadata!.name!);
        cache.remove(ResourceTypes.pods, [victim]);
        events.push({ event: event(seq++, victim, "Killing", second), at: second });
        cache.put(ResourceTypes.events, [events[events.length - 1]!.event]);
        const name = `model-${d}-rs-${(seq++).toString(36)}`;
        const created = newPod(d, name, "Pending", 0);
        live.set(name, created);
        cache.put(ResourceTypes.pods, [created]);
        starting.set(name, d);
      }
      const firstLive = events.findIndex((e) => e.at > second - eventTtlSeconds);
      const expired = events.splice(0, firstLive < 0 ? events.length : firstLive);
      if (expired.length > 0) cache.remove(ResourceTypes.events, expired.map((e) => e.event));
      // The 40 ms debounce fires once or more a simulated second; this is its flush.
      const changes = pending.splice(0);
      reread(deploymentsTree, deploymentsTree.refresh(changes));
      reread(gpuTree, gpuTree.refresh(changes));

      largest.deploymentsRows = Math.max(largest.deploymentsRows, deploymentsTree.registry.size);
      largest.gpuRows = Math.max(largest.gpuRows, gpuTree.registry.size);
      largest.pods = Math.max(largest.pods, model.workloads.sizes()["pods"]!);
      largest.events = Math.max(largest.events, model.workloads.sizes()["events"]!);

      if (second % 60 === 0) {
        // What the registries hold is exactly the live, expanded tree: nothing stale, nothing missing.
        const freshDeployments = new DeploymentsTree(() => model, () => undefined);
        const freshGpu = new GpuNodesTree(() => model);
        const deploymentRows = liveRows(freshDeployments);
        const gpuRows = liveRows(freshGpu);
        expect(registeredIds(deploymentsTree, freshDeployments)).toEqual(deploymentRows);
        expect(deploymentsTree.registry.size).toBe(deploymentRows.length);
        expect(gpuTree.registry.size).toBe(gpuRows.length);
        expect(registeredIds(gpuTree, freshGpu)).toEqual(gpuRows);

        const w = model.workloads.sizes();
        expect(w["pods"]).toBe(live.size);
        expect(w["podsByOwner"]).toBe(live.size);
        expect(w["events"]).toBe(cache.events().length);
        expect(w["eventsByObject"]).toBe(cache.events().length);
        expect(w["workloads"]).toBe(deployments);
        expect(w["members"]).toBeLessThanOrEqual(deployments);
        expect(w["health"]).toBeLessThanOrEqual(deployments);
        const g = model.gpu.sizes();
        expect(g["gpuPods"]).toBe(cache.pods().filter((p) => p.spec?.nodeName).length);
        expect(g["nodeOfPod"]).toBe(g["gpuPods"]);
        expect(g["waiting"]).toBe(cache.pods().filter((p) => p.status?.phase === "Pending").length);
        expect(g["allocations"]).toBeLessThanOrEqual(gpuNodes);
        const ri = deploymentsTree.registry.indexSizes();
        expect(ri).toEqual({ parents: deploymentsTree.registry.size, children: deploymentsTree.registry.size });
      }
    }
    // 7,200 pods and 14,400 events came and went; the live counts bound everything held.
    const liveEvents = replacementsPerSecond * 2 * eventTtlSeconds;
    expect(largest.pods).toBeLessThanOrEqual(deployments * podsPerDeployment + replacementsPerSecond);
    expect(largest.events).toBeLessThanOrEqual(liveEvents + replacementsPerSecond * 2);
    const rowsPerWorkload = 4; // the row and its three groups
    expect(largest.deploymentsRows).toBeLessThanOrEqual(namespaces.length + deployments * rowsPerWorkload + largest.pods + largest.events + deployments);
    expect(largest.gpuRows).toBeLessThanOrEqual(2 + 2 + gpuNodes + largest.pods * 2);
    expect(startRows).toBeGreaterThan(0);
    // An hour of simulated churn takes seconds of real time on a loaded machine.
  }, 120_000);

  test("rows of objects that went are pruned even under a collapsed parent VS Code does not re-read", () => {
    const cache = new FakeCache();
    const { live } = scenario(cache);
    const model = new ClusterModel(cache, { showAllDeployments: false, now: () => 0 });
    const tree = new DeploymentsTree(() => model, () => undefined);
    const pending: ClusterModelChange[] = [];
    model.onDidChange((c) => pending.push(c));
    liveRows(tree);
    const before = tree.registry.size;
    // Scale model-0 to zero: its pods go.
    cache.remove(ResourceTypes.pods, [...live.values()].filter((p) => p.metadata?.name?.startsWith("model-0-")));
    const refreshed = tree.refresh(pending.splice(0));
    expect(refreshed).not.toBe("root");
    expect((refreshed as DeploymentsNode[]).map((n) => n.id)).toEqual(["Deployment/bench-0/model-0", "Deployment/bench-0/model-0/pods", "Deployment/bench-0/model-0/revisions", "Deployment/bench-0/model-0/events"]);
    expect(tree.registry.size).toBe(before - podsPerDeployment);
    // Delete the Deployment: its row, its groups and its revision row go, and its namespace row is refreshed.
    cache.remove(ResourceTypes.deployments, cache.deployments().filter((d) => d.metadata?.name === "model-0"));
    const again = tree.refresh(pending.splice(0)) as DeploymentsNode[];
    expect(again.map((n) => n.id)).toEqual(["namespace/bench-0"]);
    expect(tree.registry.get("Deployment/bench-0/model-0")).toBeUndefined();
    expect(tree.registry.size).toBe(before - podsPerDeployment - 5);
  });

  test("the GPU tree refreshes only the node and pool a pod lands on", () => {
    const cache = new FakeCache();
    scenario(cache);
    const model = new ClusterModel(cache, { showAllDeployments: false, now: () => 0 });
    const tree = new GpuNodesTree(() => model);
    const pending: ClusterModelChange[] = [];
    model.onDidChange((c) => pending.push(c));
    liveRows(tree);
    cache.put(ResourceTypes.pods, [newPod(1, "model-1-rs-new", "Running", 3)]);
    const refreshed = tree.refresh(pending.splice(0)) as GpuNodesNode[];
    expect(refreshed.map((n) => n.id)).toEqual(["pool/a100pool", "node/gpu-3"]);
    expect(tree.registry.get("node/gpu-3/pod/bench-1/model-1-rs-new")).toBeDefined();
  });
});
