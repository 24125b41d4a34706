/**
 * The cost dashboard's host: answers the webview's messages, loads reports through the provider
 * it is given (so it knows nothing of prices, metrics or OpenCost), and saves showback CSV.
 * Loaded on first use (dist/lazy/cost-panel.js); costDashboard.ts registers it.
 */
import { homedir } from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  CostFromWebview,
  CostReport,
  type CostToWebview,
  costContract,
  type CostAggregate,
  type CostPanelState,
  type CostWindowPreset,
} from "../../shared/protocol/cost";
import { type ShowbackBy, showbackCsv, showbackCsvFileName } from "./costCsv";
import { DashboardPanel } from "./dashboardPanel";
import { WebviewPanelHost, dashboardWebviewOptions } from "./webviewPanelHost";

export type CostLoadResult = { ok: true; report: CostReport } | { ok: false; message: string; detail?: string };

export interface CostDashboardDeps {
  /** The report of a kube context for a window, aggregated as asked. Expected failures come back worded, not thrown. */
  readonly load: (context: string, window: CostWindowPreset, aggregate: CostAggregate, signal: AbortSignal) => Promise<CostLoadResult>;
  /** A service row was chosen: open its latency dashboard ("namespace/name" of the workload). */
  readonly openService: (context: string, service: string) => unknown;
  /** What the "Connect Metrics…" button runs; the report is loaded again once it returns. */
  readonly connectMetrics: () => unknown;
  readonly log: vscode.LogOutputChannel;
}

export interface CostPanelServices extends CostDashboardDeps {
  readonly extensionUri: vscode.Uri;
}

/**
 * Live refresh while visible. A report spans days; recomputing it every 30 s as the latency
 * dashboard does would load Prometheus for figures that move by cents.
 */
export const costRefreshMs = 5 * 60_000;

interface Prefetch {
  readonly key: string;
  readonly result: Promise<CostLoadResult>;
  readonly controller: AbortController;
}

export function costPanelTitle(context: string): string {
  return `Cost: ${context}`;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class CostPanel extends DashboardPanel<CostFromWebview, CostToWebview, Prefetch> {
  protected readonly host: WebviewPanelHost<CostFromWebview, CostToWebview>;
  private state: CostPanelState;
  private lastReport: CostReport | undefined;
  /** Showback loads run beside the shown report's loads; closing the panel aborts them. */
  private readonly exports = new Set<AbortController>();

  static create(services: CostPanelServices, state: CostPanelState): CostPanel {
    const panel = vscode.window.createWebviewPanel(costContract.viewType, costPanelTitle(state.context), vscode.ViewColumn.Active, dashboardWebviewOptions(services.extensionUri));
    const created = new CostPanel(services, panel, state);
    created.startPrefetch();
    return created;
  }

  constructor(
    private readonly services: CostPanelServices,
    panel: vscode.WebviewPanel,
    state: CostPanelState,
  ) {
    super();
    this.state = { ...state };
    panel.title = costPanelTitle(state.context);
    this.host = new WebviewPanelHost({
      panel,
      extensionUri: services.extensionUri,
      bundle: "cost",
      log: services.log,
      fromWebview: CostFromWebview,
      onMessage: (m) => this.handle(m),
      onLiveRefresh: () => void this.reload(),
      refreshMs: costRefreshMs,
    });
  }

  get context(): string {
    return this.state.context;
  }

  override dispose(): void {
    for (const c of this.exports) c.abort();
    this.exports.clear();
    super.dispose();
  }

  startPrefetch(): void {
    const controller = new AbortController();
    const result = this.services.load(this.state.context, this.state.window, this.state.aggregate, controller.signal);
    // Consumed by the ready message, or dropped; a rejection is handled there or not at all.
    result.catch(() => undefined);
    this.prefetch = { key: this.loadKey(), result, controller };
  }

  private loadKey(): string {
    return `${this.state.window}/${this.state.aggregate}`;
  }

  private async handle(m: CostFromWebview): Promise<void> {
    switch (m.type) {
      case "ready":
        return this.reload(this.takePrefetch((p) => p.key === this.loadKey()));
      case "refresh":
        return this.reload();
      case "setWindow":
        this.state.window = m.window;
        return this.reload();
      case "setAggregate":
        this.state.aggregate = m.aggregate;
        return this.reload();
      case "exportShowback":
        return this.exportShowback(m.by);
      case "openService":
        await this.services.openService(this.state.context, m.service);
        return;
      case "connectMetrics":
        await this.services.connectMetrics();
        return this.reload();
    }
  }

  /** Loads the current window and aggregate (or takes over a prefetch of them); a newer load, hiding or closing aborts it. */
  private async reload(prefetched?: Prefetch): Promise<void> {
    const signal = this.host.startLoad();
    if (prefetched) signal.addEventListener("abort", () => prefetched.controller.abort(), { once: true });
    const { context, window, aggregate } = this.state;
    void this.host.post({ type: "loading", context, window, aggregate });
    const message = await this.loadMessage(prefetched?.result ?? this.services.load(context, window, aggregate, signal), `${window} by ${aggregate}`);
    if (!this.host.isCurrent(signal)) return;
    if (message.type === "report") this.lastReport = message.report;
    await this.host.post(message);
  }

  /** A provider's answer as the message the webview gets: a report that parses, or a worded error (the reason in the log). */
  private async loadMessage(pending: Promise<CostLoadResult>, what: string): Promise<Extract<CostToWebview, { type: "report" | "error" }>> {
    let result: CostLoadResult;
    try {
      result = await pending;
    } catch (err) {
      if (err instanceof Error && err.name === "AbortError") return { type: "error", message: "Cancelled." };
      this.services.log.error(`Cost dashboard for ${this.state.context} (${what}): loading failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return { type: "error", message: `Computing the cost report failed: ${errorText(err)}. The AI Platform log has the details.` };
    }
    if (!result.ok) return { type: "error", message: result.message.slice(0, 2000), ...(result.detail ? { detail: result.detail.slice(0, 4000) } : {}) };
    // The webview checks too; checking here puts the reason in the log rather than a console.
    const checked = CostReport.safeParse(result.report);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      this.services.log.error(`Cost dashboard for ${this.state.context} (${what}): the report does not match the contract (${issue ? `${issue.path.join(".")}: ${issue.message}` : "invalid"}).`);
      return { type: "error", message: "The cost report was malformed. The AI Platform log has the details." };
    }
    return { type: "report", window: this.state.window, report: checked.data };
  }

  /** The shown report when it is grouped that way already; otherwise the same window grouped by `by`. */
  private async showbackReport(by: ShowbackBy): Promise<CostReport | undefined> {
    const shown = this.lastReport;
    if (shown?.aggregate === by && shown.window.duration === this.state.window) return shown;
    const controller = new AbortController();
    this.exports.add(controller);
    try {
      const message = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Computing the showback by ${by} for ${this.state.window}…`, cancellable: true },
        (_progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          return this.loadMessage(this.services.load(this.state.context, this.state.window, by, controller.signal), `showback by ${by}`);
        },
      );
      if (controller.signal.aborted) return undefined;
      if (message.type === "error") {
        void vscode.window.showErrorMessage(`Cannot export the showback by ${by}: ${message.message}`);
        return undefined;
      }
      return message.report;
    } finally {
      this.exports.delete(controller);
    }
  }

  private async exportShowback(by: ShowbackBy): Promise<void> {
    const report = await this.showbackReport(by);
    if (!report || this.host.isDisposed) return;
    const name = showbackCsvFileName(this.state.context, report, by);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : vscode.Uri.file(path.join(homedir(), name)),
      filters: { CSV: ["csv"] },
      saveLabel: "Export",
      title: `Export the showback of ${this.state.context} by ${by} (${report.window.duration}) as CSV`,
    });
    // Written exactly where the person chose in the dialog, nowhere else.
    if (!uri) return;
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(showbackCsv(report, by)));
    this.services.log.info(`Exported the showback of ${this.state.context} by ${by} (${report.window.duration}) to ${uri.toString(true)}.`);
    void vscode.window.showInformationMessage(`Exported the showback by ${by} to ${path.basename(uri.path)}.`, "Open").then((choice) => {
      if (choice === "Open") void vscode.commands.executeCommand("vscode.open", uri);
    });
  }
}
