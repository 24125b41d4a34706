import { describe, expect, test } from "vitest";
import type { V1PodSpec } from "@kubernetes/client-node";
import { containerRequest, effectivePodRequests } from "../../../../../src/core/kube/objects/podEffectiveRequests";
import { container } from "../kubeObjects";

const Mi = 2 ** 20;
const Gi = 2 ** 30;

describe("effectivePodRequests applies the scheduler's effective-request rule", () => {
  test.each<{ name: string; spec: V1PodSpec; expected: Record<string, number> }>([
    {
      // kubernetes.io "Init Containers" resources example: init 250m/256Mi and 500m/1Gi,
      // app 500m/1Gi and 250m/1Gi → the app sum wins: 750m and 2Gi.
      name: "init containers: the larger of the biggest init container and the app sum (docs example)",
      spec: {
        initContainers: [
          container("config-generator", { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "250m", memory: "256Mi" } }),
          container("mysql-checker", { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "500m", memory: "1Gi" } }),
        ],
        containers: [
          container("app", { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "500m", memory: "1Gi" } }),
          container("log-aggregator", { requests: { cpu: "250m", memory: "1Gi" }, limits: { cpu: "250m", memory: "1Gi" } }),
        ],
      },
      expected: { cpu: 0.75, memory: 2 * Gi },
    },
    {
      // kube-scheduler ComputePodResourceRequest doc comment: IC1 2 CPU/1G, IC2 2 CPU/3G,
      // C1 2 CPU/1G, C2 1 CPU/1G → 3 CPU, 3G.
      name: "init containers: per resource, the init peak can win one and the app sum the other (scheduler example)",
      spec: {
        initContainers: [container("ic1", { requests: { cpu: "2", memory: "1G" } }), container("ic2", { requests: { cpu: "2", memory: "3G" } })],
        containers: [container("c1", { requests: { cpu: "2", memory: "1G" } }), container("c2", { requests: { cpu: "1", memory: "1G" } })],
      },
      expected: { cpu: 3, memory: 3e9 },
    },
    {
      // kubernetes.io "Pod Overhead": limits only (requests default to them) 500m/100Mi and
      // 1500m/100Mi plus overhead 250m/120Mi → the node shows 2250m and 320Mi requested.
      name: "limits stand in for absent requests, and pod overhead is added (Pod Overhead docs example)",
      spec: {
        containers: [container("busybox-ctr", { limits: { cpu: "500m", memory: "100Mi" } }), container("nginx-ctr", { limits: { cpu: "1500m", memory: "100Mi" } })],
        overhead: { cpu: "250m", memory: "120Mi" },
      },
      expected: { cpu: 2.25, memory: 320 * Mi },
    },
    {
      // KEP-753: InitContainerUse(i) = sum(sidecars before i) + request(i); sidecars also run
      // beside the app containers. Sidecar 1 GPU, then init 2 GPUs → init peak 3; steady
      // state 1 + 1 = 2 → 3.
      name: "sidecars (init containers with restartPolicy Always) count during init and beside the app (KEP-753)",
      spec: {
        initContainers: [
          container("proxy", { restartPolicy: "Always", requests: { "nvidia.com/gpu": "1" } }),
          container("warmup", { limits: { "nvidia.com/gpu": "2" } }),
        ],
        containers: [container("server", { limits: { "nvidia.com/gpu": "1" } })],
      },
      expected: { "nvidia.com/gpu": 3 },
    },
    {
      // Same formula, an init container declared before the sidecar does not see it: max(2, 1+1) = 2.
      name: "a sidecar declared after an init container does not add to that init container's peak",
      spec: {
        initContainers: [container("warmup", { limits: { "nvidia.com/gpu": "2" } }), container("proxy", { restartPolicy: "Always", requests: { "nvidia.com/gpu": "1" } })],
        containers: [container("server", { limits: { "nvidia.com/gpu": "1" } })],
      },
      expected: { "nvidia.com/gpu": 2 },
    },
  ])("$name", ({ spec, expected }) => {
    const result = Object.fromEntries(effectivePodRequests(spec));
    expect(Object.keys(result).sort()).toEqual(Object.keys(expected).sort());
    for (const [k, v] of Object.entries(expected)) expect(result[k]).toBeCloseTo(v, 9);
  });

  test("the filter picks which resources are computed", () => {
    const spec: V1PodSpec = { containers: [container("server", { requests: { cpu: "4", "nvidia.com/gpu": "1" } })] };
    expect([...effectivePodRequests(spec, (n) => n.endsWith("/gpu"))]).toEqual([["nvidia.com/gpu", 1]]);
  });

  test.each([
    { name: "request wins over limit", requests: { "nvidia.com/gpu": "1" }, limits: { "nvidia.com/gpu": "1" }, value: 1 },
    { name: "limit alone becomes the request", requests: undefined, limits: { "nvidia.com/gpu": "4" }, value: 4 },
    { name: "neither is zero", requests: undefined, limits: undefined, value: 0 },
  ])("containerRequest: $name", ({ requests, limits, value }) => {
    expect(containerRequest(container("c", { requests, limits }), "nvidia.com/gpu")).toBe(value);
  });
});
