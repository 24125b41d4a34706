import type { CostInputs, Interval, NodeRecord, PodRecord, PodUsage, RequestCounts, NodeGpuUtilisation } from "../../../../src/core/cost/costInputs";

export const gib = 1024 ** 3;
export const hour = 3600;

/** A window of `hours` starting at `start` (unix seconds). */
export function windowOf(start: number, hours: number): CostInputs["window"] {
  return { start, end: start + hours * hour, duration: `${hours}h` };
}

export function node(name: string, opts: { instanceType?: string; pool?: string; gpuProduct?: string; cpu: number; ramGiB: number; gpus?: number; intervals: Interval[] }): NodeRecord {
  return {
    name,
    labels: {},
    instanceType: opts.instanceType,
    pool: opts.pool ?? "pool",
    gpuProduct: opts.gpuProduct,
    capacity: { cpuCores: opts.cpu, ramBytes: opts.ramGiB * gib, gpus: opts.gpus ?? 0 },
    intervals: opts.intervals,
  };
}

export function pod(namespace: string, name: string, opts: { node: string; service?: string; team?: string; cpu?: number; ramGiB?: number; gpus?: number; intervals: Interval[] }): PodRecord {
  return {
    namespace,
    name,
    node: opts.node,
    labels: {},
    service: opts.service,
    team: opts.team,
    intervals: opts.intervals,
    requests: { cpuCores: opts.cpu ?? 0, ramBytes: (opts.ramGiB ?? 0) * gib, gpus: opts.gpus ?? 0 },
  };
}

export function inputs(parts: {
  window: CostInputs["window"];
  nodes: NodeRecord[];
  pods: PodRecord[];
  usage?: Record<string, PodUsage>;
  requests?: Record<string, RequestCounts>;
  gpuUtilisation?: Record<string, NodeGpuUtilisation>;
}): CostInputs {
  return {
    window: parts.window,
    nodes: parts.nodes,
    pods: parts.pods,
    usage: new Map(Object.entries(parts.usage ?? {})),
    requests: new Map(Object.entries(parts.requests ?? {})),
    gpuUtilisation: new Map(Object.entries(parts.gpuUtilisation ?? {})),
    estimates: [],
  };
}
