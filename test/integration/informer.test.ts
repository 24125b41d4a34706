/**
 * The informer cache against the sandbox API server, through @kubernetes/client-node's
 * KubeConfig and Watch: it must end every fault with the server's exact state, 0 lost and 0 stale.
 */
import { CoreV1Api, type V1Pod } from "@kubernetes/client-node";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { Informer, objectKey, type InformerState } from "../../src/core/kube/cache/informer";
import { getJson } from "../../src/core/kube/client/kubeRequest";
import { ResourceTypes } from "../../src/core/kube/client/resourceTypes";
import { startSandboxFixture, useSandbox } from "./sandboxFixture";

let core: CoreV1Api;
const informers: Informer<V1Pod>[] = [];

async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sandbox = useSandbox({ scenario: "demo", bookmarkIntervalMs: 200 });

function podInformer(options: ConstructorParameters<typeof Informer>[2] = {}, config = sandbox.kc): Informer<V1Pod> {
  const informer = new Informer<V1Pod>(config, ResourceTypes.pods, { backoffInitialMs: 50, backoffMaxMs: 400, idleTimeoutMs: 5_000, ...options });
  informers.push(informer);
  informer.start();
  return informer;
}

/** The server's pods as key → resourceVersion, listed fresh. */
async function serverPods(): Promise<Map<string, string>> {
  const list = (await getJson(sandbox.kc, "/api/v1/pods")) as { items: V1Pod[] };
  return new Map(list.items.map((p) => [objectKey(p), p.metadata?.resourceVersion ?? ""]));
}

function cachedPods(informer: Informer<V1Pod>): Map<string, string> {
  return new Map(informer.list().map((p) => [objectKey(p), p.metadata?.resourceVersion ?? ""]));
}

async function expectCacheEqualsServer(informer: Informer<V1Pod>): Promise<void> {
  let last = "";
  await eventually(
    async () => {
      const [want, have] = [await serverPods(), cachedPods(informer)];
      const lost = [...want.keys()].filter((k) => !have.has(k));
      const stale = [...have].filter(([k, v]) => want.get(k) !== v).map(([k]) => k);
      last = `lost ${lost.length} (${lost.slice(0, 3).join(", ")}), stale ${stale.length} (${stale.slice(0, 3).join(", ")})`;
      return lost.length === 0 && stale.length === 0;
    },
    "the cache to equal the server",
  ).catch((err: unknown) => {
    throw new Error(`${err instanceof Error ? err.message : String(err)}: ${last}`);
  });
}

function newPod(name: string, namespace = "default"): V1Pod {
  return { metadata: { name, namespace, labels: { app: "informer-test" } }, spec: { containers: [{ name: "c", image: "busybox:1.36" }] } };
}

beforeAll(() => {
  core = sandbox.kc.makeApiClient(CoreV1Api);
});

afterEach(() => {
  for (const i of informers.splice(0)) i.stop();
});

describe("Informer", () => {
  test("pages its initial list and holds exactly the server's pods", async () => {
    const informer = podInformer({ pageSize: 7 });
    await informer.whenSynced();
    expect(informer.state.kind).toBe("synced");
    expect(informer.size).toBeGreaterThan(7);
    await expectCacheEqualsServer(informer);
  });

  test("strips managedFields and the last-applied annotation", async () => {
    await core.createNamespacedPod({
      namespace: "default",
      body: {
        ...newPod("bulky"),
        metadata: {
          name: "bulky",
          annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}", keep: "me" },
          managedFields: [{ manager: "kubectl", operation: "Apply" }],
        },
      },
    });
    const informer = podInformer();
    await informer.whenSynced();
    const bulky = informer.get("default", "bulky");
    expect(bulky?.metadata?.annotations).toEqual({ keep: "me" });
    expect(bulky?.metadata?.managedFields).toBeUndefined();
    await core.deleteNamespacedPod({ name: "bulky", namespace: "default" });
  });

  test("sees creates, updates and deletes live, in batches that name what changed", async () => {
    const informer = podInformer();
    await informer.whenSynced();
    const seen: string[] = [];
    informer.onDidChange((changes) => seen.push(...changes.map((c) => `${c.type} ${objectKey(c.object)}`)));
    await core.createNamespacedPod({ namespace: "default", body: newPod("live-1") });
    const created = await core.readNamespacedPod({ name: "live-1", namespace: "default" });
    created.metadata = { ...created.metadata, labels: { ...created.metadata?.labels, touched: "yes" } };
    await core.replaceNamespacedPod({ name: "live-1", namespace: "default", body: created });
    await core.deleteNamespacedPod({ name: "live-1", namespace: "default" });
    await eventually(() => seen.includes("deleted default/live-1"), "the delete to arrive");
    expect(seen.filter((s) => s.endsWith("default/live-1"))).toEqual(["added default/live-1", "modified default/live-1", "deleted default/live-1"]);
  });

  test("catches up after every watch is dropped while objects change", async () => {
    const informer = podInformer();
    await informer.whenSynced();
    sandbox.server.dropWatches("abrupt");
    await core.createNamespacedPod({ namespace: "default", body: newPod("while-dropped") });
    await expectCacheEqualsServer(informer);
    expect(informer.get("default", "while-dropped")).toBeDefined();
    await core.deleteNamespacedPod({ name: "while-dropped", namespace: "default" });
    await expectCacheEqualsServer(informer);
  });

  test("relists on 410 Gone after history is compacted, with no flood of watch requests", async () => {
    const informer = podInformer();
    await informer.whenSynced();
    const before = informer.watchRequests;
    sandbox.server.dropWatches("abrupt");
    // Changes the informer cannot replay: created and deleted while it is away, then compacted.
    await core.createNamespacedPod({ namespace: "default", body: newPod("gone-1") });
    await core.createNamespacedPod({ namespace: "default", body: newPod("gone-2") });
    await core.deleteNamespacedPod({ name: "gone-1", namespace: "default" });
    sandbox.server.compact();
    sandbox.server.dropWatches("abrupt");
    await expectCacheEqualsServer(informer);
    expect(informer.get("default", "gone-1")).toBeUndefined();
    expect(informer.get("default", "gone-2")).toBeDefined();
    expect(informer.watchRequests - before).toBeLessThan(10);
    await core.deleteNamespacedPod({ name: "gone-2", namespace: "default" });
  });

  test("reconnects with backoff after the server restarts, and reports that it is retrying", async () => {
    const informer = podInformer();
    await informer.whenSynced();
    const states: InformerState[] = [];
    informer.onDidChangeState((s) => states.push(s));
    await sandbox.server.restart({ keepStore: true, downtimeMs: 600 });
    await core.createNamespacedPod({ namespace: "default", body: newPod("after-restart") });
    await expectCacheEqualsServer(informer);
    const retrying = states.filter((s) => s.kind === "disconnected");
    expect(retrying.length).toBeGreaterThan(0);
    expect(retrying.every((s) => s.kind === "disconnected" && s.retryInMs > 0 && s.retryInMs <= 400)).toBe(true);
    expect(informer.state.kind).toBe("synced");
    // A few retries during 600 ms of downtime, not hundreds.
    expect(informer.watchRequests).toBeLessThan(20);
    await core.deleteNamespacedPod({ name: "after-restart", namespace: "default" });
  });

  test("keeps a quiet watch that bookmarks, and restarts one that goes silent (kubernetes-client/javascript#958)", async () => {
    // Bookmarks every 200 ms: a 600 ms idle limit never fires.
    const kept = podInformer({ idleTimeoutMs: 600 });
    await kept.whenSynced();
    await new Promise((r) => setTimeout(r, 1500));
    expect(kept.watchRequests).toBe(1);

    // A server that sends no bookmarks: with nothing changing, the watch is silent.
    const quiet = await startSandboxFixture({ scenario: "demo", bookmarkIntervalMs: 600_000 });
    try {
      const restarted = podInformer({ idleTimeoutMs: 300 }, quiet.kc);
      await restarted.whenSynced();
      await eventually(() => restarted.watchRequests >= 3, "the silent watch to be restarted twice", 5_000);
      expect(restarted.state.kind).toBe("synced");
    } finally {
      await quiet.stop();
    }
  });

  test("a wrong token is reported as 401, not retried in a tight loop", async () => {
    const bad = sandbox.kubeConfigFor("wrong-token");
    const informer = podInformer({}, bad);
    await eventually(() => informer.state.kind === "forbidden", "the 401 state");
    expect(informer.state).toMatchObject({ kind: "forbidden", statusCode: 401 });
    await new Promise((r) => setTimeout(r, 500));
    expect(informer.size).toBe(0);
  });
});
