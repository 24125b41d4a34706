import { stat } from "node:fs/promises";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  describeKubeconfigError,
  kubeconfigSearchPath,
  loadKubeconfig,
  type ContextSummary,
  type KubeconfigError,
  type KubeconfigSearch,
  type LoadedKubeconfig,
} from "../core/kube/client/kubeconfig";
import { readKubeconfigPaths } from "./config";
import { ContextKey, SettingKey } from "./contributionIds";
import type { SelectedContextStore } from "./selectedContextStore";

export type KubeContextState =
  | { readonly kind: "loading" }
  | { readonly kind: "error"; readonly error: KubeconfigError; readonly search: KubeconfigSearch }
  | {
      readonly kind: "ready";
      readonly loaded: LoadedKubeconfig;
      readonly search: KubeconfigSearch;
      readonly selected: ContextSummary | undefined;
      /** The namespace the trees show for the selected context; undefined for all. */
      readonly namespace: string | undefined;
    };

const reloadDebounceMs = 250;
/**
 * A file watcher misses a change made before it is set up, and on some file systems (network
 * drives, WSL mounts) misses changes altogether; so the watched files' stamps are also compared
 * this often. Three stat calls or so, nothing read.
 */
const stampPollMs = 3_000;

/**
 * Which kubeconfig contexts exist and which one the user works in. The choice is remembered in
 * the extension's global storage, never written into the kubeconfig, so kubectl in a terminal is not
 * switched behind the user's back. Kubeconfig files are watched, so edits show up live.
 */
export class KubeContextModel implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<KubeContextState>();
  readonly onDidChange = this.changed.event;
  private current: KubeContextState = { kind: "loading" };
  private watchers: vscode.Disposable[] = [];
  private watchedPaths = "";
  private readonly subscriptions: vscode.Disposable[] = [];
  private reloadTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  /** path → "mtime/size" (or "none") as last seen by the poll. */
  private stamps = new Map<string, string>();
  private generation = 0;

  constructor(
    private readonly store: SelectedContextStore,
    private readonly log: vscode.LogOutputChannel,
    private readonly env: Readonly<Record<string, string | undefined>> = process.env,
  ) {
    this.subscriptions.push(
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SettingKey.kubeconfigPaths)) this.scheduleReload();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.scheduleReload()),
    );
  }

  get state(): KubeContextState {
    return this.current;
  }

  /** Reads the kubeconfig again; overlapping calls settle on the newest result. */
  async reload(): Promise<KubeContextState> {
    const generation = ++this.generation;
    const setting = readKubeconfigPaths();
    if (setting.problem) this.log.warn(setting.problem);
    const search = kubeconfigSearchPath({ configured: setting.value, env: this.env });
    const result = await loadKubeconfig(search);
    if (generation !== this.generation) return this.current;

    this.watch(search.paths);
    if (!result.ok) {
      this.log.error(`Kubeconfig (from ${search.source}): ${describeKubeconfigError(result.error)}`);
      this.publish({ kind: "error", error: result.error, search });
      return this.current;
    }
    for (const file of result.missing) this.log.warn(`Kubeconfig file ${file} (from ${search.source}) does not exist; skipped.`);
    this.log.info(`Read ${result.contexts.length} contexts from ${result.files.join(path.delimiter)}.`);
    const selected = await this.resolveSelection(result);
    const namespace = selected ? await this.store.namespaceOf(selected.name).catch(() => undefined) : undefined;
    if (generation !== this.generation) return this.current;
    this.publish({ kind: "ready", loaded: result, search, selected, namespace });
    return this.current;
  }

  /** For callers that do not wait: an unexpected failure is logged, never left unhandled. */
  reloadInBackground(): void {
    this.reload().catch((err: unknown) => this.log.error("Reading the kubeconfig failed unexpectedly", err));
  }

  /** Remembers the chosen context. Returns false when no context has that name. */
  async select(name: string): Promise<boolean> {
    if (this.current.kind !== "ready") return false;
    const found = this.current.loaded.contexts.find((c) => c.name === name);
    if (!found) return false;
    try {
      await this.store.write(name);
    } catch (err) {
      // The choice still holds for this session; only remembering it failed.
      this.log.warn(`Could not remember the selected context for next time: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.log.info(`Selected Kubernetes context ${name}.`);
    const namespace = await this.store.namespaceOf(name).catch(() => undefined);
    if (this.current.kind !== "ready") return false;
    this.publish({ ...this.current, selected: found, namespace });
    return true;
  }

  /** Shows one namespace (or all, with undefined) in the trees, remembered per context. */
  async selectNamespace(namespace: string | undefined): Promise<boolean> {
    const state = this.current;
    if (state.kind !== "ready" || !state.selected) return false;
    try {
      await this.store.setNamespace(state.selected.name, namespace);
    } catch (err) {
      this.log.warn(`Could not remember the namespace for next time: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.log.info(`Showing ${namespace ? `namespace ${namespace}` : "all namespaces"} of ${state.selected.name}.`);
    if (this.current !== state) return false;
    this.publish({ ...state, namespace });
    return true;
  }

  dispose(): void {
    clearTimeout(this.reloadTimer);
    clearInterval(this.pollTimer);
    for (const d of [...this.watchers, ...this.subscriptions]) d.dispose();
    this.watchers = [];
  }

  private async resolveSelection(loaded: LoadedKubeconfig): Promise<ContextSummary | undefined> {
    const remembered = await this.store.read();
    if (remembered !== undefined) {
      const found = loaded.contexts.find((c) => c.name === remembered);
      if (found) return found;
      this.log.warn(`The remembered context ${remembered} is no longer in the kubeconfig; using its current-context instead.`);
    }
    return loaded.contexts.find((c) => c.name === loaded.currentContext);
  }

  private publish(state: KubeContextState): void {
    this.current = state;
    const kubeconfigState = state.kind === "ready" ? "ready" : state.kind === "loading" ? "loading" : state.error.kind === "none-found" ? "missing" : "invalid";
    void vscode.commands.executeCommand("setContext", ContextKey.kubeconfigState, kubeconfigState);
    void vscode.commands.executeCommand("setContext", ContextKey.contextSelected, state.kind === "ready" && state.selected !== undefined);
    this.changed.fire(state);
  }

  private scheduleReload(): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => this.reloadInBackground(), reloadDebounceMs);
  }

  /** Watches each file of the search path, including ones that do not exist yet. */
  private watch(paths: readonly string[]): void {
    const key = paths.join("\0");
    if (key === this.watchedPaths) return;
    this.watchedPaths = key;
    for (const d of this.watchers) d.dispose();
    this.stamps = new Map();
    clearInterval(this.pollTimer);
    this.pollTimer = setInterval(() => void this.compareStamps(paths), stampPollMs);
    void this.compareStamps(paths);
    this.watchers = paths.map((file) => {
      const watcher = vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)),
      );
      const onChange = (): void => this.scheduleReload();
      watcher.onDidCreate(onChange);
      watcher.onDidChange(onChange);
      watcher.onDidDelete(onChange);
      return watcher;
    });
  }

  /** Reloads when a watched file's modification time or size differs from the last poll's. */
  private async compareStamps(paths: readonly string[]): Promise<void> {
    const seen = await Promise.all(
      paths.map(async (file) => {
        const st = await stat(file).catch(() => undefined);
        return [file, st ? `${st.mtimeMs}/${st.size}` : "none"] as const;
      }),
    );
    const first = this.stamps.size === 0;
    let changed = false;
    for (const [file, stamp] of seen) {
      if (!first && this.stamps.get(file) !== stamp) changed = true;
      this.stamps.set(file, stamp);
    }
    if (changed) this.scheduleReload();
  }
}
