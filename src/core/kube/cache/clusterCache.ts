import type { KubeConfig, CoreV1Event, V1Deployment, V1Namespace, V1Node, V1Pod, V1ReplicaSet } from "@kubernetes/client-node";
import type { InferenceService } from "../objects/inferenceService";
import { Informer, type Change, type InformerOptions, type InformerState } from "./informer";
import type { ServedObject as KubeObject } from "../objects/kubeObject";
import { ResourceTypes, type ResourceType } from "../client/resourceTypes";

/** What the views show about the connection as a whole. */
export type ClusterState =
  | { readonly kind: "connecting" }
  | { readonly kind: "synced" }
  | { readonly kind: "disconnected"; readonly retryInMs: number; readonly reason: string }
  | {
      readonly kind: "forbidden";
      readonly statusCode: 401 | 403;
      readonly resource: string;
      /** The namespace the list was for; undefined for all namespaces or a cluster-scoped resource. */
      readonly namespace: string | undefined;
      readonly clusterScoped: boolean;
      readonly message: string;
    };

export interface CacheChange {
  readonly type: ResourceType;
  readonly changes: readonly Change<KubeObject>[];
}

/**
 * One informer per resource type for one context. Workloads need pods, events, Deployments and
 * ReplicaSets; the rest is optional: a cluster without KServe's CRD has no InferenceServices,
 * and a user who may read only their namespace cannot list nodes or namespaces, which leaves the
 * GPU view empty but the Deployments view whole. Objects are shared, never copied.
 */
export class ClusterCache {
  readonly namespaces: Informer<V1Namespace>;
  readonly nodes: Informer<V1Node>;
  readonly pods: Informer<V1Pod>;
  readonly events: Informer<CoreV1Event>;
  readonly deployments: Informer<V1Deployment>;
  readonly replicaSets: Informer<V1ReplicaSet>;
  readonly inferenceServices: Informer<InferenceService>;
  private readonly all: readonly Informer<KubeObject>[];
  private readonly changeListeners = new Set<(change: CacheChange) => void>();
  private readonly stateListeners = new Set<(state: ClusterState) => void>();
  private lastState: ClusterState = { kind: "connecting" };

  constructor(
    kc: KubeConfig,
    readonly namespace: string | undefined,
    options: Omit<InformerOptions, "namespace"> = {},
  ) {
    const make = <T extends KubeObject>(type: ResourceType): Informer<T> =>
      new Informer<T>(kc, type, { ...options, ...(type.namespaced && namespace ? { namespace } : {}) });
    this.namespaces = make(ResourceTypes.namespaces);
    this.nodes = make(ResourceTypes.nodes);
    this.pods = make(ResourceTypes.pods);
    this.events = make(ResourceTypes.events);
    this.deployments = make(ResourceTypes.deployments);
    this.replicaSets = make(ResourceTypes.replicaSets);
    this.inferenceServices = make(ResourceTypes.inferenceServices);
    // One list for the loops below; each informer's own type stays on its field.
    this.all = [this.namespaces, this.nodes, this.pods, this.events, this.deployments, this.replicaSets, this.inferenceServices] as unknown as Informer<KubeObject>[];
    for (const informer of this.all) {
      informer.onDidChange((changes) => {
        for (const l of this.changeListeners) l({ type: informer.type, changes });
      });
      informer.onDidChangeState(() => this.updateState());
    }
  }

  get state(): ClusterState {
    return this.lastState;
  }

  /** Per resource type, for a tooltip or the log. */
  informerStates(): readonly { readonly type: ResourceType; readonly state: InformerState }[] {
    return this.all.map((i) => ({ type: i.type, state: i.state }));
  }

  start(): void {
    for (const informer of this.all) informer.start();
  }

  stop(): void {
    for (const informer of this.all) informer.stop();
  }

  /** Resolves when every required informer has its first list; KServe may be absent. */
  async whenSynced(): Promise<void> {
    await Promise.all(this.required().map((i) => i.whenSynced()));
  }

  /** What the cache holds now, as one "added" batch per resource type: a ClusterModel's starting point. */
  snapshot(): readonly CacheChange[] {
    return this.all.map((i) => ({ type: i.type, changes: i.list().map((object) => ({ type: "added" as const, object })) })).filter((c) => c.changes.length > 0);
  }

  onDidChange(listener: (change: CacheChange) => void): { dispose(): void } {
    this.changeListeners.add(listener);
    return { dispose: () => this.changeListeners.delete(listener) };
  }

  onDidChangeState(listener: (state: ClusterState) => void): { dispose(): void } {
    this.stateListeners.add(listener);
    return { dispose: () => this.stateListeners.delete(listener) };
  }

  private required(): Informer<KubeObject>[] {
    return this.all.filter((i) => i.type.namespaced && i.type !== ResourceTypes.inferenceServices);
  }

  /** Optional resources the cluster refused (nodes, namespaces, KServe), for the views that need them. */
  refused(): readonly (ClusterState & { kind: "forbidden" })[] {
    return this.all
      .filter((i) => !this.required().includes(i))
      .flatMap((i) => (i.state.kind === "forbidden" ? [this.forbiddenState(i, i.state)] : []));
  }

  private forbiddenState(informer: Informer<KubeObject>, s: InformerState & { kind: "forbidden" }): ClusterState & { kind: "forbidden" } {
    return {
      kind: "forbidden",
      statusCode: s.statusCode,
      resource: informer.type.plural,
      namespace: informer.type.namespaced ? this.namespace : undefined,
      clusterScoped: !informer.type.namespaced,
      message: s.message,
    };
  }

  private updateState(): void {
    const next = this.aggregate();
    if (JSON.stringify(next) === JSON.stringify(this.lastState)) return;
    this.lastState = next;
    for (const l of this.stateListeners) l(next);
  }

  private aggregate(): ClusterState {
    for (const informer of this.required()) {
      const s = informer.state;
      if (s.kind === "forbidden") return this.forbiddenState(informer, s);
    }
    const disconnected = this.all.map((i) => i.state).filter((s) => s.kind === "disconnected");
    if (disconnected.length > 0) {
      const soonest = disconnected.reduce((a, b) => (a.retryInMs <= b.retryInMs ? a : b));
      return soonest;
    }
    // Optional resources that are not served or not allowed count as synced and empty.
    if (this.required().every((i) => i.state.kind === "synced")) return { kind: "synced" };
    return { kind: "connecting" };
  }
}
