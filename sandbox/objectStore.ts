/**
 * The sandbox's etcd: every object of every kind under one global, monotonically increasing
 * resourceVersion, and the history of changes that watches replay. History is compacted like
 * etcd's, after which older resourceVersions are gone (410 Expired).
 */
import { type KubeObject, objectKey } from "./kubeObject";
import { type ResourceType, resourceKey } from "./resourceTypes";

export type StoreEventType = "ADDED" | "MODIFIED" | "DELETED";

export interface StoreEvent {
  type: StoreEventType;
  resourceVersion: number;
  resource: ResourceType;
  /** The object after the change; for DELETED, its last state stamped with the deletion's resourceVersion. */
  object: KubeObject;
  /** The object before the change, so selector watches can turn a MODIFIED into ADDED or DELETED. */
  previous?: KubeObject;
}

export type StoreListener = (event: StoreEvent) => void;

export interface ObjectStoreOptions {
  /** Events kept for watches before the oldest half is compacted away. */
  historyLimit?: number;
}

/** Stored objects are never mutated: every write stores a new object, so readers may hold references. */
export class ObjectStore {
  private revision = 0;
  private compacted = 0;
  private history: StoreEvent[] = [];
  private readonly tables = new Map<string, { resource: ResourceType; objects: Map<string, KubeObject> }>();
  private readonly listeners = new Set<StoreListener>();
  private readonly historyLimit: number;

  constructor(options: ObjectStoreOptions = {}) {
    this.historyLimit = options.historyLimit ?? 200_000;
  }

  /** The newest resourceVersion, as a list returns it. */
  get resourceVersion(): number {
    return this.revision;
  }

  /** Watches from a resourceVersion older than this get 410 Expired. */
  get compactedRevision(): number {
    return this.compacted;
  }

  /** The resourceVersion the next write will get, for dry runs that want to show one. */
  peekNextRevision(): number {
    return this.revision + 1;
  }

  private table(type: ResourceType): Map<string, KubeObject> {
    const key = resourceKey(type);
    let table = this.tables.get(key);
    if (!table) {
      table = { resource: type, objects: new Map() };
      this.tables.set(key, table);
    }
    return table.objects;
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.table(type).get(objectKey(type.namespaced ? namespace : undefined, name));
  }

  /** Objects in key order (namespace/name), as etcd returns them; all namespaces when none is given. */
  list(type: ResourceType, namespace?: string): KubeObject[] {
    const table = this.table(type);
    const keys = [...table.keys()].sort();
    const prefix = type.namespaced && namespace ? `${namespace}/` : undefined;
    const result: KubeObject[] = [];
    for (const key of keys) {
      if (prefix !== undefined && !key.startsWith(prefix)) continue;
      const object = table.get(key);
      if (object) result.push(object);
    }
    return result;
  }

  /** Every stored object of every kind, for snapshots and comparisons in tests. */
  entries(): { resource: ResourceType; object: KubeObject }[] {
    const result: { resource: ResourceType; object: KubeObject }[] = [];
    for (const { resource, objects } of this.tables.values()) {
      for (const object of objects.values()) result.push({ resource, object });
    }
    return result;
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Changes after the given resourceVersion, or undefined if they have been compacted away. */
  eventsSince(resourceVersion: number): StoreEvent[] | undefined {
    if (resourceVersion < this.compacted) return undefined;
    let low = 0;
    let high = this.history.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.history[mid]?.resourceVersion ?? 0) <= resourceVersion) low = mid + 1;
      else high = mid;
    }
    return this.history.slice(low);
  }

  /** Forgets all history: every resourceVersion before now is expired, as after an etcd compaction. */
  compact(): void {
    this.compacted = this.revision;
    this.history = [];
  }

  /** Stores a new or changed object under the next resourceVersion. The caller has applied the API's rules. */
  put(type: ResourceType, object: KubeObject): KubeObject {
    const name = object.metadata.name ?? "";
    const key = objectKey(type.namespaced ? object.metadata.namespace : undefined, name);
    const table = this.table(type);
    const previous = table.get(key);
    const resourceVersion = ++this.revision;
    const stored: KubeObject = { ...object, metadata: { ...object.metadata, resourceVersion: String(resourceVersion) } };
    table.set(key, stored);
    this.record({ type: previous ? "MODIFIED" : "ADDED", resourceVersion, resource: type, object: stored, ...(previous ? { previous } : {}) });
    return stored;
  }

  /** Removes an object; returns its last state stamped with the deletion's resourceVersion. */
  remove(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const key = objectKey(type.namespaced ? namespace : undefined, name);
    const table = this.table(type);
    const previous = table.get(key);
    if (!previous) return undefined;
    table.delete(key);
    const resourceVersion = ++this.revision;
    const deleted: KubeObject = { ...previous, metadata: { ...previous.metadata, resourceVersion: String(resourceVersion) } };
    this.record({ type: "DELETED", resourceVersion, resource: type, object: deleted, previous });
    return deleted;
  }

  private record(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length >> 1);
      this.compacted = dropped[dropped.length - 1]?.resourceVersion ?? this.compacted;
    }
    for (const listener of this.listeners) listener(event);
  }
}
