/**
 * One debounce timer per key (a document URI): a burst of edits to one manifest collapses into
 * one validation, while an edit to another manifest neither cancels nor delays it. No vscode
 * import, so the timing logic is unit-tested with fake timers.
 */
export class KeyedDebounce<K> {
  private readonly timers = new Map<K, ReturnType<typeof setTimeout>>();

  constructor(private readonly delayMs: number) {}

  /** Runs `run` after the delay, unless `key` is scheduled again (or cancelled) first. */
  schedule(key: K, run: () => void): void {
    this.cancel(key);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        run();
      }, this.delayMs),
    );
  }

  /** Drops the pending run for `key`, e.g. when its document closes. */
  cancel(key: K): void {
    const timer = this.timers.get(key);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers.delete(key);
  }

  get pending(): number {
    return this.timers.size;
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
