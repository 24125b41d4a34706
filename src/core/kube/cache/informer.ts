import type { KubeConfig } from "@kubernetes/client-node";
import { getJson, KubeApiError } from "../client/kubeRequest";
import { collectionPath, type ResourceType } from "../client/resourceTypes";
import { watchStream } from "../client/watchStream";
import type { ServedObject } from "../objects/kubeObject";

export type InformerState =
  | { readonly kind: "connecting" }
  | { readonly kind: "synced" }
  | { readonly kind: "disconnected"; readonly retryInMs: number; readonly reason: string }
  | { readonly kind: "forbidden"; readonly statusCode: 401 | 403; readonly message: string; readonly retryInMs: number }
  | { readonly kind: "unavailable"; readonly message: string; readonly retryInMs: number };

export type Change<T> = { readonly type: "added" | "modified"; readonly object: T } | { readonly type: "deleted"; readonly object: T };

export interface InformerOptions {
  readonly namespace?: string;
  /** Objects per page of the initial list; the API server's own default chunk is 500. */
  readonly pageSize?: number;
  /** Asked of the server so that it ends each watch, and a fresh one starts, within this time. */
  readonly watchTimeoutSeconds?: number;
  /** A watch that delivers no event and no bookmark for this long is presumed dead and restarted. */
  readonly idleTimeoutMs?: number;
  readonly backoffInitialMs?: number;
  readonly backoffMaxMs?: number;
  /** For tests: jitter source in [0, 1). */
  readonly random?: () => number;
}

const defaults = {
  pageSize: 500,
  watchTimeoutSeconds: 290,
  idleTimeoutMs: 90_000,
  backoffInitialMs: 500,
  backoffMaxMs: 30_000,
};

class WatchGone extends Error {}
class WatchIdle extends Error {}

/** Drops what the views never read but that can double an object's size. */
function strip<T extends ServedObject>(object: T): T {
  // The object is ours to change: parsed from the wire for the cache alone.
  const metadata: { managedFields?: unknown; annotations?: Record<string, string> } | undefined = object.metadata;
  if (metadata) {
    delete metadata.managedFields;
    const annotations = metadata.annotations;
    if (annotations && "kubectl.kubernetes.io/last-applied-configuration" in annotations) {
      delete annotations["kubectl.kubernetes.io/last-applied-configuration"];
    }
  }
  return object;
}

export function objectKey(object: ServedObject): string {
  const m = object.metadata;
  return m?.namespace ? `${m.namespace}/${m.name ?? ""}` : (m?.name ?? "");
}

/**
 * A list-then-watch cache of one resource type, in the manner of client-go's reflector:
 * paged initial list, watch from the list's resourceVersion with bookmarks, relist on 410,
 * reconnect with exponential backoff and full jitter. One watch at a time, never a burst of
 * them after a reconnect (kubernetes-client/javascript#1933), and a watch that goes silent is
 * restarted rather than trusted (#958): the server is asked to end watches within
 * watchTimeoutSeconds and an idle timer catches a connection that dies without closing.
 */
export class Informer<T extends ServedObject> {
  private readonly objects = new Map<string, T>();
  private resourceVersion: string | undefined;
  private currentState: InformerState = { kind: "connecting" };
  private readonly changeListeners = new Set<(changes: readonly Change<T>[]) => void>();
  private readonly stateListeners = new Set<(state: InformerState) => void>();
  private readonly options: Required<Omit<InformerOptions, "namespace">> & { namespace: string | undefined };
  private abort = new AbortController();
  private running = false;
  private failures = 0;
  private syncedOnce: Promise<void>;
  private resolveSynced: () => void = () => undefined;
  /** Count of watch requests started; the bench and tests read it to prove there is no flood. */
  watchRequests = 0;

  constructor(
    private readonly kc: KubeConfig,
    readonly type: ResourceType,
    options: InformerOptions = {},
  ) {
    this.options = { ...defaults, random: Math.random, ...options, namespace: options.namespace };
    this.syncedOnce = new Promise((resolve) => (this.resolveSynced = resolve));
  }

  get state(): InformerState {
    return this.currentState;
  }

  /** Resolves once the first full list is in the cache. */
  whenSynced(): Promise<void> {
    return this.syncedOnce;
  }

  list(): T[] {
    return [...this.objects.values()];
  }

  get(namespaceOrName: string, name?: string): T | undefined {
    return this.objects.get(name === undefined ? namespaceOrName : `${namespaceOrName}/${name}`);
  }

  get size(): number {
    return this.objects.size;
  }

  onDidChange(listener: (changes: readonly Change<T>[]) => void): { dispose(): void } {
    this.changeListeners.add(listener);
    return { dispose: () => this.changeListeners.delete(listener) };
  }

  onDidChangeState(listener: (state: InformerState) => void): { dispose(): void } {
    this.stateListeners.add(listener);
    return { dispose: () => this.stateListeners.delete(listener) };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    void this.run(this.abort.signal);
  }

  stop(): void {
    this.running = false;
    this.abort.abort();
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        if (this.resourceVersion === undefined) await this.relist(signal);
        await this.watch(signal);
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof WatchGone) {
          // Our resourceVersion fell out of the server's history: list again at once.
          this.resourceVersion = undefined;
          continue;
        }
        if (err instanceof WatchIdle) continue;
        await this.backOff(err, signal);
      }
    }
  }

  private async backOff(err: unknown, signal: AbortSignal): Promise<void> {
    this.failures++;
    const ceiling = Math.min(this.options.backoffMaxMs, this.options.backoffInitialMs * 2 ** (this.failures - 1));
    // Full jitter: clients that lost the server together do not come back together.
    const retryInMs = Math.round(ceiling / 2 + (this.options.random() * ceiling) / 2);
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof KubeApiError && (err.statusCode === 401 || err.statusCode === 403)) {
      this.setState({ kind: "forbidden", statusCode: err.statusCode, message, retryInMs });
    } else if (err instanceof KubeApiError && err.statusCode === 404) {
      this.setState({ kind: "unavailable", message: `${this.type.kind} is not served by this cluster (${message})`, retryInMs });
    } else {
      this.setState({ kind: "disconnected", retryInMs, reason: message });
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, retryInMs);
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private async relist(signal: AbortSignal): Promise<void> {
    const fresh = new Map<string, T>();
    let continueToken: string | undefined;
    let listVersion: string | undefined;
    do {
      const query = new URLSearchParams({ limit: String(this.options.pageSize) });
      if (continueToken) query.set("continue", continueToken);
      let page: { items?: T[]; metadata?: { resourceVersion?: string; continue?: string } };
      try {
        page = (await getJson(this.kc, `${collectionPath(this.type, this.options.namespace)}?${query.toString()}`, signal)) as typeof page;
      } catch (err) {
        // An expired continue token: start the list over, as client-go's pager does.
        if (err instanceof KubeApiError && err.statusCode === 410 && continueToken) {
          fresh.clear();
          continueToken = undefined;
          continue;
        }
        throw err;
      }
      for (const item of page.items ?? []) fresh.set(objectKey(item), strip(item));
      listVersion = page.metadata?.resourceVersion;
      continueToken = page.metadata?.continue || undefined;
    } while (continueToken);

    const changes: Change<T>[] = [];
    for (const [key, object] of this.objects) {
      if (!fresh.has(key)) changes.push({ type: "deleted", object });
    }
    for (const [key, object] of fresh) {
      const old = this.objects.get(key);
      if (!old) changes.push({ type: "added", object });
      else if (old.metadata?.resourceVersion !== object.metadata?.resourceVersion) changes.push({ type: "modified", object });
    }
    this.objects.clear();
    for (const [key, object] of fresh) this.objects.set(key, object);
    this.resourceVersion = listVersion ?? "";
    this.failures = 0;
    this.emit(changes);
    this.setState({ kind: "synced" });
    this.resolveSynced();
  }

  private async watch(signal: AbortSignal): Promise<void> {
    this.watchRequests++;
    const pending: Change<T>[] = [];
    let flushQueued = false;
    const flush = (): void => {
      flushQueued = false;
      this.emit(pending.splice(0));
    };
    const end = await watchStream<T>(this.kc, {
      path: collectionPath(this.type, this.options.namespace),
      resourceVersion: this.resourceVersion,
      timeoutSeconds: Math.round(this.options.watchTimeoutSeconds * (0.9 + this.options.random() * 0.1)),
      idleTimeoutMs: this.options.idleTimeoutMs,
      signal,
      onEvent: (phase, object) => {
        const version = object.metadata?.resourceVersion;
        if (version) this.resourceVersion = version;
        this.failures = 0;
        const key = objectKey(object);
        if (phase === "DELETED") {
          this.objects.delete(key);
          pending.push({ type: "deleted", object });
        } else {
          const stripped = strip(object);
          const existed = this.objects.has(key);
          this.objects.set(key, stripped);
          pending.push({ type: existed ? "modified" : "added", object: stripped });
        }
        // Events that arrive together reach listeners together.
        if (!flushQueued) {
          flushQueued = true;
          queueMicrotask(flush);
        }
      },
      // The watch is established (an error response would have ended it): we are live again.
      onEstablished: () => {
        if (this.currentState.kind !== "synced") this.setState({ kind: "synced" });
      },
    });
    if (pending.length > 0) flush();
    // Bookmarks move the version too; resume from the last one seen.
    if ("resourceVersion" in end && end.resourceVersion) this.resourceVersion = end.resourceVersion;
    switch (end.kind) {
      case "closed":
      case "aborted":
        return;
      case "gone":
        throw new WatchGone(end.message);
      case "idle":
        throw new WatchIdle("no watch event or bookmark in time");
      case "failed":
        throw end.error;
    }
  }

  private emit(changes: readonly Change<T>[]): void {
    if (changes.length === 0) return;
    for (const listener of this.changeListeners) listener(changes);
  }

  private setState(state: InformerState): void {
    this.currentState = state;
    for (const listener of this.stateListeners) listener(state);
  }
}
