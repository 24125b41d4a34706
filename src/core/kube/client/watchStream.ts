import type { KubeConfig } from "@kubernetes/client-node";
import { loadClientNode } from "./clientNode";
import { KubeApiError } from "./kubeRequest";

/**
 * One watch request, the part every watcher shares (the Informer, the rollout follower): from a
 * resourceVersion, with bookmarks, the server asked to end it within timeoutSeconds and an idle
 * timer for a connection that dies without closing (kubernetes-client/javascript#958). It settles
 * once, with how it ended as a value; the caller decides whether to watch again, relist or back
 * off, and starts the next watch only after this one settled, so there is never a burst of
 * parallel watches after a reconnect (kubernetes-client/javascript#1933).
 */

/** The object in a watch event, as far as the stream reads it. */
export interface WatchedObject {
  readonly metadata?: { readonly resourceVersion?: string };
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

export interface WatchRequest<T extends WatchedObject> {
  /** The collection, e.g. /api/v1/namespaces/ml/pods. */
  readonly path: string;
  /** Where to start; absent means "now", with synthetic ADDED events for what exists. */
  readonly resourceVersion?: string | undefined;
  readonly fieldSelector?: string;
  readonly labelSelector?: string;
  /** Asked of the server so that it ends the watch, and a fresh one starts, within this time. */
  readonly timeoutSeconds: number;
  /** A watch that delivers no event and no bookmark for this long is presumed dead. */
  readonly idleTimeoutMs: number;
  readonly signal: AbortSignal;
  /** Each ADDED, MODIFIED or DELETED event; bookmarks only move the resourceVersion. */
  readonly onEvent: (type: WatchEventType, object: T) => void;
  /** The server answered 200: the watch is live. */
  readonly onEstablished?: () => void;
}

/** How a watch ended. `resourceVersion` is the last one seen (an event's or a bookmark's), to resume from. */
export type WatchEnd =
  | { readonly kind: "closed"; readonly resourceVersion: string | undefined }
  /** 410 Gone: the resourceVersion fell out of the server's history; list (or read) again. */
  | { readonly kind: "gone"; readonly message: string }
  | { readonly kind: "idle"; readonly resourceVersion: string | undefined }
  | { readonly kind: "aborted" }
  /** A KubeApiError for an HTTP error or an ERROR event; any other Error for the transport. */
  | { readonly kind: "failed"; readonly error: Error; readonly resourceVersion: string | undefined };

/** A watch that ends this soon with nothing in it counts as a failure, or the caller would spin. */
const immediateCloseMs = 1000;

export function watchStream<T extends WatchedObject>(kc: KubeConfig, request: WatchRequest<T>): Promise<WatchEnd> {
  const { signal } = request;
  if (signal.aborted) return Promise.resolve({ kind: "aborted" });
  const started = Date.now();
  let delivered = 0;
  let resourceVersion = request.resourceVersion;
  return new Promise<WatchEnd>((resolve) => {
    let settled = false;
    let controller: AbortController | undefined;
    let idle: NodeJS.Timeout | undefined;
    const finish = (end: WatchEnd): void => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      signal.removeEventListener("abort", onAbort);
      controller?.abort();
      if (end.kind === "closed" && delivered === 0 && Date.now() - started < immediateCloseMs) {
        resolve({ kind: "failed", error: new Error("the watch closed immediately"), resourceVersion });
      } else {
        resolve(end);
      }
    };
    const armIdle = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => finish({ kind: "idle", resourceVersion }), request.idleTimeoutMs);
    };
    const onAbort = (): void => finish({ kind: "aborted" });
    signal.addEventListener("abort", onAbort);
    armIdle();
    const query = {
      allowWatchBookmarks: true,
      timeoutSeconds: request.timeoutSeconds,
      ...(resourceVersion ? { resourceVersion } : {}),
      ...(request.fieldSelector ? { fieldSelector: request.fieldSelector } : {}),
      ...(request.labelSelector ? { labelSelector: request.labelSelector } : {}),
    };
    // client-node loads on first use (clientNode.ts); a watch is the first use for the cache.
    loadClientNode()
      .then(({ Watch }) =>
        new Watch(kc).watch(
        request.path,
        query,
        (phase: string, object: T & { code?: number; message?: string }) => {
          if (settled) return;
          armIdle();
          delivered++;
          if (phase === "ERROR") {
            // A Status object in the stream: 410 when our version is too old, else a real error.
            if (object.code === 410) finish({ kind: "gone", message: object.message ?? "410 Gone" });
            else finish({ kind: "failed", error: new KubeApiError(object.code ?? 500, undefined, object.message ?? "watch error"), resourceVersion });
            return;
          }
          resourceVersion = object.metadata?.resourceVersion ?? resourceVersion;
          if (phase === "BOOKMARK") return;
          if (phase === "ADDED" || phase === "MODIFIED" || phase === "DELETED") request.onEvent(phase, object);
        },
        (err: unknown) => {
          // client-node calls this once: with null when the server closed the stream, with an
          // Error carrying statusCode when it answered other than 200, else with the transport error.
          const code = (err as { statusCode?: number } | null)?.statusCode;
          if (code === 410) finish({ kind: "gone", message: "410 Gone" });
          else if (code !== undefined) finish({ kind: "failed", error: new KubeApiError(code, undefined, (err as Error).message), resourceVersion });
          else if (err instanceof Error) finish({ kind: "failed", error: err, resourceVersion });
          else finish({ kind: "closed", resourceVersion });
        },
      ),
      )
      .then(
        (c) => {
          controller = c;
          if (settled) {
            c.abort();
            return;
          }
          // An error response would have settled it already: the watch is established.
          request.onEstablished?.();
        },
        (err: unknown) => finish({ kind: "failed", error: err instanceof Error ? err : new Error(String(err)), resourceVersion }),
      );
  });
}
