import type * as vscode from "vscode";
import { CommandId } from "../contributionIds";
import type { CommandRunner } from "./commandRunner";

export function registerDiagnosticsCommands(runner: CommandRunner, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return [runner.register(CommandId.showLog, () => log.show(true))];
}
