/** 401 and 403 from the sandbox, through the informer and the cluster cache, as a person reads them. */
import type { KubeConfig, V1Pod } from "@kubernetes/client-node";
import { afterAll, describe, expect, test } from "vitest";
import { ClusterCache } from "../../src/core/kube/cache/clusterCache";
import { Informer } from "../../src/core/kube/cache/informer";
import { ResourceTypes } from "../../src/core/kube/client/resourceTypes";
import { describeForbidden } from "../../src/editor/explain";
import { useSandbox } from "./sandboxFixture";
import { eventually } from "./eventually";

const stops: (() => void)[] = [];
const viewerToken = "llm-serving-viewer-token";

const sandbox = useSandbox({ scenario: "demo", namespaceTokens: { [viewerToken]: "llm-serving" } });
const asViewer = (): KubeConfig => sandbox.kubeConfigFor(viewerToken);

afterAll(() => {
  for (const stop of stops) stop();
});

describe("a user who may read only namespace llm-serving", () => {
  test("listing pods in all namespaces is forbidden, with the API server's reason", async () => {
    const informer = new Informer<V1Pod>(asViewer(), ResourceTypes.pods, { backoffInitialMs: 50, backoffMaxMs: 200 });
    stops.push(() => informer.stop());
    informer.start();
    await eventually(() => expect(informer.state.kind).toBe("forbidden"));
    expect(informer.state).toMatchObject({
      kind: "forbidden",
      statusCode: 403,
      message: 'pods is forbidden: User "system:serviceaccount:llm-serving:viewer" cannot list resource "pods" in API group "" at the cluster scope',
    });
  });

  test("the same informer scoped to llm-serving syncs, with that namespace's pods only", async () => {
    const informer = new Informer<V1Pod>(asViewer(), ResourceTypes.pods, { namespace: "llm-serving" });
    stops.push(() => informer.stop());
    informer.start();
    await informer.whenSynced();
    expect(informer.size).toBeGreaterThan(0);
    expect(new Set(informer.list().map((p) => p.metadata?.namespace))).toEqual(new Set(["llm-serving"]));
  });

  test("the cluster cache over all namespaces reports what is missing, in words", async () => {
    const cache = new ClusterCache(asViewer(), undefined, { backoffInitialMs: 50, backoffMaxMs: 200 });
    stops.push(() => cache.stop());
    cache.start();
    await eventually(() => expect(cache.state.kind).toBe("forbidden"));
    const state = cache.state;
    if (state.kind !== "forbidden") throw new Error("not forbidden");
    expect(describeForbidden("sandbox", state)).toBe("Cannot list pods in all namespaces: forbidden; ask for the 'view' role.");
  });

  test("scoped to their namespace, the cache syncs; nodes are refused and said so, workloads are not", async () => {
    const cache = new ClusterCache(asViewer(), "llm-serving", { backoffInitialMs: 50, backoffMaxMs: 200 });
    stops.push(() => cache.stop());
    cache.start();
    await cache.whenSynced();
    await eventually(() => expect(cache.state.kind).toBe("synced"));
    expect(cache.deployments.list().map((d) => d.metadata?.name).sort()).toEqual(["vllm-llama3-70b", "vllm-mixtral-8x7b"]);
    await eventually(() => expect(cache.refused().map((r) => r.resource).sort()).toEqual(["namespaces", "nodes"]));
    const nodes = cache.refused().find((r) => r.resource === "nodes");
    if (!nodes) throw new Error("nodes were not refused");
    expect(describeForbidden("sandbox", nodes)).toContain("Cannot list nodes at the cluster scope: forbidden");
  });

  test("a wrong token is a 401", async () => {
    const kc = sandbox.kubeConfigFor("nobody");
    const informer = new Informer<V1Pod>(kc, ResourceTypes.pods, { namespace: "llm-serving", backoffInitialMs: 50, backoffMaxMs: 200 });
    stops.push(() => informer.stop());
    informer.start();
    await eventually(() => expect(informer.state).toMatchObject({ kind: "forbidden", statusCode: 401 }));
  });
});
