import type { V1Container, V1PodSpec } from "@kubernetes/client-node";
import { parseQuantity } from "./resourceQuantity";

/**
 * A container's request for one resource. A container that sets a limit but no request gets a
 * request equal to the limit (API defaulting; for extended resources such as GPUs the two must
 * be equal anyway), so templates and raw manifests count the same as admitted pods.
 */
export function containerRequest(container: V1Container, resourceName: string): number {
  const requested = container.resources?.requests?.[resourceName];
  const limited = container.resources?.limits?.[resourceName];
  return parseQuantity(requested ?? limited) ?? 0;
}

function isSidecar(container: V1Container): boolean {
  return container.restartPolicy === "Always";
}

/**
 * The Pod's effective request for each resource, as the scheduler reserves it on the node:
 *   effective = max(sum(app containers) + sum(sidecars), max over init containers i of
 *               (request of i + sidecars declared before i)) + overhead
 * Sidecars are init containers with restartPolicy Always (KEP-753). Source of the rule:
 * kubernetes/kubernetes staging/src/k8s.io/component-helpers/resource/helpers.go
 * (AggregateContainerRequests, PodRequests) and kubernetes.io "Effective Pod requests and limits".
 * Pod-level `spec.resources` only covers cpu/memory/hugepages and is not applied here.
 */
export function effectivePodRequests(spec: V1PodSpec, include: (resourceName: string) => boolean = () => true): Map<string, number> {
  const names = new Set<string>();
  const collect = (c: V1Container): void => {
    for (const n of Object.keys({ ...c.resources?.requests, ...c.resources?.limits })) if (include(n)) names.add(n);
  };
  spec.containers.forEach(collect);
  spec.initContainers?.forEach(collect);
  for (const n of Object.keys(spec.overhead ?? {})) if (include(n)) names.add(n);

  const result = new Map<string, number>();
  for (const name of [...names].sort()) {
    let running = spec.containers.reduce((sum, c) => sum + containerRequest(c, name), 0);
    let sidecarsSoFar = 0;
    let initPeak = 0;
    for (const init of spec.initContainers ?? []) {
      const own = containerRequest(init, name);
      if (isSidecar(init)) {
        sidecarsSoFar += own;
        running += own;
        initPeak = Math.max(initPeak, sidecarsSoFar);
      } else {
        initPeak = Math.max(initPeak, own + sidecarsSoFar);
      }
    }
    const overhead = parseQuantity(spec.overhead?.[name]) ?? 0;
    result.set(name, Math.max(running, initPeak) + overhead);
  }
  return result;
}
