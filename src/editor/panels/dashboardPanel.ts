import type * as vscode from "vscode";
import type { WebviewPanelHost } from "./webviewPanelHost";

/**
 * What every dashboard panel does the same way around its WebviewPanelHost: reveal, close, and
 * the first load, which starts with the panel while the webview boots and is handed over once
 * the webview says it is ready (or cancelled when it is no longer what the webview wants).
 */
export abstract class DashboardPanel<From, To, Prefetch extends { readonly controller: AbortController }> implements vscode.Disposable {
  protected abstract readonly host: WebviewPanelHost<From, To>;
  protected prefetch: Prefetch | undefined;

  reveal(): void {
    this.host.reveal();
  }

  onDidDispose(listener: () => void): void {
    this.host.onDidDispose(listener);
  }

  dispose(): void {
    this.dropPrefetch();
    this.host.dispose();
  }

  /** Cancels the first load, if it is still running unclaimed. */
  protected dropPrefetch(): void {
    this.prefetch?.controller.abort();
    this.prefetch = undefined;
  }

  /** The first load, taken once, if it is for what the webview now wants; otherwise it is cancelled. */
  protected takePrefetch(wanted: (p: Prefetch) => boolean = () => true): Prefetch | undefined {
    const p = this.prefetch;
    this.prefetch = undefined;
    if (p && wanted(p)) return p;
    p?.controller.abort();
    return undefined;
  }
}
