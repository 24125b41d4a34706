import type { CoreV1Event, V1Deployment, V1Node, V1Pod, V1ReplicaSet } from "@kubernetes/client-node";
import { describe, expect, test } from "vitest";
import { ClusterModel } from "../../../../../src/core/kube/cache/clusterModel";
import { ResourceTypes } from "../../../../../src/core/kube/client/resourceTypes";
import { isGpuNode } from "../../../../../src/core/kube/gpu/gpuAllocation";
import { groupNodePools } from "../../../../../src/core/kube/gpu/nodePools";
import { pendingGpuPods } from "../../../../../src/core/kube/gpu/pendingGpuPods";
import type { InferenceService } from "../../../../../src/core/kube/objects/inferenceService";
import { inferenceQualifications, owningInferenceService } from "../../../../../src/core/kube/workloads/inferenceWorkload";
import { classifyWorkloadHealth } from "../../../../../src/core/kube/workloads/workloadHealth";
import { eventKey, workloadId, type Workload } from "../../../../../src/core/kube/workloads/workloadIndex";
import { container, containerStatus, deployment, inferenceService, node, now, pod, podCondition, podEvent, replicaSet } from "../kubeObjects";
import { FakeCache, random } from "./clusterModelChanges";

const gpu = (n: number) => [container("vllm", { image: "vllm/vllm-openai:v0.6.3", limits: { "nvidia.com/gpu": String(n) } })];
const ownedBy = <T extends { metadata?: object }>(o: T, kind: string, name: string, uid: string): T => ({
  ...o,
  metadata: { ...o.metadata, ownerReferences: [{ apiVersion: "apps/v1", kind, name, uid, controller: true }] },
});

/**
 * The oracle: the index as the Deployments view built it before the model existed, from
 * scratch over the whole cache in one pass (pod → ReplicaSet → Deployment by uid).
 */
function rebuild(cache: FakeCache, showAll: boolean) {
  const workloads: Workload[] = [];
  const owned = new Map<string, V1Deployment[]>();
  for (const d of cache.deployments()) {
    const isvc = owningInferenceService(d);
    const ns = d.metadata?.namespace ?? "";
    if (isvc) owned.set(`${ns}/${isvc}`, [...(owned.get(`${ns}/${isvc}`) ?? []), d]);
    else {
      const qualifications = inferenceQualifications(d);
      if (qualifications.length > 0 || showAll) workloads.push({ kind: "Deployment", namespace: ns, name: d.metadata?.name ?? "", id: workloadId("Deployment", ns, d.metadata?.name ?? ""), deployment: d, inferenceService: undefined, qualifications });
    }
  }
  for (const isvc of cache.list<InferenceService>(ResourceTypes.inferenceServices)) {
    const ns = isvc.metadata?.namespace ?? "";
    const name = isvc.metadata?.name ?? "";
    // KServe's predictor Deployment is named <isvc>-predictor; transformers are labelled too.
    const candidates = [...(owned.get(`${ns}/${name}`) ?? [])].sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""));
    const predictor = candidates.find((d) => d.metadata?.name?.endsWith("-predictor")) ?? candidates[0];
    workloads.push({ kind: "InferenceService", namespace: ns, name, id: workloadId("InferenceService", ns, name), deployment: predictor, inferenceService: isvc, qualifications: inferenceQualifications(isvc) });
  }
  const members = new Map<string, { pods: V1Pod[]; replicaSets: V1ReplicaSet[]; events: CoreV1Event[] }>();
  for (const w of workloads) {
    const uid = w.deployment?.metadata?.uid;
    const replicaSets = cache.replicaSets().filter((rs) => uid && rs.metadata?.ownerReferences?.find((o) => o.kind === "Deployment" && o.controller !== false)?.uid === uid);
    const rsUids = new Set(replicaSets.map((rs) => rs.metadata?.uid));
    const pods = cache.pods().filter((p) => rsUids.has(p.metadata?.ownerReferences?.find((o) => o.kind === "ReplicaSet")?.uid));
    const about = new Set([`${w.kind}/${w.name}`, ...(w.deployment ? [`Deployment/${w.deployment.metadata?.name}`] : []), ...replicaSets.map((r) => `ReplicaSet/${r.metadata?.name}`), ...pods.map((p) => `Pod/${p.metadata?.name}`)]);
    const events = cache.events().filter((e) => e.metadata?.namespace === w.namespace && about.has(`${e.involvedObject?.kind}/${e.involvedObject?.name}`));
    members.set(w.id, { pods, replicaSets, events });
  }
  const gpuNodes = cache.nodes().filter(isGpuNode);
  return {
    workloads,
    members,
    pools: groupNodePools(gpuNodes, cache.pods()),
    pending: pendingGpuPods(cache.pods(), cache.events()).filter((p) => !p.boundTo),
  };
}

const names = (xs: readonly { metadata?: { name?: string } }[]): string[] => xs.map((x) => x.metadata?.name ?? "").sort();

function expectModelEqualsRebuild(model: ClusterModel, cache: FakeCache, showAll: boolean): void {
  const oracle = rebuild(cache, showAll);
  const index = model.workloads;
  expect([...index.namespaces()]).toEqual([...new Set(oracle.workloads.map((w) => w.namespace))].sort());
  const listed = index.namespaces().flatMap((ns) => index.workloads(ns));
  expect(listed.map((w) => w.id).sort()).toEqual(oracle.workloads.map((w) => w.id).sort());
  for (const expected of oracle.workloads) {
    const w = index.workload(expected.id);
    expect(w).toEqual(expected);
    if (!w) continue;
    const m = oracle.members.get(expected.id)!;
    expect(names(index.podsOf(w))).toEqual(names(m.pods));
    expect(names(index.replicaSetsOf(w))).toEqual(names(m.replicaSets));
    expect(index.eventsOf(w).map(eventKey).sort()).toEqual(m.events.map(eventKey).sort());
    const health = classifyWorkloadHealth({ deployment: w.deployment, inferenceService: w.inferenceService, replicaSets: m.replicaSets, pods: m.pods, events: m.events, now });
    expect(index.healthOf(w)).toEqual(health);
  }
  expect(model.gpu.pools()).toEqual(oracle.pools);
  expect(model.gpu.pending()).toEqual(oracle.pending);
}

describe("ClusterModel: one batch touching one pod", () => {
  test("updates only that pod's workload and node, and leaves the other workloads' members as they were", () => {
    const cache = new FakeCache();
    cache.put(ResourceTypes.nodes, [node("gpu-a", { allocatable: { "nvidia.com/gpu": "8" } }), node("gpu-b", { allocatable: { "nvidia.com/gpu": "8" } })]);
    for (const name of ["llama", "mistral", "phi"]) {
      cache.put(ResourceTypes.deployments, [deployment(name, { containers: gpu(1) })]);
      cache.put(ResourceTypes.replicaSets, [ownedBy(replicaSet(`${name}-7d9c`), "Deployment", name, `uid-${name}`)]);
      cache.put(ResourceTypes.pods, [0, 1].map((i) => ownedBy(pod(`${name}-7d9c-${i}`, { containers: gpu(1), node: i === 0 ? "gpu-a" : "gpu-b" }), "ReplicaSet", `${name}-7d9c`, `uid-${name}-7d9c`)));
    }
    const model = new ClusterModel(cache, { showAllDeployments: false, now: () => now });
    const index = model.workloads;
    const before = new Map(index.namespaces().flatMap((ns) => index.workloads(ns)).map((w) => [w.id, { pods: index.podsOf(w), health: index.healthOf(w) }]));
    const heard: unknown[] = [];
    model.onDidChange((c) => heard.push(c));

    const crashing = ownedBy(
      pod("mistral-7d9c-1", { containers: gpu(1), node: "gpu-b", containerStatuses: [containerStatus("vllm", { waiting: "CrashLoopBackOff" }, { restartCount: 7 })], conditions: [podCondition("Ready", "False")] }),
      "ReplicaSet",
      "mistral-7d9c",
      "uid-mistral-7d9c",
    );
    cache.put(ResourceTypes.pods, [crashing]);

    expect(heard).toEqual([{ workloads: new Set(["Deployment/ml/mistral"]), namespaces: new Set(), namespaceList: false, nodes: new Set(["gpu-b"]), pools: new Set(["(no pool)"]), poolList: false, pending: false }]);
    for (const w of index.workloads("ml")) {
      if (w.name === "mistral") {
        expect(index.podsOf(w)).not.toBe(before.get(w.id)?.pods);
        expect(index.podsOf(w)).toContain(crashing);
        expect(index.healthOf(w).health).not.toBe("Healthy");
      } else {
        // Same arrays and verdicts: nothing about them was recomputed.
        expect(index.podsOf(w)).toBe(before.get(w.id)?.pods);
        expect(index.healthOf(w)).toBe(before.get(w.id)?.health);
      }
    }
    expect(model.gpu.node("gpu-b")?.gpus[0]?.pods.map((p) => p.name)).toEqual(["llama-7d9c-1", "mistral-7d9c-1", "phi-7d9c-1"]);
  });

  test("a pod that arrives before its ReplicaSet joins its workload when the ReplicaSet comes", () => {
    const cache = new FakeCache();
    const model = new ClusterModel(cache, { showAllDeployments: false, now: () => now });
    cache.put(ResourceTypes.pods, [ownedBy(pod("llama-7d9c-0", { containers: gpu(1) }), "ReplicaSet", "llama-7d9c", "uid-llama-7d9c")]);
    cache.put(ResourceTypes.deployments, [deployment("llama", { containers: gpu(1) })]);
    const w = model.workloads.workload("Deployment/ml/llama")!;
    expect(model.workloads.podsOf(w)).toEqual([]);
    cache.put(ResourceTypes.replicaSets, [ownedBy(replicaSet("llama-7d9c"), "Deployment", "llama", "uid-llama")]);
    expect(names(model.workloads.podsOf(w))).toEqual(["llama-7d9c-0"]);
  });
});

/** A random cluster's worth of objects, each in a few variants, so changes hit every relation. */
function universe(rand: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const generation = new Map<string, number>();
  const uidOf = (name: string): string => `uid-${name}-${generation.get(name) ?? 0}`;
  const recreate = (name: string): void => void generation.set(name, (generation.get(name) ?? 0) + 1);
  const deployments = ["llama", "mistral", "plain", "svc-a-predictor", "svc-a-transformer", "svc-b-predictor"];
  const isvcs = ["svc-a", "svc-b"];
  const replicaSets = deployments.flatMap((d) => [`${d}-1`, `${d}-2`]);
  const pods = replicaSets.flatMap((rs) => [`${rs}-x`, `${rs}-y`]);
  const nodes = ["n0", "n1", "n2", "n3"];
  const withNs = <T extends { metadata?: object }>(o: T, ns: string): T => ({ ...o, metadata: { ...o.metadata, namespace: ns } });
  const nsOf = (name: string): string => (name.startsWith("mistral") ? "team" : "ml");

  const makeDeployment = (name: string): V1Deployment => {
    const isvc = name.startsWith("svc-") ? name.replace(/-(predictor|transformer)$/, "") : undefined;
    const d = deployment(name, {
      containers: name === "plain" ? [container("web")] : gpu(1),
      labels: isvc ? { "serving.kserve.io/inferenceservice": isvc } : undefined,
      status: { availableReplicas: pick([0, 1, 2]), readyReplicas: pick([0, 1, 2]) },
    });
    return withNs({ ...d, metadata: { ...d.metadata, uid: uidOf(name) } }, nsOf(name));
  };
  const makeReplicaSet = (name: string): V1ReplicaSet => {
    const owner = name.replace(/-\d$/, "");
    const rs = ownedBy(replicaSet(name), "Deployment", owner, uidOf(owner));
    return withNs({ ...rs, metadata: { ...rs.metadata, uid: uidOf(name), annotations: { "deployment.kubernetes.io/revision": name.slice(-1) } } }, nsOf(name));
  };
  const makePod = (name: string): V1Pod => {
    const owner = name.replace(/-[xy]$/, "");
    const phase = pick(["Running", "Running", "Pending", "Succeeded"] as const);
    const bound = phase !== "Pending" || rand() < 0.3;
    const p = pod(name, {
      phase,
      containers: gpu(pick([0, 1, 2])),
      node: bound ? pick(nodes) : undefined,
      deleting: rand() < 0.1,
      ...(phase === "Running" && rand() < 0.3 ? { containerStatuses: [containerStatus("vllm", { waiting: "CrashLoopBackOff" }, { restartCount: 4 })] } : {}),
    });
    return withNs(ownedBy({ ...p, metadata: { ...p.metadata, uid: uidOf(name) } }, "ReplicaSet", owner, uidOf(owner)), nsOf(name));
  };
  const makeEvent = (i: number): CoreV1Event => {
    const about = pick([...pods, ...pods, ...replicaSets, ...deployments, ...isvcs]);
    const kind = pods.includes(about) ? "Pod" : replicaSets.includes(about) ? "ReplicaSet" : deployments.includes(about) ? "Deployment" : "InferenceService";
    const e = podEvent(about, pick(["FailedScheduling", "BackOff", "Pulled"]), pick(["0/4 nodes are available: 4 Insufficient nvidia.com/gpu.", "Back-off restarting failed container", "pulled"]), { type: pick(["Normal", "Warning"] as const) });
    return withNs({ ...e, metadata: { ...e.metadata, name: `event-${i}`, uid: `uid-event-${i}` }, involvedObject: { ...e.involvedObject, kind, name: about, namespace: nsOf(about) } }, kind === "InferenceService" ? "ml" : nsOf(about));
  };
  const makeNode = (name: string): V1Node => {
    const pool = pick<Record<string, string>>([{ "kubernetes.azure.com/agentpool": "a100pool" }, { "kubernetes.azure.com/agentpool": "h100pool" }, { "nvidia.com/gpu.product": "NVIDIA-L4" }, {}]);
    return node(name, {
      labels: pool,
      allocatable: rand() < 0.8 ? { "nvidia.com/gpu": pick(["4", "8"]), "nvidia.com/mig-1g.5gb": pick(["0", "7"]) } : { cpu: "8" },
      unschedulable: rand() < 0.2,
      conditions: [{ type: "Ready", status: pick(["True", "True", "False"] as const) }],
    });
  };
  return { pick, recreate, deployments, isvcs, replicaSets, pods, nodes, makeDeployment, makeReplicaSet, makePod, makeEvent, makeNode, makeIsvc: (name: string) => inferenceService(name, { generation: pick([1, 2]) }) };
}

describe("ClusterModel: incremental updates equal a rebuild from scratch", () => {
  test.each([1, 2, 3, 4])("random sequence of 200 change batches, seed %i", (seed) => {
    const rand = random(seed);
    const u = universe(rand);
    const cache = new FakeCache();
    let showAll = false;
    const model = new ClusterModel(cache, { showAllDeployments: showAll, now: () => now });
    let events = 0;
    for (let step = 0; step < 200; step++) {
      const remove = rand() < 0.3;
      const count = 1 + Math.floor(rand() * 4);
      const batch = <T>(names: readonly string[], make: (n: string) => T): T[] => Array.from({ length: count }, () => make(u.pick(names)));
      switch (u.pick(["deployment", "isvc", "rs", "pod", "pod", "pod", "event", "event", "node", "option"] as const)) {
        case "deployment": {
          const ds = batch(u.deployments, (n) => {
            if (remove) u.recreate(n);
            return u.makeDeployment(n);
          });
          if (remove) cache.remove(ResourceTypes.deployments, ds);
          else cache.put(ResourceTypes.deployments, ds);
          break;
        }
        case "isvc":
          (remove ? cache.remove.bind(cache) : cache.put.bind(cache))(ResourceTypes.inferenceServices, batch(u.isvcs, u.makeIsvc));
          break;
        case "rs":
          (remove ? cache.remove.bind(cache) : cache.put.bind(cache))(ResourceTypes.replicaSets, batch(u.replicaSets, u.makeReplicaSet));
          break;
        case "pod":
          (remove ? cache.remove.bind(cache) : cache.put.bind(cache))(ResourceTypes.pods, batch(u.pods, u.makePod));
          break;
        case "event":
          if (remove) cache.remove(ResourceTypes.events, cache.events().slice(0, count));
          else cache.put(ResourceTypes.events, Array.from({ length: count }, () => u.makeEvent(events++)));
          break;
        case "node":
          (remove ? cache.remove.bind(cache) : cache.put.bind(cache))(ResourceTypes.nodes, batch(u.nodes, u.makeNode));
          break;
        case "option":
          showAll = !showAll;
          model.setOptions({ showAllDeployments: showAll, now: () => now });
          break;
      }
      expectModelEqualsRebuild(model, cache, showAll);
    }
  });

  test("a model started on a filled cache equals one that heard every change", () => {
    const rand = random(42);
    const u = universe(rand);
    const cache = new FakeCache();
    const heard = new ClusterModel(cache, { showAllDeployments: true, now: () => now });
    cache.put(ResourceTypes.nodes, u.nodes.map(u.makeNode));
    cache.put(ResourceTypes.pods, u.pods.map(u.makePod));
    cache.put(ResourceTypes.replicaSets, u.replicaSets.map(u.makeReplicaSet));
    cache.put(ResourceTypes.deployments, u.deployments.map(u.makeDeployment));
    cache.put(ResourceTypes.inferenceServices, u.isvcs.map(u.makeIsvc));
    cache.put(ResourceTypes.events, Array.from({ length: 20 }, (_, i) => u.makeEvent(i)));
    const late = new ClusterModel(cache, { showAllDeployments: true, now: () => now });
    expectModelEqualsRebuild(heard, cache, true);
    expectModelEqualsRebuild(late, cache, true);
  });
});
