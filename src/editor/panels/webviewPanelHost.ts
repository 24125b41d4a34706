/**
 * What every dashboard panel shares: the locked-down webview (scripts by nonce, resources only
 * from dist/webview), message intake through the size limit and the contract, refresh only while
 * visible, one in-flight load at a time, and one panel per (dashboard, service) key.
 */
import * as vscode from "vscode";
import type { z } from "zod";
import { DisposableStore } from "../disposableStore";
import { admitWebviewMessage } from "./webviewMessageGate";
import { webviewHtml } from "./webviewHtml";

/** Live refresh while the panel is visible. */
export const liveRefreshMs = 30_000;

function bundleRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, "dist", "webview");
}

/**
 * Options for createWebviewPanel and for a panel the serializer restores. No
 * retainContextWhenHidden: a hidden dashboard is torn down and rebuilt from its state.
 */
export function dashboardWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [bundleRoot(extensionUri)] };
}

export interface WebviewPanelHostOptions<FromWebview> {
  readonly panel: vscode.WebviewPanel;
  readonly extensionUri: vscode.Uri;
  /** dist/webview/<bundle>.js and .css */
  readonly bundle: string;
  readonly log: vscode.LogOutputChannel;
  readonly fromWebview: z.ZodType<FromWebview>;
  readonly onMessage: (message: FromWebview) => unknown;
  /** Runs every refreshMs while the panel is visible (not when it becomes visible: the app asks then). */
  readonly onLiveRefresh?: () => void;
  readonly refreshMs?: number;
}

export class WebviewPanelHost<FromWebview, ToWebview> implements vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  private readonly disposables = new DisposableStore();
  private readonly disposeListeners: (() => void)[] = [];
  private load: AbortController | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private disposed = false;

  constructor(private readonly opts: WebviewPanelHostOptions<FromWebview>) {
    const { panel, extensionUri, bundle } = opts;
    this.panel = panel;
    const webview = panel.webview;
    webview.options = dashboardWebviewOptions(extensionUri);
    const asUri = (file: string): string => webview.asWebviewUri(vscode.Uri.joinPath(bundleRoot(extensionUri), file)).toString();
    webview.html = webviewHtml({
      cspSource: webview.cspSource,
      scriptUri: asUri(`${bundle}.js`),
      styleUri: asUri(`${bundle}.css`),
      codiconUri: asUri("codicon.css"),
      title: panel.title,
    });
    this.disposables.add(webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)));
    this.disposables.add(panel.onDidChangeViewState(() => this.visibilityChanged()));
    this.disposables.add(panel.onDidDispose(() => this.dispose()));
    this.disposables.add({ dispose: () => this.stopTimer() });
    this.disposables.add({ dispose: () => this.load?.abort() });
    this.visibilityChanged();
  }

  get visible(): boolean {
    return !this.disposed && this.panel.visible;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /**
   * A signal for a new load; the previous load (superseded) is aborted. Also aborted when the
   * panel hides or closes: a hidden webview drops messages, and asks again when shown.
   */
  startLoad(): AbortSignal {
    this.load?.abort();
    this.load = new AbortController();
    return this.load.signal;
  }

  /** Whether `signal` still belongs to the newest load of a live panel. */
  isCurrent(signal: AbortSignal): boolean {
    return !this.disposed && !signal.aborted && this.load?.signal === signal;
  }

  post(message: ToWebview): Thenable<boolean> {
    if (this.disposed) return Promise.resolve(false);
    return this.panel.webview.postMessage(message);
  }

  reveal(): void {
    this.panel.reveal();
  }

  onDidDispose(listener: () => void): void {
    this.disposeListeners.push(listener);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposables.dispose();
    for (const l of this.disposeListeners.splice(0)) l();
    this.panel.dispose();
  }

  private receive(raw: unknown): void {
    const message = admitWebviewMessage(this.opts.fromWebview, raw, this.opts.log, this.panel.viewType);
    if (message === undefined) return;
    try {
      const result = this.opts.onMessage(message);
      if (result instanceof Promise) result.catch((err: unknown) => this.failed(err));
    } catch (err) {
      this.failed(err);
    }
  }

  private failed(err: unknown): void {
    if (err instanceof Error && err.name === "AbortError") return;
    this.opts.log.error(`${this.panel.viewType}: handling a webview message failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }

  private visibilityChanged(): void {
    if (this.visible) {
      if (this.timer === undefined && this.opts.onLiveRefresh) {
        const refresh = this.opts.onLiveRefresh;
        this.timer = setInterval(() => {
          if (this.visible) refresh();
        }, this.opts.refreshMs ?? liveRefreshMs);
      }
    } else {
      this.stopTimer();
      this.load?.abort();
    }
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** One panel per key, revealed rather than duplicated. */
export class WebviewPanelRegistry<P extends { reveal(): void; dispose(): void }> implements vscode.Disposable {
  private readonly panels = new Map<string, P>();

  get(key: string): P | undefined {
    return this.panels.get(key);
  }

  /** Reveals the panel for `key`, or creates it; returns it either way. */
  openOrReveal(key: string, create: () => P): P {
    const existing = this.panels.get(key);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const created = create();
    this.panels.set(key, created);
    return created;
  }

  /** A restored panel; false (and the caller disposes it) when the key already has one. */
  adopt(key: string, panel: P): boolean {
    if (this.panels.has(key)) return false;
    this.panels.set(key, panel);
    return true;
  }

  remove(key: string, panel: P): void {
    if (this.panels.get(key) === panel) this.panels.delete(key);
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
    this.panels.clear();
  }
}
