import * as vscode from "vscode";
import * as z from "zod";
import { followPodLog, formatLogLine, mergeByTime, readPodLog, type LogSource } from "../../core/kube/workloads/podLogs";
import type { ClusterConnection } from "../clusterConnection";
import { withAbortSignal } from "../lifecycle";

export const logScheme = "aiplatform-logs";
const tailLinesPerContainer = 2000;
/** A followed log keeps this many lines; older ones are dropped so the editor stays responsive. */
const maxFollowedLines = 100_000;
const followRefreshMs = 500;

const LogQuery = z.object({
  sources: z.array(z.object({ namespace: z.string().min(1), pod: z.string().min(1), container: z.string().min(1) })).min(1).max(500),
  follow: z.boolean(),
});

export function logUri(title: string, sources: readonly LogSource[], follow: boolean): vscode.Uri {
  return vscode.Uri.from({ scheme: logScheme, path: `/${title}${follow ? " (following)" : ""}.log`, query: JSON.stringify({ sources, follow }) });
}

interface Followed {
  readonly lines: string[];
  readonly controller: AbortController;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Workload logs as read-only documents: the merged, time-ordered tail of the chosen containers,
 * or, when following, that tail and then every new line as it arrives (`kubectl logs -f` on
 * each container), capped at 100,000 lines and redrawn at most twice a second.
 */
export class WorkloadLogDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly followed = new Map<string, Followed>();
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly connection: ClusterConnection,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = vscode.workspace.onDidCloseTextDocument((doc) => this.stop(doc.uri.toString()));
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const kc = this.connection.kubeConfig;
    if (!kc) return "Not connected to a cluster.\n";
    let query: z.infer<typeof LogQuery>;
    try {
      query = LogQuery.parse(JSON.parse(uri.query));
    } catch {
      return "This log link is not valid.\n";
    }
    const showSource = query.sources.length > 1;
    if (query.follow) {
      const key = uri.toString();
      const existing = this.followed.get(key);
      if (existing) return `${existing.lines.join("\n")}\n`;
      this.follow(key, uri, query.sources, showSource);
      return `# Following ${query.sources.length} container${showSource ? "s" : ""}; new lines appear at the bottom. Close this tab to stop.\n`;
    }
    return withAbortSignal(token, async (signal) => {
      const streams = await Promise.all(
        query.sources.map((s) =>
          readPodLog(kc, s, tailLinesPerContainer, signal).catch((err: unknown) => {
            const message = err instanceof Error ? err.message : String(err);
            this.log.warn(`Logs of ${s.namespace}/${s.pod}/${s.container}: ${message}`);
            return [{ time: "", source: s, text: `(no logs: ${message})` }];
          }),
        ),
      );
      return `${mergeByTime(streams)
        .map((l) => formatLogLine(l, showSource))
        .join("\n")}\n`;
    });
  }

  dispose(): void {
    for (const key of [...this.followed.keys()]) this.stop(key);
    this.subscription.dispose();
    this.changed.dispose();
  }

  private follow(key: string, uri: vscode.Uri, sources: readonly LogSource[], showSource: boolean): void {
    const kc = this.connection.kubeConfig;
    if (!kc) return;
    const state: Followed = { lines: [`# Following ${sources.length} container${showSource ? "s" : ""}; new lines appear at the bottom. Close this tab to stop.`], controller: new AbortController(), timer: undefined };
    this.followed.set(key, state);
    const redraw = (): void => {
      state.timer ??= setTimeout(() => {
        state.timer = undefined;
        this.changed.fire(uri);
      }, followRefreshMs);
    };
    const add = (text: string): void => {
      state.lines.push(text);
      // Drop in chunks, not line by line, so a busy log costs O(1) a line.
      if (state.lines.length > maxFollowedLines + 10_000) state.lines.splice(1, state.lines.length - maxFollowedLines);
      redraw();
    };
    for (const source of sources) {
      followPodLog(kc, source, 200, (line) => add(formatLogLine(line, showSource)), state.controller.signal).then(
        () => {
          if (!state.controller.signal.aborted) add(`# ${source.pod}/${source.container}: the log stream ended (the container stopped or the connection closed).`);
        },
        (err: unknown) => {
          const message = err instanceof Error ? err.message : String(err);
          this.log.warn(`Following ${source.namespace}/${source.pod}/${source.container}: ${message}`);
          add(`# ${source.pod}/${source.container}: ${message}`);
        },
      );
    }
  }

  private stop(key: string): void {
    const state = this.followed.get(key);
    if (!state) return;
    state.controller.abort();
    clearTimeout(state.timer);
    this.followed.delete(key);
  }
}
