import * as vscode from "vscode";

/** The extension's one output channel. Tokens and kubeconfig contents never go here. */
export function createLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel("AI Platform", { log: true });
}
