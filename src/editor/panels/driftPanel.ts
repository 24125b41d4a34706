/**
 * The drift dashboard's host: answers the webview's messages and loads the service's view (latest
 * result, history, deploy markers, coverage) through the provider it is given, so it knows nothing
 * of files, the engine or the cluster. Run Check goes to the provider too (which shows withProgress
 * with Cancel); its progress is mirrored in the panel. Loaded on first use (dist/lazy/drift-panel.js);
 * driftDashboard.ts registers it.
 */
import * as vscode from "vscode";
import { DriftFromWebview, type DriftPanelState, type DriftToWebview, DriftView, driftContract } from "../../shared/protocol/drift";
import { DashboardPanel } from "./dashboardPanel";
import { WebviewPanelHost, dashboardWebviewOptions } from "./webviewPanelHost";

export type DriftLoadResult = { ok: true; view: DriftView } | { ok: false; message: string; detail?: string };

/** A check's progress: percent 0–100 and what it is doing ("Reading current.parquet", "Feature 7 of 20: age"). */
export type DriftCheckProgress = (percent: number, message: string) => void;

export interface DriftDashboardDeps {
  /** The service's view: latest result (null before the first check), history, markers, coverage. Expected failures come back worded, not thrown. */
  readonly load: (state: DriftPanelState, signal: AbortSignal) => Promise<DriftLoadResult>;
  /**
   * Runs a check of the service (with its own withProgress and Cancel) and settles when the check
   * has ended, whichever way; the panel then loads the view again. Progress reported through
   * `onProgress` is shown in the panel too.
   */
  readonly runCheck: (state: DriftPanelState, onProgress: DriftCheckProgress) => Promise<unknown>;
  /** Opens the service's aiplatform.yaml (monitoring.drift). */
  readonly openManifest: (state: DriftPanelState) => unknown;
  readonly log: vscode.LogOutputChannel;
}

export interface DriftPanelServices extends DriftDashboardDeps {
  readonly extensionUri: vscode.Uri;
}

type ProgressMessage = Extract<DriftToWebview, { type: "progress" }>;

export function driftPanelTitle(service: string): string {
  return `Drift: ${service}`;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function progressMessage(percent: number, message: string): ProgressMessage {
  const p = Number.isFinite(percent) ? Math.min(100, Math.max(0, percent)) : 0;
  return { type: "progress", percent: p, message: message.slice(0, 500) };
}

/**
 * No live refresh timer: a view changes only when a check runs, and every check ends in a reload
 * (the panel's own, or the dashboard's refresh(service) after a check from elsewhere).
 */
/** The first load, started with the panel. */
type DriftPrefetch = { readonly result: Promise<DriftLoadResult>; readonly controller: AbortController };

export class DriftPanel extends DashboardPanel<DriftFromWebview, DriftToWebview, DriftPrefetch> {
  protected readonly host: WebviewPanelHost<DriftFromWebview, DriftToWebview>;
  private state: DriftPanelState;
  /** The running check's latest progress, posted again after any view so a reload mid-check keeps showing it. */
  private checking: ProgressMessage | undefined;

  static create(services: DriftPanelServices, state: DriftPanelState): DriftPanel {
    const panel = vscode.window.createWebviewPanel(driftContract.viewType, driftPanelTitle(state.service), vscode.ViewColumn.Active, dashboardWebviewOptions(services.extensionUri));
    const created = new DriftPanel(services, panel, state);
    created.startPrefetch();
    return created;
  }

  constructor(
    private readonly services: DriftPanelServices,
    panel: vscode.WebviewPanel,
    state: DriftPanelState,
  ) {
    super();
    this.state = { ...state };
    panel.title = driftPanelTitle(state.service);
    this.host = new WebviewPanelHost({
      panel,
      extensionUri: services.extensionUri,
      bundle: "drift",
      log: services.log,
      fromWebview: DriftFromWebview,
      onMessage: (m) => this.handle(m),
    });
  }

  get service(): string {
    return this.state.service;
  }

  get isChecking(): boolean {
    return this.checking !== undefined;
  }

  /** The same service opened from another manifest (moved or renamed file): load from the new one. */
  retarget(state: DriftPanelState): void {
    if (state.manifest === this.state.manifest) return;
    this.state = { ...state };
    if (this.host.visible) void this.reload();
  }

  /** Loads again if the panel is visible; a hidden one asks by itself when shown. */
  refresh(): void {
    if (this.host.visible) void this.reload();
  }

  startPrefetch(): void {
    const controller = new AbortController();
    const result = this.services.load({ ...this.state }, controller.signal);
    // Consumed by the ready message, or dropped; a rejection is handled there or not at all.
    result.catch(() => undefined);
    this.prefetch = { result, controller };
  }

  private async handle(m: DriftFromWebview): Promise<void> {
    switch (m.type) {
      case "ready":
        return this.reload(this.takePrefetch());
      case "refresh":
        return this.reload();
      case "runCheck":
        return this.runCheck();
      case "openManifest":
        await this.services.openManifest({ ...this.state });
        return;
    }
  }

  /** Loads the view (or takes over the prefetch); a newer load, hiding or closing aborts it. */
  private async reload(prefetched?: DriftPrefetch): Promise<void> {
    this.dropPrefetch();
    const signal = this.host.startLoad();
    if (prefetched) signal.addEventListener("abort", () => prefetched.controller.abort(), { once: true });
    const { service, manifest } = this.state;
    void this.host.post({ type: "loading", service, manifest });
    const message = await this.loadMessage(prefetched?.result ?? this.services.load({ ...this.state }, signal));
    if (!this.host.isCurrent(signal)) return;
    await this.host.post(message);
    if (this.checking) await this.host.post(this.checking);
  }

  /** A provider's answer as the message the webview gets: a view that parses, or a worded error (the reason in the log). */
  private async loadMessage(pending: Promise<DriftLoadResult>): Promise<Extract<DriftToWebview, { type: "view" | "error" }>> {
    let result: DriftLoadResult;
    try {
      result = await pending;
    } catch (err) {
      if (err instanceof Error && err.name === "AbortError") return { type: "error", message: "Cancelled." };
      this.services.log.error(`Drift dashboard for ${this.state.service}: loading failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return { type: "error", message: `Loading the drift results failed: ${errorText(err)}. The AI Platform log has the details.` };
    }
    if (!result.ok) return { type: "error", message: result.message.slice(0, 2000), ...(result.detail ? { detail: result.detail.slice(0, 4000) } : {}) };
    // The webview checks too; checking here puts the reason in the log rather than a console.
    const checked = DriftView.safeParse(result.view);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      this.services.log.error(`Drift dashboard for ${this.state.service}: the view does not match the contract (${issue ? `${issue.path.join(".")}: ${issue.message}` : "invalid"}).`);
      return { type: "error", message: "The drift results were malformed. The AI Platform log has the details." };
    }
    return { type: "view", service: this.state.service, view: checked.data };
  }

  /** One check at a time per panel; the button is disabled meanwhile, and a second click is ignored here too. */
  private async runCheck(): Promise<void> {
    if (this.checking) return;
    this.checking = progressMessage(0, "Starting the drift check…");
    void this.host.post(this.checking);
    try {
      await this.services.runCheck({ ...this.state }, (percent, message) => {
        if (!this.checking || this.host.isDisposed) return;
        this.checking = progressMessage(percent, message);
        void this.host.post(this.checking);
      });
    } catch (err) {
      // The provider words expected failures itself; anything thrown is unexpected.
      if (!(err instanceof Error && err.name === "AbortError")) {
        this.services.log.error(`Drift dashboard for ${this.state.service}: the drift check failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        void vscode.window.showErrorMessage(`The drift check of ${this.state.service} failed: ${errorText(err)}. The AI Platform log has the details.`);
      }
    } finally {
      this.checking = undefined;
    }
    this.refresh();
  }
}
