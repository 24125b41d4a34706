/**
 * The controllers' work queue: keyed, de-duplicated work run on the next turn of the event
 * loop (never inside the store's listener), delayed work for timers, and one stop for all.
 */

export type Work = () => void;

export class WorkQueue {
  private readonly pending = new Map<string, Work>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private scheduled: NodeJS.Immediate | undefined;
  private stopped = false;
  private readonly failures = new Map<string, number>();

  constructor(private readonly onError: (key: string, error: unknown) => void = () => undefined) {}

  /** Runs the work soon; a later add with the same key replaces one not yet run. */
  add(key: string, work: Work): void {
    if (this.stopped) return;
    this.pending.set(key, work);
    this.scheduled ??= setImmediate(() => this.drain());
  }

  /** Runs the work after a delay; the same key replaces an earlier timer. */
  after(ms: number, key: string, work: Work): void {
    if (this.stopped) return;
    this.cancel(key);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.add(key, work);
      }, Math.max(0, ms)),
    );
  }

  hasTimer(key: string): boolean {
    return this.timers.has(key);
  }

  cancel(key: string): void {
    const timer = this.timers.get(key);
    if (timer) clearTimeout(timer);
    this.timers.delete(key);
  }

  stop(): void {
    this.stopped = true;
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.pending.clear();
  }

  private drain(): void {
    this.scheduled = undefined;
    const batch = [...this.pending];
    this.pending.clear();
    for (const [key, work] of batch) {
      if (this.stopped) return;
      try {
        work();
        this.failures.delete(key);
      } catch (e) {
        this.onError(key, e);
        // A write that lost a race (a conflict, a namespace being deleted) is retried a few times, as controllers requeue.
        const failures = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, failures);
        if (failures <= 5) this.after(250 * failures, key, work);
        else this.failures.delete(key);
      }
    }
  }
}
