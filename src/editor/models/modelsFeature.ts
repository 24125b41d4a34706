import * as vscode from "vscode";
import * as z from "zod";
import type { ModelRegistry, ModelVersion } from "../../core/registry/modelRegistry";
import { modelsFilter } from "../../core/registry/modelsFilter";
import { versionKey } from "../../core/registry/servedBy";
import type { ClusterConnection } from "../clusterConnection";
import type { CommandRunner } from "../commands/commandRunner";
import { CommandId, ContextKey, SettingKey, ViewId } from "../contributionIds";
import type { KubeContextModel } from "../kubeContextModel";
import { StateFile } from "../stateFile";
import { ModelsCatalog } from "./modelsCatalog";
import { pickModelsFilter } from "./modelsFilterPick";
import { ModelsRegistryConnection } from "./modelsRegistryConnection";
import { ModelsServedBy } from "./modelsServedBy";
import { ModelsNode, modelOfNode, type ServedByState } from "./modelsTree";
import { ModelsTreeProvider } from "./modelsTreeProvider";
import { describeRegistryFailure } from "./registryFailureText";

/** The registry of the selected kube context, as the Models view and its actions see it. */
export type ModelsRegistryState =
  | { readonly kind: "none"; readonly context: string | undefined }
  /** Configured but not usable (a secret not stored, a bad tracking URI): the sentence says why. */
  | { readonly kind: "problem"; readonly context: string; readonly problem: string }
  | {
      readonly kind: "ready";
      readonly context: string;
      readonly registry: ModelRegistry;
      /** Where Open in MLflow goes (the setting's uiUrl, else the tracking URI's web address). */
      readonly uiUrl: string;
      /** The setting's artifactRoots: `mlflow-artifacts:/` prefix → storage root. */
      readonly artifactRoots: Readonly<Record<string, string>>;
    };

/** A workload that serves a version, for the actions (Compare with Serving). */
export interface ServingWorkloadRef {
  /** The ClusterModel's workload id (`Deployment/ns/name`). */
  readonly workloadId: string;
  readonly kind: "Deployment" | "InferenceService";
  readonly namespace: string;
  readonly name: string;
}

/** What a row (or the selection) is about, resolved against the registry. */
export interface ModelsTarget {
  readonly context: string;
  readonly registry: ModelRegistry;
  readonly uiUrl: string;
  readonly artifactRoots: Readonly<Record<string, string>>;
  readonly model: string;
  /** The version row's version (fetched when not loaded); undefined on a model row. */
  readonly version: ModelVersion | undefined;
}

/** The Models view's API for the actions (D2) and tests. */
export interface ModelsFeature {
  currentRegistry(): Promise<ModelsRegistryState>;
  /** The registry serving any context (a manifest environment's, for the model-approved gate). */
  registryFor(context: string): Promise<ModelsRegistryState>;
  /** The workloads whose model resolves to name/version, from the last resolution. */
  servedBy(name: string, version: string): readonly ServingWorkloadRef[];
  /** Asks the registry again (after Set Alias…) and re-renders the rows whose text changed. */
  refresh(): Promise<void>;
  /** The row's model and version, or the view's selection's when no row is given. */
  target(node?: ModelsNode): Promise<ModelsTarget | undefined>;
  /** The registry or what it holds changed. */
  readonly onDidChange: vscode.Event<void>;
}

/** Polling bounds: MLflow has no watch, and a registry should not be asked more than every 10 s. */
const minPollSeconds = 10;
const maxPollSeconds = 3600;
/** Focus brings a refresh unless one ran this recently. */
const focusRefreshAfterMs = 10_000;
/** Cluster change batches are gathered this long before served-by is resolved again. */
const clusterDebounceMs = 250;
const noServedBy: ServedByState = { resolved: undefined, problem: undefined };
const RecentFilters = z.array(z.string().min(1).max(1000)).max(10);

function pollMs(): number {
  const raw = vscode.workspace.getConfiguration().get<unknown>(SettingKey.modelsPollSeconds);
  const seconds = typeof raw === "number" && Number.isFinite(raw) ? raw : 60;
  return Math.min(maxPollSeconds, Math.max(minPollSeconds, seconds)) * 1000;
}

interface Held {
  readonly state: Extract<ModelsRegistryState, { kind: "ready" }>;
  readonly catalog: ModelsCatalog;
  readonly servedBy: ModelsServedBy;
}

/**
 * The Models view: the selected context's registry (ModelsRegistryConnection), its models under
 * the current filter (ModelsCatalog), what serves each version (ModelsServedBy, resolved again on
 * every cluster change without asking the registry), and the tree over them. The registry is
 * asked only while the view is visible: on first showing, every aiPlatform.models.pollSeconds,
 * and when the window regains focus. Filter Models…, Clear and "Load more…" rows are registered
 * here; Connect Model Registry… loads its wizard on first use.
 */
export function registerModelsFeature(deps: {
  readonly extension: Pick<vscode.ExtensionContext, "secrets" | "globalStorageUri">;
  readonly model: KubeContextModel;
  readonly connection: ClusterConnection;
  readonly runner: CommandRunner;
  readonly log: vscode.LogOutputChannel;
}): { readonly models: ModelsFeature; readonly view: vscode.TreeView<ModelsNode>; readonly disposables: readonly vscode.Disposable[] } {
  const { connection, log } = deps;
  const registry = new ModelsRegistryConnection(deps.model, deps.extension.secrets, log);
  const changed = new vscode.EventEmitter<void>();
  const recent = new StateFile(deps.extension.globalStorageUri.fsPath, "models-filters.json", RecentFilters);
  let held: Held | undefined;
  let state: ModelsRegistryState = { kind: "none", context: undefined };
  let filterText: string | undefined;
  let generation = 0;
  let timer: NodeJS.Timeout | undefined;
  let clusterTimer: NodeJS.Timeout | undefined;
  let lastRefresh = 0;
  let refreshing: Promise<void> | undefined;
  let refreshAbort: AbortController | undefined;
  /** Something the running refresh did not ask for is needed: another refresh follows it. */
  let refreshAgain = false;
  /** Problems already logged, so a registry that stays down is logged once, not every minute. */
  let loggedProblem: string | undefined;

  const provider = new ModelsTreeProvider({
    catalog: () => held?.catalog,
    servedBy: () => held?.servedBy.state ?? noServedBy,
    registryUrl: () => held?.state.registry.displayUrl ?? "",
    uiUrl: () => held?.state.uiUrl ?? "",
    notes: () => held?.state.registry.notes() ?? [],
  });
  const view = vscode.window.createTreeView(ViewId.models, { treeDataProvider: provider, showCollapseAll: true });

  const showMessage = (): void => {
    const parts: string[] = [];
    if (state.kind === "problem") parts.push(state.problem);
    if (filterText !== undefined) parts.push(`Filter: ${filterText}`);
    for (const note of held?.state.registry.notes() ?? []) parts.push(`${held?.state.registry.displayUrl ?? "The registry"}: ${note.detail}.`);
    view.message = parts.length > 0 ? parts.join(" · ") : undefined;
    view.description = state.context;
  };

  const logProblems = (h: Held): void => {
    const failure = h.catalog.modelsFailure;
    const problem = (failure ? describeRegistryFailure(failure, h.state.registry.displayUrl) : undefined) ?? h.servedBy.state.problem;
    if (problem !== undefined && problem !== loggedProblem) log.warn(`Models: ${problem}`);
    loggedProblem = problem;
  };

  /** Asks the registry for what the view holds (the first page, the first time) and what serves what. */
  const refreshNow = (): Promise<void> => {
    const h = held;
    if (!h) return Promise.resolve();
    if (refreshing) return refreshing;
    lastRefresh = Date.now();
    const abort = (refreshAbort = new AbortController());
    const run = vscode.window.withProgress({ location: { viewId: ViewId.models } }, async () => {
      await Promise.all([h.catalog.loaded ? h.catalog.poll() : h.catalog.loadModels(), h.servedBy.refresh(abort.signal)]);
      if (h !== held) return;
      logProblems(h);
      showMessage();
      provider.repaint();
      changed.fire();
    });
    const mine: Promise<void> = Promise.resolve(run).finally(() => {
      if (refreshing !== mine) return;
      refreshing = undefined;
      if (refreshAgain && held === h) {
        refreshAgain = false;
        void refreshNow();
      }
    });
    refreshing = mine;
    return mine;
  };

  const schedule = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (!view.visible || !held) return;
    const due = Math.max(0, lastRefresh + pollMs() - Date.now());
    timer = setTimeout(() => {
      timer = undefined;
      void refreshNow().finally(schedule);
    }, due);
  };

  /** A new catalog for the current registry and filter; served-by is kept unless the registry changed. */
  const rebuild = async (registryChanged: boolean): Promise<void> => {
    const mine = ++generation;
    held?.catalog.dispose();
    // A refresh of the old catalog may still run; it paints nothing (it checks `held`), and the new one does not wait for it.
    refreshing = undefined;
    refreshAgain = false;
    if (registryChanged) {
      refreshAbort?.abort();
      held = undefined;
      provider.reset();
      state = await registry.state();
      if (mine !== generation) return;
    }
    const ready = state.kind === "ready" ? state : undefined;
    const servedBy = ready ? (registryChanged || !held ? new ModelsServedBy(ready.registry, ready.artifactRoots) : held.servedBy) : undefined;
    servedBy?.setWorkloads(connection.model?.workloads);
    held = ready && servedBy ? { state: ready, catalog: new ModelsCatalog(ready.registry, filterText === undefined ? undefined : modelsFilter(filterText)), servedBy } : undefined;
    lastRefresh = 0;
    provider.reset();
    showMessage();
    changed.fire();
    if (view.visible) await refreshNow();
    schedule();
  };

  const onCluster = (): void => {
    clearTimeout(clusterTimer);
    clusterTimer = setTimeout(() => {
      clusterTimer = undefined;
      const h = held;
      if (!h) return;
      const before = h.servedBy.needsRegistry;
      h.servedBy.setWorkloads(connection.model?.workloads);
      // The first workload that names a model: the registry is read for it now, not at the next
      // poll. A refresh already running skipped the scan (nothing needed it then): one follows it.
      if (!before && h.servedBy.needsRegistry && view.visible) {
        if (refreshing) refreshAgain = true;
        else void refreshNow();
      }
      provider.repaint();
      changed.fire();
    }, clusterDebounceMs);
  };

  const setFilter = async (text: string | undefined): Promise<void> => {
    filterText = text;
    void vscode.commands.executeCommand("setContext", ContextKey.modelsFiltered, text !== undefined);
    if (text !== undefined) {
      const list = [text, ...((await recent.read()) ?? []).filter((t) => t !== text)].slice(0, 10);
      await recent.write(list).catch((err: unknown) => log.warn(`Could not keep the recent model filters: ${err instanceof Error ? err.message : String(err)}`));
    }
    await rebuild(false);
  };

  const target = async (node?: ModelsNode): Promise<ModelsTarget | undefined> => {
    const row = node ?? view.selection[0];
    const h = held;
    const about = row ? modelOfNode(row, h?.servedBy.state.resolved) : undefined;
    if (!about || !h) return undefined;
    let version: ModelVersion | undefined;
    if (about.version !== undefined) {
      version = h.catalog.versionsOf(about.name)?.items.find((v) => v.version === about.version);
      if (!version) {
        const fetched = await h.state.registry.getModelVersion(about.name, about.version);
        if (!fetched.ok) return undefined;
        version = fetched.value;
      }
    }
    const { context, registry: client, uiUrl, artifactRoots } = h.state;
    return { context, registry: client, uiUrl, artifactRoots, model: about.name, version };
  };

  const models: ModelsFeature = {
    currentRegistry: () => registry.state(),
    registryFor: (context) => registry.stateFor(context),
    servedBy: (name, version) => (held?.servedBy.state.resolved?.byVersion.get(versionKey(name, version)) ?? []).map((w) => ({ workloadId: w.id, kind: w.kind, namespace: w.namespace, name: w.name })),
    refresh: refreshNow,
    target,
    onDidChange: changed.event,
  };

  const disposables: vscode.Disposable[] = [
    view,
    provider,
    registry,
    changed,
    registry.onDidChange(() => void rebuild(true)),
    view.onDidChangeVisibility(() => {
      if (view.visible && held && !held.catalog.loaded) void refreshNow();
      schedule();
    }),
    vscode.window.onDidChangeWindowState((w) => {
      if (w.focused && view.visible && Date.now() - lastRefresh > focusRefreshAfterMs) void refreshNow().finally(schedule);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SettingKey.modelsPollSeconds)) schedule();
    }),
    connection.onDidChangeModel(onCluster),
    connection.onDidChangeModelData((c) => {
      if (c.workloads.size > 0) onCluster();
    }),
    deps.runner.register(CommandId.filterModels, async () => {
      const chosen = await pickModelsFilter({ current: filterText, recent: (await recent.read()) ?? [], preview: modelsFilter });
      if (chosen === undefined) return;
      await setFilter(chosen.kind === "clear" ? undefined : chosen.text);
    }),
    deps.runner.register(CommandId.clearModelFilter, () => setFilter(undefined)),
    deps.runner.registerRowCommand(CommandId.loadMoreModels, ModelsNode, async (node) => {
      const h = held;
      if (!h || !node) return;
      await vscode.window.withProgress({ location: { viewId: ViewId.models } }, async () => {
        if (node.type === "loadMoreModels") await h.catalog.loadMoreModels();
        else if (node.type === "loadMoreVersions") await h.catalog.loadMoreVersions(node.name);
      });
      if (h === held) provider.repaint();
    }),
    // The wizard is its own lazy module: most sessions never run it.
    deps.runner.register(CommandId.connectModelRegistry, async () =>
      (await import("./connectRegistryWizard")).connectRegistry({ model: deps.model, registry, secrets: deps.extension.secrets, log }),
    ),
    {
      dispose: () => {
        generation++;
        clearTimeout(timer);
        clearTimeout(clusterTimer);
        refreshAbort?.abort();
        held?.catalog.dispose();
      },
    },
  ];
  void rebuild(true);
  return { models, view, disposables };
}
