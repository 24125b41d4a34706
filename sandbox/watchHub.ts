/**
 * Watch streams: newline-delimited JSON events with the API server's resourceVersion rules
 * (replay after a given version, synthetic ADDED for "0" or none, 410 once compacted),
 * selector-aware event types, periodic bookmarks, timeoutSeconds, and dropping every stream.
 */
import { type ServerResponse } from "node:http";
import { failureStatus } from "./apiStatus";
import { type KubeObject } from "./kubeObject";
import { type ObjectFilter, matchesFilter } from "./listing";
import { type ObjectStore, type StoreEvent } from "./objectStore";
import { type ResourceType, apiVersionOf, resourceKey } from "./resourceTypes";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

export interface WatchRequest {
  type: ResourceType;
  namespace?: string;
  filter: ObjectFilter;
  /** The resourceVersion query parameter: undefined or "0" start with the current state. */
  resourceVersion?: string;
  allowBookmarks: boolean;
  sendInitialEvents: boolean;
  timeoutSeconds?: number;
  /** Turns a stored object into what goes on the wire (a Table row for kubectl, or the object). */
  encode: (object: KubeObject) => unknown;
}

interface OpenWatch {
  response: ServerResponse;
  close: () => void;
}

export class WatchHub {
  private readonly open = new Set<OpenWatch>();

  constructor(
    private readonly store: () => ObjectStore,
    private readonly bookmarkIntervalMs: () => number,
  ) {}

  get count(): number {
    return this.open.size;
  }

  /** Serves one watch on an HTTP response until the client leaves, the timeout passes or the hub drops it. */
  serve(request: WatchRequest, response: ServerResponse): void {
    const store = this.store();
    const { type } = request;
    const write = (eventType: WatchEventType, object: unknown): void => {
      response.write(`${JSON.stringify({ type: eventType, object })}\n`);
    };
    const wire = (object: KubeObject): unknown => request.encode({ ...object, apiVersion: apiVersionOf(type), kind: type.kind });
    const bookmark = (annotations?: Record<string, string>): void =>
      write("BOOKMARK", {
        kind: type.kind,
        apiVersion: apiVersionOf(type),
        metadata: { resourceVersion: String(store.resourceVersion), ...(annotations ? { annotations } : {}) },
      });
    response.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache, private" });
    response.flushHeaders();

    const rv = request.resourceVersion;
    const fromVersion = rv === undefined || rv === "" || rv === "0" ? undefined : Number(rv);
    let replay: StoreEvent[] = [];
    if (fromVersion !== undefined) {
      const events = Number.isFinite(fromVersion) ? store.eventsSince(fromVersion) : undefined;
      if (!events) {
        const status = Number.isFinite(fromVersion)
          ? failureStatus(410, "Expired", `too old resource version: ${rv} (${store.compactedRevision + 1})`)
          : failureStatus(400, "BadRequest", `invalid resource version: ${rv}`);
        write("ERROR", status);
        response.end();
        return;
      }
      replay = events;
    }

    const deliver = (event: StoreEvent): void => {
      if (resourceKey(event.resource) !== resourceKey(type)) return;
      if (request.namespace !== undefined && type.namespaced && event.object.metadata.namespace !== request.namespace) return;
      const now = matchesFilter(request.filter, event.object);
      const before = event.previous !== undefined && matchesFilter(request.filter, event.previous);
      if (event.type === "DELETED") {
        if (before) write("DELETED", wire(event.object));
      } else if (now && before) write("MODIFIED", wire(event.object));
      else if (now) write("ADDED", wire(event.object));
      else if (before) write("DELETED", wire(event.object));
    };

    if (fromVersion === undefined || request.sendInitialEvents) {
      for (const object of store.list(type, request.namespace)) {
        if (matchesFilter(request.filter, object)) write("ADDED", wire(object));
      }
      if (request.sendInitialEvents && request.allowBookmarks) bookmark({ "k8s.io/initial-events-end": "true" });
    } else {
      for (const event of replay) deliver(event);
    }

    const unsubscribe = store.subscribe(deliver);
    const timers: NodeJS.Timeout[] = [];
    if (request.allowBookmarks) timers.push(setInterval(() => bookmark(), this.bookmarkIntervalMs()));
    if (request.timeoutSeconds !== undefined) timers.push(setTimeout(() => close(), request.timeoutSeconds * 1000));
    const entry: OpenWatch = { response, close: () => close() };
    const close = (): void => {
      unsubscribe();
      for (const t of timers) clearTimeout(t);
      this.open.delete(entry);
      if (!response.writableEnded) response.end();
    };
    this.open.add(entry);
    response.on("close", close);
  }

  /**
   * Ends every open watch. Gracefully, clients see the stream end, as when a real server's
   * watch times out; abruptly, the connection is reset, as when the server dies.
   */
  dropAll(mode: "graceful" | "abrupt" = "graceful"): number {
    const dropped = [...this.open];
    for (const w of dropped) {
      if (mode === "abrupt") w.response.socket?.destroy();
      w.close();
    }
    return dropped.length;
  }
}
