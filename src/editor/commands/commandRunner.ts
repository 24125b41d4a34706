import * as vscode from "vscode";
import { CommandChanges, CommandId } from "../contributionIds";
import { explainReadOnly, explainUntrusted, type UserMessage } from "../explain";
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
export class CommandRunner {
  constructor(private readonly services: CommandRunnerServices) {}

  register<A extends unknown[], R>(id: CommandId, handler: (...args: A) => R | Thenable<R>): vscode.Disposable {
    return vscode.commands.registerCommand(id, (...args: A) => this.run(id, handler, args));
  }

  /** Runs a handler as the command `id` would; exported for commands that call each other. */
  async run<A extends unknown[], R>(id: CommandId, handler: (...args: A) => R | Thenable<R>, args: A): Promise<R | undefined> {
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
      const { log } = this.services;
      log.error(`${id} failed unexpectedly: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      void showUserMessage({ text: `${declared?.action ?? "The command"} failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`, actions: [{ title: "Show Log", command: CommandId.showLog }] });
      return undefined;
    }
  }
}
