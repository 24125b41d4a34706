/** Rolling-update arithmetic, against the cases of k8s.io/kubernetes deployment util tests and the documented rounding. */
import { describe, expect, test } from "vitest";
import { type Deployment, type ReplicaSet } from "../../../sandbox/controllers/kubeShapes";
import { maxSurge, maxUnavailable, newRSNewReplicas, resolveFenceposts, scaledValue } from "../../../sandbox/controllers/rolloutBounds";

describe("scaled values", () => {
  test.each([
    [3, 10, true, 3],
    ["25%", 10, true, 3],
    ["25%", 10, false, 2],
    ["30%", 5, true, 2],
    ["30%", 5, false, 1],
    ["0%", 7, true, 0],
    ["100%", 7, false, 7],
  ])("%s of %d (round up: %s) is %d", (value, total, up, expected) => {
    expect(scaledValue(value, total, up)).toBe(expected);
  });
});

describe("fenceposts", () => {
  test.each([
    ["25%", "25%", 4, 1, 1],
    ["25%", "25%", 1, 1, 0],
    [0, 0, 3, 0, 1],
    ["0%", "0%", 10, 0, 1],
    [2, "50%", 5, 2, 2],
  ])("maxSurge %s, maxUnavailable %s of %d: surge %d, unavailable %d", (surge, unavailable, desired, s, u) => {
    expect(resolveFenceposts(surge, unavailable, desired)).toEqual({ surge: s, unavailable: u });
  });
});

const deployment = (replicas: number, strategy: Deployment["spec"]["strategy"]): Deployment => ({
  metadata: { name: "d" },
  spec: { replicas, selector: { matchLabels: { app: "d" } }, template: {}, strategy },
});
const rs = (replicas: number): ReplicaSet => ({ metadata: { name: `rs-${replicas}` }, spec: { replicas, selector: {}, template: {} } });

describe("deployment bounds", () => {
  test("Recreate has no surge and no unavailability budget, and the new ReplicaSet takes every replica", () => {
    const d = deployment(4, { type: "Recreate" });
    expect([maxSurge(d), maxUnavailable(d)]).toEqual([0, 0]);
    expect(newRSNewReplicas(d, [rs(4), rs(0)], rs(0))).toBe(4);
  });

  test("maxUnavailable never exceeds the replica count", () => {
    expect(maxUnavailable(deployment(2, { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 5 } }))).toBe(2);
  });

  test.each([
    // [desired, surge, old replicas, new replicas, new replicas allowed]
    [5, 2, 5, 0, 2],
    [5, 2, 4, 2, 3],
    [5, 2, 5, 2, 2],
    [3, 1, 0, 3, 3],
  ])("%d desired with surge %d, old %d and new %d: the new ReplicaSet may have %d", (desired, surge, old, current, expected) => {
    const d = deployment(desired, { type: "RollingUpdate", rollingUpdate: { maxSurge: surge, maxUnavailable: 0 } });
    const newRS = rs(current);
    expect(newRSNewReplicas(d, [rs(old), newRS], newRS)).toBe(expected);
  });
});
