/**
 * watchStream through the real @kubernetes/client-node Watch against the sandbox API server,
 * which speaks the watch protocol as kube-apiserver does (ERROR events with a Status, 410 after
 * compaction, timeoutSeconds, 403 for a namespace it may not read). Each way a watch can end is
 * one outcome the Informer and the rollout follower act on.
 */
import { CoreV1Api, type V1Pod } from "@kubernetes/client-node";
import { beforeAll, describe, expect, test } from "vitest";
import { useSandbox } from "./sandboxFixture";
import { KubeApiError } from "../../src/core/kube/client/kubeRequest";
import { watchStream, type WatchEventType } from "../../src/core/kube/client/watchStream";
import { oneNodeScenario } from "./oneNodeScenario";

let core: CoreV1Api;
const pods = "/api/v1/namespaces/ml/pods";

// Bookmarks every 60 s (the default): within a test, a silent watch stays silent.
const sandbox = useSandbox({ scenario: oneNodeScenario(["ml", "other"], { cpu: "8", memory: "32Gi" }), namespaceTokens: { "other-only": "other" } });
beforeAll(() => {
  core = sandbox.kc.makeApiClient(CoreV1Api);
});

const pod = (name: string): V1Pod => ({ metadata: { name, namespace: "ml" }, spec: { containers: [{ name: "app", image: "busybox" }] } });
const listVersion = async (): Promise<string> => (await core.listNamespacedPod({ namespace: "ml" })).metadata?.resourceVersion ?? "";

describe("watchStream", () => {
  test("delivers what changes after the resourceVersion, and ends 'aborted' when the caller aborts", async () => {
    const from = await listVersion();
    const controller = new AbortController();
    const seen: [WatchEventType, string | undefined][] = [];
    let established = false;
    const ended = watchStream<V1Pod>(sandbox.kc, {
      path: pods,
      resourceVersion: from,
      timeoutSeconds: 60,
      idleTimeoutMs: 60_000,
      signal: controller.signal,
      onEstablished: () => (established = true),
      onEvent: (type, object) => {
        seen.push([type, object.metadata?.name]);
        if (type === "DELETED") controller.abort();
      },
    });
    await core.createNamespacedPod({ namespace: "ml", body: pod("a") });
    await core.deleteNamespacedPod({ namespace: "ml", name: "a" });
    expect(await ended).toEqual({ kind: "aborted" });
    expect(established).toBe(true);
    expect(seen).toEqual([
      ["ADDED", "a"],
      ["DELETED", "a"],
    ]);
  });

  test("a resourceVersion compacted away ends 'gone' (410), not as an error", async () => {
    const old = await listVersion();
    await core.createNamespacedPod({ namespace: "ml", body: pod("b") });
    sandbox.server.compact();
    const end = await watchStream(sandbox.kc, { path: pods, resourceVersion: old, timeoutSeconds: 60, idleTimeoutMs: 60_000, signal: new AbortController().signal, onEvent: () => undefined });
    expect(end).toMatchObject({ kind: "gone", message: expect.stringContaining("too old resource version") as string });
  });

  test("a watch with no event and no bookmark within the idle timeout ends 'idle', from where it was", async () => {
    const from = await listVersion();
    const end = await watchStream(sandbox.kc, { path: pods, resourceVersion: from, timeoutSeconds: 60, idleTimeoutMs: 300, signal: new AbortController().signal, onEvent: () => undefined });
    expect(end).toEqual({ kind: "idle", resourceVersion: from });
  });

  test("the server ending the watch at timeoutSeconds is 'closed', with the version to resume from", async () => {
    const from = await listVersion();
    const seen: string[] = [];
    const ended = watchStream<V1Pod>(sandbox.kc, { path: pods, resourceVersion: from, timeoutSeconds: 1, idleTimeoutMs: 60_000, signal: new AbortController().signal, onEvent: (_t, o) => seen.push(o.metadata?.name ?? "") });
    await core.createNamespacedPod({ namespace: "ml", body: pod("c") });
    const end = await ended;
    const latest = await core.readNamespacedPod({ namespace: "ml", name: "c" });
    expect(end).toEqual({ kind: "closed", resourceVersion: latest.metadata?.resourceVersion });
    expect(seen[0]).toBe("c");
  });

  test("a watch the server ends at once with nothing in it is a failure, so a caller backs off instead of spinning", async () => {
    const from = await listVersion();
    const ended = watchStream(sandbox.kc, { path: pods, resourceVersion: from, timeoutSeconds: 60, idleTimeoutMs: 60_000, signal: new AbortController().signal, onEvent: () => undefined, onEstablished: () => sandbox.server.dropWatches("graceful") });
    expect(await ended).toMatchObject({ kind: "failed", error: { message: "the watch closed immediately" } });
  });

  test("a namespace the token may not read ends 'failed' with a 403 KubeApiError", async () => {
    const limited = sandbox.kubeConfigFor("other-only");
    const end = await watchStream(limited, { path: pods, timeoutSeconds: 60, idleTimeoutMs: 60_000, signal: new AbortController().signal, onEvent: () => undefined });
    expect(end.kind).toBe("failed");
    const error = end.kind === "failed" ? end.error : undefined;
    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).statusCode).toBe(403);
  });

  test("an aborted signal starts nothing", async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await watchStream(sandbox.kc, { path: pods, timeoutSeconds: 60, idleTimeoutMs: 60_000, signal: controller.signal, onEvent: () => undefined })).toEqual({ kind: "aborted" });
  });
});
