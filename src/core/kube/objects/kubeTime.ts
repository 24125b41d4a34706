import type { CoreV1Event } from "@kubernetes/client-node";

/**
 * Milliseconds since the epoch of a Kubernetes timestamp. client-node's models type them as
 * Date, but objects that did not pass through its deserializer (custom objects, fixtures, JSON
 * from kubectl) carry RFC 3339 strings, so both are accepted.
 */
export function timeOf(t: Date | string | undefined | null): number | undefined {
  if (t === undefined || t === null) return undefined;
  const ms = t instanceof Date ? t.getTime() : Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/** When an event last happened: a series' last observation, else lastTimestamp, eventTime, creation. */
export function eventTime(event: CoreV1Event): number | undefined {
  return (
    timeOf(event.series?.lastObservedTime) ?? timeOf(event.lastTimestamp) ?? timeOf(event.eventTime) ?? timeOf(event.metadata.creationTimestamp)
  );
}

/** How often an event happened: series.count (events.k8s.io), else the deprecated count, else once. */
export function eventCount(event: CoreV1Event): number {
  return event.series?.count ?? event.count ?? 1;
}

/** A short duration for messages: 45s, 12m, 3h5m, 2d4h. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d${h % 24}h` : `${d}d`;
}
