/**
 * What the cost model computes from: the nodes and pods of a window, each with the intervals it
 * existed, and the usage and request counts a metrics source measured. Built from the cluster
 * (and Prometheus, where it has history); the model itself is a pure function of these.
 */
import type { EstimateMark } from "../../shared/protocol/cost";

/** Unix seconds, end exclusive. */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

export interface CostWindow extends Interval {
  /** "7d", or the custom span's length. */
  readonly duration: string;
}

export interface NodeRecord {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** `node.kubernetes.io/instance-type` (or the beta label); undefined when absent. */
  readonly instanceType: string | undefined;
  /** The node pool (see core/kube/gpu/nodePools poolLabels), `(no pool)` without one. */
  readonly pool: string;
  readonly gpuProduct: string | undefined;
  /** status.capacity: vCPUs, bytes of memory, whole GPUs (MIG slices count as their parent GPUs). */
  readonly capacity: { readonly cpuCores: number; readonly ramBytes: number; readonly gpus: number };
  /** When the node existed inside the window, clipped to it; more than one when it came and went. */
  readonly intervals: readonly Interval[];
}

/** A service is "namespace/name" of the Deployment or InferenceService that owns the pod. */
export interface PodRecord {
  readonly namespace: string;
  readonly name: string;
  readonly node: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly service: string | undefined;
  /** The team label's value on the pod, else on its namespace. */
  readonly team: string | undefined;
  /** When the pod ran on its node inside the window (start → end or now), clipped to it. */
  readonly intervals: readonly Interval[];
  /** Effective requests (max of init containers and the sum of containers, plus overhead). */
  readonly requests: { readonly cpuCores: number; readonly ramBytes: number; readonly gpus: number };
}

/** Average usage of one pod over the time it ran in the window; absent fields were not measured. */
export interface PodUsage {
  readonly cpuCoresAvg?: number;
  readonly ramBytesAvg?: number;
  /** DCGM_FI_DEV_GPU_UTIL averaged over the pod's GPUs, 0–1. */
  readonly gpuUtilAvg?: number;
}

/** Per service ("namespace/name"): successful requests in the window, as Prometheus' increase() counts them. */
export interface RequestCounts {
  readonly total: number;
  /** Per step of the per-1K chart: [unix s, requests in that step]. */
  readonly steps?: readonly (readonly [number, number])[];
}

/** Per node: DCGM utilisation of its GPUs, 0–1: averaged over the window, over the last hour, and the last sample. */
export interface NodeGpuUtilisation {
  readonly windowAvg?: number;
  readonly lastHourAvg?: number;
  readonly now?: number;
}

export interface CostInputs {
  readonly window: CostWindow;
  readonly nodes: readonly NodeRecord[];
  readonly pods: readonly PodRecord[];
  /** Keyed by "namespace/pod". */
  readonly usage: ReadonlyMap<string, PodUsage>;
  /** Keyed by service "namespace/name". */
  readonly requests: ReadonlyMap<string, RequestCounts>;
  /** Keyed by node name. */
  readonly gpuUtilisation: ReadonlyMap<string, NodeGpuUtilisation>;
  /** Marks found while gathering the inputs (bad samples, counter resets, clock skew, unknown history). */
  readonly estimates: readonly EstimateMark[];
}
