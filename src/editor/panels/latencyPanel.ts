/**
 * The latency dashboard's host: answers the webview's messages, loads data through the provider
 * it is given (so it knows nothing of metrics sources), exports CSV, and opens revisions.
 * Loaded on first use (dist/lazy/latency-panel.js); latencyDashboard.ts registers it.
 */
import { homedir } from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  LatencyFromWebview,
  LatencyToWebview,
  latencyContract,
  type LatencyView,
  type RangeSpec,
  type ServiceRef,
} from "../../shared/protocol/latency";
import { latencyCsv, latencyCsvFileName } from "./latencyCsv";
import { DashboardPanel } from "./dashboardPanel";
import { WebviewPanelHost, dashboardWebviewOptions } from "./webviewPanelHost";

/** What the dashboard shows for a service and range, at a chart width in CSS pixels. */
export type LatencyData = (service: ServiceRef, range: RangeSpec, widthPx: number, signal: AbortSignal) => Promise<LatencyToWebview>;

export interface LatencyPanelServices {
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  readonly data: LatencyData;
  /** A marker was clicked: open that revision of the service (the rollout history). */
  readonly openRevision: (service: ServiceRef, revision: number) => unknown;
  /** The command the "Connect Metrics…" button runs: "aiPlatform.connectMetrics". */
  readonly connectMetricsCommand: string;
  /** The Delivery section's data (a "delivery" message), loaded after each view; absent: no Delivery section. */
  readonly delivery?: (service: ServiceRef, signal: AbortSignal) => Promise<LatencyToWebview>;
}

/** The chart width the dashboards last reported, shared by one registration's panels (a new panel prefetches at it). */
export interface WidthMemory {
  px: number;
}

/** A prefetch made for another width is shown, then fetched again when the step could differ much. */
const refetchWidthRatio = 1.5;

interface Prefetch {
  readonly range: RangeSpec;
  readonly widthPx: number;
  readonly result: Promise<LatencyToWebview>;
  readonly controller: AbortController;
}

export function latencyPanelTitle(service: ServiceRef): string {
  return `Latency: ${service.name}`;
}

export class LatencyPanel extends DashboardPanel<LatencyFromWebview, LatencyToWebview, Prefetch> {
  protected readonly host: WebviewPanelHost<LatencyFromWebview, LatencyToWebview>;
  private widthPx: number;
  private lastView: LatencyView | undefined;

  static create(services: LatencyPanelServices, service: ServiceRef, range: RangeSpec, width: WidthMemory): LatencyPanel {
    const panel = vscode.window.createWebviewPanel(
      latencyContract.viewType,
      latencyPanelTitle(service),
      vscode.ViewColumn.Active,
      dashboardWebviewOptions(services.extensionUri),
    );
    const created = new LatencyPanel(services, panel, service, range, width);
    created.startPrefetch();
    return created;
  }

  constructor(
    private readonly services: LatencyPanelServices,
    panel: vscode.WebviewPanel,
    readonly service: ServiceRef,
    private range: RangeSpec,
    private readonly width: WidthMemory,
  ) {
    super();
    this.widthPx = width.px;
    panel.title = latencyPanelTitle(service);
    this.host = new WebviewPanelHost({
      panel,
      extensionUri: services.extensionUri,
      bundle: "latency",
      log: services.log,
      fromWebview: LatencyFromWebview,
      onMessage: (m) => this.handle(m),
      onLiveRefresh: () => void this.reload(),
    });
  }

  /** Starts loading the panel's range before the webview asks (see `prefetch`). */
  startPrefetch(): void {
    const controller = new AbortController();
    const result = this.services.data(this.service, this.range, this.widthPx, controller.signal);
    // Consumed by the ready message, or dropped; either way a rejection is handled there or not at all.
    result.catch(() => undefined);
    this.prefetch = { range: this.range, widthPx: this.widthPx, result, controller };
  }

  private setWidth(widthPx: number | undefined): void {
    if (widthPx === undefined) return;
    this.widthPx = widthPx;
    this.width.px = widthPx;
  }

  private async handle(m: LatencyFromWebview): Promise<void> {
    switch (m.type) {
      case "ready": {
        this.setWidth(m.widthPx);
        const prefetched = this.takePrefetch((p) => JSON.stringify(p.range) === JSON.stringify(this.range));
        if (!prefetched) return this.reload();
        await this.reload(prefetched);
        const ratio = Math.max(prefetched.widthPx, this.widthPx) / Math.min(prefetched.widthPx, this.widthPx);
        if (ratio > refetchWidthRatio) return this.reload();
        return;
      }
      case "refresh":
        this.setWidth(m.widthPx);
        return this.reload();
      case "setRange":
        this.setWidth(m.widthPx);
        this.range = m.range;
        return this.reload();
      case "openRevision":
        await this.services.openRevision(this.service, m.revision);
        return;
      case "exportCsv":
        return this.exportCsv();
      case "connectMetrics":
        await vscode.commands.executeCommand(this.services.connectMetricsCommand);
        return this.reload();
    }
  }

  /** Loads the current range (or takes over a prefetch of it); a newer load, hiding or closing the panel aborts it. */
  private async reload(prefetched?: Prefetch): Promise<void> {
    const signal = this.host.startLoad();
    if (prefetched) signal.addEventListener("abort", () => prefetched.controller.abort(), { once: true });
    void this.host.post({ type: "loading", range: this.range, service: this.service });
    let message: LatencyToWebview;
    try {
      message = await (prefetched?.result ?? this.services.data(this.service, this.range, this.widthPx, signal));
    } catch (err) {
      if (!this.host.isCurrent(signal)) return;
      this.services.log.error(`Latency dashboard for ${this.describe()}: loading failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      message = { type: "unavailable", message: `Loading the dashboard failed: ${err instanceof Error ? err.message : String(err)}. The AI Platform log has the details.`, action: "none" };
    }
    if (!this.host.isCurrent(signal)) return;
    // The webview checks too; checking here puts the reason in the log rather than a console.
    const checked = LatencyToWebview.safeParse(message);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      this.services.log.error(`Latency dashboard for ${this.describe()}: the data does not match the contract (${issue ? `${issue.path.join(".")}: ${issue.message}` : "invalid"}).`);
      message = { type: "unavailable", message: "The dashboard data was malformed. The AI Platform log has the details.", action: "none" };
    }
    if (message.type === "view") this.lastView = message.view;
    await this.host.post(message);
    await this.loadDelivery(signal);
  }

  /** The Delivery section needs no metrics source: it follows every load, whatever the charts got. */
  private async loadDelivery(signal: AbortSignal): Promise<void> {
    if (!this.services.delivery) return;
    let message: LatencyToWebview;
    try {
      message = await this.services.delivery(this.service, signal);
    } catch (err) {
      this.services.log.error(`Latency dashboard for ${this.describe()}: the delivery metrics failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return;
    }
    if (!this.host.isCurrent(signal)) return;
    const checked = LatencyToWebview.safeParse(message);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      this.services.log.error(`Latency dashboard for ${this.describe()}: the delivery metrics do not match the contract (${issue ? `${issue.path.join(".")}: ${issue.message}` : "invalid"}).`);
      return;
    }
    await this.host.post(checked.data);
  }

  private async exportCsv(): Promise<void> {
    const view = this.lastView;
    if (!view) {
      void vscode.window.showInformationMessage("Nothing to export yet: the dashboard has no data.");
      return;
    }
    const name = latencyCsvFileName(view);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : vscode.Uri.file(path.join(homedir(), name)),
      filters: { CSV: ["csv"] },
      saveLabel: "Export",
      title: `Export the latency of ${view.service.namespace}/${view.service.name} as CSV`,
    });
    // Written exactly where the person chose in the dialog, nowhere else.
    if (!uri) return;
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(latencyCsv(view)));
    this.services.log.info(`Exported the latency of ${this.describe()} to ${uri.toString(true)}.`);
    void vscode.window.showInformationMessage(`Exported the latency of ${view.service.name} to ${path.basename(uri.path)}.`, "Open").then((choice) => {
      if (choice === "Open") void vscode.commands.executeCommand("vscode.open", uri);
    });
  }

  private describe(): string {
    return `${this.service.context}/${this.service.namespace}/${this.service.name}`;
  }
}
