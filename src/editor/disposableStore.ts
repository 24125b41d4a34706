/** Anything with an end; vscode.Disposable fits, so does a core subscription. */
export interface DisposableLike {
  dispose(): unknown;
}

/**
 * Owns disposables from birth: whatever is added is disposed with the store, newest first, and
 * anything added after the store was disposed is disposed at once rather than leaked.
 */
export class DisposableStore implements DisposableLike {
  private readonly items: DisposableLike[] = [];
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  add<T extends DisposableLike>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.push(item);
    return item;
  }

  addAll(items: readonly DisposableLike[]): void {
    for (const item of items) this.add(item);
  }

  /** Disposes what the store holds now; it stays usable. */
  clear(): void {
    const errors: unknown[] = [];
    for (const item of this.items.splice(0).reverse()) {
      try {
        item.dispose();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} disposables failed to dispose`);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clear();
  }
}
