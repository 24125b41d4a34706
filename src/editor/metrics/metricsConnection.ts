import * as vscode from "vscode";
import { sourceForContext, type MetricsSourceSetting } from "../../core/metrics/metricsSettings";
import type { MetricsSource } from "../../core/metrics/metricsSource";
import type { ClusterConnection } from "../clusterConnection";
import { readMetricsSources } from "../config";
import { ContextKey, SettingKey } from "../contributionIds";
import type { KubeContextModel } from "../kubeContextModel";
import { MicrosoftSessionCredential } from "./microsoftCredential";
import { decodeStoredSecret, planMetricsSource, secretStorageKey } from "./metricsSourceResolution";

export type MetricsConnectionState =
  | { readonly kind: "none"; readonly context: string | undefined }
  | { readonly kind: "problem"; readonly context: string; readonly entry: MetricsSourceSetting; readonly problem: string }
  | { readonly kind: "ready"; readonly context: string; readonly entry: MetricsSourceSetting; readonly source: MetricsSource };

/**
 * The metrics source of the selected kube context, from `aiPlatform.metrics.sources`, its secrets
 * in SecretStorage and, for Azure, the Microsoft sign-in. Built lazily on the first ask and again
 * after anything it depends on changes (the setting, the context, its kubeconfig, a stored
 * secret); each change fires onDidChange. Secrets never reach the log.
 */
export class MetricsConnection implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private entries: readonly MetricsSourceSetting[] = [];
  private resolving: Promise<MetricsConnectionState> | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly model: KubeContextModel,
    private readonly connection: ClusterConnection,
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
  ) {
    let context = this.contextName;
    this.subscriptions = [
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SettingKey.metricsSources)) this.reread();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.reread()),
      model.onDidChange(() => {
        if (this.contextName === context) return;
        context = this.contextName;
        this.invalidate();
      }),
      // A new cache means a new kubeconfig for the service proxy.
      connection.onDidChangeModel(() => {
        if (this.entry?.service) this.invalidate();
      }),
      secrets.onDidChange((e) => {
        const key = this.entry?.auth?.secretKey;
        if (key !== undefined && e.key === secretStorageKey(key)) this.invalidate();
      }),
    ];
    this.reread();
  }

  /** The selected context's entry, if any: cheap, for menus and the tree. */
  get entry(): MetricsSourceSetting | undefined {
    const context = this.contextName;
    return context === undefined ? undefined : sourceForContext(this.entries, context);
  }

  get contextName(): string | undefined {
    const s = this.model.state;
    return s.kind === "ready" ? s.selected?.name : undefined;
  }

  /** The source for the selected context, built on first ask and kept until something changes. */
  state(): Promise<MetricsConnectionState> {
    this.resolving ??= this.resolve();
    return this.resolving;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }

  private reread(): void {
    const read = readMetricsSources();
    for (const p of read.problems) this.log.warn(p);
    this.entries = read.sources;
    this.invalidate();
  }

  private invalidate(): void {
    this.resolving = undefined;
    void vscode.commands.executeCommand("setContext", ContextKey.metricsConnected, this.entry !== undefined);
    this.changed.fire();
  }

  private async resolve(): Promise<MetricsConnectionState> {
    const context = this.contextName;
    const entry = this.entry;
    if (context === undefined || entry === undefined) return { kind: "none", context };
    const secretKey = entry.auth?.secretKey;
    const secret = secretKey === undefined ? undefined : decodeStoredSecret(await this.secrets.get(secretStorageKey(secretKey)));
    const kubeConfig = this.connection.state.kind !== "none" && this.connection.state.context.name === context ? this.connection.kubeConfig : undefined;
    const planned = planMetricsSource(entry, { kubeConfig, secret });
    if (!planned.ok) {
      this.log.warn(`Metrics for ${context}: ${planned.problem}`);
      return { kind: "problem", context, entry, problem: planned.problem };
    }
    const { createMetricsSourceFromPlan } = await import("./metricsSourceFactory");
    const built = await createMetricsSourceFromPlan(planned.plan, (tenantId) => new MicrosoftSessionCredential(vscode.authentication, { tenantId, interactive: false }));
    if (!built.ok) {
      this.log.warn(`Metrics for ${context}: ${built.problem}`);
      return { kind: "problem", context, entry, problem: built.problem };
    }
    this.log.info(`Metrics for ${context} from ${built.source.description}.`);
    return { kind: "ready", context, entry, source: built.source };
  }
}
