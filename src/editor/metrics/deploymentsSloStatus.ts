import type * as vscode from "vscode";
import { readServiceMetrics } from "../../core/metrics/serviceMetrics";
import type { ClusterConnection } from "../clusterConnection";
import type { KubeContextModel } from "../kubeContextModel";
import type { DeploymentsNode } from "../views/deployments/deploymentsTree";
import type { DeploymentsTreeProvider } from "../views/deployments/deploymentsTreeProvider";
import type { MetricsConnection } from "./metricsConnection";
import { SloStatusBoard, type BoardTarget } from "./sloStatusBoard";
import { metricsTargetOfWorkload } from "./workloadMetricsTarget";

const refreshEveryMs = 60_000;
/** Services read at once; each read is about ten instant queries. */
const concurrentServices = 3;
/** Rows beyond this get no status: a namespace filter narrows the view to what matters. */
const maxServices = 300;

/**
 * The SLO status on the Deployments rows: read from the connected metrics source through core's
 * readServiceMetrics, every minute while the view is visible and never while it is hidden;
 * cleared and cancelled when the context or the source changes. Rows read their status from the
 * board (a map), and only rows whose status changed are fired.
 */
export class DeploymentsSloStatus implements vscode.Disposable {
  private readonly board: SloStatusBoard;
  private timer: NodeJS.Timeout | undefined;
  private lastRefresh = 0;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly deps: {
      readonly model: KubeContextModel;
      readonly connection: ClusterConnection;
      readonly metrics: MetricsConnection;
      readonly provider: DeploymentsTreeProvider;
      readonly view: vscode.TreeView<DeploymentsNode>;
      readonly log: vscode.LogOutputChannel;
    },
  ) {
    this.board = new SloStatusBoard({ concurrency: concurrentServices, onChange: (ids) => deps.provider.refreshWorkloadRows(ids) });
    deps.provider.metricsOf = (id) => this.board.get(id);
    let shownNamespace = deps.model.state.kind === "ready" ? deps.model.state.namespace : undefined;
    this.subscriptions = [
      deps.view.onDidChangeVisibility(() => this.schedule()),
      deps.metrics.onDidChange(() => this.restart()),
      deps.connection.onDidChangeModel(() => this.restart()),
      deps.connection.onDidChangeState((s) => {
        if (s.kind === "synced" && this.board.size === 0) this.schedule(true);
      }),
      // Another namespace shown: its rows want their status now, not in a minute.
      deps.model.onDidChange((state) => {
        const namespace = state.kind === "ready" ? state.namespace : undefined;
        if (namespace === shownNamespace) return;
        shownNamespace = namespace;
        this.schedule(true);
      }),
    ];
    this.schedule();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.board.cancel();
    this.deps.provider.metricsOf = () => undefined;
    for (const s of this.subscriptions) s.dispose();
  }

  /** Another context or source: nothing shown belongs to it any more. */
  private restart(): void {
    this.board.clear();
    this.lastRefresh = 0;
    this.schedule();
  }

  /** Refreshes now if due (or `force`), then every minute, while the view is visible. */
  private schedule(force = false): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    // Hidden, or nothing configured for this context: no timer at all.
    if (!this.deps.view.visible || this.deps.metrics.entry === undefined) {
      this.board.cancel();
      if (this.deps.metrics.entry === undefined) this.board.clear();
      return;
    }
    const due = force ? 0 : Math.max(0, this.lastRefresh + refreshEveryMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh().finally(() => {
        if (this.timer === undefined && this.deps.view.visible) this.timer = setTimeout(() => this.schedule(), refreshEveryMs);
      });
    }, due);
  }

  private async refresh(): Promise<void> {
    this.lastRefresh = Date.now();
    const state = await this.deps.metrics.state();
    // Platform metrics describe Azure resources, not the cluster's workloads.
    if (state.kind === "none" || (state.kind === "ready" && state.source.kind === "azure-monitor")) {
      this.board.clear();
      return;
    }
    const targets = this.targets(state.context);
    if (state.kind === "problem") {
      // Configured but unusable (a secret not stored here, a CA file missing): each row says so.
      const where = state.entry.url ?? (state.entry.service ? `service ${state.entry.service.namespace}/${state.entry.service.name}` : state.entry.kind);
      await this.board.refresh(targets, `the metrics source for ${state.context} (${where})`, () => Promise.resolve({ ok: false, error: { kind: "not-found", detail: state.problem, source: where } }));
      return;
    }
    const source = state.source;
    await this.board.refresh(targets, source.description, (target, signal) => readServiceMetrics(source, target, { now: Math.floor(Date.now() / 1000), signal }));
  }

  /** The workloads the view lists for `context` (its namespace filter applied), as metrics targets. */
  private targets(context: string): BoardTarget[] {
    const model = this.deps.connection.model;
    const ctx = this.deps.model.state;
    if (!model || this.deps.connection.state.kind !== "synced" || ctx.kind !== "ready" || ctx.selected?.name !== context) return [];
    const index = model.workloads;
    const targets: BoardTarget[] = [];
    for (const ns of index.namespaces()) {
      if (ctx.namespace !== undefined && ns !== ctx.namespace) continue;
      for (const w of index.workloads(ns)) {
        if (targets.length >= maxServices) return targets;
        const target = metricsTargetOfWorkload(context, w);
        if (target) targets.push({ id: w.id, target });
      }
    }
    return targets;
  }
}
