import * as vscode from "vscode";
import { formatLogLine, mergeByTime, readPodLog, type LogSource } from "../../core/kube/podLogs";
import type { ClusterConnection } from "../clusterConnection";
import { withAbortSignal } from "../lifecycle";

export const logScheme = "aiplatform-logs";
const tailLinesPerContainer = 2000;

export function logUri(title: string, sources: readonly LogSource[]): vscode.Uri {
  return vscode.Uri.from({ scheme: logScheme, path: `/${title}.log`, query: JSON.stringify(sources) });
}

/**
 * The merged, time-ordered tail of every chosen container's log, as a read-only document.
 * Each pod's lines are capped, so even a large workload stays a document VS Code opens at once.
 */
export class WorkloadLogDocuments implements vscode.TextDocumentContentProvider {
  constructor(
    private readonly connection: ClusterConnection,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const kc = this.connection.kubeConfig;
    if (!kc) return "Not connected to a cluster.\n";
    let sources: LogSource[];
    try {
      sources = JSON.parse(uri.query) as LogSource[];
    } catch {
      return "This log link is not valid.\n";
    }
    return withAbortSignal(token, async (signal) => {
      const streams = await Promise.all(
        sources.map((s) =>
          readPodLog(kc, s, tailLinesPerContainer, signal).catch((err: unknown) => {
            const message = err instanceof Error ? err.message : String(err);
            this.log.warn(`Logs of ${s.namespace}/${s.pod}/${s.container}: ${message}`);
            return [{ time: "", source: s, text: `(no logs: ${message})` }];
          }),
        ),
      );
      const lines = mergeByTime(streams).map((l) => formatLogLine(l, sources.length > 1));
      return `${lines.join("\n")}\n`;
    });
  }
}
