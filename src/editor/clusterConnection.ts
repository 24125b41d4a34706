import type { KubeConfig } from "@kubernetes/client-node";
import * as vscode from "vscode";
import { DisposableStore } from "./disposableStore";
import { ClusterCache, type CacheChange, type ClusterState } from "../core/kube/cache/clusterCache";
import { ClusterModel, type ClusterModelChange } from "../core/kube/cache/clusterModel";
import { kubeConfigForContext, type ContextSummary, type LoadedKubeconfig } from "../core/kube/client/kubeconfig";
import { ContextKey, SettingKey } from "./contributionIds";
import type { KubeContextModel, KubeContextState } from "./kubeContextModel";

export type ConnectionState = { readonly kind: "none" } | (ClusterState & { readonly context: ContextSummary; readonly namespace: string | undefined });

/**
 * The live cache of the selected context: one ClusterCache, replaced when the context or the
 * kubeconfig changes. Watches all namespaces; if the user may only read their context's
 * namespace (403 on a cluster-wide list), it falls back to that namespace.
 */
export class ClusterConnection implements vscode.Disposable {
  private cache: ClusterCache | undefined;
  private kc: KubeConfig | undefined;
  /** What belongs to the current cache: its subscriptions and its model, ended with it. */
  private readonly perCache = new DisposableStore();
  private context: ContextSummary | undefined;
  private connectedTo = "";
  /** performance.now() when the current cache started connecting. */
  connectedAt = 0;
  /** Logged on changes of kind only, not on every retry. */
  private lastKind: ClusterState["kind"] = "connecting";
  private clusterModel: ClusterModel | undefined;
  private readonly cacheChanged = new vscode.EventEmitter<ClusterCache | undefined>();
  private readonly modelChanged = new vscode.EventEmitter<ClusterModel | undefined>();
  private readonly modelDataChanged = new vscode.EventEmitter<ClusterModelChange>();
  private readonly objectsChanged = new vscode.EventEmitter<CacheChange>();
  private readonly stateChanged = new vscode.EventEmitter<ConnectionState>();
  /** A new cache (or none): views rebuild from scratch. */
  readonly onDidChangeCache = this.cacheChanged.event;
  /** Objects changed in the current cache: views refresh what they show of them. */
  readonly onDidChangeObjects = this.objectsChanged.event;
  /** A new model (or none), with the new cache: views start afresh. */
  readonly onDidChangeModel = this.modelChanged.event;
  /** What a change batch changed in the current model: surfaces refresh those rows. */
  readonly onDidChangeModelData = this.modelDataChanged.event;
  readonly onDidChangeState = this.stateChanged.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    model: KubeContextModel,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions = [
      model.onDidChange((s) => this.follow(s)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SettingKey.showAllDeployments)) this.clusterModel?.setOptions(this.modelOptions());
      }),
    ];
    this.follow(model.state);
  }

  get current(): ClusterCache | undefined {
    return this.cache;
  }

  /** The read models of the current cache: what views, commands and documents ask. */
  get model(): ClusterModel | undefined {
    return this.clusterModel;
  }

  /** The credentials of the current context, for changes the user asks for. */
  get kubeConfig(): KubeConfig | undefined {
    return this.kc;
  }

  get state(): ConnectionState {
    if (!this.cache || !this.context) return { kind: "none" };
    return { ...this.cache.state, context: this.context, namespace: this.cache.namespace };
  }

  dispose(): void {
    this.disconnect();
    for (const s of this.subscriptions) s.dispose();
    this.cacheChanged.dispose();
    this.modelChanged.dispose();
    this.modelDataChanged.dispose();
    this.objectsChanged.dispose();
    this.stateChanged.dispose();
  }

  private follow(state: KubeContextState): void {
    if (state.kind !== "ready" || !state.selected) {
      this.connectedTo = "";
      if (this.cache) {
        this.disconnect();
        this.cacheChanged.fire(undefined);
        this.modelChanged.fire(undefined);
        this.publishState();
      }
      return;
    }
    // Reconnect only when what we connect to changed, not on every kubeconfig reload.
    const key = JSON.stringify([state.selected, state.loaded.kubeConfig.getCluster(state.selected.cluster), state.loaded.kubeConfig.getUser(state.selected.user)]);
    if (key === this.connectedTo) return;
    this.connectedTo = key;
    this.connect(state.loaded, state.selected, undefined);
  }

  private connect(loaded: LoadedKubeconfig, context: ContextSummary, namespace: string | undefined): void {
    this.disconnect();
    const kc = kubeConfigForContext(loaded, context.name)?.kubeConfig ?? loaded.kubeConfig;
    this.connectedAt = performance.now();
    this.kc = kc;
    const cache = new ClusterCache(kc, namespace);
    this.cache = cache;
    const clusterModel = new ClusterModel(cache, this.modelOptions());
    this.clusterModel = clusterModel;
    this.lastKind = "connecting";
    this.context = context;
    this.log.info(`Connecting to ${context.name} (${context.server ?? "no server"}), ${namespace ? `namespace ${namespace}` : "all namespaces"}.`);
    this.perCache.addAll([
      cache.onDidChange((change) => this.objectsChanged.fire(change)),
      clusterModel.onDidChange((change) => this.modelDataChanged.fire(change)),
      clusterModel,
      cache.onDidChangeState((s) => {
        const previous = this.lastKind;
        this.lastKind = s.kind;
        // Allowed in one namespace only (a RoleBinding, not a ClusterRoleBinding): watch that one.
        if (s.kind === "forbidden" && s.statusCode === 403 && namespace === undefined && !s.clusterScoped) {
          const fallback = context.namespace ?? "default";
          this.log.warn(`Cannot list ${s.resource} in all namespaces (${s.message}); watching namespace ${fallback} only.`);
          this.connect(loaded, context, fallback);
          return;
        }
        if (s.kind === "synced") this.log.info(`Synced with ${context.name}.`);
        else if (s.kind === "forbidden") this.log.error(`${context.name}: ${s.statusCode} on ${s.resource}: ${s.message}`);
        else if (s.kind === "disconnected" && previous !== "disconnected") this.log.warn(`${context.name}: disconnected (${s.reason}); retrying in ${Math.ceil(s.retryInMs / 1000)} s.`);
        this.publishState();
      }),
    ]);
    cache.start();
    this.cacheChanged.fire(cache);
    this.modelChanged.fire(clusterModel);
    this.publishState();
  }

  private disconnect(): void {
    this.perCache.clear();
    this.cache?.stop();
    this.cache = undefined;
    this.clusterModel = undefined;
    this.kc = undefined;
  }

  private modelOptions(): { showAllDeployments: boolean } {
    return { showAllDeployments: vscode.workspace.getConfiguration().get<boolean>(SettingKey.showAllDeployments) === true };
  }

  private publishState(): void {
    const state = this.state;
    void vscode.commands.executeCommand("setContext", ContextKey.clusterState, state.kind);
    this.stateChanged.fire(state);
  }
}
