import * as vscode from "vscode";
import type { CostAggregate, CostReport, CostWindowPreset } from "../../shared/protocol/cost";
import type { ClusterConnection } from "../clusterConnection";
import type { MetricsConnection } from "../metrics/metricsConnection";
import type { ClusterViews } from "../views/clusterViews";
import { CostReportBoard, type CostLoad } from "./costReportBoard";
import { affectsCost } from "./costSettings";
import { changedRowIds } from "./costTreeText";

/** How often the trees' report is recomputed while a view shows it. */
export const costRefreshEveryMs = 5 * 60_000;
/** After connecting, the trees paint first; the cost report follows. */
const afterSyncMs = 3_000;
/** The window behind the trees' figures (cost per 1K, idle cost); utilisation is "now" and "1h" whatever the window. */
export const treeCostWindow: CostWindowPreset = "1d";

export interface CostFeature {
  /** The latest per-service report of `context`, if one was computed (by the trees' refresh or the dashboard). */
  latest(context: string): CostReport | undefined;
  /**
   * A report for the dashboard (the cost panel's `load`): computed on demand; a per-service
   * report also becomes the trees' latest.
   */
  load(context: string, window: CostWindowPreset, aggregate: CostAggregate, signal: AbortSignal): Promise<CostLoad>;
  /** Fires with the context whose latest report changed. */
  readonly onDidChange: vscode.Event<string>;
}

/**
 * Cost in the editor: the latest per-service cost report of each context, recomputed in the
 * background every few minutes while the GPU Nodes or the Deployments view is visible (never
 * while both are hidden, never blocking a view: rows render from what is held), shown on the
 * GPU Nodes rows (utilisation, cost per hour) and in the Deployments tooltips (cost per 1K, GPU
 * efficiency). Only rows whose cost text changed are fired. The cost model loads on first use.
 */
export function registerCostFeature(deps: {
  readonly connection: ClusterConnection;
  readonly metrics: MetricsConnection;
  readonly views: ClusterViews;
  readonly log: vscode.LogOutputChannel;
  /** The audit log file, for deploy markers on the dashboard's cost-per-1K chart. */
  readonly auditFile?: () => string;
}): { readonly cost: CostFeature; readonly disposables: readonly vscode.Disposable[] } {
  const changed = new vscode.EventEmitter<string>();
  const shownContext = (): string | undefined => (deps.connection.state.kind === "none" ? undefined : deps.connection.state.context.name);
  const { gpuNodes, deployments } = deps.views;
  let gpuKeys = new Map<string, string>();
  let deploymentKeys = new Map<string, string>();
  /** Fires the rows whose cost text differs from what they showed. */
  const repaint = (): void => {
    const nextGpu = gpuNodes.costKeys();
    const nextDeployments = deployments.costKeys();
    gpuNodes.refreshCostRows(changedRowIds(gpuKeys, nextGpu));
    deployments.refreshWorkloadRows(changedRowIds(deploymentKeys, nextDeployments));
    gpuKeys = nextGpu;
    deploymentKeys = nextDeployments;
  };
  const board = new CostReportBoard({
    onChange: (context) => {
      if (context === shownContext()) repaint();
      changed.fire(context);
    },
  });
  gpuNodes.costOf = () => board.get(shownContext());
  deployments.costOf = () => board.get(shownContext());

  const services = { connection: deps.connection, metrics: deps.metrics, log: deps.log, ...(deps.auditFile ? { auditFile: deps.auditFile } : {}) };
  const load = async (context: string, window: CostWindowPreset, aggregate: CostAggregate, signal: AbortSignal): Promise<CostLoad> =>
    (await import("./costData")).loadCostReport(services, context, window, aggregate, signal);

  let timer: NodeJS.Timeout | undefined;
  let lastRefresh = 0;
  let lastProblem: string | undefined;
  const visible = (): boolean => deps.views.gpuNodesView.visible || deps.views.deploymentsView.visible;
  const schedule = (delayMs?: number): void => {
    clearTimeout(timer);
    timer = undefined;
    const context = shownContext();
    if (!visible() || context === undefined || deps.connection.state.kind !== "synced") {
      board.cancel();
      return;
    }
    const due = delayMs ?? Math.max(0, lastRefresh + costRefreshEveryMs - Date.now());
    timer = setTimeout(() => {
      timer = undefined;
      lastRefresh = Date.now();
      void board
        .refresh(context, (signal) => load(context, treeCostWindow, "service", signal))
        .then(() => {
          // Logged when it changes, not every few minutes while it lasts.
          const problem = board.problem(context);
          if (problem !== undefined && problem !== lastProblem) deps.log.warn(`Cost for ${context}: ${problem}`);
          lastProblem = problem;
        })
        .finally(() => {
          if (timer === undefined && visible()) schedule();
        });
    }, due);
  };

  const disposables: vscode.Disposable[] = [
    changed,
    deps.views.gpuNodesView.onDidChangeVisibility(() => schedule()),
    deps.views.deploymentsView.onDidChangeVisibility(() => schedule()),
    deps.connection.onDidChangeState((s) => {
      if (s.kind === "synced" && board.get(shownContext()) === undefined) schedule(afterSyncMs);
    }),
    // Another context: its rows show its own report (or none); the running refresh was for the old one.
    deps.connection.onDidChangeModel(() => {
      board.cancel();
      lastRefresh = 0;
      repaint();
    }),
    // Another metrics source, prices or team label: the figures held were computed from the old ones.
    deps.metrics.onDidChange(() => {
      lastRefresh = 0;
      schedule(afterSyncMs);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!affectsCost(e)) return;
      board.clear();
      lastRefresh = 0;
      schedule(0);
    }),
    {
      dispose: () => {
        clearTimeout(timer);
        board.cancel();
        gpuNodes.costOf = () => undefined;
        deployments.costOf = () => undefined;
      },
    },
  ];
  schedule(afterSyncMs);

  const cost: CostFeature = {
    latest: (context) => board.get(context),
    load: async (context, window, aggregate, signal) => {
      const result = await load(context, window, aggregate, signal);
      // Only a report of the trees' own window: a 7- or 30-day dashboard would otherwise change
      // every row's figures (and their window) until the next refresh turned them back.
      if (result.ok && window === treeCostWindow) board.offer(context, result.report);
      return result;
    },
    onDidChange: changed.event,
  };
  return { cost, disposables };
}
