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
}

/** Until the webview says how wide it is; a typical editor column. */
const defaultWidthPx = 1200;

export function latencyPanelTitle(service: ServiceRef): string {
  return `Latency: ${service.name}`;
}

export class LatencyPanel implements vscode.Disposable {
  private readonly host: WebviewPanelHost<LatencyFromWebview, LatencyToWebview>;
  private widthPx = defaultWidthPx;
  private lastView: LatencyView | undefined;

  static create(services: LatencyPanelServices, service: ServiceRef, range: RangeSpec): LatencyPanel {
    const panel = vscode.window.createWebviewPanel(
      latencyContract.viewType,
      latencyPanelTitle(service),
      vscode.ViewColumn.Active,
      dashboardWebviewOptions(services.extensionUri),
    );
    return new LatencyPanel(services, panel, service, range);
  }

  constructor(
    private readonly services: LatencyPanelServices,
    panel: vscode.WebviewPanel,
    readonly service: ServiceRef,
    private range: RangeSpec,
  ) {
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

  reveal(): void {
    this.host.reveal();
  }

  onDidDispose(listener: () => void): void {
    this.host.onDidDispose(listener);
  }

  dispose(): void {
    this.host.dispose();
  }

  private async handle(m: LatencyFromWebview): Promise<void> {
    switch (m.type) {
      case "ready":
      case "refresh":
        if (m.widthPx) this.widthPx = m.widthPx;
        return this.reload();
      case "setRange":
        if (m.widthPx) this.widthPx = m.widthPx;
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

  /** Loads the current range; a newer load, hiding or closing the panel aborts it. */
  private async reload(): Promise<void> {
    const signal = this.host.startLoad();
    void this.host.post({ type: "loading", range: this.range, service: this.service });
    let message: LatencyToWebview;
    try {
      message = await this.services.data(this.service, this.range, this.widthPx, signal);
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
