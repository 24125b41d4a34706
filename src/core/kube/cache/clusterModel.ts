import type { CoreV1Event, V1Deployment, V1Node, V1Pod, V1ReplicaSet } from "@kubernetes/client-node";
import { emptyGpuInventoryChange, GpuInventory } from "../gpu/gpuInventory";
import type { InferenceService } from "../objects/inferenceService";
import { emptyWorkloadIndexChange, WorkloadIndex, type WorkloadIndexOptions } from "../workloads/workloadIndex";
import type { CacheChange } from "./clusterCache";

/** What one change batch changed in the model; a view refreshes just these rows. */
export interface ClusterModelChange {
  /** Workload ids whose row, pods, revisions, events or health changed, including ones that went. */
  readonly workloads: ReadonlySet<string>;
  /** Namespaces whose list of workloads changed. */
  readonly namespaces: ReadonlySet<string>;
  /** A namespace appeared in or left the list of namespaces with workloads. */
  readonly namespaceList: boolean;
  /** GPU node names whose allocation, status or pods changed, including ones that went. */
  readonly nodes: ReadonlySet<string>;
  /** Node pools whose totals or nodes changed. */
  readonly pools: ReadonlySet<string>;
  /** A pool appeared or went. */
  readonly poolList: boolean;
  /** The pending GPU pods changed. */
  readonly pending: boolean;
}

/** Where the model's objects come from: the cache, or a test's change batches. */
export interface ClusterModelSource {
  onDidChange(listener: (change: CacheChange) => void): { dispose(): void };
  /** What the source already holds, as one "added" batch per resource type. */
  snapshot(): readonly CacheChange[];
}

export type ClusterModelListener = (change: ClusterModelChange) => void;

/**
 * The read models every surface subscribes to: the workload index and the GPU inventory,
 * updated per change batch from the cache rather than rebuilt, so a pod change recomputes
 * only its workload and its node. Listeners hear, per batch, which rows changed.
 */
export class ClusterModel {
  readonly workloads: WorkloadIndex;
  readonly gpu: GpuInventory;
  private readonly listeners = new Set<ClusterModelListener>();
  private readonly subscription: { dispose(): void } | undefined;

  constructor(source: ClusterModelSource | undefined, options: WorkloadIndexOptions) {
    this.workloads = new WorkloadIndex(options);
    this.gpu = new GpuInventory((namespace, kind, name) => this.workloads.eventsAbout(namespace, kind, name));
    if (!source) return;
    for (const change of source.snapshot()) this.apply(change);
    this.subscription = source.onDidChange((change) => this.apply(change));
  }

  onDidChange(listener: ClusterModelListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  dispose(): void {
    this.subscription?.dispose();
    this.listeners.clear();
  }

  /** "Show all Deployments" changed. */
  setOptions(options: WorkloadIndexOptions): void {
    const w = this.workloads.setOptions(options);
    this.publish({ ...w, ...emptyGpuInventoryChange() });
  }

  /** One batch from the cache: updates the indexes and tells the listeners what changed. */
  apply(change: CacheChange): ClusterModelChange {
    const w = emptyWorkloadIndexChange();
    const g = emptyGpuInventoryChange();
    const changes = change.changes;
    switch (change.type.kind) {
      case "Deployment":
        this.workloads.applyDeployments(changes as readonly { type: "added" | "modified" | "deleted"; object: V1Deployment }[], w);
        break;
      case "InferenceService":
        this.workloads.applyInferenceServices(changes as readonly { type: "added" | "modified" | "deleted"; object: InferenceService }[], w);
        break;
      case "ReplicaSet":
        this.workloads.applyReplicaSets(changes as readonly { type: "added" | "modified" | "deleted"; object: V1ReplicaSet }[], w);
        break;
      case "Pod": {
        const pods = changes as readonly { type: "added" | "modified" | "deleted"; object: V1Pod }[];
        this.workloads.applyPods(pods, w);
        this.gpu.applyPods(pods, g);
        break;
      }
      case "Event": {
        const events = changes as readonly { type: "added" | "modified" | "deleted"; object: CoreV1Event }[];
        this.workloads.applyEvents(events, w);
        this.gpu.applyEvents(events, g);
        break;
      }
      case "Node":
        this.gpu.applyNodes(changes as readonly { type: "added" | "modified" | "deleted"; object: V1Node }[], g);
        break;
      default:
        break;
    }
    const result: ClusterModelChange = { ...w, ...g };
    this.publish(result);
    return result;
  }

  private publish(change: ClusterModelChange): void {
    const empty = change.workloads.size === 0 && change.namespaces.size === 0 && !change.namespaceList && change.nodes.size === 0 && change.pools.size === 0 && !change.poolList && !change.pending;
    if (empty) return;
    for (const l of this.listeners) l(change);
  }
}
