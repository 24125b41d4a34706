import * as vscode from "vscode";
import { CommandId } from "../contributionIds";

export function registerDiagnosticsCommands(log: vscode.LogOutputChannel): vscode.Disposable[] {
  return [vscode.commands.registerCommand(CommandId.showLog, () => log.show(true))];
}
