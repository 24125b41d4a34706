import type * as vscode from "vscode";

/**
 * The one bridge from VS Code's CancellationToken to the AbortSignal that core functions take.
 * Runs `work` with a signal that aborts when the token is cancelled, and detaches afterwards.
 */
export async function withAbortSignal<T>(token: vscode.CancellationToken, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  const listener = token.onCancellationRequested(() => {
    controller.abort();
  });
  try {
    return await work(controller.signal);
  } finally {
    listener.dispose();
  }
}
