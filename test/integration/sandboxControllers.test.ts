/**
 * The sandbox with its controllers on, through the real client-node and kubectl: Deployments
 * roll, pause, undo and time out as on a real cluster; the scheduler places GPU pods or says
 * why not; the kubelet runs and fails pods by their behaviour; KServe serves InferenceServices.
 */
import { AppsV1Api, CoreV1Api, CustomObjectsApi, PatchStrategy, type V1Deployment, type V1Pod, setHeaderOptions } from "@kubernetes/client-node";
import { beforeAll, describe, expect, test } from "vitest";
import { type KubeObject } from "../../sandbox/kubeObject";
import { findResource } from "../../sandbox/resourceTypes";
import { parseScenario } from "../../sandbox/scenario";
import { startSandboxFixture, useSandbox } from "./sandboxFixture";
import { kubectlCli } from "./kubectlCli";

const node = (name: string, labels: string, allocatable: string, extra = "") => `
  - metadata: {name: ${name}, labels: {kubernetes.io/hostname: ${name}, ${labels}}}
    spec: {${extra}}
    status:
      allocatable: {${allocatable}, pods: "110"}
      conditions: [{type: Ready, status: "True", reason: KubeletReady}]
      addresses: [{type: InternalIP, address: 10.224.0.${name.length}}]`;

/** Two CPU nodes, two tainted 8-GPU nodes and a GPU node that stopped reporting. */
const scenario = parseScenario(`
namespaces:
  - metadata: {name: default}
  - metadata: {name: ml}
nodes:${node("cpu-0", "pool: cpu", 'cpu: "8", memory: 32Gi')}${node("cpu-1", "pool: cpu", 'cpu: "8", memory: 32Gi')}${node("gpu-0", "pool: a100", 'cpu: "96", memory: 1800Gi, nvidia.com/gpu: "8"', "taints: [{key: sku, value: gpu, effect: NoSchedule}]")}${node("gpu-1", "pool: a100", 'cpu: "96", memory: 1800Gi, nvidia.com/gpu: "8"', "taints: [{key: sku, value: gpu, effect: NoSchedule}]")}
  - metadata: {name: gpu-lost, labels: {pool: a100}}
    spec: {taints: [{key: sku, value: gpu, effect: NoSchedule}, {key: node.kubernetes.io/unreachable, effect: NoSchedule}]}
    status:
      allocatable: {cpu: "96", memory: 1800Gi, nvidia.com/gpu: "8", pods: "110"}
      conditions: [{type: Ready, status: Unknown, reason: NodeStatusUnknown}]
`);

let core: CoreV1Api;
let apps: AppsV1Api;
let custom: CustomObjectsApi;

// 10 ms per simulated second: a 10s back-off takes 100 ms.
const sandbox = useSandbox({ scenario, controllers: { msPerSecond: 10, podStartDelayMs: [20, 60] } });
const { kubectl, kubectlFails } = kubectlCli(() => sandbox.kubectlEnv, 20_000);
const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
const podType = findResource("", "v1", "pods");
const eventType = findResource("", "v1", "events");

beforeAll(() => {
  core = sandbox.kc.makeApiClient(CoreV1Api);
  apps = sandbox.kc.makeApiClient(AppsV1Api);
  custom = sandbox.kc.makeApiClient(CustomObjectsApi);
});

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function deployment(name: string, opts: { replicas?: number; image?: string; strategy?: V1Deployment["spec"] extends infer S ? (S extends { strategy?: infer T } ? T : never) : never; progressDeadlineSeconds?: number; behaviour?: string } = {}): V1Deployment {
  return {
    metadata: { name, namespace: "default" },
    spec: {
      replicas: opts.replicas ?? 3,
      selector: { matchLabels: { app: name } },
      ...(opts.strategy ? { strategy: opts.strategy } : {}),
      ...(opts.progressDeadlineSeconds ? { progressDeadlineSeconds: opts.progressDeadlineSeconds } : {}),
      template: {
        metadata: { labels: { app: name }, ...(opts.behaviour ? { annotations: { "sandbox.aiplatform.dev/behaviour": opts.behaviour } } : {}) },
        spec: { containers: [{ name: "app", image: opts.image ?? "aiplatform.azurecr.io/sentiment:1.0", resources: { requests: { cpu: "100m", memory: "128Mi" } } }] },
      },
    },
  };
}

async function readDeployment(name: string): Promise<V1Deployment> {
  return apps.readNamespacedDeployment({ name, namespace: "default" });
}

async function available(name: string): Promise<V1Deployment> {
  return waitFor(`${name} to be available`, async () => {
    const d = await readDeployment(name);
    const s = d.status;
    const done = s?.observedGeneration === d.metadata?.generation && s?.updatedReplicas === d.spec?.replicas && s?.availableReplicas === d.spec?.replicas && s?.replicas === d.spec?.replicas;
    return done ? d : undefined;
  });
}

async function podsOf(selector: string, namespace = "default"): Promise<V1Pod[]> {
  return (await core.listNamespacedPod({ namespace, labelSelector: selector })).items;
}

function events(name: string): KubeObject[] {
  return eventType ? sandbox.server.store.list(eventType).filter((e) => (e.involvedObject as { name?: string }).name === name) : [];
}

describe("deployments", () => {
  test("a new Deployment gets a ReplicaSet <name>-<pod-template-hash>, Running and Ready pods and the status kubectl reads", async () => {
    await apps.createNamespacedDeployment({ namespace: "default", body: deployment("web") });
    const out = await kubectl("rollout", "status", "deploy/web", "--timeout=15s");
    expect(out).toContain('deployment "web" successfully rolled out');
    const d = await available("web");
    expect(d.status).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(d.status?.unavailableReplicas).toBeUndefined();
    expect(d.metadata?.annotations?.["deployment.kubernetes.io/revision"]).toBe("1");
    const [rs, ...others] = (await apps.listNamespacedReplicaSet({ namespace: "default", labelSelector: "app=web" })).items;
    expect(others).toHaveLength(0);
    const hash = rs?.metadata?.labels?.["pod-template-hash"] ?? "";
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    expect(rs?.metadata?.name).toBe(`web-${hash}`);
    expect(rs?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: "Deployment", name: "web", uid: d.metadata?.uid, controller: true });
    expect(d.status?.conditions?.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      ["Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."],
      ["Progressing", "True", "NewReplicaSetAvailable", `ReplicaSet "web-${hash}" has successfully progressed.`],
    ]);
    const pods = await podsOf("app=web");
    expect(pods).toHaveLength(3);
    for (const pod of pods) {
      expect(pod.metadata?.name).toMatch(new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      expect(pod.status).toMatchObject({ phase: "Running", qosClass: "Burstable" });
      expect(pod.status?.podIP).toMatch(/^10\.244\./);
      expect(pod.status?.hostIP).toMatch(/^10\.224\./);
      expect(pod.status?.containerStatuses?.[0]).toMatchObject({ ready: true, started: true, restartCount: 0 });
      expect(pod.status?.conditions?.map((c) => `${c.type}=${c.status}`).sort()).toEqual(["ContainersReady=True", "Initialized=True", "PodReadyToStartContainers=True", "PodScheduled=True", "Ready=True"]);
      expect(events(pod.metadata?.name ?? "").map((e) => e.reason)).toEqual(expect.arrayContaining(["Scheduled", "Pulling", "Pulled", "Created", "Started"]));
    }
    expect(events("web").map((e) => e.message)).toEqual([`Scaled up replica set web-${hash} to 3`]);
  });

  test("a rolling update stays within maxSurge and maxUnavailable; history, undo and undo --to-revision behave as on a real cluster", async () => {
    // 5 replicas at 30%: surge rounds up to 2, unavailable rounds down to 1.
    await apps.createNamespacedDeployment({ namespace: "default", body: deployment("roll", { replicas: 5, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "30%", maxUnavailable: "30%" } } }) });
    await available("roll");
    await kubectl("annotate", "deploy/roll", "kubernetes.io/change-cause=first release");
    const firstHash = (await podsOf("app=roll"))[0]?.metadata?.labels?.["pod-template-hash"];
    let maxPods = 0;
    let minReady = Infinity;
    const unsubscribe = sandbox.server.store.subscribe(() => {
      if (!podType) return;
      const pods = sandbox.server.store.list(podType, "default").filter((p) => p.metadata.labels?.app === "roll");
      const ready = pods.filter((p) => (p.status as V1Pod["status"])?.conditions?.some((c) => c.type === "Ready" && c.status === "True")).length;
      maxPods = Math.max(maxPods, pods.length);
      minReady = Math.min(minReady, ready);
    });
    try {
      await kubectl("set", "image", "deploy/roll", "app=aiplatform.azurecr.io/sentiment:2.0");
      await kubectl("annotate", "deploy/roll", "kubernetes.io/change-cause=image 2.0", "--overwrite");
      await kubectl("rollout", "status", "deploy/roll", "--timeout=15s");
      await available("roll");
    } finally {
      unsubscribe();
    }
    expect(maxPods).toBe(7);
    expect(minReady).toBe(4);
    const history = await kubectl("rollout", "history", "deploy/roll");
    expect(history).toMatch(/^1\s+first release$/m);
    expect(history).toMatch(/^2\s+image 2\.0$/m);

    await kubectl("rollout", "undo", "deploy/roll");
    await kubectl("rollout", "status", "deploy/roll", "--timeout=15s");
    const undone = await available("roll");
    expect(undone.spec?.template?.spec?.containers[0]?.image).toBe("aiplatform.azurecr.io/sentiment:1.0");
    expect(undone.metadata?.annotations?.["deployment.kubernetes.io/revision"]).toBe("3");
    expect((await podsOf("app=roll")).map((p) => p.metadata?.labels?.["pod-template-hash"])).toEqual(Array(5).fill(firstHash));
    const afterUndo = await kubectl("rollout", "history", "deploy/roll");
    expect(afterUndo).toMatch(/^2\s+image 2\.0$/m);
    expect(afterUndo).toMatch(/^3\s+first release$/m);
    expect(afterUndo).not.toMatch(/^1\s/m);
    const reused = await apps.readNamespacedReplicaSet({ name: `roll-${firstHash ?? ""}`, namespace: "default" });
    expect(reused.metadata?.annotations).toMatchObject({ "deployment.kubernetes.io/revision": "3", "deployment.kubernetes.io/revision-history": "1" });

    await kubectl("rollout", "undo", "deploy/roll", "--to-revision=2");
    await kubectl("rollout", "status", "deploy/roll", "--timeout=15s");
    const again = await available("roll");
    expect(again.spec?.template?.spec?.containers[0]?.image).toBe("aiplatform.azurecr.io/sentiment:2.0");
    expect(again.metadata?.annotations?.["deployment.kubernetes.io/revision"]).toBe("4");
    expect((await apps.listNamespacedReplicaSet({ namespace: "default", labelSelector: "app=roll" })).items).toHaveLength(2);
  });

  test("a paused Deployment does not roll until it is resumed", async () => {
    await apps.createNamespacedDeployment({ namespace: "default", body: deployment("held", { replicas: 2 }) });
    await available("held");
    await kubectl("rollout", "pause", "deploy/held");
    await kubectl("set", "image", "deploy/held", "app=aiplatform.azurecr.io/sentiment:3.0");
    const paused = await waitFor("the paused condition", async () => {
      const d = await readDeployment("held");
      return d.status?.conditions?.find((c) => c.type === "Progressing" && c.reason === "DeploymentPaused") ? d : undefined;
    });
    expect(paused.status?.conditions?.find((c) => c.type === "Progressing")).toMatchObject({ status: "Unknown", message: "Deployment is paused" });
    await new Promise((r) => setTimeout(r, 300));
    expect((await apps.listNamespacedReplicaSet({ namespace: "default", labelSelector: "app=held" })).items).toHaveLength(1);
    expect((await podsOf("app=held")).every((p) => p.spec?.containers[0]?.image === "aiplatform.azurecr.io/sentiment:1.0")).toBe(true);
    await kubectl("rollout", "resume", "deploy/held");
    await kubectl("rollout", "status", "deploy/held", "--timeout=15s");
    expect((await podsOf("app=held")).map((p) => p.spec?.containers[0]?.image)).toEqual(["aiplatform.azurecr.io/sentiment:3.0", "aiplatform.azurecr.io/sentiment:3.0"]);
  });

  test("a rollout whose new pods crash-loop passes its progress deadline and kubectl rollout status fails", async () => {
    await apps.createNamespacedDeployment({ namespace: "default", body: deployment("stuck", { replicas: 1, progressDeadlineSeconds: 1 }) });
    await available("stuck");
    await apps.patchNamespacedDeployment(
      { name: "stuck", namespace: "default", body: { spec: { template: { metadata: { annotations: { "sandbox.aiplatform.dev/behaviour": "crashloop" } }, spec: { containers: [{ name: "app", image: "aiplatform.azurecr.io/sentiment:4.0-broken" }] } } } } },
      setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
    );
    const d = await waitFor("the progress deadline", async () => {
      const current = await readDeployment("stuck");
      return current.status?.conditions?.find((c) => c.reason === "ProgressDeadlineExceeded") ? current : undefined;
    });
    const newRS = (await apps.listNamespacedReplicaSet({ namespace: "default", labelSelector: "app=stuck" })).items.find((rs) => rs.metadata?.annotations?.["deployment.kubernetes.io/revision"] === "2");
    expect(d.status?.conditions?.find((c) => c.type === "Progressing")).toMatchObject({ status: "False", message: `ReplicaSet "${newRS?.metadata?.name ?? ""}" has timed out progressing.` });
    // The old pod still serves, so the Deployment stays available, as maxUnavailable 25% of 1 rounds down to 0.
    expect(d.status?.conditions?.find((c) => c.type === "Available")?.status).toBe("True");
    expect(d.status).toMatchObject({ replicas: 2, updatedReplicas: 1, availableReplicas: 1, unavailableReplicas: 1 });
    expect(await kubectlFails("rollout", "status", "deploy/stuck", "--timeout=10s")).toContain('error: deployment "stuck" exceeded its progress deadline');
  });
});

function pod(name: string, spec: Partial<NonNullable<V1Pod["spec"]>>, behaviour?: string): V1Pod {
  return {
    metadata: { name, namespace: "ml", ...(behaviour ? { annotations: { "sandbox.aiplatform.dev/behaviour": behaviour } } : {}) },
    spec: { containers: [{ name: "server", image: "vllm/vllm-openai:v0.6.3" }], ...spec },
  };
}

const gpuToleration = [{ key: "sku", operator: "Equal", value: "gpu", effect: "NoSchedule" }];
const gpus = (n: number) => [{ name: "server", image: "vllm/vllm-openai:v0.6.3", resources: { limits: { "nvidia.com/gpu": String(n) } } }];

async function readPod(name: string): Promise<V1Pod> {
  return core.readNamespacedPod({ name, namespace: "ml" });
}

describe("scheduler", () => {
  test("a GPU pod with the toleration lands on a GPU node; one that needs more GPUs than any node has stays Pending and says why", async () => {
    await core.createNamespacedPod({ namespace: "ml", body: pod("llm-4gpu", { tolerations: gpuToleration, containers: gpus(4) }) });
    const placed = await waitFor("the GPU pod to run", async () => {
      const p = await readPod("llm-4gpu");
      return p.status?.phase === "Running" ? p : undefined;
    });
    expect(placed.spec?.nodeName).toMatch(/^gpu-[01]$/);
    expect(events("llm-4gpu").find((e) => e.reason === "Scheduled")?.message).toBe(`Successfully assigned ml/llm-4gpu to ${placed.spec?.nodeName ?? ""}`);

    await core.createNamespacedPod({ namespace: "ml", body: pod("llm-16gpu", { tolerations: gpuToleration, containers: gpus(16) }) });
    // The CPU nodes pass the taint and selector filters and fail on GPUs too; no node could ever hold 16, so preemption cannot help.
    const expected =
      "0/5 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 4 Insufficient nvidia.com/gpu. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.";
    const pending = await waitFor("the unschedulable condition", async () => {
      const p = await readPod("llm-16gpu");
      return p.status?.conditions?.find((c) => c.type === "PodScheduled" && c.reason === "Unschedulable") ? p : undefined;
    });
    expect(pending.status?.phase).toBe("Pending");
    expect(pending.spec?.nodeName).toBeUndefined();
    expect(pending.status?.conditions?.find((c) => c.type === "PodScheduled")).toMatchObject({ status: "False", message: expected });
    expect(events("llm-16gpu").find((e) => e.reason === "FailedScheduling")).toMatchObject({ type: "Warning", message: expected, source: { component: "default-scheduler" } });
  });

  test("GPUs taken by bound pods count: two 8-GPU pods fill the pool and a third one waits for preemption victims it cannot find", async () => {
    await core.deleteNamespacedPod({ name: "llm-4gpu", namespace: "ml" });
    for (const name of ["fill-a", "fill-b", "fill-c"]) await core.createNamespacedPod({ namespace: "ml", body: pod(name, { tolerations: gpuToleration, containers: gpus(8) }) });
    await waitFor("two fills to be bound", async () => ((await Promise.all(["fill-a", "fill-b", "fill-c"].map(readPod))).filter((p) => p.spec?.nodeName).length === 2 ? true : undefined));
    const waiting = await waitFor("one fill to be unschedulable", async () => (await Promise.all(["fill-a", "fill-b", "fill-c"].map(readPod))).find((p) => p.status?.conditions?.some((c) => c.reason === "Unschedulable")));
    expect(waiting.status?.conditions?.find((c) => c.type === "PodScheduled")?.message).toBe(
      "0/5 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 4 Insufficient nvidia.com/gpu. preemption: 0/5 nodes are available: 2 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.",
    );
    // Freeing a node lets the scheduler retry and place the waiting pod.
    const bound = (await Promise.all(["fill-a", "fill-b", "fill-c"].map(readPod))).find((p) => p.spec?.nodeName && p.metadata?.name !== waiting.metadata?.name);
    await core.deleteNamespacedPod({ name: bound?.metadata?.name ?? "", namespace: "ml" });
    const placed = await waitFor("the waiting pod to be bound", async () => (await readPod(waiting.metadata?.name ?? "")).spec?.nodeName);
    expect(placed).toMatch(/^gpu-[01]$/);
  });

  test("kubectl cordon stops placement on a node and uncordon lets the pending pod in", async () => {
    await kubectl("cordon", "cpu-1");
    await core.createNamespacedPod({ namespace: "ml", body: pod("pinned", { nodeSelector: { "kubernetes.io/hostname": "cpu-1" } }) });
    const pending = await waitFor("pinned to be unschedulable", async () => (await readPod("pinned")).status?.conditions?.find((c) => c.reason === "Unschedulable"));
    expect(pending.message).toBe(
      "0/5 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) were unschedulable, 3 node(s) had untolerated taint {sku: gpu}. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.",
    );
    await kubectl("uncordon", "cpu-1");
    expect(await waitFor("pinned to be bound", async () => (await readPod("pinned")).spec?.nodeName)).toBe("cpu-1");
  });
});

describe("kubelet behaviours", () => {
  const onCpu = { nodeSelector: { pool: "cpu" }, containers: [{ name: "server", image: "python:3.12" }] };

  test("crashloop: restarts grow with a CrashLoopBackOff back-off, BackOff events and the crash in logs --previous", async () => {
    await core.createNamespacedPod({ namespace: "ml", body: pod("crasher", onCpu, "crashloop") });
    const p = await waitFor("three restarts", async () => {
      const current = await readPod("crasher");
      return (current.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 3 && current.status?.containerStatuses?.[0]?.state?.waiting ? current : undefined;
    });
    const status = p.status?.containerStatuses?.[0];
    expect(status?.state?.waiting?.reason).toBe("CrashLoopBackOff");
    expect(status?.state?.waiting?.message).toMatch(new RegExp(`^back-off (20|40)s restarting failed container=server pod=crasher_ml\\(${p.metadata?.uid ?? ""}\\)$`));
    expect(status?.lastState?.terminated).toMatchObject({ exitCode: 1, reason: "Error" });
    expect(p.status?.phase).toBe("Running");
    expect(events("crasher").find((e) => e.reason === "BackOff")?.message).toBe(`Back-off restarting failed container server in pod crasher_ml(${p.metadata?.uid ?? ""})`);
    expect(await kubectl("logs", "-n", "ml", "crasher", "--previous")).toContain("KeyError: 'MODEL_PATH'");
    expect((await kubectl("get", "pod", "-n", "ml", "crasher", "--no-headers")).split(/\s+/)[2]).toBe("CrashLoopBackOff");
  });

  test("oomkilled: the last termination is OOMKilled with exit code 137", async () => {
    await core.createNamespacedPod({ namespace: "ml", body: pod("hungry", onCpu, "oomkilled") });
    const p = await waitFor("an OOM kill", async () => {
      const current = await readPod("hungry");
      return current.status?.containerStatuses?.[0]?.lastState?.terminated ? current : undefined;
    });
    expect(p.status?.containerStatuses?.[0]?.lastState?.terminated).toMatchObject({ reason: "OOMKilled", exitCode: 137 });
    expect(p.status?.containerStatuses?.[0]?.restartCount).toBeGreaterThanOrEqual(1);
  });

  test("imagepullbackoff: ErrImagePull then ImagePullBackOff with the registry's message", async () => {
    await core.createNamespacedPod({ namespace: "ml", body: pod("typo", { ...onCpu, containers: [{ name: "server", image: "pytorch/torchserve:0.99-typo" }] }, "imagepullbackoff") });
    const p = await waitFor("ImagePullBackOff", async () => {
      const current = await readPod("typo");
      return current.status?.containerStatuses?.[0]?.state?.waiting?.reason === "ImagePullBackOff" ? current : undefined;
    });
    expect(p.status?.phase).toBe("Pending");
    expect(p.status?.containerStatuses?.[0]?.state?.waiting?.message).toBe('Back-off pulling image "pytorch/torchserve:0.99-typo"');
    const messages = events("typo").map((e) => e.message);
    expect(messages).toContain(
      'Failed to pull image "pytorch/torchserve:0.99-typo": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/pytorch/torchserve:0.99-typo": failed to resolve reference "docker.io/pytorch/torchserve:0.99-typo": docker.io/pytorch/torchserve:0.99-typo: not found',
    );
    expect(messages).toEqual(expect.arrayContaining(["Error: ErrImagePull", "Error: ImagePullBackOff"]));
  });

  test("readiness-fails: Running but not Ready, with Unhealthy events", async () => {
    await core.createNamespacedPod({ namespace: "ml", body: pod("unready", onCpu, "readiness-fails") });
    await waitFor("an Unhealthy event", () => (events("unready").some((e) => e.reason === "Unhealthy") ? true : undefined));
    const p = await readPod("unready");
    expect(p.status?.phase).toBe("Running");
    expect(p.status?.conditions?.find((c) => c.type === "Ready")).toMatchObject({ status: "False", reason: "ContainersNotReady", message: "containers with unready status: [server]" });
    expect(events("unready").find((e) => e.reason === "Unhealthy")?.message).toBe("Readiness probe failed: HTTP probe failed with statuscode: 503");
  });

  test("pods on a node that is not Ready are not started", async () => {
    await core.createNamespacedPod({ namespace: "ml", body: { ...pod("orphaned", {}), spec: { nodeName: "gpu-lost", containers: [{ name: "server", image: "python:3.12" }] } } });
    await new Promise((r) => setTimeout(r, 300));
    const p = await readPod("orphaned");
    expect(p.status?.phase).toBe("Pending");
    expect(p.status?.containerStatuses).toBeUndefined();
  });
});

interface Isvc {
  status?: {
    url?: string;
    address?: { url?: string };
    conditions?: { type: string; status: string }[];
    components?: { predictor?: { traffic?: { revisionName: string; percent: number; tag?: string; latestRevision: boolean }[]; latestRolledoutRevision?: string; latestReadyRevision?: string; previousRolledoutRevision?: string } };
  };
}

describe("KServe", () => {
  const readIsvc = async (name: string) => (await custom.getNamespacedCustomObject({ group: "serving.kserve.io", version: "v1beta1", namespace: "ml", plural: "inferenceservices", name })) as Isvc;
  const ready = (i: Isvc) => i.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";

  test("an InferenceService gets a predictor Deployment with its model server and becomes Ready with its URL; a canary splits traffic", async () => {
    await custom.createNamespacedCustomObject({
      group: "serving.kserve.io",
      version: "v1beta1",
      namespace: "ml",
      plural: "inferenceservices",
      body: { apiVersion: "serving.kserve.io/v1beta1", kind: "InferenceService", metadata: { name: "iris" }, spec: { predictor: { model: { modelFormat: { name: "sklearn" }, storageUri: "gs://models/iris/1" } } } },
    });
    const isvc = await waitFor("the InferenceService to be Ready", async () => {
      const i = await readIsvc("iris");
      return ready(i) ? i : undefined;
    });
    expect(isvc.status?.url).toBe("http://iris.ml.example.com");
    expect(isvc.status?.address?.url).toBe("http://iris-predictor.ml.svc.cluster.local");
    expect(isvc.status?.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual(["IngressReady=True", "PredictorReady=True", "Ready=True"]);
    expect(isvc.status?.components?.predictor?.traffic).toEqual([{ revisionName: "iris-predictor-00001", percent: 100, latestRevision: true }]);
    const predictor = await apps.readNamespacedDeployment({ name: "iris-predictor", namespace: "ml" });
    expect(predictor.metadata?.labels).toMatchObject({ "serving.kserve.io/inferenceservice": "iris", component: "predictor" });
    expect(predictor.metadata?.ownerReferences?.[0]).toMatchObject({ kind: "InferenceService", name: "iris", controller: true });
    const container = predictor.spec?.template.spec?.containers[0];
    expect(container?.image).toBe("kserve/sklearnserver:v0.14.0");
    expect(container?.env).toEqual([{ name: "STORAGE_URI", value: "gs://models/iris/1" }]);

    await custom.patchNamespacedCustomObject(
      { group: "serving.kserve.io", version: "v1beta1", namespace: "ml", plural: "inferenceservices", name: "iris", body: { spec: { predictor: { canaryTrafficPercent: 20, model: { storageUri: "gs://models/iris/2" } } } } },
      merge,
    );
    const split = await waitFor("the canary split", async () => {
      const i = await readIsvc("iris");
      return (i.status?.components?.predictor?.traffic?.length ?? 0) === 2 ? i : undefined;
    });
    expect(split.status?.components?.predictor).toMatchObject({
      latestReadyRevision: "iris-predictor-00002",
      latestRolledoutRevision: "iris-predictor-00001",
      previousRolledoutRevision: "iris-predictor-00001",
      traffic: [
        { tag: "latest", revisionName: "iris-predictor-00002", percent: 20, latestRevision: true },
        { tag: "prev", revisionName: "iris-predictor-00001", percent: 80, latestRevision: false },
      ],
    });
  });

  test("Ready stays True while a new predictor pod crash-loops behind the available old one (kserve#1859)", async () => {
    const body = (storageUri: string, behaviour?: string) => ({
      apiVersion: "serving.kserve.io/v1beta1",
      kind: "InferenceService",
      metadata: { name: "fraud", ...(behaviour ? { annotations: { "sandbox.aiplatform.dev/behaviour": behaviour } } : {}) },
      spec: { predictor: { model: { modelFormat: { name: "xgboost" }, storageUri } } },
    });
    await custom.createNamespacedCustomObject({ group: "serving.kserve.io", version: "v1beta1", namespace: "ml", plural: "inferenceservices", body: body("gs://models/fraud/1") });
    await waitFor("fraud to be Ready", async () => (ready(await readIsvc("fraud")) ? true : undefined));
    await custom.patchNamespacedCustomObject(
      { group: "serving.kserve.io", version: "v1beta1", namespace: "ml", plural: "inferenceservices", name: "fraud", body: { metadata: body("", "crashloop").metadata, spec: { predictor: { model: { storageUri: "gs://models/fraud/2" } } } } },
      merge,
    );
    const crashing = await waitFor("a crash-looping predictor pod", async () =>
      (await podsOf("serving.kserve.io/inferenceservice=fraud", "ml")).find((p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2),
    );
    expect(crashing.spec?.containers[0]?.image).toBe("kserve/xgbserver:v0.14.0");
    const isvc = await readIsvc("fraud");
    expect(ready(isvc)).toBe(true);
    expect(isvc.status?.components?.predictor?.latestReadyRevision).toBe("fraud-predictor-00001");
  });
});

describe("the demo scenario under controllers", () => {
  test("keeps its failures: the stalled rollout, the GPU-starved pod, the crash loop behind a Ready InferenceService", async () => {
    const demo = await startSandboxFixture({ scenario: "demo", controllers: { msPerSecond: 10, podStartDelayMs: [10, 20] } });
    const type = (group: string, plural: string) => findResource(group, group === "serving.kserve.io" ? "v1beta1" : "v1", plural) ?? (() => { throw new Error(plural); })();
    try {
      await new Promise((r) => setTimeout(r, 600));
      const get = (group: string, plural: string, namespace: string, name: string) => demo.server.store.get(type(group, plural), namespace, name);
      // Existing ReplicaSets were adopted by template, not replaced.
      expect(demo.server.store.list(type("apps", "replicasets")).map((r) => r.metadata.name).sort()).toEqual(demo.scenario.replicasets.map((r) => r.metadata.name).sort());
      expect(demo.server.store.list(type("", "pods"))).toHaveLength(demo.scenario.pods.length);
      const mixtral = get("", "pods", "llm-serving", "vllm-mixtral-8x7b-5f7d8c9b6-x2k9p") as V1Pod & KubeObject;
      expect(mixtral.spec?.nodeName).toBeUndefined();
      expect(mixtral.status?.conditions?.find((c) => c.type === "PodScheduled")?.message).toBe(
        "0/14 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 4 Insufficient nvidia.com/gpu, 9 node(s) didn't match Pod's node affinity/selector. preemption: 0/14 nodes are available: 10 Preemption is not helpful for scheduling, 4 No preemption victims found for incoming pod.",
      );
      const bert = get("apps", "deployments", "onnx-api", "bert-classifier") as V1Deployment & KubeObject;
      expect(bert.status?.conditions?.find((c) => c.type === "Progressing")?.reason).toBe("ProgressDeadlineExceeded");
      expect((get("", "pods", "onnx-api", "bert-classifier-7f6b5d4c8-zp2rf") as V1Pod & KubeObject).status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe("ImagePullBackOff");
      const fraud = get("", "pods", "kserve-models", "fraud-xgboost-predictor-7c9d8b6f5-p9wzl") as V1Pod & KubeObject;
      expect(fraud.status?.containerStatuses?.[0]?.restartCount).toBeGreaterThanOrEqual(37);
      expect(fraud.status?.containerStatuses?.[0]?.ready).toBe(false);
      const isvc = get("serving.kserve.io", "inferenceservices", "kserve-models", "fraud-xgboost") as Isvc & KubeObject;
      expect(isvc.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
      const llama = get("apps", "deployments", "llm-serving", "vllm-llama3-70b") as V1Deployment & KubeObject;
      expect(llama.status).toMatchObject({ replicas: 3, availableReplicas: 3 });
    } finally {
      await demo.stop();
    }
  });
});

describe("lifecycle", () => {
  test("controllers are off unless asked for, and survive a restart that loses the store", async () => {
    const quiet = await startSandboxFixture({ scenario });
    try {
      expect(quiet.server.controllers).toBeUndefined();
      quiet.server.verbs.create(findResource("apps", "v1", "deployments") ?? (() => { throw new Error("deployments"); })(), "default", deployment("idle"), { dryRun: false });
      await new Promise((r) => setTimeout(r, 200));
      expect(quiet.server.store.list(findResource("apps", "v1", "replicasets") ?? (() => { throw new Error("rs"); })())).toHaveLength(0);
    } finally {
      await quiet.stop();
    }
    const live = await startSandboxFixture({ scenario, controllers: { msPerSecond: 10, podStartDelayMs: [10, 20] } });
    try {
      await live.server.restart({ keepStore: false });
      expect(live.server.controllers?.isRunning).toBe(true);
      const liveApps = live.kc.makeApiClient(AppsV1Api);
      await liveApps.createNamespacedDeployment({ namespace: "default", body: deployment("after-restart", { replicas: 2 }) });
      await waitFor("pods after the restart", async () => ((await liveApps.readNamespacedDeployment({ name: "after-restart", namespace: "default" })).status?.availableReplicas === 2 ? true : undefined));
    } finally {
      await live.stop();
    }
    expect(live.server.controllers?.isRunning).toBe(false);
  });
});
