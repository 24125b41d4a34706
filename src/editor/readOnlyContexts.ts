import * as vscode from "vscode";
import { checkWritable, type ReadOnlyPolicy, type ReadOnlyRefusal } from "../core/access/readOnlyContexts";
import { readReadOnlyContexts } from "./config";
import { ContextKey, SettingKey } from "./contributionIds";
import type { KubeContextModel } from "./kubeContextModel";

/**
 * Which kube contexts are read-only in this window: the patterns from settings, less the ones
 * the person unlocked for this session (kept in memory only, so a restart locks them again).
 * Keeps the `aiPlatform.contextReadOnly` context key true while the selected context is locked.
 */
export class ReadOnlyContexts implements vscode.Disposable {
  private readonly unlocked = new Set<string>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  private reportedProblem: string | undefined;

  constructor(
    private readonly model: KubeContextModel,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions = [
      this.changed,
      model.onDidChange(() => this.publish()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SettingKey.readOnlyContexts)) this.publish();
      }),
    ];
    this.publish();
  }

  get policy(): ReadOnlyPolicy {
    const read = readReadOnlyContexts();
    if (read.problem && read.problem !== this.reportedProblem) this.log.warn(read.problem);
    this.reportedProblem = read.problem;
    return { patterns: read.value, unlocked: this.unlocked };
  }

  /** Why the context may not be changed now, or undefined. */
  refusal(context: string): ReadOnlyRefusal | undefined {
    return checkWritable(context, this.policy);
  }

  /** The selected context, when it is read-only now. */
  get selectedRefusal(): ReadOnlyRefusal | undefined {
    const state = this.model.state;
    return state.kind === "ready" && state.selected ? this.refusal(state.selected.name) : undefined;
  }

  unlock(context: string): void {
    this.unlocked.add(context);
    this.log.warn(`Context ${context} unlocked for this session: AI Platform may change it until the window reloads.`);
    this.publish();
  }

  lock(context: string): void {
    if (this.unlocked.delete(context)) this.log.info(`Context ${context} is read-only again.`);
    this.publish();
  }

  isUnlocked(context: string): boolean {
    return this.unlocked.has(context);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }

  private publish(): void {
    const state = this.model.state;
    const selected = state.kind === "ready" ? state.selected?.name : undefined;
    void vscode.commands.executeCommand("setContext", ContextKey.contextReadOnly, this.selectedRefusal !== undefined);
    void vscode.commands.executeCommand("setContext", ContextKey.contextUnlocked, selected !== undefined && this.unlocked.has(selected));
    this.changed.fire();
  }
}
