/** Scenario loading: relative times, owner references by name, the demo file and the scale generator. */
import { describe, expect, test } from "vitest";
import { ObjectStore } from "../../../sandbox/objectStore";
import { PodLogs } from "../../../sandbox/podLogs";
import { findResource } from "../../../sandbox/resourceTypes";
import { scaleScenario } from "../../../sandbox/scaleScenario";
import { loadScenario, parseScenario, readScenario, resolveRelativeTimes } from "../../../sandbox/scenario";
import { scenarioFile } from "../../../sandbox/sandboxLauncher";

const now = new Date("2025-06-01T12:00:00Z");
const type = (group: string, plural: string) => findResource(group, group ? "v1" : "v1", plural) ?? (() => { throw new Error(plural); })();

describe("relative times", () => {
  test.each([
    ["now", "2025-06-01T12:00:00Z"],
    ["now-5m", "2025-06-01T11:55:00Z"],
    ["now-2d-3h", "2025-05-30T09:00:00Z"],
    ["now+30s", "2025-06-01T12:00:30Z"],
    ["nowhere", "nowhere"],
  ])("%s is %s", (text, expected) => {
    expect(resolveRelativeTimes({ a: [text] }, now)).toEqual({ a: [expected] });
  });
});

describe("loading", () => {
  test("owners named without a uid get the uid the owner was loaded with, and missing namespaces are created", () => {
    const scenario = parseScenario(
      `deployments:
  - metadata: {name: web, namespace: shop}
    spec: {replicas: 1}
replicasets:
  - metadata: {name: web-1, namespace: shop, ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web}]}
events:
  - metadata: {name: web.1, namespace: shop}
    involvedObject: {kind: Deployment, name: web}
`,
      now,
    );
    const store = new ObjectStore();
    loadScenario(store, new PodLogs(), scenario, now);
    const deployment = store.get(type("apps", "deployments"), "shop", "web");
    expect(store.get(type("apps", "replicasets"), "shop", "web-1")?.metadata.ownerReferences?.[0]?.uid).toBe(deployment?.metadata.uid);
    expect(store.get(type("", "events"), "shop", "web.1")?.involvedObject).toMatchObject({ uid: deployment?.metadata.uid, namespace: "shop", apiVersion: "apps/v1" });
    expect(store.get(type("", "namespaces"), undefined, "shop")?.metadata.labels).toEqual({ "kubernetes.io/metadata.name": "shop" });
  });

  test("the demo scenario's replica sets and pods all point at owners that exist", async () => {
    const scenario = await readScenario(scenarioFile("demo"), now);
    const store = new ObjectStore();
    loadScenario(store, new PodLogs(), scenario, now);
    const uids = new Set(store.entries().map((e) => e.object.metadata.uid));
    const owned = store.entries().filter((e) => e.object.metadata.ownerReferences);
    expect(owned.length).toBeGreaterThan(10);
    for (const { object } of owned) {
      for (const ref of object.metadata.ownerReferences ?? []) expect(uids.has(ref.uid), `${object.metadata.name} -> ${ref.name}`).toBe(true);
    }
    for (const pod of store.list(type("", "pods"))) {
      const hash = pod.metadata.labels?.["pod-template-hash"];
      expect(pod.metadata.ownerReferences?.[0]?.name).toMatch(new RegExp(`-${hash ?? "none"}$`));
    }
  });

  test("the scale generator makes the counts asked for, owners resolved", () => {
    const store = new ObjectStore();
    loadScenario(store, new PodLogs(), scaleScenario({ nodes: 50, deployments: 100, pods: 1000, now }), now);
    expect(store.list(type("", "nodes"))).toHaveLength(50);
    expect(store.list(type("apps", "deployments"))).toHaveLength(100);
    const pods = store.list(type("", "pods"));
    expect(pods).toHaveLength(1000);
    const rsUids = new Set(store.list(type("apps", "replicasets")).map((r) => r.metadata.uid));
    expect(pods.every((p) => rsUids.has(p.metadata.ownerReferences?.[0]?.uid))).toBe(true);
  });
});
