import type { CoreV1Event, V1Deployment, V1Node, V1Pod, V1ReplicaSet } from "@kubernetes/client-node";
import type { CacheChange } from "../../../../../src/core/kube/cache/clusterCache";
import { ResourceTypes, type ResourceType } from "../../../../../src/core/kube/client/resourceTypes";

type Obj = { metadata?: { namespace?: string; name?: string } };

/**
 * An in-memory cache that speaks in the ClusterCache's change batches: what an informer emits
 * after a list or a watch event (added for new keys, modified for known ones, deleted with the
 * last state). `objects` is what `kubectl get` would list, in arrival order.
 */
export class FakeCache {
  private readonly stores = new Map<ResourceType, Map<string, Obj>>();
  private readonly listeners = new Set<(c: CacheChange) => void>();

  put(type: ResourceType, objects: readonly Obj[]): CacheChange {
    const store = this.store(type);
    const changes = objects.map((object) => {
      const key = keyOf(object);
      const type = store.has(key) ? ("modified" as const) : ("added" as const);
      store.set(key, object);
      return { type, object: object };
    });
    return this.emit({ type, changes });
  }

  remove(type: ResourceType, objects: readonly Obj[]): CacheChange {
    const store = this.store(type);
    const changes = objects.flatMap((o) => {
      const last = store.get(keyOf(o));
      if (!last) return [];
      store.delete(keyOf(o));
      return [{ type: "deleted" as const, object: last }];
    });
    return this.emit({ type, changes });
  }

  list<T>(type: ResourceType): T[] {
    return [...this.store(type).values()] as T[];
  }

  get<T>(type: ResourceType, key: string): T | undefined {
    return this.store(type).get(key) as T | undefined;
  }

  onDidChange(listener: (c: CacheChange) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  snapshot(): CacheChange[] {
    return [...this.stores.entries()].map(([type, store]) => ({ type, changes: [...store.values()].map((object) => ({ type: "added" as const, object: object })) }));
  }

  pods(): V1Pod[] {
    return this.list<V1Pod>(ResourceTypes.pods);
  }
  events(): CoreV1Event[] {
    return this.list<CoreV1Event>(ResourceTypes.events);
  }
  nodes(): V1Node[] {
    return this.list<V1Node>(ResourceTypes.nodes);
  }
  deployments(): V1Deployment[] {
    return this.list<V1Deployment>(ResourceTypes.deployments);
  }
  replicaSets(): V1ReplicaSet[] {
    return this.list<V1ReplicaSet>(ResourceTypes.replicaSets);
  }

  private emit(change: CacheChange): CacheChange {
    if (change.changes.length > 0) for (const l of this.listeners) l(change);
    return change;
  }

  private store(type: ResourceType): Map<string, Obj> {
    let s = this.stores.get(type);
    if (!s) {
      s = new Map<string, Obj>();
      this.stores.set(type, s);
    }
    return s;
  }
}

export function keyOf(o: Obj): string {
  return `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
}

/** A small deterministic PRNG (mulberry32), so a failing sequence can be replayed from its seed. */
export { seededRandom as random } from "../../../../../src/core/seededRandom";
