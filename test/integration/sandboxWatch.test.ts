/**
 * Watches and informers from the real @kubernetes/client-node against the sandbox, and the
 * fault knobs: compaction (410), dropped watches, restarts and latency.
 */
import { CoreV1Api, type KubernetesObject, type V1Pod, Watch, makeInformer } from "@kubernetes/client-node";
import { beforeAll, beforeEach, describe, expect, test } from "vitest";
import { findResource } from "../../sandbox/resourceTypes";
import { useSandbox } from "./sandboxFixture";
import { eventually } from "./eventually";

let core: CoreV1Api;
const podType = findResource("", "v1", "pods") ?? (() => { throw new Error("pods are not served"); })();

const sandbox = useSandbox({ bookmarkIntervalMs: 100 });
beforeAll(() => {
  core = sandbox.kc.makeApiClient(CoreV1Api);
});
beforeEach(async () => {
  if (sandbox.server.port === 0) return;
  for (const p of (await core.listNamespacedPod({ namespace: "default" })).items) {
    await core.deleteNamespacedPod({ name: p.metadata?.name ?? "", namespace: "default" });
  }
});

function pod(name: string, labels: Record<string, string> = {}): V1Pod {
  return { metadata: { name, namespace: "default", labels }, spec: { containers: [{ name: "app", image: "busybox" }] } };
}

interface Seen {
  type: string;
  name: string | undefined;
  rv: string | undefined;
  code?: number;
}

/** A watch that records its events and whether (and how) it ended. */
async function record(path: string, params: Record<string, string | number | boolean>) {
  const events: Seen[] = [];
  let ended: { error: unknown } | undefined;
  const controller = await new Watch(sandbox.kc).watch(
    path,
    params,
    (type, object: KubernetesObject & { code?: number }) => events.push({ type, name: object.metadata?.name, rv: object.metadata?.resourceVersion, ...(object.code ? { code: object.code } : {}) }),
    (error) => (ended = { error }),
  );
  return { events, ended: () => ended, stop: () => controller.abort() };
}

describe("watch", () => {
  test("from a list's resourceVersion: ADDED, MODIFIED, DELETED in order with growing resourceVersions", async () => {
    const rv = (await core.listNamespacedPod({ namespace: "default" })).metadata?.resourceVersion ?? "";
    const w = await record("/api/v1/namespaces/default/pods", { resourceVersion: rv });
    await core.createNamespacedPod({ namespace: "default", body: pod("w1") });
    await core.patchNamespacedPod({ name: "w1", namespace: "default", body: [{ op: "add", path: "/metadata/labels", value: { x: "y" } }] });
    await core.deleteNamespacedPod({ name: "w1", namespace: "default" });
    await eventually(() => expect(w.events.map((e) => e.type)).toEqual(["ADDED", "MODIFIED", "DELETED"]));
    const versions = w.events.map((e) => Number(e.rv));
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(versions[0]).toBeGreaterThan(Number(rv));
    w.stop();
  });

  test("a watch from an older resourceVersion replays what happened since", async () => {
    const rv = (await core.listNamespacedPod({ namespace: "default" })).metadata?.resourceVersion ?? "";
    await core.createNamespacedPod({ namespace: "default", body: pod("before-watch") });
    const w = await record("/api/v1/namespaces/default/pods", { resourceVersion: rv });
    await eventually(() => expect(w.events).toMatchObject([{ type: "ADDED", name: "before-watch" }]));
    w.stop();
  });

  test("without a resourceVersion it starts with the current state as ADDED", async () => {
    const nodes = (await core.listNode()).items.map((n) => n.metadata?.name);
    const w = await record("/api/v1/nodes", {});
    await eventually(() => expect(w.events.map((e) => e.name).sort()).toEqual(nodes.sort()));
    expect(w.events.every((e) => e.type === "ADDED")).toBe(true);
    w.stop();
  });

  test("label-selected watches see an object leave the selection as DELETED", async () => {
    await core.createNamespacedPod({ namespace: "default", body: pod("sel", { tier: "gpu" }) });
    const rv = (await core.listNamespacedPod({ namespace: "default" })).metadata?.resourceVersion ?? "";
    const w = await record("/api/v1/namespaces/default/pods", { resourceVersion: rv, labelSelector: "tier=gpu" });
    await core.patchNamespacedPod({ name: "sel", namespace: "default", body: [{ op: "replace", path: "/metadata/labels/tier", value: "cpu" }] });
    await core.createNamespacedPod({ namespace: "default", body: pod("other", { tier: "cpu" }) });
    await eventually(() => expect(w.events).toMatchObject([{ type: "DELETED", name: "sel" }]));
    w.stop();
  });

  test("bookmarks arrive when asked for, with the current resourceVersion", async () => {
    const w = await record("/api/v1/namespaces/default/pods", { allowWatchBookmarks: true, resourceVersion: "0" });
    await eventually(() => expect(w.events.filter((e) => e.type === "BOOKMARK").length).toBeGreaterThanOrEqual(2));
    expect(Number(w.events.find((e) => e.type === "BOOKMARK")?.rv)).toBeGreaterThan(0);
    w.stop();
  });

  test("timeoutSeconds ends the stream", async () => {
    const w = await record("/api/v1/namespaces/default/pods", { timeoutSeconds: 1 });
    await eventually(() => expect(w.ended()).toEqual({ error: null }), 3000);
  });

  test("after compaction an old resourceVersion gets an ERROR event with a 410 Status, then the stream ends", async () => {
    const rv = (await core.listNamespacedPod({ namespace: "default" })).metadata?.resourceVersion ?? "";
    await core.createNamespacedPod({ namespace: "default", body: pod("bump") });
    sandbox.server.compact();
    const w = await record("/api/v1/namespaces/default/pods", { resourceVersion: rv });
    await eventually(() => expect(w.ended()).toBeDefined());
    expect(w.events).toEqual([{ type: "ERROR", name: undefined, rv: undefined, code: 410 }]);
  });

  test("dropping watches ends them gracefully, or abruptly with an error", async () => {
    const graceful = await record("/api/v1/pods", {});
    await eventually(() => expect(graceful.events.length).toBeGreaterThan(0));
    expect(sandbox.server.dropWatches("graceful")).toBeGreaterThanOrEqual(1);
    await eventually(() => expect(graceful.ended()).toEqual({ error: null }));
    const abrupt = await record("/api/v1/pods", {});
    await eventually(() => expect(abrupt.events.length).toBeGreaterThan(0));
    sandbox.server.dropWatches("abrupt");
    await eventually(() => expect(abrupt.ended()?.error).toBeInstanceOf(Error));
  });
});

describe("informer (ListWatch)", () => {
  test("syncs, follows changes, and after compaction plus dropped watches relists to the server's state", async () => {
    const informer = makeInformer(sandbox.kc, "/api/v1/pods", () => core.listPodForAllNamespaces());
    const errors: unknown[] = [];
    const added: string[] = [];
    informer.on("error", (e: unknown) => errors.push(e));
    informer.on("add", (p: V1Pod) => added.push(p.metadata?.name ?? ""));
    await informer.start();
    const state = async () =>
      (await core.listPodForAllNamespaces()).items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}@${p.metadata?.resourceVersion}`).sort();
    const cache = () => informer.list().map((p) => `${p.metadata?.namespace}/${p.metadata?.name}@${p.metadata?.resourceVersion}`).sort();
    expect(cache()).toEqual(await state());

    await core.createNamespacedPod({ namespace: "default", body: pod("inf-1") });
    await eventually(() => expect(added).toContain("inf-1"));

    // Changes the informer cannot replay: its watch is cut, and before it can reconnect (this
    // runs synchronously, in-process) pods change and history is compacted past what it saw.
    const deleted: string[] = [];
    informer.on("delete", (p: V1Pod) => deleted.push(p.metadata?.name ?? ""));
    expect(sandbox.server.dropWatches("graceful")).toBeGreaterThanOrEqual(1);
    sandbox.server.verbs.create(podType, "default", pod("inf-2"), { dryRun: false });
    sandbox.server.verbs.delete(podType, "default", "inf-1", { dryRun: false });
    sandbox.server.compact();
    const expected = await state();
    await eventually(() => expect(cache()).toEqual(expected));
    expect(deleted).toEqual(["inf-1"]);
    expect(added).toContain("inf-2");

    // And it watches again: a later change arrives without another relist.
    await core.createNamespacedPod({ namespace: "default", body: pod("inf-3") });
    await eventually(() => expect(added).toContain("inf-3"));
    expect(errors).toEqual([]);
    await informer.stop();
  });
});

describe("fault knobs", () => {
  test("restart keeping the store serves the same objects on the same port; losing it reseeds", async () => {
    await core.createNamespacedPod({ namespace: "default", body: pod("survivor") });
    const port = sandbox.server.port;
    await sandbox.server.restart({ keepStore: true });
    expect(sandbox.server.port).toBe(port);
    expect((await core.readNamespacedPod({ name: "survivor", namespace: "default" })).metadata?.name).toBe("survivor");
    const seeded = (await core.listPodForAllNamespaces()).items.filter((p) => p.metadata?.namespace !== "default").length;
    await sandbox.server.restart({ keepStore: false });
    const after = (await core.listPodForAllNamespaces()).items;
    expect(after.some((p) => p.metadata?.name === "survivor")).toBe(false);
    expect(after.length).toBe(seeded);
  });

  test("latency is added to every response", async () => {
    sandbox.server.latencyMs = 150;
    const started = performance.now();
    await core.listNamespace();
    const elapsed = performance.now() - started;
    sandbox.server.latencyMs = 0;
    expect(elapsed).toBeGreaterThanOrEqual(140);
  });
});
