import * as vscode from "vscode";
import * as z from "zod";
import { CommandId } from "../contributionIds";
import type { KubeContextModel } from "../kubeContextModel";
import type { ReadOnlyContexts } from "../readOnlyContexts";
import type { CommandRunner } from "./commandRunner";

/** A context name passed by a notification button; anything else means "the selected context". */
const ContextArg = z.string().min(1).max(253).optional().catch(undefined);

function selectedContext(model: KubeContextModel): string | undefined {
  const state = model.state;
  return state.kind === "ready" ? state.selected?.name : undefined;
}

/** Unlock Context for This Session… and Lock Context Again: the read-only switch, per window. */
export function registerContextLockCommands(runner: CommandRunner, model: KubeContextModel, readOnly: ReadOnlyContexts): vscode.Disposable[] {
  return [
    runner.register(CommandId.unlockContext, async (arg?: unknown): Promise<boolean> => {
      const context = ContextArg.parse(arg) ?? selectedContext(model);
      if (!context) {
        void vscode.window.showInformationMessage("Select a Kubernetes context first.");
        return false;
      }
      const refusal = readOnly.refusal(context);
      if (!refusal) {
        void vscode.window.showInformationMessage(`Context ${context} is not read-only; nothing to unlock.`);
        return false;
      }
      const choice = await vscode.window.showWarningMessage(
        `Unlock ${context} for this session?`,
        { modal: true, detail: `It matches "${refusal.pattern}" in your read-only contexts. Until this window reloads, AI Platform may deploy, roll back, restart, scale, cordon and approve there, after the usual confirmations.` },
        "Unlock",
      );
      if (choice !== "Unlock") return false;
      readOnly.unlock(context);
      return true;
    }),
    runner.register(CommandId.lockContext, (arg?: unknown): boolean => {
      const context = ContextArg.parse(arg) ?? selectedContext(model);
      if (!context || !readOnly.isUnlocked(context)) return false;
      readOnly.lock(context);
      return true;
    }),
  ];
}
