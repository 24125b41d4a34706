import type * as vscode from "vscode";

/**
 * The one bridge from VS Code's CancellationToken to the AbortSignal that core functions take.
 * The returned disposable detaches the listener once the work is done.
 */
export function abortSignalFor(token: vscode.CancellationToken): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  const listener = token.onCancellationRequested(() => controller.abort());
  return { signal: controller.signal, dispose: () => listener.dispose() };
}

/** Owns disposables created after activation, ended together with the extension. */
export class DisposableStore implements vscode.Disposable {
  private readonly items: { dispose(): unknown }[] = [];
  add<T extends { dispose(): unknown }>(item: T): T {
    this.items.push(item);
    return item;
  }
  dispose(): void {
    for (const item of this.items.splice(0).reverse()) item.dispose();
  }
}
