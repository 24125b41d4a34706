import * as vscode from "vscode";
import type * as z from "zod";
import { DisposableStore } from "../disposableStore";
import { CommandChanges, type CommandId } from "../contributionIds";
import { explainFailure, explainReadOnly, explainUntrusted, type UserMessage } from "../explain";
import type { ReadOnlyContexts } from "../readOnlyContexts";

export interface CommandRunnerServices {
  readonly log: vscode.LogOutputChannel;
  readonly readOnly: ReadOnlyContexts;
}

/**
 * Shows a worded message with its buttons and runs the chosen one. Not awaited by commands: a
 * notification's buttons must never hold a command open.
 */
export function showUserMessage(message: UserMessage, severity: "error" | "warning" | "info" = "error"): Thenable<void> {
  const show = severity === "error" ? vscode.window.showErrorMessage : severity === "warning" ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  return show(message.text, ...message.actions.map((a) => a.title)).then(async (chosen) => {
    const action = message.actions.find((a) => a.title === chosen);
    if (action) await vscode.commands.executeCommand(action.command, ...(action.args ?? []));
  });
}

function isCancellation(err: unknown): boolean {
  return err instanceof vscode.CancellationError || (err instanceof Error && err.name === "AbortError");
}

/**
 * The one way an editor command is registered. Before the handler runs, it refuses what the
 * command's declaration (CommandChanges) forbids: any change in Restricted Mode, a change to the
 * selected cluster while its context is read-only. While it runs, cancellation is quiet, and an
 * unexpected error is logged and shown with Show Log instead of vanishing into the host log.
 */
type Registrar = (id: CommandId, callback: (...args: never[]) => unknown) => vscode.Disposable;

export class CommandRunner {
  constructor(
    private readonly services: CommandRunnerServices,
    private readonly registrar: Registrar = (id, callback) => vscode.commands.registerCommand(id, callback),
  ) {}

  register<A extends unknown[], R>(id: CommandId, handler: (...args: A) => R | Thenable<R>): vscode.Disposable {
    return this.registrar(id, (...args: A) => this.run(id, handler, args));
  }

  /**
   * Commands whose module loads on their first run, so activation neither reads nor evaluates it:
   * `load` imports the module and registers its commands on the runner it is given, exactly as an
   * eager module would. What it returns is disposed with the returned disposables.
   */
  registerLazily(ids: readonly CommandId[], load: (runner: CommandRunner) => Promise<readonly vscode.Disposable[]>): vscode.Disposable[] {
    return this.registerDeferred(ids, load).disposables;
  }

  /**
   * As registerLazily, for a feature that runs in every session but need not hold up activation:
   * its commands are registered now, and its module starts loading as soon as activation has
   * returned (a command run before then waits for it).
   */
  registerInBackground(ids: readonly CommandId[], load: (runner: CommandRunner) => Promise<readonly vscode.Disposable[]>): vscode.Disposable[] {
    const deferred = this.registerDeferred(ids, load);
    const timer = setTimeout(() => {
      deferred.load().catch((err: unknown) => {
        const first = ids[0];
        if (first) this.reportUnexpected(first, "its module did not load", "A view could not start", err);
      });
    }, 0);
    return [...deferred.disposables, { dispose: () => clearTimeout(timer) }];
  }

  private registerDeferred(ids: readonly CommandId[], load: (runner: CommandRunner) => Promise<readonly vscode.Disposable[]>): { disposables: vscode.Disposable[]; load: () => Promise<void> } {
    const handlers = new Map<CommandId, (...args: unknown[]) => unknown>();
    const owned = new DisposableStore();
    const capture = new CommandRunner(this.services, (id, callback) => {
      handlers.set(id, callback as (...args: unknown[]) => unknown);
      return { dispose: () => handlers.delete(id) };
    });
    let loading: Promise<void> | undefined;
    const loaded = (): Promise<void> =>
      (loading ??= load(capture).then(
        (disposables) => owned.addAll(disposables),
        (err: unknown) => {
          loading = undefined;
          throw err;
        },
      ));
    const disposables = [
      ...ids.map((id) =>
        vscode.commands.registerCommand(id, async (...args: unknown[]) => {
          try {
            await loaded();
          } catch (err) {
            this.reportUnexpected(id, "its module did not load", `${CommandChanges[id]?.action ?? id} could not start`, err);
            return undefined;
          }
          const handler = handlers.get(id);
          if (!handler) throw new Error(`${id} was not registered by its module`);
          return handler(...args);
        }),
      ),
      owned,
    ];
    return { disposables, load: loaded };
  }

  /**
   * A command whose first argument is a tree row (or nothing, from the palette). A row that does
   * not parse (a stale or forged argument, a button from another extension) is logged and
   * dropped, never acted on.
   */
  registerRowCommand<T, R>(id: CommandId, row: z.ZodType<T>, handler: (row: T | undefined) => R | Thenable<R>): vscode.Disposable {
    return this.registrar(id, (arg?: unknown) => {
      if (arg === undefined || arg === null) return this.run(id, handler, [undefined]);
      const parsed = row.safeParse(arg);
      if (!parsed.success) {
        this.services.log.warn(`${id}: ignored an argument that is not a row of this view (${parsed.error.issues[0]?.message ?? "invalid"}).`);
        return undefined;
      }
      return this.run(id, handler, [parsed.data]);
    });
  }

  private async run<A extends unknown[], R>(id: CommandId, handler: (...args: A) => R | Thenable<R>, args: A): Promise<R | undefined> {
    const declared = CommandChanges[id];
    if (declared && !vscode.workspace.isTrusted) {
      void showUserMessage(explainUntrusted(declared.action), "warning");
      return undefined;
    }
    if (declared?.changes === "selected-cluster") {
      const refusal = this.services.readOnly.selectedRefusal;
      if (refusal) {
        this.services.log.warn(`${declared.action} refused: context ${refusal.context} is read-only (${refusal.pattern}).`);
        void showUserMessage(explainReadOnly(declared.action, refusal), "warning");
        return undefined;
      }
    }
    try {
      return await handler(...args);
    } catch (err) {
      if (isCancellation(err)) return undefined;
      this.reportUnexpected(id, "failed unexpectedly", `${declared?.action ?? "The command"} failed unexpectedly`, err);
      return undefined;
    }
  }

  /** The stack goes to the log; the person gets the message and Show Log. */
  private reportUnexpected(id: CommandId, logged: string, shown: string, err: unknown): void {
    this.services.log.error(`${id}: ${logged}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    void showUserMessage(explainFailure(`${shown}: ${err instanceof Error ? err.message : String(err)}`));
  }
}
