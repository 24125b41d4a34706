/**
 * Container logs, which a real cluster keeps on the kubelet: lines per container (current and
 * previous instance) that tests and scenarios append to, and followers that get each new line.
 */

export interface LogLine {
  time: Date;
  text: string;
}

export interface LogQuery {
  tailLines?: number;
  sinceSeconds?: number;
  limitBytes?: number;
  timestamps: boolean;
}

type Follower = (line: LogLine) => void;

function key(namespace: string, pod: string, container: string, previous: boolean): string {
  return `${namespace}/${pod}/${container}/${previous ? "previous" : "current"}`;
}

export function formatLogLine(line: LogLine, timestamps: boolean): string {
  return `${timestamps ? `${line.time.toISOString()} ` : ""}${line.text}\n`;
}

export class PodLogs {
  private readonly lines = new Map<string, LogLine[]>();
  private readonly followers = new Map<string, Set<Follower>>();

  append(namespace: string, pod: string, container: string, text: string, options: { previous?: boolean; time?: Date } = {}): void {
    const k = key(namespace, pod, container, options.previous ?? false);
    const line = { time: options.time ?? new Date(), text };
    let list = this.lines.get(k);
    if (!list) {
      list = [];
      this.lines.set(k, list);
    }
    list.push(line);
    for (const follower of this.followers.get(k) ?? []) follower(line);
  }

  /** The lines a `kubectl logs` with these options prints, in order. */
  read(namespace: string, pod: string, container: string, previous: boolean, query: LogQuery, now = new Date()): LogLine[] {
    let result = this.lines.get(key(namespace, pod, container, previous)) ?? [];
    if (query.sinceSeconds !== undefined) {
      const since = now.getTime() - query.sinceSeconds * 1000;
      result = result.filter((l) => l.time.getTime() >= since);
    }
    if (query.tailLines !== undefined) result = query.tailLines === 0 ? [] : result.slice(-query.tailLines);
    return result;
  }

  /** Calls back for each line appended from now on; returns the unsubscribe. */
  follow(namespace: string, pod: string, container: string, follower: Follower): () => void {
    const k = key(namespace, pod, container, false);
    let set = this.followers.get(k);
    if (!set) {
      set = new Set();
      this.followers.set(k, set);
    }
    set.add(follower);
    return () => set.delete(follower);
  }

  /** A container restarted: its current log becomes the previous one (kubectl logs --previous) and a new one begins. */
  rotate(namespace: string, pod: string, container: string): void {
    const current = key(namespace, pod, container, false);
    this.lines.set(key(namespace, pod, container, true), this.lines.get(current) ?? []);
    this.lines.set(current, []);
  }

  /** Forgets a pod's logs, as when the pod is deleted. */
  forget(namespace: string, pod: string): void {
    const prefix = `${namespace}/${pod}/`;
    for (const k of this.lines.keys()) if (k.startsWith(prefix)) this.lines.delete(k);
  }
}
