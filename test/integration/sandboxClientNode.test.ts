/** The sandbox API server through the real @kubernetes/client-node: CRUD, errors, selectors, paging, patches, logs. */
import { request as httpsRequest } from "node:https";
import { PassThrough } from "node:stream";
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  Log,
  PatchStrategy,
  type V1Deployment,
  type V1Pod,
  setHeaderOptions,
} from "@kubernetes/client-node";
import { beforeAll, describe, expect, test } from "vitest";
import { useSandbox } from "./sandboxFixture";
import { eventually } from "./eventually";

let core: CoreV1Api;
let apps: AppsV1Api;
let custom: CustomObjectsApi;

const sandbox = useSandbox();
beforeAll(() => {
  core = sandbox.kc.makeApiClient(CoreV1Api);
  apps = sandbox.kc.makeApiClient(AppsV1Api);
  custom = sandbox.kc.makeApiClient(CustomObjectsApi);
});

interface WireStatus {
  kind?: string;
  code?: number;
  reason?: string;
  message?: string;
}

/** The Status object of a failed call, as client-node hands it over. */
async function failure(call: Promise<unknown>): Promise<{ code: number; status: WireStatus }> {
  try {
    await call;
  } catch (e) {
    if (!(e instanceof ApiException)) throw e;
    const body: unknown = e.body;
    const status = (typeof body === "string" && body ? JSON.parse(body) : (body ?? {})) as WireStatus;
    return { code: e.code, status };
  }
  throw new Error("the call succeeded");
}

const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
const strategic = setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch);
const apply = setHeaderOptions("Content-Type", PatchStrategy.ServerSideApply);

function deployment(name: string, namespace: string, image = "nginx:1.27"): V1Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "web", image, ports: [{ containerPort: 80 }] }] } },
    },
  };
}

function pod(name: string, namespace: string, labels: Record<string, string> = {}): V1Pod {
  return { metadata: { name, namespace, labels }, spec: { containers: [{ name: "app", image: "busybox" }] } };
}

describe("reading the demo cluster", () => {
  test("every pod of the scenario file is listed across namespaces, and only those", async () => {
    const list = await core.listPodForAllNamespaces();
    const expected = sandbox.scenario.pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort();
    expect(list.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`).sort()).toEqual(expected);
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThan(0);
  });

  test("nodes are cluster-scoped and carry the GPU capacity the scenario gives them", async () => {
    const nodes = await core.listNode();
    expect(nodes.items.length).toBe(sandbox.scenario.nodes.length);
    for (const node of nodes.items) {
      const fromFile = sandbox.scenario.nodes.find((n) => n.metadata.name === node.metadata?.name) as { status?: { capacity?: Record<string, string> } } | undefined;
      expect(node.metadata?.namespace).toBeUndefined();
      expect(node.status?.capacity?.["nvidia.com/gpu"]).toBe(fromFile?.status?.capacity?.["nvidia.com/gpu"]);
    }
  });

  test("a deployment read by name has kind, a uid and owners that resolve to real objects", async () => {
    const rs = (await apps.listNamespacedReplicaSet({ namespace: "llm-serving" })).items;
    for (const r of rs) {
      const owner = r.metadata?.ownerReferences?.[0];
      expect(owner?.kind).toBe("Deployment");
      const d = await apps.readNamespacedDeployment({ name: owner?.name ?? "", namespace: "llm-serving" });
      expect(d.kind).toBe("Deployment");
      expect(d.metadata?.uid).toBe(owner?.uid);
    }
  });

  test("InferenceServices are served through CustomObjectsApi", async () => {
    const list = (await custom.listNamespacedCustomObject({ group: "serving.kserve.io", version: "v1beta1", namespace: "kserve-models", plural: "inferenceservices" })) as {
      items: { kind: string; metadata: { name: string } }[];
    };
    const expected = sandbox.scenario.inferenceservices.filter((i) => i.metadata.namespace === "kserve-models").map((i) => i.metadata.name);
    expect(list.items.map((i) => i.metadata.name).sort()).toEqual(expected.sort());
    expect(list.items.every((i) => i.kind === "InferenceService")).toBe(true);
  });

  test("pod logs honour container and tailLines; a pod that never started says why", async () => {
    const entry = sandbox.scenario.logs.find((l) => !l.previous && l.lines.length > 2);
    if (!entry) throw new Error("the demo scenario has no logs");
    const text = await core.readNamespacedPodLog({ name: entry.pod, namespace: entry.namespace, container: entry.container, tailLines: 2 });
    expect(text).toBe(`${entry.lines.slice(-2).join("\n")}\n`);
    const pending = sandbox.scenario.pods.find((p) => (p.status as { phase?: string } | undefined)?.phase === "Pending");
    const err = await failure(core.readNamespacedPodLog({ name: pending?.metadata.name ?? "", namespace: pending?.metadata.namespace ?? "" }));
    expect(err.code).toBe(400);
    expect(err.status.message).toMatch(/waiting to start/);
  });

  test("following a log streams lines appended after the request", async () => {
    await core.createNamespacedPod({ namespace: "default", body: pod("follow-me", "default") });
    sandbox.server.logs.append("default", "follow-me", "app", "first");
    const stream = new PassThrough();
    let received = "";
    stream.on("data", (chunk: Buffer) => (received += chunk.toString()));
    const request = await new Log(sandbox.kc).log("default", "follow-me", "app", stream, { follow: true });
    await eventually(() => expect(received).toBe("first\n"));
    sandbox.server.logs.append("default", "follow-me", "app", "second");
    await eventually(() => expect(received).toBe("first\nsecond\n"));
    request.abort();
  });
});

describe("writing", () => {
  test("create assigns uid, creationTimestamp and a resourceVersion that grows across kinds", async () => {
    const p = await core.createNamespacedPod({ namespace: "default", body: pod("rv-a", "default") });
    const d = await apps.createNamespacedDeployment({ namespace: "default", body: deployment("rv-b", "default") });
    expect(p.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(p.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(Number(d.metadata?.resourceVersion)).toBeGreaterThan(Number(p.metadata?.resourceVersion));
    expect(d.metadata?.generation).toBe(1);
    const list = await core.listNamespacedPod({ namespace: "default" });
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThanOrEqual(Number(d.metadata?.resourceVersion));
  });

  test("generateName gives a unique name with the prefix", async () => {
    const a = await core.createNamespacedPod({ namespace: "default", body: { ...pod("", "default"), metadata: { generateName: "gen-" } } });
    const b = await core.createNamespacedPod({ namespace: "default", body: { ...pod("", "default"), metadata: { generateName: "gen-" } } });
    expect(a.metadata?.name).toMatch(/^gen-[a-z0-9]{5}$/);
    expect(a.metadata?.name).not.toBe(b.metadata?.name);
  });

  test("errors are Status objects: AlreadyExists, NotFound, Invalid, namespace missing", async () => {
    await core.createNamespacedPod({ namespace: "default", body: pod("twice", "default") });
    const again = await failure(core.createNamespacedPod({ namespace: "default", body: pod("twice", "default") }));
    expect(again).toMatchObject({ code: 409, status: { kind: "Status", reason: "AlreadyExists" } });
    const missing = await failure(apps.readNamespacedDeployment({ name: "nope", namespace: "default" }));
    expect(missing).toMatchObject({ code: 404, status: { reason: "NotFound", message: 'deployments.apps "nope" not found' } });
    const bad = await failure(core.createNamespacedPod({ namespace: "default", body: pod("Bad_Name", "default") }));
    expect(bad).toMatchObject({ code: 422, status: { reason: "Invalid" } });
    const noNamespace = await failure(core.createNamespacedPod({ namespace: "no-such-ns", body: pod("x", "no-such-ns") }));
    expect(noNamespace).toMatchObject({ code: 404, status: { message: 'namespaces "no-such-ns" not found' } });
  });

  test("a replace with a stale resourceVersion is a 409 Conflict and changes nothing", async () => {
    const created = await apps.createNamespacedDeployment({ namespace: "default", body: deployment("stale", "default") });
    const fresh = await apps.replaceNamespacedDeployment({
      name: "stale",
      namespace: "default",
      body: { ...created, metadata: { ...created.metadata, labels: { app: "stale", edited: "yes" } } },
    });
    const conflict = await failure(apps.replaceNamespacedDeployment({ name: "stale", namespace: "default", body: { ...created, metadata: { ...created.metadata, labels: { app: "stale", edited: "stale" } } } }));
    expect(conflict).toMatchObject({ code: 409, status: { reason: "Conflict" } });
    const now = await apps.readNamespacedDeployment({ name: "stale", namespace: "default" });
    expect(now.metadata?.resourceVersion).toBe(fresh.metadata?.resourceVersion);
    expect(now.metadata?.labels?.edited).toBe("yes");
  });

  test("generation bumps when spec changes, not when labels do", async () => {
    await apps.createNamespacedDeployment({ namespace: "default", body: deployment("gen", "default") });
    const labelled = await apps.patchNamespacedDeployment({ name: "gen", namespace: "default", body: { metadata: { labels: { team: "a" } } } }, merge);
    expect(labelled.metadata?.generation).toBe(1);
    const scaled = await apps.patchNamespacedDeployment({ name: "gen", namespace: "default", body: { spec: { replicas: 3 } } }, merge);
    expect(scaled.metadata?.generation).toBe(2);
  });

  test("JSON patch, strategic merge (containers merge by name) and server-side apply", async () => {
    await apps.createNamespacedDeployment({ namespace: "default", body: deployment("patched", "default") });
    const jsonPatched = await apps.patchNamespacedDeployment({
      name: "patched",
      namespace: "default",
      body: [{ op: "replace", path: "/spec/template/spec/containers/0/image", value: "nginx:1.28" }],
    });
    expect(jsonPatched.spec?.template.spec?.containers[0]?.image).toBe("nginx:1.28");
    const smp = await apps.patchNamespacedDeployment(
      { name: "patched", namespace: "default", body: { spec: { template: { spec: { containers: [{ name: "sidecar", image: "envoy:1.31" }] } } } } },
      strategic,
    );
    expect(smp.spec?.template.spec?.containers.map((c) => c.name)).toEqual(["web", "sidecar"]);
    expect(smp.spec?.template.spec?.containers[0]?.ports?.[0]?.containerPort).toBe(80);
    const applied = await apps.patchNamespacedDeployment(
      { name: "applied", namespace: "default", body: deployment("applied", "default", "nginx:1.25"), fieldManager: "tests", force: true },
      apply,
    );
    expect(applied.metadata?.uid).toBeDefined();
    const reapplied = await apps.patchNamespacedDeployment(
      { name: "applied", namespace: "default", body: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "applied", labels: { tier: "web" } } }, fieldManager: "tests", force: true },
      apply,
    );
    expect(reapplied.metadata?.labels).toEqual({ app: "applied", tier: "web" });
    expect(reapplied.spec?.template.spec?.containers[0]?.image).toBe("nginx:1.25");
    const failed = await failure(apps.patchNamespacedDeployment({ name: "patched", namespace: "default", body: [{ op: "test", path: "/spec/replicas", value: 99 }] }));
    expect(failed.code).toBe(422);
  });

  test("dryRun=All validates and answers but stores nothing", async () => {
    const before = (await core.listNamespacedPod({ namespace: "default" })).metadata?.resourceVersion;
    const dry = await core.createNamespacedPod({ namespace: "default", body: pod("dry", "default"), dryRun: "All" });
    expect(dry.metadata?.name).toBe("dry");
    expect((await failure(core.readNamespacedPod({ name: "dry", namespace: "default" }))).code).toBe(404);
    const invalid = await failure(core.createNamespacedPod({ namespace: "default", body: pod("Dry_Bad", "default"), dryRun: "All" }));
    expect(invalid.code).toBe(422);
    expect((await core.listNamespacedPod({ namespace: "default" })).metadata?.resourceVersion).toBe(before);
  });

  test("the scale subresource reads and sets replicas", async () => {
    await apps.createNamespacedDeployment({ namespace: "default", body: deployment("scaled", "default") });
    const scale = await apps.readNamespacedDeploymentScale({ name: "scaled", namespace: "default" });
    expect(scale.spec?.replicas).toBe(1);
    expect(scale.status?.selector).toBe("app=scaled");
    await apps.patchNamespacedDeploymentScale({ name: "scaled", namespace: "default", body: { spec: { replicas: 4 } } }, merge);
    expect((await apps.readNamespacedDeployment({ name: "scaled", namespace: "default" })).spec?.replicas).toBe(4);
  });

  test("deleting a deployment takes its replica sets and pods with it", async () => {
    const rs = (await apps.listNamespacedReplicaSet({ namespace: "triton", labelSelector: "app=triton-ensemble" })).items;
    expect(rs.length).toBeGreaterThan(0);
    await apps.deleteNamespacedDeployment({ name: "triton-ensemble", namespace: "triton" });
    expect((await apps.listNamespacedReplicaSet({ namespace: "triton", labelSelector: "app=triton-ensemble" })).items).toEqual([]);
    expect((await core.listNamespacedPod({ namespace: "triton", labelSelector: "app=triton-ensemble" })).items).toEqual([]);
    expect((await core.listNamespacedPod({ namespace: "triton" })).items.length).toBeGreaterThan(0);
  });

  test("InferenceServices can be created, merge-patched and deleted", async () => {
    const ref = { group: "serving.kserve.io", version: "v1beta1", namespace: "kserve-models", plural: "inferenceservices" };
    const body = { apiVersion: "serving.kserve.io/v1beta1", kind: "InferenceService", metadata: { name: "iris-v2" }, spec: { predictor: { model: { modelFormat: { name: "sklearn" } } } } };
    await custom.createNamespacedCustomObject({ ...ref, body });
    const patched = (await custom.patchNamespacedCustomObject({ ...ref, name: "iris-v2", body: { spec: { predictor: { minReplicas: 2 } } } }, merge)) as {
      metadata: { generation: number };
      spec: { predictor: { minReplicas: number; model: unknown } };
    };
    expect(patched.spec.predictor).toMatchObject({ minReplicas: 2, model: { modelFormat: { name: "sklearn" } } });
    expect(patched.metadata.generation).toBe(2);
    await custom.deleteNamespacedCustomObject({ ...ref, name: "iris-v2" });
    expect((await failure(custom.getNamespacedCustomObject({ ...ref, name: "iris-v2" }))).code).toBe(404);
  });
});

describe("selecting and paging", () => {
  test("label selectors with =, !=, in, notin, exists and !key agree with the labels", async () => {
    const all = (await core.listPodForAllNamespaces()).items;
    const cases: [string, (l: Record<string, string>) => boolean][] = [
      ["app=vllm-llama3-70b", (l) => l.app === "vllm-llama3-70b"],
      ["app!=vllm-llama3-70b", (l) => l.app !== "vllm-llama3-70b"],
      ["app in (triton-ensemble,resnet50-mig)", (l) => l.app === "triton-ensemble" || l.app === "resnet50-mig"],
      ["app notin (triton-ensemble),pod-template-hash", (l) => l.app !== "triton-ensemble" && "pod-template-hash" in l],
      ["!pod-template-hash", (l) => !("pod-template-hash" in l)],
      ["serving.kserve.io/inferenceservice", (l) => "serving.kserve.io/inferenceservice" in l],
    ];
    for (const [selector, predicate] of cases) {
      const selected = (await core.listPodForAllNamespaces({ labelSelector: selector })).items.map((p) => p.metadata?.name);
      expect(selected, selector).toEqual(all.filter((p) => predicate(p.metadata?.labels ?? {})).map((p) => p.metadata?.name));
    }
    expect((await failure(core.listPodForAllNamespaces({ labelSelector: "app in (a" }))).code).toBe(400);
  });

  test("field selectors on name, node, phase and an event's subject", async () => {
    const all = (await core.listPodForAllNamespaces()).items;
    const node = all.find((p) => p.spec?.nodeName)?.spec?.nodeName ?? "";
    const onNode = await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` });
    expect(onNode.items.map((p) => p.metadata?.name)).toEqual(all.filter((p) => p.spec?.nodeName === node).map((p) => p.metadata?.name));
    const pending = await core.listPodForAllNamespaces({ fieldSelector: "status.phase=Pending" });
    expect(pending.items.map((p) => p.metadata?.name)).toEqual(all.filter((p) => p.status?.phase === "Pending").map((p) => p.metadata?.name));
    const notRunning = await core.listPodForAllNamespaces({ fieldSelector: "status.phase!=Running,metadata.namespace=onnx-api" });
    expect(notRunning.items.every((p) => p.status?.phase !== "Running" && p.metadata?.namespace === "onnx-api")).toBe(true);
    const unschedulable = pending.items.find((p) => p.status?.conditions?.some((c) => c.reason === "Unschedulable"));
    const events = await core.listNamespacedEvent({
      namespace: unschedulable?.metadata?.namespace ?? "",
      fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${unschedulable?.metadata?.name ?? ""}`,
    });
    expect(events.items.map((e) => e.reason)).toContain("FailedScheduling");
    expect(events.items.every((e) => e.involvedObject.uid === unschedulable?.metadata?.uid)).toBe(true);
    expect((await failure(core.listPodForAllNamespaces({ fieldSelector: "spec.image=x" }))).code).toBe(400);
  });

  test("limit and continue return every object exactly once", async () => {
    const all = (await core.listPodForAllNamespaces()).items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await core.listPodForAllNamespaces({ limit: 4, ...(token ? { _continue: token } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(4);
      seen.push(...page.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`));
      token = page.metadata?._continue;
      pages++;
    } while (token);
    expect(pages).toBe(Math.ceil(all.length / 4));
    expect(seen).toEqual(all);
  });

  test("a continue token from before a compaction is 410 Expired", async () => {
    const first = await core.listPodForAllNamespaces({ limit: 2 });
    await core.createNamespacedPod({ namespace: "default", body: pod("after-page", "default") });
    sandbox.server.compact();
    const expired = await failure(core.listPodForAllNamespaces({ limit: 2, _continue: first.metadata?._continue ?? "" }));
    expect(expired).toMatchObject({ code: 410, status: { reason: "Expired" } });
  });
});

describe("authentication", () => {
  test("a wrong or missing token gets 401 with an Unauthorized Status", async () => {
    for (const token of ["wrong-token", undefined]) {
      const raw = await new Promise<{ code: number; body: string }>((resolve, reject) => {
        const req = httpsRequest(`${sandbox.server.url}/api/v1/pods`, { ca: sandbox.server.caCert, headers: token ? { Authorization: `Bearer ${token}` } : {} }, (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => resolve({ code: res.statusCode ?? 0, body }));
        });
        req.on("error", reject);
        req.end();
      });
      expect(raw.code).toBe(401);
      expect(JSON.parse(raw.body)).toMatchObject({ kind: "Status", status: "Failure", reason: "Unauthorized", code: 401 });
    }
    const other = sandbox.kubeConfigFor("wrong-token");
    expect((await failure(other.makeApiClient(CoreV1Api).listPodForAllNamespaces())).code).toBe(401);
  });
});

